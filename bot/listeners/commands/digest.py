"""`/multiplier digest add|list|remove`: team digests in channels (add and remove: admins)."""

from __future__ import annotations

from bot import clock
from bot.digests import service as digests
from bot.digests import slack as digest_slack
from bot.listeners.commands.subcommands import SubcommandRequest, subcommand
from bot.listeners.support import command_names, current_user, db, settings
from bot.summaries.delivery import SendFailed
from bot.ui import digest as digest_ui
from bot.ui import messages
from bot.ui.text import readable
from bot.workspaces import service as workspaces


def _usage(request: SubcommandRequest, problem: str = "") -> None:
    names = command_names(request.context)
    m = names.multiplier
    text = (f"{problem} " if problem else "") + (
        f"Usage: `{m} digest add #channel [weekly <day> <time> [time zone]]`, "
        f"`{m} digest list`, `{m} digest remove #channel`."
    )
    request.reply(messages.usage_error(text.strip(), request.typed, names))


@subcommand("digest", "digests")
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
    if not _caller_is_admin(request):
        return
    if action == "add":
        _add(request, channel, schedule)
    else:
        _remove(request, channel)


def _caller_is_admin(request: SubcommandRequest) -> bool:
    """Check users.info now (admin rights change); refuse politely, naming the admins."""
    session = db(request.context)
    user = current_user(request.context)
    session.commit()  # hold no connection while Slack answers
    try:
        profile = digest_slack.user_profile(request.client, user.slack_user_id)
    except SendFailed:
        profile = {}
    if profile:
        workspaces.apply_profile(user, profile)
    if profile and digest_slack.is_admin(profile):
        session.commit()
        return True
    admins = digests.known_admins(session=session, workspace_id=user.workspace_id)
    session.commit()
    if not admins:
        admins = digest_slack.find_admins(request.client)
    request.respond(**digest_ui.admins_only(admins))
    return False


def _add(
    request: SubcommandRequest, channel: digests.ChannelRef, schedule: digests.Schedule | None
) -> None:
    try:
        info, joined = _join_or_look_up(request, channel.id)
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
        members = digest_slack.channel_members(request.client, channel.id)
    except SendFailed:
        members = None  # refreshed before each digest anyway
    session = db(request.context)
    admin = current_user(request.context)
    digest = digests.add_digest(
        session=session,
        admin=admin,
        channel=digests.ChannelRef(channel.id, info.name or channel.name),
        schedule=schedule,
        members=members,
        now=clock.now(),
    )
    session.commit()
    request.respond(
        **digest_ui.digest_added(
            digest, settings(request.context).digest_min_group_size, joined=joined
        )
    )


def _join_or_look_up(
    request: SubcommandRequest, channel_id: str
) -> tuple[digest_slack.ChannelInfo, bool]:
    """The bot in the channel: a public one is joined, a private one must have invited it.

    (info, joined just now). Raises SendFailed with the reason to tell the admin.
    """
    try:
        return digest_slack.join_channel(request.client, channel_id)
    except SendFailed as error:
        if error.error not in ("method_not_supported_for_channel_type", "channel_not_found"):
            raise
    # A private channel: readable only if the bot was invited.
    try:
        return digest_slack.channel_info(request.client, channel_id), False
    except SendFailed as error:
        if error.error in ("channel_not_found", "not_in_channel"):
            raise SendFailed("private_not_invited", permanent=True) from error
        raise


def _remove(request: SubcommandRequest, channel: digests.ChannelRef) -> None:
    session = db(request.context)
    user = current_user(request.context)
    removed = digests.remove_digest(
        session=session, workspace_id=user.workspace_id, channel_id=channel.id
    )
    session.commit()
    names = command_names(request.context)
    if removed is None:
        request.respond(**digest_ui.digest_not_found(channel.id, names))
    else:
        request.respond(**digest_ui.digest_removed(channel.id))


def _list(request: SubcommandRequest) -> None:
    session = db(request.context)
    user = current_user(request.context)
    rows = digests.list_digests(session=session, workspace_id=user.workspace_id)
    session.commit()
    request.respond(**digest_ui.digest_list(rows, command_names(request.context)))
