"""The README's two commands (`dev.py`): the install is quiet."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
