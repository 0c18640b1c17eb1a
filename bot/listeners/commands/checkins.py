"""/multiplier checkins on [day] [HH:MM] | off, settings, pause [N weeks | until DATE], resume."""

from __future__ import annotations

import re
from datetime import date, timedelta

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.checkins import schedule, service
from bot.db.base import utcnow
from bot.db.models import User
from bot.listeners.commands.subcommands import SubcommandRequest, subcommand
from bot.listeners.support import command_names, current_user, db
from bot.timetext import COUNT_WORDS, parse_count, parse_time_of_day, parse_weekday
from bot.ui import checkins as ui
from bot.ui import messages
from bot.ui.blocks import context, section

_WEEKS = re.compile(rf"^({COUNT_WORDS})?\s*(w|wk|wks|weeks?|fortnights?)?$")
MAX_PAUSE_WEEKS = 52
_FILLER = {"at", "on", "every", "each", "weekly"}
_HALF_DAY = {"am", "pm", "a.m.", "p.m."}


class Unparsed(ValueError):
    """The arguments did not make sense; the message says what was expected."""


def parse_on(args: str) -> tuple[int | None, int | None]:
    """(weekday, minute) from "fri 15:00", "15:00 fri", "4pm", "4:30 pm", "tuesday" or ""."""
    weekday = minute = None
    words = [w for w in args.split() if w.lower() not in _FILLER]
    index = 0
    while index < len(words):
        word = words[index]
        day = parse_weekday(word)
        # "3 pm" as two words
        if index + 1 < len(words) and words[index + 1].lower() in _HALF_DAY:
            word, index = word + words[index + 1], index + 1
        time = parse_time_of_day(word)
        if day is not None and weekday is None:
            weekday = day
        elif time is not None and minute is None:
            minute = time
        else:
            raise Unparsed(word)
        index += 1
    return weekday, minute


def parse_pause(args: str, today: date) -> date:
    """The date check-ins resume from "", "2", "2 weeks", "two weeks", "a fortnight",
    "until 2026-12-01", "2026-12-01"."""
    text = " ".join(args.strip().lower().split())
    if not text:
        return today + timedelta(weeks=1)
    text = text.removeprefix("until").removeprefix("for").strip()
    weeks = _WEEKS.match(text)
    if weeks and (weeks.group(1) or weeks.group(2)):
        count = parse_count(weeks.group(1) or "1") or 0
        if (weeks.group(2) or "").startswith("fortnight"):
            count *= 2
        if not 1 <= count <= MAX_PAUSE_WEEKS:
            raise Unparsed(f"between 1 and {MAX_PAUSE_WEEKS} weeks")
        return today + timedelta(weeks=count)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Unparsed(text) from None


def ensure_timezone(client: WebClient, session: Session, user: User) -> None:
    """On first contact, read the user's time zone from users.info (kept fresh by user_change).

    Commits what the unit of work did so far (finding or creating the user) first: no
    database connection (on SQLite, the write lock) is held while Slack answers, which may
    take seconds, so a burst of first contacts does not exhaust the pool.
    """
    if user.tz_refreshed_at is not None:
        return
    from bot.workspaces.service import apply_profile

    session.commit()
    try:
        profile = client.users_info(user=user.slack_user_id)["user"]
    except Exception:  # keep UTC; user_change will bring the zone later
        return
    apply_profile(user, profile)
    session.flush()


def _schedule_reply(description: service.Schedule, multiplier: str) -> dict:
    text = ui.summary_line(description.description, description.next_local)
    return {
        "response_type": "ephemeral",
        "text": text,
        "blocks": [
            section(text),
            context(
                f"`{multiplier} settings` to change day, time, cadence or quiet hours · "
                f"`{multiplier} pause 2 weeks` · `{multiplier} checkins off`"
            ),
        ],
    }


def _usage(request: SubcommandRequest, message: str) -> None:
    # A usage error changes nothing; and no connection is held while Slack answers.
    db(request.context).rollback()
    request.reply(messages.usage_error(message, request.typed, command_names(request.context)))


