"""The few calls a delivery makes (open a DM, post, upload a chart), through the one Sender.

Each raises SendFailed with the classified outcome (bot/delivery/errors.py) when Slack says
no, so a job only decides what a failure means for its row: retry later, or stop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.delivery.errors import Outcome
from bot.delivery.sender import Result, Sender

logger = logging.getLogger(__name__)


class SendFailed(Exception):
    """A Slack call failed; `outcome` says how, `permanent` whether retrying could help."""

    def __init__(self, error: str, outcome: Outcome) -> None:
        super().__init__(error)
        self.error = error
        self.outcome = outcome

    @property
    def permanent(self) -> bool:
        return self.outcome.permanent

    @classmethod
    def of(cls, result: Result) -> SendFailed:
        return cls(result.error or result.outcome.value, result.outcome)


@dataclass(frozen=True)
class Slack:
    """Where a delivery goes out: the one sender, a client for the workspace's token."""

    sender: Sender
    client: WebClient
    workspace: str

    @classmethod
    def for_token(cls, sender: Sender, token: str | None, workspace: str) -> Slack:
        return cls(sender=sender, client=sender.client(token), workspace=workspace)


def token_source(client_for: Callable[[str], WebClient]) -> Callable[[str], str | None]:
    """Bot tokens by team id, from a job's `client_for` (which raises WorkspaceInactive)."""
    return lambda team_id: client_for(team_id).token


def open_dm(slack: Slack, slack_user_id: str) -> str:
    """The DM channel id with a user (conversations.open, not paced: it posts nothing)."""
    result = slack.sender.call(
        lambda: slack.client.conversations_open(users=slack_user_id),
        workspace=slack.workspace,
        paced=False,
    )
    if not result.ok:
        raise SendFailed.of(result)
    return str(result.data["channel"]["id"])


@dataclass(frozen=True)
class Posted:
    channel: str
    ts: str


def post_message(
    slack: Slack,
    *,
    channel: str,
    text: str,
    blocks: list[dict[str, Any]],
    metadata: dict[str, Any] | None = None,
    pace_channel: bool = True,
) -> Posted:
    """chat.postMessage, paced; never with link_names, so nothing typed becomes a broadcast.

    An ambiguous failure (5xx, timeout) is not retried here: the row goes back for a later
    run, which looks for the message (by its metadata) before posting again.
    """
    result = slack.sender.call(
        lambda: slack.client.chat_postMessage(
            channel=channel,
            text=text,
            blocks=blocks,
            metadata=metadata,
            unfurl_links=False,
            unfurl_media=False,
        ),
        workspace=slack.workspace,
        channel=channel if pace_channel else None,
        retries=0,
    )
    if not result.ok:
        raise SendFailed.of(result)
    return Posted(channel=str(result.data["channel"]), ts=str(result.data["ts"]))


def upload_png(
    slack: Slack,
    *,
    channel: str,
    content: bytes,
    filename: str,
    title: str,
    alt_text: str,
    thread_ts: str | None = None,
) -> bool:
    """Upload an image with the files upload v2 flow; False (logged) when it fails."""
    try:
        _upload(
            slack,
            pace_channel=None,
            channel=channel,
            content=content,
            filename=filename,
            title=title,
            alt_txt=alt_text,
            thread_ts=thread_ts,
        )
    except SendFailed as failure:
        logger.warning("chart upload failed: %s", failure.error)
        return False
    return True


def upload_file(
    slack: Slack,
    *,
    channel: str,
    content: str,
    filename: str,
    title: str,
    initial_comment: str,
) -> None:
    """Upload a text file in a channel (files upload v2: getUploadURLExternal, the upload,
    completeUploadExternal), paced like a post; SendFailed when Slack says no."""
    _upload(
        slack,
        pace_channel=channel,
        channel=channel,
        content=content,
        filename=filename,
        title=title,
        initial_comment=initial_comment,
    )


def _upload(slack: Slack, *, pace_channel: str | None, **arguments: Any) -> None:
    """files_upload_v2 through the sender, once; SendFailed when it fails."""
    try:
        result = slack.sender.call(
            lambda: slack.client.files_upload_v2(**arguments),
            workspace=slack.workspace,
            channel=pace_channel,
            paced=pace_channel is not None,
            retries=0,
        )
    except ValueError as error:  # slack_sdk refuses the arguments before calling
        raise SendFailed(type(error).__name__, Outcome.REJECTED) from error
    if not result.ok:
        raise SendFailed.of(result)
