from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pytestqt.qtbot import QtBot

from app.crash import install_excepthook
from app.logging_setup import register_account_secret
from ui.application import show_crash
from ui.dialogs.crash_dialog import CrashDialog
from ui.main_window import MainWindow


@pytest.fixture
def restore_hooks() -> Iterator[None]:
    saved = (sys.excepthook, threading.excepthook)
    yield
    sys.excepthook, threading.excepthook = saved


def test_uncaught_error_opens_a_french_dialog_and_writes_a_report(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, restore_hooks: None
) -> None:
    register_account_secret("TECH_1@cpro.fr", "mot-de-passe-tres-secret")
    crash_dir = tmp_path / "plantages"
    install_excepthook(crash_dir, on_crash=lambda report, path: show_crash(window, report, path))
    try:
        raise ValueError("échec avec mot-de-passe-tres-secret")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, CrashDialog)]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Bordereau a rencontré un problème"
    details = dialog.findChild(QPlainTextEdit, "crash_details")
    assert details is not None and "ValueError" in details.toPlainText()
    assert "mot-de-passe-tres-secret" not in details.toPlainText()
    reports = list(crash_dir.glob("plantage-*.txt"))
    assert len(reports) == 1 and "mot-de-passe-tres-secret" not in reports[0].read_text("utf-8")
    dialog.close()


def test_a_window_that_cannot_be_built_writes_a_report(
    qtbot: QtBot,
    isolated_environment: Path,
    restore_hooks: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """As on a database the window could not read (PostgreSQL before its views were
    portable): the user is told, and a report is written, instead of nothing at all."""
    import ui.main_window
    from app.paths import resolve_paths
    from ui.application import run_gui

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("fonction SQL inconnue : ifnull")

    monkeypatch.setattr(ui.main_window, "MainWindow", broken)
    assert run_gui(data_dir=isolated_environment, exit_when_ready=True) == 70
    assert "la fenêtre n'a pas pu s'ouvrir ; rapport :" in capsys.readouterr().err
    [report] = resolve_paths(isolated_environment).crash_dir.glob("plantage-*.txt")
    assert "fonction SQL inconnue : ifnull" in report.read_text("utf-8")
