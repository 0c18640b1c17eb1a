"""Block Kit builders: pure functions from data to blocks. All Block Kit is built here."""
