"""The release workflow (issue 23) as far as it can be checked here: actionlint (with
shellcheck on its bash steps) finds nothing, and what it calls exists and is what the Linux
suite already runs — the locked install and the smoke test of the frozen program."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "release.yml"


def actionlint() -> Path:
    program = Path(sys.executable).parent / (
        "actionlint.exe" if sys.platform == "win32" else "actionlint"
    )
    if not program.exists():
        pytest.fail("actionlint manque : il vient du verrou (requirements/dev.txt)")
    return program


def test_actionlint_finds_nothing(tmp_path: Path) -> None:
    if sys.platform.startswith("linux"):
        # without it, actionlint skips the run: scripts silently (bootstrap installs it)
        assert shutil.which("shellcheck"), "shellcheck manque : ./run-tests l'installe"
    result = subprocess.run(
        [str(actionlint()), "-no-color", str(WORKFLOW)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "release.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        WORKFLOW.read_text("utf-8").replace("runs-on: windows-2022", "runs-on: windows-1995"),
        "utf-8",
    )
    result = subprocess.run(
        [str(actionlint()), "-no-color", str(broken)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1 and "windows-1995" in result.stdout


LOCKED_INSTALL = "--require-hashes -r requirements/dev.txt"
PROJECT_INSTALL = "--no-deps --no-build-isolation -e ."


def test_every_job_installs_the_locked_versions() -> None:
    text = WORKFLOW.read_text("utf-8")
    installs = re.findall(r"pip install (.+)", text)
    assert installs.count(LOCKED_INSTALL) == 3  # the Python matrix, Windows, macOS
    assert set(installs) == {LOCKED_INSTALL, PROJECT_INSTALL}  # nothing unlocked
    assert "./run-tests" in text  # the Linux job runs the README's own command


def test_the_scripts_it_calls_exist_and_the_suite_runs_them() -> None:
    text = WORKFLOW.read_text("utf-8")
    called = {
        found.rstrip(".") for found in re.findall(r"(?<![\w/])packaging[/\\][\w./\\-]+", text)
    }
    assert {
        "packaging/macos/build-macos",
        "packaging/smoke.py",
        r"packaging\windows\bordereau.iss",
        "packaging/bordereau.spec",
    } <= called
    for path in called:
        assert (REPO_ROOT / path.replace("\\", "/")).exists(), path
    # the smoke test the runners run is the one the Linux suite runs on every commit
    frozen_test = (REPO_ROOT / "tests" / "packaging" / "test_frozen_linux.py").read_text("utf-8")
    assert '"smoke.py"' in frozen_test
    # each system's executable, as its build lays it out
    assert r"$env:RUNNER_TEMP\Bordereau\bordereau.exe" in text
    assert "build/dist/Bordereau.app/Contents/MacOS/bordereau" in text
