"""The App Home: what it shows, and republishing it (coalesced) after a user's data changes.

Any flush that adds, changes or deletes one of a person's evidence entries, kudos (given or
received), check-ins or answers, or the settings the Home shows, marks that person's Home
stale; features can also say so explicitly with `request_home_refresh(session=..., user=...)`
(e.g. after a bulk statement the ORM does not see). Nothing happens until the session commits
(a rollback forgets it); then the Home is republished once, `HOME_REFRESH_DELAY_SECONDS`
after the last change, however many changes came in between.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker

from bot.coaching.library import CoachingLibrary
from bot.db.engine import Database
from bot.db.models import Answer, CheckIn, EntryExpectation, EvidenceEntry, Kudos, User
from bot.home.data import load_home
from bot.ui.blocks import Block
from bot.ui.home import home_view

logger = logging.getLogger(__name__)

_PENDING_KEY = "multiplier.home_refresh"


# ── Coalesced republishing ─────────────────────────────────────────────────────────────────

# Publishes one user's Home, given the user's row id.
Publish = Callable[[int], None]


class HomeRefresher:
    """Republishes Home tabs on a background thread, once per user per burst of changes."""

    def __init__(self, publish: Publish, *, delay: float) -> None:
        self._publish = publish
        self._delay = delay
        self._due: dict[int, float] = {}
        self._busy = 0
        self._cond = threading.Condition()
        self._closed = False
        self._thread: threading.Thread | None = None

    def request(self, user_id: int) -> None:
        """Publish this user's Home `delay` seconds from now (pushing back a pending one)."""
        with self._cond:
            if self._closed:
                return
            self._due[user_id] = time.monotonic() + self._delay
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="home-refresh", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def cancel(self, user_id: int) -> None:
        """Forget a pending refresh (the Home was just published fresh)."""
        with self._cond:
            self._due.pop(user_id, None)
            self._cond.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing is pending or publishing (tests, shutdown)."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._due and not self._busy, timeout)

    def close(self, *, flush: bool = True, timeout: float = 10.0) -> None:
        """Stop; with `flush`, publish what is pending first."""
        if flush:
            with self._cond:
                for key in self._due:
                    self._due[key] = 0.0
                self._cond.notify_all()
            self.wait_idle(timeout)
        with self._cond:
            self._closed = True
            self._due.clear()
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def _next_batch(self) -> list[int] | None:
        with self._cond:
            while True:
                if self._closed:
                    return None
                now = time.monotonic()
                ready = [key for key, due in self._due.items() if due <= now]
                if ready:
                    for key in ready:
                        del self._due[key]
                    self._busy += len(ready)
                    return ready
                wait = min(self._due.values(), default=now + 60) - now
                self._cond.wait(timeout=max(wait, 0.01))

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            for user_id in batch:
                try:
                    self._publish(user_id)
                except Exception:
                    logger.exception("home refresh failed", extra={"user_row": user_id})
                finally:
                    with self._cond:
                        self._busy -= 1
                        self._cond.notify_all()


# Installed refreshers, by the session factory whose commits they follow, with their hooks.
_installed: dict[sessionmaker[Session], tuple[HomeRefresher, dict[str, Callable[..., None]]]] = {}
_registry_lock = threading.Lock()


def install_refresher(database: Database, refresher: HomeRefresher) -> None:
    """Republish Homes through `refresher` after commits of this database's sessions.

    The hooks go on this database's session factory only, never on every Session in the
    process: a session made elsewhere (a test, a migration) cannot reach Slack by committing.
    """
    factory = database.session_factory
    hooks: dict[str, Callable[..., None]] = {
        "after_flush": _collect_changes,
        "after_commit": _publisher_after_commit(refresher),
        "after_rollback": _forget_changes,
    }
    with _registry_lock:
        previous = _installed.pop(factory, None)
        if previous is not None:
            _remove_hooks(factory, previous[1])
        for name, hook in hooks.items():
            event.listen(factory, name, hook)
        _installed[factory] = (refresher, hooks)


def uninstall_refresher(database: Database, refresher: HomeRefresher) -> None:
    factory = database.session_factory
    with _registry_lock:
        installed = _installed.get(factory)
        if installed is not None and installed[0] is refresher:
            del _installed[factory]
            _remove_hooks(factory, installed[1])


def _remove_hooks(factory: sessionmaker[Session], hooks: dict[str, Callable[..., None]]) -> None:
    for name, hook in hooks.items():
        event.remove(factory, name, hook)


def _pending(session: Session) -> set[int]:
    return session.info.setdefault(_PENDING_KEY, set())


def request_home_refresh(*, session: Session, user: User) -> None:
    """Republish this user's Home once the session commits (coalesced with other changes)."""
    if user.id is not None:
        _pending(session).add(user.id)


# Which rows belong to whose Home: the model and the columns naming the users concerned.
_OWNERS: dict[type, tuple[str, ...]] = {
    EvidenceEntry: ("user_id",),
    Kudos: ("giver_id", "recipient_id"),
    CheckIn: ("user_id",),
    Answer: ("user_id",),
    EntryExpectation: ("user_id",),  # an entry's expectations: the coverage section (issue 17)
}
# The User columns the Home shows (a tz refresh or a scheduling timestamp does not count).
_HOME_SETTINGS = (
    "summary_enabled",
    "checkins_enabled",
    "cadence",
    "checkin_weekday",
    "checkin_minute",
    "tz",
    "paused_until",
)


