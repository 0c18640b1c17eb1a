"""Everything the app sends on its own, in one place.

- `errors`: the one classification of a failed Web API call (gone, rate-limited, transient).
- `sender`: the one way to call Slack in bulk (pacing, Retry-After, 5xx backoff).
- `claim`: the one way to claim outbox rows (SKIP LOCKED on PostgreSQL, one writer on SQLite).
- `status`: the one vocabulary of a delivery's life (pending → claimed → sent/failed/unknown).
- `reconcile`: the one history look-up that settles a delivery whose outcome is unknown.
- `outbox`: the one delivery loop and the lifecycle of a one-row, one-message delivery.
"""
