"""The Slack Web API stand-in in a process of its own, so the load generator does not share a
GIL with it. Writes {base_url, bot_token, response_urls} as JSON to the path given, then
serves until terminated."""

from __future__ import annotations

import json
import signal
import sys
import threading

from bot.standin.webapi import SlackStandIn


def main() -> None:
    out_path, count = sys.argv[1], int(sys.argv[2])
    standin = SlackStandIn(trigger_ttl=None).start()
    urls = [standin.response_url("brag") for _ in range(count)]
    with open(out_path, "w") as out:
        json.dump({"base_url": standin.base_url, "bot_token": standin.bot_token, "urls": urls}, out)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    standin.stop()


if __name__ == "__main__":
    main()