def _collect_changes(session: Session, _flush: UOWTransaction) -> None:
    """Note whose Home a flush changed (new, dirty and deleted still hold the flushed rows)."""
    touched: set[int] = set()
    for row in (*session.new, *session.dirty, *session.deleted):
        columns = _OWNERS.get(type(row))
        if columns is not None:
            # An owner column may be unset yet (None): nobody's Home to refresh for it.
            owners = (getattr(row, column) for column in columns)
            touched.update(owner for owner in owners if owner is not None)
    for row in session.dirty:  # a person met for the first time has no Home to refresh yet
        if isinstance(row, User) and row.id is not None:
            state = inspect(row)
            if any(state.attrs[name].history.has_changes() for name in _HOME_SETTINGS):
                touched.add(row.id)
    if touched:
        _pending(session).update(touched)


def _publisher_after_commit(refresher: HomeRefresher) -> Callable[[Session], None]:
    def after_commit(session: Session) -> None:
        pending: set[int] | None = session.info.pop(_PENDING_KEY, None)
        for user_id in pending or ():
            refresher.request(user_id)

    return after_commit


def _forget_changes(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def home_view_for(
    *,
    session: Session,
    user: User,
    now: datetime,
    library: CoachingLibrary,
    names: Any,
    default_calendar: str | None = None,
) -> dict[str, Any]:
    """The Home view for one user (Block Kit built in bot.ui.home); `default_calendar`: the
    workspace's public holidays (HOLIDAY_CALENDAR), for people who chose none."""
    data = load_home(
        session=session, user=user, now=now, library=library, default_calendar=default_calendar
    )
    return home_view(
        data,
        library=library,
        names=names,
        welcome=_welcome_blocks(user, names),
        problem=_problem_blocks(session, user, library),
    )


def _welcome_blocks(user: User, names: Any) -> list[Block]:
    """The check-ins feature's welcome section (bot/ui/welcome.py) hooks in here: one call."""
    from bot.checkins.service import home_welcome

    return home_welcome(user=user, multiplier=names.multiplier)


def _problem_blocks(session: Session, user: User, library: CoachingLibrary) -> list[Block]:
    """The staff-problem section (issue 17 item 3; bot/ui/problems.py) hooks in here: one call."""
    from bot.coaching.staff_problem import CHOOSE_TEXT
    from bot.problems.service import for_home
    from bot.summaries.periods import zone
    from bot.ui.problems import home_section

    if not library.problem_steps:
        return []  # a workspace that disabled the whole path
    found, let_go = for_home(session=session, user=user, library=library)
    return home_section(found, library.problem_text(CHOOSE_TEXT), zone(user.tz), let_go)


def cancel_pending_refresh(*, user_id: int) -> None:
    """The Home was just published fresh: a queued refresh for it would only repeat it."""
    with _registry_lock:
        refreshers = [refresher for refresher, _hooks in _installed.values()]
    for refresher in refreshers:
        refresher.cancel(user_id)


def make_publisher(
    *,
    database: Any,
    client_for: Callable[[str], Any],
    library: Callable[[], CoachingLibrary],
    names: Any,
    default_calendar: str | None = None,
) -> Publish:
    """A publish function for HomeRefresher: its own session, then views.publish.

    `client_for(team_id)` gives the Web API client for the user's workspace (its own bot
    token in multi-workspace mode) and refuses workspaces that uninstalled the app.
    """
    from bot import clock

    def publish(user_id: int) -> None:
        # Reads only: on SQLite a read-only session neither takes nor waits for the write
        # lock, which requests (an event's claim, before its ack) may be waiting for.
        with database.read_session() as session:
            user = session.get(User, user_id)
            if user is None or not user.active or user.is_bot or not user.workspace.active:
                return
            slack_user_id = user.slack_user_id
            team_id = user.workspace.team_id
            view = home_view_for(
                session=session,
                user=user,
                now=clock.now(),
                library=library(),
                names=names,
                default_calendar=default_calendar,
            )
        from bot.workspaces.service import WorkspaceInactive

        try:
            client = client_for(team_id)
        except WorkspaceInactive:
            return  # uninstalled or revoked: nothing more goes to that workspace
        client.views_publish(user_id=slack_user_id, view=view)

    return publish


def start_home_refresher(ctx: Any, *, client: Any = None) -> HomeRefresher:
    """A HomeRefresher for this process's engine: Homes republish after commits here.

    `ctx` is a JobContext (its `client_for` gives each workspace's client and refuses
    uninstalled ones); an injected `client` (tests, the sandbox) serves every workspace.
    """
    from bot.coaching.library import default_library
    from bot.ui.messages import CommandNames

    settings = ctx.settings

    def client_for(team_id: str) -> Any:
        return client if client is not None else ctx.client_for(team_id)

    publish = make_publisher(
        database=ctx.database,
        client_for=client_for,
        library=lambda: default_library(settings.prompts_dir),
        names=CommandNames(
            brag=settings.command_brag,
            kudos=settings.command_kudos,
            multiplier=settings.command_multiplier,
        ),
        default_calendar=settings.holiday_calendar,
    )
    refresher = HomeRefresher(publish, delay=settings.home_refresh_delay_seconds)
    install_refresher(ctx.database, refresher)
    return refresher
