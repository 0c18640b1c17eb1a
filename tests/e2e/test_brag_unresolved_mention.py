"""An unresolved mention echoed back by /brag can never become a broadcast."""

from __future__ import annotations

from tests.support.apps import RunningApp


def test_an_unresolved_broadcast_like_mention_is_escaped(running_app: RunningApp) -> None:
    """`<@<!here>>` is named in the reply escaped; the stand-in sees no broadcast."""
    running_app.slack.slash_command("/brag", "<@<!here>>", user_id="UALICE")
    (call,) = running_app.standin.wait_for("response_url")
    running_app.wait_idle()
    assert "<!here>" not in call.params["text"]
    assert "@\u2060here" in call.params["text"]  # readable, and never a broadcast
    # The standin fixture also fails the test on any broadcast it received.
