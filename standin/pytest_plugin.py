"""Pytest fixtures for the Slack stand-in: `pytest_plugins = ["standin.pytest_plugin"]`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from standin.webapi import SlackStandIn


@pytest.fixture
def slack_standin() -> Iterator[SlackStandIn]:
    """A started stand-in on an ephemeral port; fails the test if any payload broke a rule."""
    with SlackStandIn() as standin:
        yield standin
        if standin.violations:
            pytest.fail(
                "Slack stand-in saw Block Kit / safety violations:\n  "
                + "\n  ".join(standin.violations)
            )


@pytest.fixture
def slack_web_client(slack_standin: SlackStandIn) -> WebClient:
    """A WebClient with the default bot token, pointed at the stand-in."""
    return WebClient(base_url=slack_standin.base_url, token=slack_standin.bot_token)
