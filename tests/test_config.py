"""Settings are read once from the environment and .env; bad ones end the program plainly."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.capture.timeoff import DEFAULT_AWAY_WORDS
from bot.config import SLACK_API_URL, SettingsError, load_settings
from tests.support.process import run_cli


def test_defaults_need_no_setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With nothing configured, the app uses SQLite in the working directory and Slack's API."""
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "SLACK_API_URL", "PORT", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.database_url == "sqlite:///multiplier.db"
    assert settings.slack_api_url == SLACK_API_URL
    assert settings.port == 3000
    assert not (settings.slack_signing_secret or settings.slack_bot_token or settings.oauth_enabled)


def test_dotenv_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Values in .env are used; the environment wins over .env; empty values count as unset."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(
        "SLACK_BOT_TOKEN=xoxb-from-file\nSLACK_API_URL=http://127.0.0.1:9/api\nPORT=4000\n"
        "SLACK_APP_TOKEN=   # not used\n"
    )
    monkeypatch.setenv("PORT", "5000")
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    settings = load_settings()
    assert settings.slack_bot_token == "xoxb-from-file"
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.port == 5000
    assert settings.slack_app_token is None


def test_heroku_postgres_url_is_normalised() -> None:
    """A postgres:// URL from the platform selects the psycopg 3 driver."""
    settings = load_settings(_env_file=None, database_url="postgres://u:p@db:5432/app")
    assert settings.database_url == "postgresql+psycopg://u:p@db:5432/app"


@pytest.mark.parametrize(
    ("field", "value", "variable"),
    [
        ("port", "not-a-port", "PORT"),
        ("slack_api_url", "ftp://nope", "SLACK_API_URL"),
        ("log_level", "LOUD", "LOG_LEVEL"),
        ("holiday_calendar", "Narnia", "HOLIDAY_CALENDAR"),
        ("away_status_words", "vacation, ???", "AWAY_STATUS_WORDS"),
        ("away_status_emoji", "palm_tree, not an emoji!", "AWAY_STATUS_EMOJI"),
    ],
)
def test_invalid_value_names_the_variable(field: str, value: str, variable: str) -> None:
    """An invalid setting raises one sentence that names the variable."""
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None, **{field: value})
    assert str(error.value).startswith(variable)
    assert "\n" not in str(error.value)


def test_missing_bot_token_exits_2_with_one_sentence(tmp_path: Path) -> None:
    """serve without SLACK_BOT_TOKEN prints one plain line naming it, exit code 2, no traceback."""
    result = run_cli("serve", "--http", cwd=tmp_path, SLACK_SIGNING_SECRET="s")
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_signing_secret_exits_2(tmp_path: Path) -> None:
    """HTTP mode without SLACK_SIGNING_SECRET names that variable."""
    result = run_cli("serve", "--http", cwd=tmp_path, SLACK_BOT_TOKEN="xoxb-1")
    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET" in result.stderr
    assert "Traceback" not in result.stderr


def test_socket_mode_needs_app_token(tmp_path: Path) -> None:
    """Socket Mode without SLACK_APP_TOKEN names that variable."""
    result = run_cli("serve", "--socket", cwd=tmp_path, SLACK_BOT_TOKEN="xoxb-1")
    assert result.returncode == 2
    assert "SLACK_APP_TOKEN" in result.stderr


def test_invalid_port_in_environment_exits_2(tmp_path: Path) -> None:
    """An unparsable PORT stops the program with a sentence naming PORT."""
    result = run_cli("migrate", cwd=tmp_path, PORT="eighty")
    assert result.returncode == 2
    assert result.stderr.startswith("multiplier: PORT is invalid")
    assert "Traceback" not in result.stderr


def test_time_off_settings_are_normalised() -> None:
    """HOLIDAY_CALENDAR is kept as its code ("none" or empty: no calendar); the away words
    and emoji replace the built-in lists."""
    settings = load_settings(
        _env_file=None,
        holiday_calendar="us-ca",
        away_status_words="Vacationing, OOO",
        away_status_emoji=":palm_tree:, 🤒",
    )
    assert settings.holiday_calendar == "US-CA"
    rules = settings.away_rules()
    assert (rules.words, rules.emoji) == (
        ("vacationing", "ooo"),
        ("palm_tree", "face_with_thermometer"),
    )
    assert load_settings(_env_file=None, holiday_calendar="none").holiday_calendar is None
    assert load_settings(_env_file=None).away_rules().words == DEFAULT_AWAY_WORDS
