"""Local stand-ins for Slack: a stateful Web API server and a signed-request client.

Used by tests, the local sandbox and benchmarks; Slack itself is never reached.
"""

from bot.standin.blockkit_checks import Violation, check_payload, find_violations
from bot.standin.signing import Input, Reply, SlackClientSimulator
from bot.standin.webapi import RecordedCall, SlackStandIn, UploadedFile

__all__ = [
    "Input",
    "RecordedCall",
    "Reply",
    "SlackClientSimulator",
    "SlackStandIn",
    "UploadedFile",
    "Violation",
    "check_payload",
    "find_violations",
]
