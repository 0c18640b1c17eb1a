"""/multiplier checkins on [days] [HH:MM] | off, settings, pause [N weeks | until DATE], resume."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from functools import partial
from typing import Any

from bot import clock
from bot.checkins import flows, service
from bot.listeners.commands.subcommands import Subcommand, SubcommandRequest
from bot.listeners.support import command_names, current_user, db
from bot.slack.people import profile_or_none
from bot.timetext import COUNT_WORDS, parse_count, parse_time_of_day, parse_weekday
from bot.ui import checkins as ui
from bot.ui import messages

_WEEKS = re.compile(rf"^({COUNT_WORDS})?\s*(w|wk|wks|weeks?|fortnights?)?$")
MAX_PAUSE_WEEKS = 52
_FILLER = {"at", "on", "every", "each", "weekly", "and", "&"}
# One day is every week; two are twice a week (the settings modal's cadences).
MAX_DAYS = 2
_HALF_DAY = {"am", "pm", "a.m.", "p.m."}


class Unparsed(ValueError):
    """The arguments did not make sense; the message says what was expected."""


def parse_on(args: str) -> tuple[tuple[int, ...], int | None]:
    """(weekdays, minute) from "fri 15:00", "15:00 fri", "4pm", "4:30 pm", "tuesday", "" or,
    for twice a week, two days: "tue fri 10:00", "tuesday and friday at 10am"."""
    weekdays: list[int] = []
    minute = None
    words = [w for w in args.replace(",", " ").split() if w.lower() not in _FILLER]
    index = 0
    while index < len(words):
        word = words[index]
        day = parse_weekday(word)
        # "3 pm" as two words
        if index + 1 < len(words) and words[index + 1].lower() in _HALF_DAY:
            word, index = word + words[index + 1], index + 1
        time = parse_time_of_day(word)
        if day is not None and day not in weekdays and len(weekdays) < MAX_DAYS:
            weekdays.append(day)
        elif time is not None and minute is None:
            minute = time
        else:
            raise Unparsed(word)
        index += 1
    return tuple(weekdays), minute


def parse_pause(args: str, today: date) -> date:
    """The date check-ins resume from "", "2", "2 weeks", "two weeks", "a fortnight",
    "until 2026-12-01", "2026-12-01"."""
    text = " ".join(args.strip().lower().split())
    if not text:
        return service.pause_end(today, 1)
    text = text.removeprefix("until").removeprefix("for").strip()
    weeks = _WEEKS.match(text)
    if weeks and (weeks.group(1) or weeks.group(2)):
        count = parse_count(weeks.group(1) or "1") or 0
        if (weeks.group(2) or "").startswith("fortnight"):
            count *= 2
        if not 1 <= count <= MAX_PAUSE_WEEKS:
            raise Unparsed(f"between 1 and {MAX_PAUSE_WEEKS} weeks")
        return service.pause_end(today, count)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Unparsed(text) from None


def _read_profile(request: SubcommandRequest) -> flows.ProfileReader:
    return partial(profile_or_none, request.client)


def _schedule_reply(described: service.Schedule, multiplier: str) -> dict[str, Any]:
    return {
        "response_type": "ephemeral",
        **ui.schedule_reply(
            described.description,
            described.next_local,
            multiplier=multiplier,
            active=described.active,
        ),
    }


def _usage(request: SubcommandRequest, message: str) -> None:
    flows.discard(session=db(request.context))
    request.reply(messages.usage_error(message, request.typed, command_names(request.context)))


def checkins(request: SubcommandRequest) -> None:
    """checkins on [day [second day]] [HH:MM] · checkins off · checkins (shows the schedule)."""
    multiplier = command_names(request.context).multiplier
    action, _, rest = request.args.partition(" ")
    action = action.lower()
    session = db(request.context)
    user = current_user(request.context)
    now = clock.now()
    if action in ("", "status"):
        request.respond(**_schedule_reply(service.describe(user, now=now), multiplier))
        return
    if action in ("off", "stop", "disable"):
        flows.turn_off(session=session, user=user, now=now)
        request.respond(
            response_type="ephemeral",
            **ui.notice(f"Check-ins are off. `{multiplier} checkins on` brings them back."),
        )
        return
    if action not in ("on", "start", "enable"):
        _usage(request, f"Try `{multiplier} checkins on fri 15:00` or `{multiplier} checkins off`.")
        return
    if _EVERY_OTHER_WEEK.search(rest):
        _every_two_weeks(request, _EVERY_OTHER_WEEK.sub(" ", rest), multiplier)
        return
    try:
        weekdays, minute = parse_on(rest)
    except Unparsed:
        _usage(
            request,
            f"I couldn't read a day and time there. Try `{multiplier} checkins on fri 15:00` "
            "(a weekday and a 24-hour or am/pm time, both optional), or two days for twice "
            f"a week: `{multiplier} checkins on tue fri 10:00`. Every two weeks is in "
            f"`{multiplier} settings`.",
        )
        return
    try:
        described = flows.turn_on(
            session=session,
            user=user,
            now=now,
            weekdays=weekdays,
            minute=minute,
            read_profile=_read_profile(request),
        )
    except service.PreferenceError as error:
        _usage(request, str(error))
        return
    request.respond(**_schedule_reply(described, multiplier))


# "every two weeks", "every other friday", "biweekly", "fortnightly": the settings' cadence.
_EVERY_OTHER_WEEK = re.compile(
    r"\b(?:every\s+(?:two|2|other|second)(?:\s+weeks?\b)?|bi-?weekly|fortnightly"
    r"|(?:every|each)\s+fortnight)",
    re.IGNORECASE,
)


def _every_two_weeks(request: SubcommandRequest, rest: str, multiplier: str) -> None:
    """Every two weeks is a cadence of the settings: open them with it chosen (and the day
    and time typed, when they read), for the person to check and save."""
    form = flows.settings_form(
        session=db(request.context),
        user=current_user(request.context),
        read_profile=_read_profile(request),
    )
    try:
        weekdays, minute = parse_on(rest)
    except Unparsed:
        weekdays, minute = (), None
    form = replace(
        form,
        cadence="biweekly",
        weekday=weekdays[0] if weekdays else form.weekday,
        minute=form.minute if minute is None else minute,
    )
    request.client.views_open(trigger_id=request.trigger_id, view=ui.settings_modal(form))
    request.respond(response_type="ephemeral", **ui.every_two_weeks_opened(multiplier))


def settings(request: SubcommandRequest) -> None:
    """Open the check-in settings modal."""
    form = flows.settings_form(
        session=db(request.context),
        user=current_user(request.context),
        read_profile=_read_profile(request),
    )
    request.client.views_open(trigger_id=request.trigger_id, view=ui.settings_modal(form))


def pause(request: SubcommandRequest) -> None:
    """pause [N weeks | until YYYY-MM-DD] (default one week)."""
    multiplier = command_names(request.context).multiplier
    session = db(request.context)
    user = current_user(request.context)
    now = clock.now()
    if not user.checkins_enabled:
        request.respond(
            response_type="ephemeral",
            **ui.notice(f"Check-ins are off, nothing to pause. `{multiplier} checkins on`?"),
        )
        return
    try:
        until = parse_pause(request.args, service.local_today(user, now))
        described = flows.pause_until(session=session, user=user, until=until, now=now)
    except (Unparsed, service.PreferenceError) as error:
        detail = str(error) if isinstance(error, service.PreferenceError) else ""
        _usage(
            request,
            (detail + " " if detail else "")
            + f"Try `{multiplier} pause 2 weeks` or `{multiplier} pause until "
            f"{service.local_today(user, now) + timedelta(weeks=2):%Y-%m-%d}`.",
        )
        return
    request.respond(**_schedule_reply(described, multiplier))


def resume(request: SubcommandRequest) -> None:
    """End a pause now."""
    multiplier = command_names(request.context).multiplier
    user = current_user(request.context)
    if not user.checkins_enabled:
        request.respond(
            response_type="ephemeral",
            **ui.notice(f"Check-ins are off. `{multiplier} checkins on` starts them."),
        )
        return
    described = flows.resume(session=db(request.context), user=user, now=clock.now())
    request.respond(**_schedule_reply(described, multiplier))


# The /multiplier subcommands this module answers (the table is built in __init__.py).
SUBCOMMANDS = (
    Subcommand("checkins", checkins, aliases=("checkin", "check-ins")),
    Subcommand("settings", settings, aliases=("preferences", "prefs")),
    Subcommand("pause", pause),
    Subcommand("resume", resume, aliases=("unpause",)),
)
