"""`/multiplier evidence | export | forget-me`: your entries and your data rights."""

from __future__ import annotations

from bot.db.base import utcnow
from bot.evidence import filters, flows, share_flows
from bot.evidence.parsing import leading_people
from bot.evidence.periods import PERIOD_HELP, PeriodError, parse_period
from bot.listeners.commands.subcommands import Subcommand, SubcommandRequest
from bot.listeners.support import (
    coaching_library,
    command_names,
    current_user,
    db,
    send_json_export,
    send_packet,
)
from bot.privacy import flows as privacy_flows
from bot.slack.people import profile_or_none
from bot.ui import evidence as ui
from bot.ui import messages
from bot.ui import quotes as quotes_ui
from bot.ui import sharing as share_ui


def show_evidence(request: SubcommandRequest) -> None:
    """Your entries, newest first, with Edit and Delete: `last N`, a period, `#dimension`;
    `evidence share …` and `evidence shares` send a summary or packet to someone, and list
    what was sent."""
    word, _, rest = request.args.partition(" ")
    if word.lower() == "share":
        share(request, rest.strip())
        return
    if word.lower() == "shares" and not rest.strip():
        context = request.context
        request.respond(**share_flows.list_shares(session=db(context), owner=current_user(context)))
        return
    context = request.context
    user = current_user(context)
    library = coaching_library(context)
    names = command_names(context)
    try:
        wanted = filters.parse_filter(request.args, library=library, now=utcnow(), tz=user.tz)
    except filters.FilterError as error:
        usage = (
            f"{error} Usage: `{names.multiplier} evidence [last N | this quarter | #dimension]`"
            f" — for example {filters.FILTER_HELP}."
        )
        request.reply(messages.usage_error(usage, request.typed, names))
        return
    request.respond(
        **flows.entry_page(
            session=db(context), user=user, request=wanted, library=library, command=names.brag
        )
    )


_SHARE_REFUSED = {
    "self": "That's you: `{multiplier} export packet [period]` sends it to your own DM.",
    "bot": "Summaries and packets go to people, not bots.",
    "inactive": "That account is deactivated.",
    "not_found": "I couldn't find that person in this workspace.",
}


def share(request: SubcommandRequest, args: str) -> None:
    """`evidence share @person summary|packet [period]`: show what would go to whom, with
    Send / Cancel. Nothing is sent by this command."""
    context = request.context
    names = command_names(context)
    usage = (
        f"Usage: `{names.multiplier} evidence share @person summary|packet [period]` — a "
        f"period is {PERIOD_HELP}; the default is the last six months. You confirm before "
        "anything is sent."
    )
    named = leading_people(args)
    kind, _, period_text = named.rest.strip().partition(" ")
    if len(named.slack_ids) != 1 or named.unresolved or kind.lower() not in share_ui.SHARE_KINDS:
        request.reply(messages.usage_error(usage, request.typed, names))
        return
    user = current_user(context)
    try:
        period = parse_period(period_text, now=utcnow(), tz=user.tz)
    except PeriodError as error:
        request.reply(messages.usage_error(f"{error} {usage}", request.typed, names))
        return
    (recipient,) = named.slack_ids
    prepared = share_flows.prepare_share(
        session=db(context),
        owner=user,
        recipient_slack_id=recipient,
        profile=profile_or_none(request.client, recipient),
        kind=kind.lower(),
        period=period,
        now=utcnow(),
    )
    if prepared.refused is not None:
        reason = _SHARE_REFUSED[prepared.refused].format(multiplier=names.multiplier)
        request.respond(**ui.notice(f"{reason} Nothing was shared."))
    elif prepared.empty or prepared.share_id is None:
        request.respond(**ui.nothing_to_export(period, brag=names.brag))
    else:
        request.respond(
            **share_ui.share_confirmation(
                prepared.share_id,
                recipient,
                kind.lower(),
                period.label,
                share_flows.detail(kind.lower(), prepared.entries),
            )
        )


def export(request: SubcommandRequest) -> None:
    """`export json` (everything about you) or `export packet [period]` (default: 6 months)."""
    context = request.context
    names = command_names(context)
    kind, _, rest = request.args.partition(" ")
    kind = kind.lower()
    usage = (
        f"Usage: `{names.multiplier} export json` or `{names.multiplier} export packet "
        f"[period]` — a period is {PERIOD_HELP}; the default is the last six months."
    )
    if kind not in ("json", "packet") or (kind == "json" and rest.strip()):
        request.reply(messages.usage_error(usage, request.typed, names))
        return
    user = current_user(context)
    if kind == "packet":
        try:
            period = parse_period(rest, now=utcnow(), tz=user.tz)
        except PeriodError as error:
            request.reply(messages.usage_error(f"{error} {usage}", request.typed, names))
            return
        request.respond(**ui.preparing(f"your promotion packet for {period.label}"))
        filename = send_packet(request.client, context, user, period)
        if filename is None:
            request.respond(**ui.nothing_to_export(period, brag=names.brag, replace=True))
            return
        # The packet's kudos section grows with peers' words: the quote button comes along.
        request.respond(**quotes_ui.packet_sent(filename))
        return
    request.respond(**ui.preparing("everything I store about you"))
    filename = send_json_export(request.client, context, user)
    request.respond(**ui.notice(f"Sent {filename} to your DM with Multiplier.", replace=True))


def forget_me(request: SubcommandRequest) -> None:
    """Ask for confirmation before deleting everything about the user."""
    context = request.context
    if request.args.strip():
        names = command_names(context)
        request.reply(
            messages.usage_error(
                f"Usage: `{names.multiplier} forget-me` (it asks before deleting anything).",
                request.typed,
                names,
            )
        )
        return
    user = current_user(context)
    given = privacy_flows.kudos_given(session=db(context), user=user)
    request.respond(
        **ui.forget_me_prompt(
            user.id, kudos_given=given, multiplier=command_names(context).multiplier
        )
    )


# The /multiplier subcommands this module answers (the table is built in __init__.py).
SUBCOMMANDS = (
    Subcommand("evidence", show_evidence, aliases=("entries", "log")),
    Subcommand("export", export),
    Subcommand("forget-me", forget_me, aliases=("forgetme", "forget")),
)
