"""The Slack Web API stand-in in a process of its own, so the load generator does not share a
GIL with it. Knows the bench's users (U0000000…, for views.publish); writes {base_url,
bot_token, response_urls} as JSON to the path given, then serves until terminated. On SIGUSR1
it writes what its response_urls received, [[url id, received_at (time.monotonic), status],
…], to OUT.responses.json (bench/ack_latency.py times /brag confirmations with it).

    python bench/standin_server.py OUT.json RESPONSE_URLS USERS
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from pathlib import Path

from standin.webapi import SlackStandIn


def main() -> None:
    out_path, count, users = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    standin = SlackStandIn(trigger_ttl=None).start()
    for n in range(users):
        standin.add_user(f"U{n:07d}", name=f"u{n:07d}", tz="Europe/Berlin")
    urls = [standin.response_url("brag") for _ in range(count)]
    with open(out_path, "w") as out:
        json.dump({"base_url": standin.base_url, "bot_token": standin.bot_token, "urls": urls}, out)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    dump = Path(out_path).with_suffix(".responses.json")

    def write_responses(*_: object) -> None:
        calls = [
            [call.path.rsplit("/", 1)[1], call.received_at, call.status]
            for call in standin.calls_to("response_url")
        ]
        partial = dump.with_suffix(".partial")
        partial.write_text(json.dumps(calls))
        os.replace(partial, dump)  # the reader never sees half a file

    signal.signal(signal.SIGUSR1, write_responses)
    stop.wait()
    standin.stop()


if __name__ == "__main__":
    main()
