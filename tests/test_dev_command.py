"""The README's two commands (`dev.py`): the install is quiet; the test command uses every
core and shows one readable progress line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.process import clean_env, dev_py_uses_this_venv

ROOT = Path(__file__).resolve().parents[1]

# What pip runs when `dev.py` installs the project (`pip install -e .`): the build backend's
# editable build, here with every warning it emits recorded.
_BUILD_EDITABLE = """
import json, sys, warnings
from setuptools import build_meta
wheel_dir, found = sys.argv[1:3]  # the backend rewrites sys.argv
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    build_meta.build_editable(wheel_dir)
with open(found, "w") as out:
    json.dump([f"{w.category.__name__}: {w.message}" for w in caught], out)
"""


def test_building_the_project_for_install_emits_no_setuptools_warning(tmp_path: Path) -> None:
    """The editable build behind `pip install -e .` (which dev.py runs on first use) emits no
    setuptools warning; pip showed a boxed "Editable installation" one on every install."""
    wheel_dir, found = tmp_path / "wheel", tmp_path / "warnings.json"
    wheel_dir.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", _BUILD_EDITABLE, str(wheel_dir), str(found)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(found.read_text()) == []
    assert [p.name for p in wheel_dir.glob("multiplier-*.whl")]


def test_the_test_command_runs_on_every_core_unless_told_otherwise() -> None:
    """`dev.py test` adds pytest-xdist's one-worker-per-CPU, work-stealing defaults to
    whatever it is given, except when the caller chooses the workers (or none)."""
    sys.path.insert(0, str(ROOT))
    try:
        import dev
    finally:
        sys.path.remove(str(ROOT))
    assert dev.pytest_arguments([]) == ["-n", "auto", "--dist", "worksteal"]
    assert dev.pytest_arguments(["tests/e2e", "-x"])[-2:] == ["tests/e2e", "-x"]
    assert "auto" in dev.pytest_arguments(["tests/e2e", "-x"])
    for chosen in (["-n", "0"], ["-n2"], ["--numprocesses=3"], ["-p", "no:xdist"]):
        assert dev.pytest_arguments(chosen) == chosen


@pytest.mark.timeout(300)
def test_the_test_command_shows_one_progress_line(tmp_path: Path) -> None:
    """`python3 dev.py test FILE` on an xdist worker (one, to keep this test light) reports
    "N of M tests" progress lines and a final "N tests in m:ss", not a screen of dots."""
    if not dev_py_uses_this_venv():
        pytest.skip("this virtualenv predates pyproject.toml: dev.py would reinstall first")
    result = subprocess.run(
        [sys.executable, str(ROOT / "dev.py"), "test", "tests/ui/test_text.py",
         "-p", "no:cacheprovider", "-n", "1"],
        cwd=tmp_path, env=clean_env(MULTIPLIER_VENV=sys.prefix), capture_output=True,
        text=True, timeout=300, check=False,
    )  # fmt: skip
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert re.search(r"^\d+ workers? \[\d+ items?\]", out, re.MULTILINE), out
    passed = int(re.search(r"(\d+) passed", out).group(1))
    assert re.search(rf"^  \[ *\d+%\] \d+ of {passed} tests · ", out, re.MULTILINE), out
    assert re.search(rf"^  {passed} tests in \d+:\d\d$", out, re.MULTILINE), out
    assert not re.search(r"^[.sF]+( *\[ *\d+%\])?$", out, re.MULTILINE), out
