"""`/multiplier evidence | export | forget-me`: your entries and your data rights."""

from __future__ import annotations

import json
import re
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.db.base import utcnow
from bot.db.models import User
from bot.evidence import filters, flows, packet
from bot.evidence import service as evidence
from bot.evidence.periods import PERIOD_HELP, Period, PeriodError, parse_period
from bot.listeners.actions.evidence import show_page
from bot.listeners.commands.subcommands import Subcommand, SubcommandRequest
from bot.listeners.support import coaching_library, command_names, current_user, db
from bot.privacy import service as privacy
from bot.slack.people import lookup_names
from bot.ui import evidence as ui
from bot.ui import messages
from bot.ui.text import plural


def show_evidence(request: SubcommandRequest) -> None:
    """Your entries, newest first, with Edit and Delete: `last N`, a period, `#dimension`."""
    context = request.context
    session = db(context)
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
    payload = show_page(
        session=session, user=user, request=wanted, library=library, command=names.brag
    )
    session.commit()
    request.respond(**payload)


def open_dm(client: WebClient, session: Session, user: User) -> str:
    """The bot's DM channel with the user (remembered on the user row)."""
    channel = client.conversations_open(users=user.slack_user_id)["channel"]["id"]
    if user.dm_channel_id != channel:
        user.dm_channel_id = channel
        session.commit()
    return channel


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "export"


def send_json_export(*, client: WebClient, session: Session, user: User) -> str:
    """Upload everything stored about the user as a JSON file in their DM; the file name."""
    data = privacy.export_user_data(session=session, user=user)
    session.commit()
    names = lookup_names(client, privacy.unnamed_in_export(data))
    if names:
        privacy.add_readable_fields(data["tables"], names)
    content = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    filename = f"multiplier-export-{user.slack_user_id}-{utcnow():%Y-%m-%d}.json".lower()
    channel = open_dm(client, session, user)
    counts = (
        ", ".join(
            plural(len(rows), privacy.row_noun(name))
            for name, rows in data["tables"].items()
            if rows
        )
        or "no rows yet"
    )
    client.files_upload_v2(
        channel=channel,
        content=content,
        filename=filename,
        title="Everything Multiplier stores about you",
        initial_comment=ui.export_comment(
            "everything Multiplier stores about you, as JSON", f"({counts})."
        ),
    )
    return filename


def send_packet(
    *, client: WebClient, session: Session, user: User, period: Period, context: Any
) -> str | None:
    """Upload the promotion packet for a period as Markdown in the user's DM; the file name.

    None, and no file, when the period holds no evidence: there is nothing to export.
    """
    library = coaching_library(context)
    now = utcnow()
    content = flows.packet_content(session=session, user=user, period=period)
    if not content.items:
        return None
    items = content.items
    names = lookup_names(client, [user.slack_user_id, *packet.people_in(items)])
    owner = names.get(user.slack_user_id) or user.display_name or user.slack_user_id
    markdown = packet.build_packet(
        entries=items,
        library=library,
        period=period,
        owner_name=owner,
        workspace_name=content.workspace_name,
        names=names,
        tz=user.tz,
        generated_at=now,
    )
    filename = f"promotion-packet-{_slug(period.label)}.md"
    channel = open_dm(client, session, user)
    client.files_upload_v2(
        channel=channel,
        content=markdown,
        filename=filename,
        title=f"Promotion packet: {period.label}"[:250],
        initial_comment=ui.export_comment(
            f"your promotion packet for {period.label}",
            f"{plural(len(items), 'entry')}, grouped by promotion-case element and dimension.",
        ),
    )
    return filename


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
    session = db(context)
    user = current_user(context)
    if kind == "packet":
        try:
            period = parse_period(rest, now=utcnow(), tz=user.tz)
        except PeriodError as error:
            request.reply(messages.usage_error(f"{error} {usage}", request.typed, names))
            return
        request.respond(**ui.preparing(f"your promotion packet for {period.label}"))
        filename = send_packet(
            client=request.client, session=session, user=user, period=period, context=context
        )
        if filename is None:
            request.respond(**ui.nothing_to_export(period, brag=names.brag, replace=True))
            return
    else:
        request.respond(**ui.preparing("everything I store about you"))
        filename = send_json_export(client=request.client, session=session, user=user)
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
    session = db(context)
    user = current_user(context)
    given = evidence.count_kudos_given(session=session, giver=user)
    session.commit()
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
