"""The one classification of a failed Web API call, for every path that sends.

A failure is one of:
- rate limited (429 / `ratelimited`): wait for Retry-After and try again; nothing was posted;
- transient (5xx, `internal_error`…, a dropped connection): *ambiguous*, Slack may have posted
  before failing, so a retry must look for the message first;
- the recipient is gone (a user deactivated or unknown, a channel archived, deleted or left):
  the same call can never succeed, stop and say so;
- the workspace is gone (token revoked or invalid, workspace deleted): stop everything there;
- rejected (any other error, e.g. `invalid_blocks`): this one call cannot succeed.
"""

from __future__ import annotations

from enum import Enum

from slack_sdk.errors import SlackApiError

# The user or channel cannot receive a message from us, now or later (until someone acts).
RECIPIENT_GONE_ERRORS = frozenset(
    {
        "user_not_found",
        "user_disabled",
        "user_is_bot",
        "cannot_dm_bot",
        "user_not_visible",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
    }
)
# The token no longer works for the workspace (`account_inactive`: the token's user or
# workspace was deleted): stop everything there.
WORKSPACE_GONE_ERRORS = frozenset(
    {
        "not_authed",
        "invalid_auth",
        "token_revoked",
        "token_expired",
        "account_inactive",
        "team_not_found",
        "team_disabled",
        "team_access_not_granted",
        "no_permission",
        "missing_scope",
        "not_allowed_token_type",
        "ekm_access_denied",
        "enterprise_is_restricted",
    }
)
# Slack answered 200 with an error that means "try again later".
TRANSIENT_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


class Outcome(Enum):
    """What became of one call."""

    OK = "ok"
    # Slack kept answering 429: nothing was posted.
    RATE_LIMITED = "rate_limited"
    # 5xx, a transient error or a dropped connection: maybe posted.
    AMBIGUOUS = "ambiguous"
    # The recipient (a user, or a channel) is gone: see RECIPIENT_GONE_ERRORS.
    USER_GONE = "user_gone"
    WORKSPACE_GONE = "workspace_gone"
    # Slack refused this one call (e.g. invalid_blocks): retrying would not help.
    REJECTED = "rejected"

    @property
    def permanent(self) -> bool:
        """Retrying the same call could never succeed."""
        return self in (Outcome.USER_GONE, Outcome.WORKSPACE_GONE, Outcome.REJECTED)


def error_code(error: Exception) -> str:
    """Slack's error code (`http_503` when it gave none), or the exception's type name."""
    if isinstance(error, SlackApiError):
        data = error.response.data if isinstance(error.response.data, dict) else {}
        return str(data.get("error") or f"http_{error.response.status_code}")
    return type(error).__name__


def classify(error: Exception) -> tuple[Outcome, str]:
    """(Outcome, error code) for a failed call: SlackApiError, or a connection failure."""
    code = error_code(error)
    if not isinstance(error, SlackApiError):
        return Outcome.AMBIGUOUS, code  # connection refused/reset, timeouts
    status = error.response.status_code
    if status == 429 or code == "ratelimited":
        return Outcome.RATE_LIMITED, code
    if status >= 500 or code in TRANSIENT_ERRORS:
        return Outcome.AMBIGUOUS, code
    if code in WORKSPACE_GONE_ERRORS:
        return Outcome.WORKSPACE_GONE, code
    if code in RECIPIENT_GONE_ERRORS:
        return Outcome.USER_GONE, code
    return Outcome.REJECTED, code
