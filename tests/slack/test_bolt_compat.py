"""bot.slack.bolt_compat against the pinned slack-bolt, through a bare `App.dispatch`.

If a Bolt upgrade changes the behaviour worked around, these tests say so."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from slack_bolt import Ack, App, BoltRequest, BoltResponse, Respond
from slack_bolt.authorization import AuthorizeResult

from bot.slack.bolt_compat import keep_ack_on_failure
from tests.support.waiting import poll_until


def _bare_app() -> App:
    """Bolt as shipped: default runner and executor, process_before_response=False."""
    return App(
        signing_secret="unused",
        request_verification_enabled=False,
        # A fixed installation, so that no request goes to Slack's auth.test.
        authorize=lambda **_: AuthorizeResult(
            enterprise_id=None,
            team_id="T1",
            bot_token="xoxb-test",
            bot_user_id="UBOT",
        ),
    )


def _command(text: str) -> BoltRequest:
    body = urlencode(
        {
            "command": "/t",
            "text": text,
            "team_id": "T1",
            "user_id": "U1",
            "channel_id": "C1",
            "response_url": "https://hooks.slack.com/commands/T1/1/x",
            "trigger_id": "1.2.3",
        }
    )
    return BoltRequest(body=body, headers={"content-type": ["application/x-www-form-urlencoded"]})


def test_a_failure_right_after_the_ack_keeps_the_ack() -> None:
    """Bolt would reset the ack it has not yet polled and answer 404 after 3 s."""
    errors: list[tuple[str, int | None]] = []

    def on_error(*, error: Exception, response: BoltResponse | None, **_: Any) -> None:
        errors.append((str(error), response.status if response else None))

    def listener(ack: Ack) -> None:
        ack()
        raise RuntimeError("after the ack")

    app = _bare_app()
    app.command("/t")(keep_ack_on_failure(listener, on_error))
    for n in range(10):
        started = time.monotonic()
        response = app.dispatch(_command(str(n)))
        assert response.status == 200, n
        assert time.monotonic() - started < 1.0, n
    poll_until(lambda: len(errors) == 10, what="ten failures handed to on_error")
    assert errors == [("after the ack", 200)] * 10


def test_a_failure_before_the_ack_goes_through_bolt() -> None:
    """No ack made: Bolt's own error handler answers, as without the wrapper."""
    seen: list[str] = []

    def listener(ack: Ack) -> None:
        raise RuntimeError("before the ack")

    app = _bare_app()

    @app.error
    def bolt_error(error: Exception) -> BoltResponse:
        seen.append(str(error))
        return BoltResponse(status=200, body="told")

    app.command("/t")(keep_ack_on_failure(listener, lambda **_: None))
    response = app.dispatch(_command("x"))
    assert (response.status, response.body) == (200, "told")
    assert seen == ["before the ack"]


def test_the_listener_gets_exactly_the_arguments_it_names() -> None:
    """Bolt injects by parameter name: the wrapper passes on what the listener asked for."""
    got: list[tuple[str, bool, bool]] = []

    def listener(ack: Ack, command: dict[str, Any], respond: Respond, args: Any) -> None:
        ack()
        got.append((command["text"], callable(respond), args.command is command))

    app = _bare_app()
    wrapped = keep_ack_on_failure(listener, lambda **_: None)
    assert wrapped.__name__ == "listener"
    app.command("/t")(wrapped)
    assert app.dispatch(_command("hello")).status == 200
    poll_until(lambda: got, what="the listener's call")
    assert got == [("hello", True, True)]
