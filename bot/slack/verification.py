"""Is this request from Slack? Signature checks at the HTTP edge, and trusted response URLs.

Bolt verifies signatures too, but its check raises on a malformed timestamp (`abc`, `1e3`,
empty), and the exception then reaches the error handler as if the request were genuine.
Here every way a request can fail verification is a reason string, never an exception.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from urllib.parse import urlsplit

# Slack rejects replays older than five minutes; so do we (and requests from the future).
MAX_CLOCK_SKEW_SECONDS = 5 * 60

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")

# The context key `bot.middleware.request_context` sets once a request is known to be Slack's.
VERIFIED = "request_verified"

# Hosts Slack's response_url points at (commercial Slack and GovSlack).
SLACK_HOOK_HOSTS = frozenset({"hooks.slack.com", "hooks.slack-gov.com"})


def signature_problem(
    *,
    signing_secret: str,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    now: float | None = None,
) -> str | None:
    """Why this request fails Slack's signature check, or None when it passes."""
    if not signing_secret:
        return "no signing secret configured"
    problem = _timestamp_problem(timestamp, time.time() if now is None else now)
    if problem is not None or timestamp is None:
        return problem or "missing timestamp"
    if not signature:
        return "missing signature"
    if not _SIGNATURE.fullmatch(signature):
        return "malformed signature"
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    expected = "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return None if hmac.compare_digest(expected, signature) else "wrong signature"


def _timestamp_problem(timestamp: str | None, now: float) -> str | None:
    if not timestamp:
        return "missing timestamp"
    if not _TIMESTAMP.fullmatch(timestamp):
        return "malformed timestamp"
    if abs(now - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        return "stale timestamp"
    return None


def trusted_response_url(url: object, *, api_url: str) -> bool:
    """Whether `url` is a response_url we may post to: Slack's hooks host, or our API's host.

    The configured Web API host is trusted as well, for GovSlack-style deployments and the
    local stand-in; anything else (an address from a tampered body) is never contacted.
    """
    if not isinstance(url, str) or not url:
        return False
    try:
        target = urlsplit(url)
        api = urlsplit(api_url)
        target_port = target.port
        api_port = api.port
    except ValueError:
        return False
    if not target.hostname or target.username is not None or target.password is not None:
        return False
    host = target.hostname.lower()
    if target.scheme == "https" and host in SLACK_HOOK_HOSTS and target_port in (None, 443):
        return True
    return (
        target.scheme == api.scheme
        and host == (api.hostname or "").lower()
        and target_port == api_port
    )