@subcommand("checkins", "checkin", "check-ins")
def checkins(request: SubcommandRequest) -> None:
    """checkins on [day] [HH:MM] · checkins off · checkins (shows the schedule)."""
    multiplier = command_names(request.context).multiplier
    action, _, rest = request.args.partition(" ")
    action = action.lower()
    session = db(request.context)
    user = current_user(request.context)
    now = utcnow()
    if action in ("", "status"):
        request.respond(**_schedule_reply(service.describe(user), multiplier))
        return
    if action in ("off", "stop", "disable"):
        service.disable(session=session, user=user, now=now)
        session.commit()
        request.respond(
            response_type="ephemeral",
            **ui.notice(f"Check-ins are off. `{multiplier} checkins on` brings them back."),
        )
        return
    if action not in ("on", "start", "enable"):
        _usage(request, f"Try `{multiplier} checkins on fri 15:00` or `{multiplier} checkins off`.")
        return
    try:
        weekday, minute = parse_on(rest)
    except Unparsed:
        _usage(
            request,
            f"I couldn't read a day and time there. Try `{multiplier} checkins on fri 15:00` "
            "(a weekday and a 24-hour or am/pm time, both optional).",
        )
        return
    ensure_timezone(request.client, session, user)
    try:
        described = service.enable(
            session=session, user=user, now=now, weekday=weekday, minute=minute
        )
    except service.PreferenceError as error:
        session.rollback()
        _usage(request, str(error))
        return
    session.commit()
    request.respond(**_schedule_reply(described, multiplier))


@subcommand("settings", "preferences", "prefs")
def settings(request: SubcommandRequest) -> None:
    """Open the check-in settings modal."""
    session = db(request.context)
    user = current_user(request.context)
    ensure_timezone(request.client, session, user)
    session.commit()
    request.client.views_open(trigger_id=request.trigger_id, view=settings_view(user))


def settings_view(user: User) -> dict:
    cadence = user.cadence if user.checkins_enabled else "off"
    return ui.settings_modal(
        ui.SettingsForm(
            cadence=cadence if cadence in schedule.CADENCES else "weekly",
            weekday=user.checkin_weekday,
            second_weekday=user.second_weekday,
            minute=user.checkin_minute,
            quiet_start=user.quiet_start_minute,
            quiet_end=user.quiet_end_minute,
            reminder=user.reminder_enabled,
            paused_until=user.paused_until,
            tz=user.tz,
            workdays=schedule.workday_list(schedule.valid_workdays(user.workdays)),
        )
    )


@subcommand("pause")
def pause(request: SubcommandRequest) -> None:
    """pause [N weeks | until YYYY-MM-DD] (default one week)."""
    multiplier = command_names(request.context).multiplier
    session = db(request.context)
    user = current_user(request.context)
    now = utcnow()
    if not user.checkins_enabled:
        request.respond(
            response_type="ephemeral",
            **ui.notice(f"Check-ins are off, nothing to pause. `{multiplier} checkins on`?"),
        )
        return
    try:
        until = parse_pause(request.args, service.local_today(user, now))
        described = service.pause(session=session, user=user, until=until, now=now)
    except (Unparsed, service.PreferenceError) as error:
        session.rollback()
        detail = str(error) if isinstance(error, service.PreferenceError) else ""
        _usage(
            request,
            (detail + " " if detail else "")
            + f"Try `{multiplier} pause 2 weeks` or `{multiplier} pause until "
            f"{service.local_today(user, now) + timedelta(weeks=2):%Y-%m-%d}`.",
        )
        return
    session.commit()
    request.respond(**_schedule_reply(described, multiplier))


@subcommand("resume", "unpause")
def resume(request: SubcommandRequest) -> None:
    """End a pause now."""
    multiplier = command_names(request.context).multiplier
    session = db(request.context)
    user = current_user(request.context)
    if not user.checkins_enabled:
        request.respond(
            response_type="ephemeral",
            **ui.notice(f"Check-ins are off. `{multiplier} checkins on` starts them."),
        )
        return
    described = service.resume(session=session, user=user, now=utcnow())
    session.commit()
    request.respond(**_schedule_reply(described, multiplier))
