"""Work queued by a request for after its ack, done once by a runner (see queue.py)."""
