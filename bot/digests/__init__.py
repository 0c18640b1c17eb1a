"""Team digests: weekly aggregates and shared highlights posted to a channel."""
