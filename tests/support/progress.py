"""One progress line for a whole test run, in place of a screenful of dots.

`  [ 45%] 480 of 1,067 tests · 1 failed · 1:58 so far, about 2:25 left`

On a terminal the line is rewritten in place; in a log (CI) a new line is written every 10 %
of the tests or every 30 s, whichever comes first. A failure is named on a line of its own
the moment it happens (the details still come in pytest's summary at the end). With
pytest-xdist it runs in the controlling process, which sees every worker's reports.
"""

from __future__ import annotations

import time
from collections.abc import Generator

import pytest

LOG_EVERY_SECONDS = 30.0
LOG_EVERY_FRACTION = 0.1
REDRAW_SECONDS = 0.25


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes}:{seconds:02d}"


class ProgressLine:
    """A pytest plugin: counts finished tests and reports them on one readable line."""

    def __init__(self, config: pytest.Config) -> None:
        self._config = config
        self._reporter: pytest.TerminalReporter | None = None
        self._total = 0
        self._done = 0
        self._failed: set[str] = set()
        self._skipped = 0
        self._started = time.monotonic()
        # When the first test finished: the rate is measured from there (start-up excluded).
        self._first_done_at: float | None = None
        self._drawn_at = 0.0
        self._logged_fraction = 0.0
        self._interactive = False

    # -------------------------------------------------------------- how many tests there are

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self._total = len(session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: object, ids: list[str]) -> None:
        self._total = max(self._total, len(ids))  # every worker collects the whole run

    # -------------------------------------------------------------- what pytest prints

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self._reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        self._interactive = bool(self._reporter and self._reporter.isatty)
        self._started = time.monotonic()

    @pytest.hookimpl(wrapper=True)
    def pytest_report_teststatus(
        self, report: pytest.TestReport, config: pytest.Config
    ) -> Generator[None, tuple[str, str, str], tuple[str, str, str]]:
        """Keep each outcome's category (for the summary) but print no letter for it."""
        category, _letter, _word = yield
        return category, "", ""

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self._failed.add(report.nodeid)
            kind = "FAILED" if report.when == "call" else f"ERROR at {report.when}"
            self._say(f"{kind} {report.nodeid} ({report.duration:.1f} s)")
        elif report.skipped and report.when in ("setup", "call"):
            self._skipped += 1
        if report.when == "teardown":
            self._done += 1
            if self._first_done_at is None:
                self._first_done_at = time.monotonic()
            self._show()

    def pytest_sessionfinish(self) -> None:
        if self._reporter is not None and self._done:
            self._show(final=True)

    # -------------------------------------------------------------- the line

    def _status(self, *, final: bool = False) -> str:
        total = max(self._total, self._done)
        percent = 100 * self._done // total if total else 0
        now = time.monotonic()
        elapsed = now - self._started
        if final:
            parts = [f"{self._done:,} tests in {_clock(elapsed)}"]
        else:
            parts = [f"[{percent:3d}%] {self._done:,} of {total:,} tests"]
        if self._failed:
            parts.append(f"{len(self._failed)} failed")
        if self._skipped:
            parts.append(f"{self._skipped} skipped")
        if not final:
            timing = f"{_clock(elapsed)} so far"
            first = self._first_done_at
            if first is not None and 1 < self._done < total and self._done / total >= 0.05:
                left = (now - first) / (self._done - 1) * (total - self._done)
                timing += f", about {_clock(left)} left"
            parts.append(timing)
        return "  " + " · ".join(parts)

    def _show(self, *, final: bool = False) -> None:
        if self._reporter is None:
            return
        now = time.monotonic()
        if self._interactive:
            if final or now - self._drawn_at >= REDRAW_SECONDS:
                self._reporter.rewrite(self._status(final=final), erase=True)
                self._drawn_at = now
                if final:
                    self._reporter.write_line("")
            return
        fraction = self._done / max(self._total, 1)
        due = fraction - self._logged_fraction >= LOG_EVERY_FRACTION
        if final or due or now - self._drawn_at >= LOG_EVERY_SECONDS:
            self._reporter.write_line(self._status(final=final))
            self._drawn_at = now
            self._logged_fraction = fraction

    def _say(self, line: str) -> None:
        if self._reporter is None:
            return
        if self._interactive:
            self._reporter.rewrite("", erase=True)  # clear the progress line …
            self._reporter.write("\r")  # … and write over it
        self._reporter.write_line(line, red=True)
        self._drawn_at = 0.0  # redraw the progress line below it at once
        self._show()


def wanted(config: pytest.Config) -> bool:
    """On for a plain run in the controlling process; off for -v, -q, --collect-only."""
    return (
        config.get_verbosity() == 0
        and not config.option.collectonly
        and not hasattr(config, "workerinput")
    )
