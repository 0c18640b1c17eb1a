"""Global Bolt middleware: request context for logs, a database session per listener, and
Slack retry de-duplication."""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse, Respond
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient

from bot.config import Settings
from bot.conversations import service as conversations
from bot.db.engine import Database
from bot.logs import tag_request
from bot.slack.single_workspace import KnownTokenWorkspace
from bot.slack.verification import VERIFIED, trusted_response_url
from bot.ui import messages

logger = logging.getLogger(__name__)

Next = Callable[[], BoltResponse]


class SessionClosingExecutor(ThreadPoolExecutor):
    """Runs Bolt's listeners (its `listener_executor`), closing each thread's session when
    one finishes, and counting those in hand so that a stop can wait for them."""

    def __init__(self, database: Database, max_workers: int) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="listener")
        self._database = database
        self._in_flight = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        def run_then_close() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                self._database.remove_thread_session()
                with self._idle:
                    self._in_flight -= 1
                    self._idle.notify_all()

        with self._idle:
            self._in_flight += 1
        # The listener logs with the request's context (workspace, user, request id).
        context = contextvars.copy_context()
        return super().submit(context.run, run_then_close)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no listener is running (tests, graceful shutdown); False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout=timeout)


class ReleasingWebClient(WebClient):
    """The request's WebClient, ending the thread's read-only transaction before each call
    (Database.release_read_transaction), so no idle connection waits on Slack."""

    _database: Database | None = None

    @classmethod
    def of(cls, client: WebClient, database: Database) -> WebClient:
        if isinstance(client, cls):
            return client
        releasing = cls(
            token=client.token,
            base_url=client.base_url,
            timeout=client.timeout,
            ssl=client.ssl,
            proxy=client.proxy,
            headers=client.headers,
            team_id=getattr(client, "team_id", None),
            logger=client.logger,
            retry_handlers=client.retry_handlers,
        )
        releasing._database = database
        return releasing

    def api_call(self, api_method: str, **kwargs: Any) -> Any:
        # Every Web API method of WebClient calls this public entry point.
        if self._database is not None:
            self._database.release_read_transaction()
        return super().api_call(api_method, **kwargs)


class ReleasingRespond:
    """The request's `respond`, ending the thread's read-only transaction first."""

    def __init__(self, respond: Respond, database: Database) -> None:
        self._respond = respond
        self._database = database
        self.response_url = getattr(respond, "response_url", None)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._database.release_read_transaction()
        return self._respond(*args, **kwargs)


class PlainMiddleware(Middleware):
    """A global middleware called as `fn(body, context, next)`.

    Bolt's own function middleware works out which arguments to pass on every call; that
    costs more CPU than our middleware bodies, on every request, ahead of every ack.
    """

    def __init__(self, fn: Callable[[dict[str, Any], BoltContext, Next], BoltResponse]) -> None:
        self._fn = fn

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        return self._fn(req.body, req.context, next)


def describe(body: dict[str, Any]) -> str:
    """What kind of request this is, without anything the user wrote."""
    if body.get("command"):
        return f"command {body['command']}"
    kind = body.get("type") or "unknown"
    if kind == "event_callback":
        return f"event {(body.get('event') or {}).get('type')}"
    if kind == "block_actions":
        actions = body.get("actions") or [{}]
        return f"block_actions {actions[0].get('action_id')}"
    if kind in ("view_submission", "view_closed"):
        return f"{kind} {(body.get('view') or {}).get('callback_id')}"
    if kind in ("shortcut", "message_action"):
        return f"{kind} {body.get('callback_id')}"
    return str(kind)


def _response_urls(body: dict[str, Any]) -> list[object]:
    """Every response URL a payload offers: commands and actions, and modal submissions'."""
    urls: list[object] = []
    if "response_url" in body:
        urls.append(body["response_url"])
    for item in body.get("response_urls") or []:
        urls.append(item.get("response_url") if isinstance(item, dict) else item)
    return urls


