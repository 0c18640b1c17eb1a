"""The baseline for bench/ack_latency.py: a bare Bolt app whose listeners only ack (/brag, the
Home button click, app_home_opened), served by waitress with the same settings as the
Procfile's web process (bot/web.py)."""

from __future__ import annotations

import argparse
import os

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from waitress.server import create_server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    app = App(
        client=WebClient(base_url=os.environ["SLACK_API_URL"], token=os.environ["SLACK_BOT_TOKEN"]),
        token=os.environ["SLACK_BOT_TOKEN"],
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=False,
    )

    @app.command("/brag")
    def brag(ack) -> None:
        ack()

    @app.action("home_summary_toggle")
    def click(ack) -> None:
        ack()

    @app.event("app_home_opened")
    def home_opened() -> None:
        pass  # events are acked by Bolt itself

    server = create_server(
        SlackRequestHandler(app),
        host="127.0.0.1",
        port=args.port,
        threads=args.threads,
        ident="bare",
        max_request_body_size=1_048_576,
        clear_untrusted_proxy_headers=True,
    )
    server.run()


if __name__ == "__main__":
    main()
