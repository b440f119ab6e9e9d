"""Issue 32: the file chooser opens in Documents (then in the folder last used), never in the
program's folder, and speaks French — opened with Ctrl+O as a person does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QLabel
from pytestqt.qtbot import QtBot

from tests.conftest import CORPUS_SAMPLES
from tests.support.file_chooser import type_path, when_file_dialog
from ui.main_window import MainWindow


def _look_at_chooser(seen: list[dict[str, str]], choose: Path | None, tries: int = 2400) -> None:
    """When the chooser is up: note its folder and labels, then choose ``choose`` or cancel."""

    def look(dialog: QFileDialog) -> None:
        labels = {
            name: label.text()
            for name in ("lookInLabel", "fileTypeLabel", "fileNameLabel")
            if (label := dialog.findChild(QLabel, name)) is not None
        }
        seen.append({"folder": dialog.directory().absolutePath(), **labels})
        if choose is None:
            QTest.keyClick(dialog, Qt.Key.Key_Escape)
        else:
            type_path(dialog, str(choose))

    when_file_dialog(look, tries)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "maison"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "maison" / "Documents"))
    (tmp_path / "maison" / "Documents").mkdir(parents=True)
    return tmp_path / "maison"


def test_the_chooser_opens_in_documents_then_where_the_user_went(
    qtbot: QtBot, window: MainWindow, home: Path
) -> None:
    qtbot.wait(300)  # the application's behaviour (French catalogue) is installed by then
    elsewhere = home / "Factures fournisseurs"
    elsewhere.mkdir()
    invoice = elsewhere / "facture.pdf"
    shutil.copy(CORPUS_SAMPLES / "inv_101_003.pdf", invoice)
    seen: list[dict[str, str]] = []

    _look_at_chooser(seen, invoice)
    QTest.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=20000)
    assert seen[0]["folder"] == str(home / "Documents")
    assert seen[0]["lookInLabel"] == "Regarder dans :"  # Qt's catalogue says « Look in »
    assert seen[0]["fileTypeLabel"] == "Fichiers de type :"
    assert seen[0]["fileNameLabel"] == "Nom du fichier :"

    qtbot.waitUntil(lambda: window.deposer.prefill_result is not None, timeout=60000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    _look_at_chooser(seen, None)
    QTest.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=20000)
    assert seen[1]["folder"] == str(elsewhere)  # the folder last used