def request_context(settings: Settings) -> PlainMiddleware:
    """Tag this request's log records (and its listeners') with workspace, user and kind.

    Runs right after Bolt's signature check (as `before_authorize`), so reaching it means
    the request is verified: it marks the context so. A request whose response_url points
    anywhere but Slack's hooks (or our configured Web API host) is refused here, so no
    listener or error notice can ever post to it. The HTTP server opened the
    request's log scope with its id (bot.web); in Socket Mode this starts one.
    """

    def middleware(body: dict[str, Any], context: BoltContext, next: Next) -> BoltResponse:
        fields = tag_request(
            team_id=context.team_id or context.enterprise_id,
            user_id=context.user_id,
            request=describe(body),
        )
        context["request_id"] = fields["request_id"]
        if not all(
            trusted_response_url(url, api_url=settings.slack_api_url)
            for url in _response_urls(body)
        ):
            logger.warning("refused a request whose response_url is not Slack's")
            return BoltResponse(status=400, body={"error": "untrusted_response_url"})
        context[VERIFIED] = True
        return next()

    return PlainMiddleware(middleware)


def database_session(database: Database, settings: Settings) -> PlainMiddleware:
    """Give every listener `context["db"]`, a session private to the thread that runs it.

    Also the database itself and the settings.
    """

    def middleware(_body: dict[str, Any], context: BoltContext, next: Next) -> BoltResponse:
        context["db"] = database.scoped_session
        context["database"] = database
        context["settings"] = settings
        # No listener holds a connection that only read while Slack answers (issue 12).
        context["client"] = ReleasingWebClient.of(context.client, database)
        if context.respond is not None:
            context["respond"] = ReleasingRespond(context.respond, database)
        try:
            return next()
        finally:
            # Listeners that run after the ack close theirs in SessionClosingExecutor.
            database.remove_thread_session()

    return PlainMiddleware(middleware)


def deduplicate_events(database: Database) -> PlainMiddleware:
    """Acknowledge Slack's retries of an event we already took, without running it again.

    Bolt does not de-duplicate: Slack resends an event (same event_id, X-Slack-Retry-Num)
    whenever our ack was slow or lost.
    """

    def middleware(body: dict[str, Any], context: BoltContext, next: Next) -> BoltResponse:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not event_id:
            return next()
        with database.session() as session:
            first_time = conversations.claim_event(
                session=session, event_id=event_id, team_id=body.get("team_id")
            )
        if not first_time:
            logger.info("skipping retried event", extra={"event_id": event_id})
            return BoltResponse(status=200, body="")
        # The claim is this request's: if handling the event fails, the global error handler
        # releases it (release_claimed_event), so a retry from Slack is handled, not skipped.
        context[CLAIMED_EVENT] = event_id
        return next()

    return PlainMiddleware(middleware)


CLAIMED_EVENT = "multiplier_claimed_event_id"


def release_claimed_event(context: BoltContext) -> None:
    """Release the event id this request claimed (its handling failed); never raises."""
    event_id = context.get(CLAIMED_EVENT)
    database: Database | None = context.get("database")
    if not event_id or database is None:
        return
    try:
        with database.session() as session:
            conversations.release_event(session=session, event_id=event_id)
    except Exception:  # the database may be what failed; the claim then stays
        logger.warning("could not release a failed event for Slack's retry", exc_info=True)
        return
    context[CLAIMED_EVENT] = None
    logger.info("released a failed event for Slack's retry", extra={"event_id": event_id})


def one_workspace(ours: KnownTokenWorkspace) -> PlainMiddleware:
    """Single-workspace token mode: refuse, politely and storing nothing, requests for a
    team the token is not for (bot/slack/single_workspace.py says why).

    A slash command is answered in its ack with an ephemeral sentence (no outbound call);
    anything else gets an empty 200, so Slack does not retry, and nobody is contacted. Runs
    before every other middleware of ours, so no event id, workspace or user is stored.
    """

    def middleware(body: dict[str, Any], context: BoltContext, next: Next) -> BoltResponse:
        team_id, enterprise_id = context.team_id, context.enterprise_id
        if not team_id and not enterprise_id:
            return next()  # nothing names a workspace (e.g. url_verification)
        token_workspace = ours.for_request(context)
        if token_workspace is None or token_workspace.serves(
            team_id=team_id, enterprise_id=enterprise_id
        ):
            return next()
        logger.warning(
            "refused a request for workspace %s: SLACK_BOT_TOKEN serves %s",
            team_id or enterprise_id,
            token_workspace.team_id or token_workspace.enterprise_id,
        )
        if body.get("command"):
            return BoltResponse(
                status=200,
                body={"response_type": "ephemeral", "text": messages.other_workspace()},
            )
        return BoltResponse(status=200, body="")

    return PlainMiddleware(middleware)
