"""`/multiplier capture on|off` (each person) and `capture workspace on|off` (admins only):
thanks in public channels become private suggestions to log."""

from __future__ import annotations

from bot.listeners.commands.subcommands import Subcommand, SubcommandRequest
from bot.listeners.support import command_names, current_user, db
from bot.suggestions import flows
from bot.ui import messages
from bot.ui.evidence import notice

_ON, _OFF = ("on", "yes", "enable"), ("off", "no", "disable")


def _usage(request: SubcommandRequest, problem: str = "") -> None:
    m = command_names(request.context).multiplier
    text = (f"{problem} " if problem else "") + (
        f"Usage: `{m} capture on|off` (thanks to you become private suggestions), "
        f"`{m} capture` (status), `{m} capture workspace on|off` (workspace admins)."
    )
    request.reply(messages.usage_error(text.strip(), request.typed, command_names(request.context)))


def handle_capture(request: SubcommandRequest) -> None:
    words = [w.lower() for w in request.args.split()]
    if not words or words == ["status"]:
        _status(request)
        return
    if words[0] == "workspace" and len(words) == 2 and words[1] in (*_ON, *_OFF):
        if request.caller_is_admin(
            "turn thanks capture on or off for the workspace, since it reads public channels"
        ):
            on = words[1] in _ON
            flows.set_workspace_capture(
                session=db(request.context), user=current_user(request.context), on=on
            )
            request.respond(
                **notice(
                    "Thanks capture is on for this workspace: people who turn it on with "
                    f"`{command_names(request.context).multiplier} capture on` get a private "
                    "suggestion when someone thanks them in a public channel I am in."
                    if on
                    else "Thanks capture is off for this workspace: no channel message is read."
                )
            )
        return
    if len(words) == 1 and words[0] in (*_ON, *_OFF):
        on = words[0] in _ON
        allowed = flows.set_capture(
            session=db(request.context), user=current_user(request.context), on=on
        )
        text = (
            "On: when someone thanks you in a public channel I am in, I'll DM you a private "
            "suggestion to log it (nothing of the message is kept unless you do)."
            if on
            else "Off: thanks to you are no longer suggested."
        )
        if on and not allowed:
            text += (
                " A workspace admin has not turned capture on yet, so nothing is read"
                " until they do."
            )
        request.respond(**notice(text))
        return
    _usage(request)


def _status(request: SubcommandRequest) -> None:
    status = flows.capture_status(session=db(request.context), user=current_user(request.context))
    you = "on" if status.person else "off"
    workspace = "on" if status.workspace else "off (an admin turns it on)"
    m = command_names(request.context).multiplier
    request.respond(
        **notice(
            f"Thanks capture: yours is {you}; the workspace's is {workspace}. "
            f"`{m} capture on|off` to change yours."
        )
    )


# The /multiplier subcommands this module answers (the table is built in __init__.py).
SUBCOMMANDS = (Subcommand("capture", handle_capture),)
