"""The HTTP server: Slack's requests go to Bolt; /healthz checks the database."""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot import __version__
from bot.app import MultiplierApp
from bot.logs import request_scope
from bot.slack.verification import signature_problem

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("bot.requests")

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

SLACK_EVENTS_PATH = "/slack/events"


def _json(start_response: StartResponse, status: str, payload: dict[str, Any]) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def create_wsgi_app(app: MultiplierApp) -> WSGIApp:
    """Route Slack's paths to Bolt and serve the health check."""
    slack = SlackRequestHandler(app.bolt, path=SLACK_EVENTS_PATH)

    def healthz(start_response: StartResponse) -> list[bytes]:
        try:
            app.database.ping()
        except Exception as error:
            logger.warning("health check: database unreachable (%s)", type(error).__name__)
            return _json(
                start_response,
                "503 Service Unavailable",
                {"status": "unavailable", "database": "unreachable", "version": __version__},
            )
        return _json(
            start_response, "200 OK", {"status": "ok", "database": "ok", "version": __version__}
        )

    def refuse_unverified(environ: dict[str, Any]) -> str | None:
        """Why Slack's signature does not hold for this request, or None when it does.

        Checked before Bolt sees the request, so an unverified body never reaches a
        listener, a middleware or the error handler. The body is read here and handed on.
        """
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return "malformed content length"
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        return signature_problem(
            signing_secret=app.settings.slack_signing_secret or "",
            body=body,
            timestamp=environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
            signature=environ.get("HTTP_X_SLACK_SIGNATURE"),
        )

    def handle_slack(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Bolt, inside a log scope for this request, with one access line at the end."""
        started = time.perf_counter()
        status: list[str] = []
        refused: str | None = None

        def recording_start_response(code: str, headers: Any, *args: Any) -> Any:
            status.append(code.split(" ", 1)[0])
            return start_response(code, headers, *args)

        with request_scope() as scope:
            try:
                if environ.get("PATH_INFO") == SLACK_EVENTS_PATH:
                    refused = refuse_unverified(environ)
                    if refused is not None:
                        status.append("401")
                        return _json(
                            start_response, "401 Unauthorized", {"error": "invalid request"}
                        )
                return slack(environ, recording_start_response)
            except ValueError:
                # A signed but unparseable body.
                status.append("400")
                return _json(start_response, "400 Bad Request", {"error": "malformed_request"})
            finally:
                # The one record of a refused request: a warning, without a traceback.
                access_logger.log(
                    logging.WARNING if refused else logging.INFO,
                    "%s %s → %s%s",
                    environ.get("REQUEST_METHOD"),
                    scope.get("request") or environ.get("PATH_INFO"),
                    status[0] if status else "-",
                    f" (refused: {refused})" if refused else "",
                    extra={"ms": round((time.perf_counter() - started) * 1000, 1)},
                )

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            return healthz(start_response)
        if path.startswith("/slack/"):
            return handle_slack(environ, start_response)
        return _json(start_response, "404 Not Found", {"error": "not_found"})

    return wsgi


class WebServer:
    """Waitress serving the app; start() returns once the socket listens."""

    def __init__(self, app: MultiplierApp, *, host: str, port: int, threads: int) -> None:
        from waitress.server import create_server

        self._server = create_server(
            create_wsgi_app(app),
            host=host,
            port=port,
            threads=threads,
            ident="multiplier",
            # Slack payloads are small; refuse anything absurd before Bolt parses it.
            max_request_body_size=1_048_576,
            clear_untrusted_proxy_headers=True,
        )
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        """Whether the server thread that start() began is still serving."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> WebServer:
        self._thread = threading.Thread(target=self._server.run, name="web", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, finish running requests, close kept-alive connections, return.

        Stopping a stopped server does nothing.
        """
        if not self.running:
            return
        socket_map = getattr(self._server, "_map", None)
        if socket_map is None:  # waitress keeps its socket map under one name or the other
            socket_map = self._server.map

        def close_everything() -> None:
            # Runs inside the server's loop: once its socket map is empty the loop returns.
            for dispatcher in list(socket_map.values()):
                dispatcher.close()

        self._server.task_dispatcher.shutdown(timeout=5)
        try:
            self._server.trigger.pull_trigger(close_everything)
        except OSError:
            # The trigger is closed: the loop already closed everything (a second stop, or
            # the loop ended on its own). Nothing is left to wake.
            logger.debug("web server already stopped", exc_info=True)
        if self._thread is not None:
            self._thread.join(timeout=5)
