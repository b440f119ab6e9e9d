"""Journeys under the operating system's own mouse and keyboard (issue 32): Xvfb, a window
manager and xdotool — not QTest, which skips what a real wheel goes through (Qt gives the
field under the pointer the focus while it delivers the turn, before any event filter).

The program runs as the user starts it, in a process of its own."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from app.paths import resolve_paths
from tests.conftest import CORPUS_SAMPLES
from tests.support.real_display import Display, real_display

pytestmark = pytest.mark.slow


def _draft(database: Path) -> dict[str, object] | None:
    """The draft's saved values (timestamps left out), None before it is saved."""
    if not database.exists():
        return None
    try:
        connection = sqlite3.connect(database, timeout=5)
        connection.row_factory = sqlite3.Row
        try:
            row = connection.execute("SELECT * FROM invoices ORDER BY id LIMIT 1").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    if row is None:
        return None
    # timestamps and the row's version (each save counts) left out; a Row iterates values
    names = [name for name in row.keys() if not name.endswith("_at")]  # noqa: SIM118
    return {name: row[name] for name in names if name != "version"}


def _save_until_saved(display: Display, window: str, database: Path) -> dict[str, object]:
    """Ctrl+S, as the user does, until the draft is in the database (the reading takes a
    few seconds)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        display.xdotool("windowactivate", "--sync", window)
        display.xdotool("key", "--clearmodifiers", "ctrl+s")
        time.sleep(1.5)
        saved = _draft(database)
        if saved is not None and saved.get("issue_date"):
            return saved
    raise AssertionError("the draft was never saved")


def test_the_wheel_over_the_deposer_form_changes_nothing_that_is_saved(
    subprocess_env: dict[str, str], bordereau_cmd: list[str], isolated_environment: Path
) -> None:
    """A text invoice opened, its draft saved; the wheel turned down over the form, its
    choices and dates passing under the pointer; saved again: every value is the same."""
    database = resolve_paths(isolated_environment).database_file
    with real_display() as display:
        app = subprocess.Popen(
            [*bordereau_cmd, str(CORPUS_SAMPLES / "inv_101_003.pdf")],
            env=display.env(subprocess_env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            window = display.window("Bordereau")
            before = _save_until_saved(display, window, database)
            x, y, width, height = display.geometry(window)
            display.xdotool(
                "mousemove", "--sync", str(x + width * 3 // 4), str(y + height * 11 // 20)
            )
            # down only (down then up would bring a combo box back to where it was): the
            # fields pass under the pointer one after the other as the form scrolls
            display.xdotool("click", "--repeat", "25", "--delay", "80", "5")
            time.sleep(0.5)
            display.xdotool("windowactivate", "--sync", window)
            display.xdotool("key", "--clearmodifiers", "ctrl+s")
            time.sleep(2)
            after = _draft(database)
        finally:
            app.terminate()
            try:
                app.wait(timeout=20)
            except subprocess.TimeoutExpired:
                app.kill()
    assert after == before
