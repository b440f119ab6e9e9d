"""Nothing heavy before the first frame (issue 23): the window's chrome is painted before the
modules that only reading, sending, exporting or the database need (they load right after
the frame, on first use, or warm up in the background)."""

from __future__ import annotations

import subprocess
import sys

# A new import on the start-up path fails here, loudly.
NOT_BEFORE_THE_FIRST_FRAME = (
    "pymupdf",  # the PDF library, warmed in a thread after the frame
    "numpy",
    "lxml",
    "openpyxl",
    "facturx",
    "saxonche",  # the official EN 16931 rules: first Factur-X check only
    "pytesseract",
    "sqlalchemy",  # the database opens right after the first frame
    "alembic",
    "app.db.engine",
    "keyring",  # the keyring's backend detection (about 0.1 s): when the account is read
    "app.chorus.client",  # the Chorus Pro client and its models: first call
    "app.deposit.outbox",
    "app.simulator.server",
)


def test_the_window_is_shown_before_the_heavy_modules_load(
    subprocess_env: dict[str, str],
) -> None:
    # stderr (Python's import log) and stdout (« ready », then « loaded ») in one pipe, in
    # the order they were written: what comes before « ready » was imported before the frame
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ui", "gui", "--exit-when-ready"],
        env={**subprocess_env, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    lines = result.stdout.splitlines()
    ready = next(index for index, line in enumerate(lines) if line.startswith("ready "))
    assert any(line.startswith("loaded ") for line in lines[ready:])  # then the data
    imported_before = {
        line.rsplit("|", 1)[1].strip()
        for line in lines[:ready]
        if line.startswith("import time:") and "|" in line
    }
    imported_after = {
        line.rsplit("|", 1)[1].strip()
        for line in lines[ready:]
        if line.startswith("import time:") and "|" in line
    }
    assert "ui.main_window" in imported_before  # the measurement saw the window's own imports
    assert "sqlalchemy" in imported_after  # and the database opening after the frame
    assert sorted(imported_before & set(NOT_BEFORE_THE_FIRST_FRAME)) == []
