"""`/multiplier digest add|list|remove`: team digests in channels (add and remove: admins)."""

from __future__ import annotations

from bot import clock
from bot.delivery.messages import SendFailed
from bot.digests import flows
from bot.digests import service as digests
from bot.digests import slack as digest_slack
from bot.listeners.commands.subcommands import Subcommand, SubcommandRequest
from bot.listeners.support import command_names, current_user, db, settings
from bot.ui import digest as digest_ui
from bot.ui import messages
from bot.ui.text import readable


def _usage(request: SubcommandRequest, problem: str = "") -> None:
    names = command_names(request.context)
    m = names.multiplier
    text = (f"{problem} " if problem else "") + (
        f"Usage: `{m} digest add #channel [weekly <day> <time> [time zone]]`, "
        f"`{m} digest list`, `{m} digest remove #channel`."
    )
    request.reply(messages.usage_error(text.strip(), request.typed, names))


def handle_digest(request: SubcommandRequest) -> None:
    words = request.args.split()
    if not words:
        _usage(request)
        return
    action = words[0].lower()
    if action in ("list", "ls"):
        _list(request)
        return
    if action not in ("add", "remove", "rm", "delete"):
        _usage(request, f"I don't know `digest {readable(words[0])}`.")
        return
    if len(words) < 2:
        _usage(request, "Which channel?")
        return
    try:
        channel = digests.parse_channel(words[1])
        schedule = digests.parse_schedule(words[2:]) if action == "add" else None
        if action != "add" and len(words) > 2:
            raise digests.DigestUsageError("`digest remove` takes just the channel.")
    except digests.DigestUsageError as error:
        _usage(request, str(error))
        return
    if not request.caller_is_admin():
        return
    if action == "add":
        _add(request, channel, schedule)
    else:
        _remove(request, channel)


def _add(
    request: SubcommandRequest, channel: digests.ChannelRef, schedule: digests.Schedule | None
) -> None:
    try:
        info, joined = digest_slack.join_or_look_up(request.client, channel.id)
    except SendFailed as error:
        request.respond(**digest_ui.channel_problem(channel.id, error.error))
        return
    if info.is_archived:
        request.respond(**digest_ui.channel_problem(channel.id, "is_archived"))
        return
    if not info.is_member:
        request.respond(**digest_ui.channel_problem(channel.id, "not_in_channel"))
        return
    try:
        members = [
            member
            for member in digest_slack.channel_members(request.client, channel.id)
            if member != request.context.bot_user_id  # the app joined; it is not the team
        ]
    except SendFailed:
        members = None  # refreshed before each digest anyway
    digest = flows.add_digest(
        session=db(request.context),
        admin=current_user(request.context),
        channel=digests.ChannelRef(channel.id, info.name or channel.name),
        schedule=schedule,
        members=members,
        now=clock.now(),
    )
    request.respond(
        **digest_ui.digest_added(
            digest, settings(request.context).digest_min_group_size, joined=joined
        )
    )


def _remove(request: SubcommandRequest, channel: digests.ChannelRef) -> None:
    removed = flows.remove_digest(
        session=db(request.context), user=current_user(request.context), channel_id=channel.id
    )
    if removed:
        request.respond(**digest_ui.digest_removed(channel.id))
    else:
        request.respond(**digest_ui.digest_not_found(channel.id, command_names(request.context)))


def _list(request: SubcommandRequest) -> None:
    rows = flows.list_digests(
        session=db(request.context),
        user=current_user(request.context),
        app_user_id=request.context.bot_user_id,
    )
    request.respond(**digest_ui.digest_list(rows, command_names(request.context)))


# The /multiplier subcommands this module answers (the table is built in __init__.py).
SUBCOMMANDS = (Subcommand("digest", handle_digest, aliases=("digests",)),)
