"""Modal fields parsed as the Slack client would, and the fast-forward of the clock."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot import clock
from bot.scheduling.catalog import JOBS
from bot.scheduling.jobs import JobContext, JobResult, JobSpec
from sandbox import forms
from sandbox.hints import NEXT_DUE
from sandbox.render import Names
from sandbox.timetravel import fast_forward
from tests.sandbox.conftest import Session

NAMES = Names.of({"UBOB": "bob"}, {"C0TEAM": "team"})
LOOKUP = forms.Lookup(
    user_id=lambda n: {"bob": "UBOB", "carol": "UCAROL"}.get(n.lstrip("@").lower()),
    channel_id=lambda n: {"team": "C0TEAM"}.get(n.lstrip("#").lower()),
    today=lambda: date(2026, 11, 23),
    names=NAMES,
)


def _option(value: str, text: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


def _field(element: dict[str, Any]) -> forms.Field:
    return forms.Field("b", "a", "Label", element, optional=False)


def test_text_fields_check_what_the_client_checks() -> None:
    """Lengths, URLs, emails and number ranges are checked before anything is sent."""
    short = _field({"type": "plain_text_input", "min_length": 3, "max_length": 5})
    assert forms.parse(short, "abcd", LOOKUP) == {"type": "plain_text_input", "value": "abcd"}
    for bad in ("ab", "abcdef"):
        with pytest.raises(forms.Invalid):
            forms.parse(short, bad, LOOKUP)
    multi = _field({"type": "plain_text_input", "multiline": True})
    assert forms.parse(multi, "a\\nb", LOOKUP)["value"] == "a\nb"
    with pytest.raises(forms.Invalid):
        forms.parse(_field({"type": "url_text_input"}), "example.com", LOOKUP)
    with pytest.raises(forms.Invalid):
        forms.parse(_field({"type": "email_text_input"}), "nobody", LOOKUP)
    number = _field({"type": "number_input", "is_decimal_allowed": False, "max_value": "10"})
    assert forms.parse(number, "7", LOOKUP)["value"] == "7"
    for bad in ("7.5", "11", "seven"):
        with pytest.raises(forms.Invalid):
            forms.parse(number, bad, LOOKUP)


def test_options_by_number_text_value_or_prefix() -> None:
    """A select takes an option's number, text, value or unique prefix; nothing else."""
    select = _field(
        {
            "type": "static_select",
            "option_groups": [
                {"options": [_option("self", "Just me"), _option("team", "My team")]},
                {"options": [_option("org", "The org")]},
            ],
        }
    )
    pick = lambda typed: forms.parse(select, typed, LOOKUP)["selected_option"]["value"]  # noqa: E731
    assert [pick("3"), pick("my team"), pick("self"), pick("The")] == ["org", "team", "self", "org"]
    for bad in ("4", "0", "nope", ""):
        with pytest.raises(forms.Invalid):
            pick(bad)
    boxes = _field({"type": "checkboxes", "options": [_option("a", "A"), _option("b", "B")]})
    chosen = forms.parse(boxes, "2, 1, 2", LOOKUP)["selected_options"]
    assert [o["value"] for o in chosen] == ["b", "a"]


def test_people_channels_dates_and_times() -> None:
    """People and channels by name, relative dates from the user's today, 24-hour times."""
    people = forms.parse(_field({"type": "multi_users_select"}), "@bob carol, bob", LOOKUP)
    assert people["selected_users"] == ["UBOB", "UCAROL"]
    with pytest.raises(forms.Invalid):
        forms.parse(_field({"type": "users_select"}), "bob carol", LOOKUP)
    with pytest.raises(forms.Invalid):
        forms.parse(_field({"type": "multi_users_select"}), "zed", LOOKUP)
    channel = forms.parse(_field({"type": "conversations_select"}), "#team", LOOKUP)
    assert channel["selected_conversation"] == "C0TEAM"
    picker = _field({"type": "datepicker"})
    dates = [
        forms.parse(picker, t, LOOKUP)["selected_date"] for t in ("today", "+7d", "2027-01-02")
    ]
    assert dates == ["2026-11-23", "2026-11-30", "2027-01-02"]
    time_picker = _field({"type": "timepicker"})
    times = [
        forms.parse(time_picker, t, LOOKUP)["selected_time"] for t in ("9:05", "4pm", "4.30pm")
    ]
    assert times == ["09:05", "16:00", "16:30"]  # typed as anywhere else; sent as Slack does
    with pytest.raises(forms.Invalid):
        forms.parse(time_picker, "25:00", LOOKUP)


def test_initial_state_is_what_slack_reports_untouched() -> None:
    """An untouched element reports its initial value; empty required fields are caught."""
    option = _option("team", "My team")
    state = forms.initial_state({"type": "static_select", "initial_option": option})
    assert state == {"type": "static_select", "selected_option": option}
    assert forms.describe_state(state, NAMES) == "My team"
    empty = forms.initial_state({"type": "multi_users_select"})
    assert empty == {"type": "multi_users_select", "selected_users": []}
    assert forms.is_empty(empty)
    assert forms.describe_state({"type": "users_select", "selected_user": "UBOB"}, NAMES) == "@bob"


