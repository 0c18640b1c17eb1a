"""The one place that works around Bolt's behaviour (slack-bolt pinned in pyproject.toml).

Everything else uses Bolt as documented: a listener acks, then does its work, and Bolt's
default `process_before_response=False` answers Slack at the ack. Each work-around here
names the Bolt issue it avoids and has a test through a real `App.dispatch`
(tests/slack/test_bolt_compat.py), so a Bolt upgrade that fixes or changes it shows up there.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from slack_bolt.kwargs_injection.args import Args

Handler = Callable[..., Any]
ErrorHandler = Callable[..., Any]


def arguments(args: Args, names: list[str]) -> dict[str, Any]:
    """The arguments named, from Bolt's `args` (a parameter named `args` gets it whole)."""
    return {name: args if name == "args" else getattr(args, name) for name in names}


def keep_ack_on_failure(handler: Handler, on_error: ErrorHandler) -> Handler:
    """Hand a failure after ack() to the error handler ourselves, so the ack still goes out.

    Bolt's thread runner (slack_bolt/listener/thread_runner.py, 1.30), when a listener that
    acked raises, sets `ack.response = None` after calling the error handler. Its request
    thread polls `ack.response` every 10 ms: when the failure comes within that interval it
    never sees the ack, waits out the 3 s ack timeout and answers Slack 404, as if the
    listener had never acked. Caught here, the failure goes to `on_error` (the app's one
    error handler) with the ack's response; failures before the ack still go through Bolt.

    The wrapper takes Bolt's documented `args` parameter (every injectable argument in
    one object) and passes the handler the ones it names, so no signature is forged.
    """
    names = list(inspect.signature(handler).parameters)

    @functools.wraps(handler)
    def guarded(args: Args) -> Any:
        try:
            return handler(**arguments(args, names))
        except Exception as error:
            if args.ack.response is None:
                raise
            return on_error(
                error=error,
                body=args.body,
                context=args.context,
                client=args.client,
                response=args.ack.response,
            )

    # Bolt reads a listener's arguments from the function `inspect.unwrap` finds: without
    # this it would see the handler's names through functools.wraps' __wrapped__.
    del guarded.__wrapped__
    return guarded
