"""PostgreSQL connections whose every wait on the server has a deadline.

libpq's `connect_timeout` bounds only connecting, the server's `statement_timeout` only a
server that still answers, and TCP keepalives / `tcp_user_timeout` only a network that drops
packets. A database behind something that accepts bytes and forwards nothing (a stuck proxy
or load balancer, a frozen host) would still hang a request forever. psycopg waits for the
server in `Connection.wait`; here that wait has a deadline, after which the connection is
closed (its state is unknown) and an OperationalError says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors


class _NeverRaised(Exception):
    pass


# psycopg's own "wait timeout expired" (psycopg >= 3.3); private, so looked up softly.
_WAIT_TIMEOUT: type[BaseException] = getattr(errors, "_WaitTimeout", _NeverRaised)


class RoundTripTimeout(errors.OperationalError):
    """The database did not answer within the deadline; the connection was closed."""


def is_round_trip_timeout(error: BaseException | None) -> bool:
    return isinstance(error, RoundTripTimeout)


class DeadlineConnection(psycopg.Connection):
    """A psycopg connection that gives up on the server after `round_trip_timeout` seconds."""

    round_trip_timeout: float | None = None
    ping_timeout: float | None = None
    _override: float | None = None

    @contextmanager
    def deadline(self, seconds: float | None) -> Iterator[None]:
        """Use `seconds` for the waits inside the block (the pool's liveness check)."""
        previous, self._override = self._override, seconds
        try:
            yield
        finally:
            self._override = previous

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        if timeout is not None:
            # The caller bounds this wait itself and handles its expiry (e.g. notifies()).
            return super().wait(gen, interval=interval, timeout=timeout)
        bound = self._override or self.round_trip_timeout
        if bound is None:
            return super().wait(gen, interval=interval)
        try:
            return super().wait(gen, interval=interval, timeout=bound)
        except _WAIT_TIMEOUT:
            # Mid-protocol, the connection cannot be used again.
            self.pgconn.finish()
            raise RoundTripTimeout(
                f"the database did not answer within {bound:g} s (connection closed)"
            ) from None


def bound_pings(dialect: Any) -> None:
    """Make the pool's liveness check of a kept connection use its `ping_timeout`."""
    ping = dialect.do_ping

    def do_ping(dbapi_connection: Any) -> bool:
        if isinstance(dbapi_connection, DeadlineConnection):
            with dbapi_connection.deadline(dbapi_connection.ping_timeout):
                return bool(ping(dbapi_connection))
        return bool(ping(dbapi_connection))

    # This engine's dialect instance only: other engines are untouched.
    dialect.do_ping = do_ping