@pytest.fixture
def only_jobs(monkeypatch: pytest.MonkeyPatch):
    """Replace the registered jobs with the test's own, restoring them afterwards."""
    saved = dict(JOBS)
    JOBS.clear()
    yield JOBS
    JOBS.clear()
    JOBS.update(saved)
    clock.reset()


def _ctx() -> JobContext:
    return JobContext(database=None, settings=None)  # type: ignore[arg-type]


def test_fast_forward_visits_hinted_and_grid_minutes_in_order(
    only_jobs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hinted jobs run exactly when due, others on the grid; the clock stands at each minute."""
    start = datetime(2026, 11, 23, 9, 7, 30, tzinfo=UTC)
    runs: list[tuple[str, datetime, datetime]] = []
    slot = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)  # Fri 15:00 in New York

    def recorder(name: str):
        def run(_ctx: JobContext, now: datetime) -> JobResult:
            runs.append((name, now, clock.now()))
            return JobResult(name, "ok")

        return run

    def next_slot(_ctx: JobContext, after: datetime) -> datetime | None:
        return slot if after < slot else None

    only_jobs["checkins"] = JobSpec("checkins", "", recorder("checkins"))
    monkeypatch.setitem(NEXT_DUE, "checkins", next_slot)
    only_jobs["digests"] = JobSpec("digests", "", recorder("digests"))
    clock.shift(start - clock.now())
    journey = fast_forward(_ctx(), since=start, until=start + timedelta(days=7))

    first = datetime(2026, 11, 23, 9, 8, tzinfo=UTC)  # every job runs at the first minute
    checkins = [now for name, now, _ in runs if name == "checkins"]
    assert checkins == [first, slot]
    digests = [now for name, now, _ in runs if name == "digests"]
    assert digests[:2] == [first, datetime(2026, 11, 23, 9, 15, tzinfo=UTC)]
    assert all(now.minute % 15 == 0 for now in digests[1:-1])
    assert digests[-1] == datetime(2026, 11, 30, 9, 7, tzinfo=UTC)
    assert len(digests) == 7 * 24 * 4 + 2  # the first minute, every quarter hour, the last
    assert [now for _, now, _ in runs] == sorted(now for _, now, _ in runs)
    assert all(abs(seen - now) < timedelta(seconds=5) for _, now, seen in runs)
    assert clock.now() - (start + timedelta(days=7)) < timedelta(seconds=5)
    assert journey.counts() == {"checkins": 2, "digests": len(digests)}


def test_short_jumps_run_every_minute(only_jobs) -> None:
    """On jumps of up to three hours, jobs without a hint run at every minute."""
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    seen: list[datetime] = []
    only_jobs["tick"] = JobSpec("tick", "", lambda _c, now: seen.append(now) or JobResult("t", ""))
    clock.shift(start - clock.now())
    fast_forward(_ctx(), since=start, until=start + timedelta(hours=2))
    assert seen == [start + timedelta(minutes=m) for m in range(1, 121)]


def test_a_week_of_cheap_ticks_is_fast(only_jobs, monkeypatch: pytest.MonkeyPatch) -> None:
    """A week's fast-forward with an hourly-hinted job and a grid job takes well under 3 s."""
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    only_jobs["grid"] = JobSpec("grid", "", lambda _c, _n: JobResult("grid", ""))
    only_jobs["hourly"] = JobSpec("hourly", "", lambda _c, _n: JobResult("hourly", ""))
    monkeypatch.setitem(
        NEXT_DUE,
        "hourly",
        lambda _c, after: after.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1),
    )
    clock.shift(start - clock.now())
    began = time.monotonic()
    journey = fast_forward(_ctx(), since=start, until=start + timedelta(days=7))
    assert time.monotonic() - began < 3
    assert journey.counts() == {"grid": 673, "hourly": 169}  # 672 and 168, and the first minute


def test_failing_job_and_hint_do_not_stop_the_others(
    only_jobs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job that raises is recorded as failed; a hint that raises falls back to the grid."""
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def broken(_c: JobContext, _n: datetime) -> JobResult:
        raise RuntimeError("boom")

    def broken_hint(_c: JobContext, _a: datetime) -> datetime:
        raise RuntimeError("no hint")

    only_jobs["broken"] = JobSpec("broken", "", broken)
    only_jobs["hinted"] = JobSpec("hinted", "", lambda _c, _n: JobResult("h", "ok"))
    monkeypatch.setitem(NEXT_DUE, "hinted", broken_hint)
    clock.shift(start - clock.now())
    journey = fast_forward(_ctx(), since=start, until=start + timedelta(minutes=3))
    assert [r.summary for r in journey.failures] == ["RuntimeError: boom"] * 3
    assert journey.counts() == {"broken": 3, "hinted": 3}


def test_a_sandbox_command_typed_in_a_modal_is_not_taken_as_a_field(session: Session) -> None:
    """`:as bob` typed while a modal asks for a field said "✗ pick one of …" (or became the
    text); now it says the modal is open and how to leave it, and the field is asked again."""
    out = session.feed("/brag\n:as bob\n:later\n:as bob\n")
    assert (
        "✗ A modal is open: :submit, :cancel, or :later to keep it for :modal, then :as." in out
    ), out
    assert "(The modal stays open" in out and "You are bob" in out, out
