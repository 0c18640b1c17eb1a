"""One staff-shaped problem (issue 17 item 3): storage, flows, and what a check-in shows."""
