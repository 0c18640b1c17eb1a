"""The App Home tab: what it shows and when it is republished."""
