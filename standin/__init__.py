"""Local stand-ins for Slack: a stateful Web API server and a signed-request client.

Used by tests, the local sandbox and benchmarks; Slack itself is never reached::

    with SlackStandIn() as standin:
        standin.add_user("UALICE", name="alice", tz="Europe/Berlin")
        client = WebClient(base_url=standin.base_url, token=standin.bot_token)
        slack = SlackClientSimulator(app_url, signing_secret, standin=standin)
        slack.slash_command("/brag", "shipped it", user_id="UALICE")
        (call,) = standin.wait_for("response_url")
        assert standin.violations == []

Slack's bad days are knobs on the stand-in: `set_delay("users.info", 2.5)` makes a method
answer late ("*" for every method, "response_url" for response URLs; 0 removes it),
`rate_limit_next` / `server_error_next` / `fail_next` answer 429, 5xx or an error once or
more, `set_rate_limits` throttles for real (tests/e2e/test_burst.py, test_faults.py).
"""

from standin.blockkit_checks import Violation, check_payload, find_violations
from standin.signing import Input, Reply, SlackClientSimulator
from standin.webapi import RecordedCall, SlackStandIn, UploadedFile

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
