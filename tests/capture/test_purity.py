"""The capture core stays pure: no Slack client, no Bolt, no database."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_capture_core_loads_no_slack_or_database_library() -> None:
    """Importing every bot.capture module pulls in neither slack_sdk, slack_bolt nor SQLAlchemy."""
    code = (
        "import sys\n"
        "import bot.capture.emoji, bot.capture.evaluation, bot.capture.kudos\n"
        "import bot.capture.reactions, bot.capture.thanks, bot.capture.timeoff\n"
        "import bot.capture.__main__\n"
        "print(sorted({m.split('.')[0] for m in sys.modules}"
        " & {'slack_sdk', 'slack_bolt', 'sqlalchemy'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
