"""The quarterly promotion story (issue 17.5): a draft assembled from the log, which its owner
edits into their story."""
