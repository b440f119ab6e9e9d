"""Issue 32: closing the window while an invoice is being sent says what is still running;
« Quitter, reprendre plus tard » ends the sending at once (no process left running without a
window) and the outbox takes it up at the next start, once."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.deposit import outbox as outbox_module
from app.services import Services
from tests.acceptance.test_invoice_editor import issue_to_brest
from tests.support.ui_input import click, click_button
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "maison"))
    return tmp_path / "maison" / "Documents"


def test_closing_during_a_deposit_asks_then_leaves_it_to_the_outbox(
    qtbot: QtBot, window: MainWindow, services: Services
) -> None:
    platform = services.context.demo_platform()
    platform.state.config.flux_settle_seconds = 3600  # Chorus Pro takes its time today
    editor, number = issue_to_brest(qtbot, window, services)
    click(editor.chorus_button)
    qtbot.waitUntil(lambda: "Intégration du flux" in editor.result_label.text(), timeout=20000)
    assert outbox_module.sending_now()

    window.close()  # the window's close button: Qt's closeEvent
    qtbot.waitUntil(
        lambda: (
            getattr(window, "sending_question", None) is not None
            and window.sending_question.isVisible()
        )
    )
    box = window.sending_question
    assert isinstance(box, QMessageBox)
    assert f"la facture {number}" in box.text() and "reprendra" in box.text()
    click_button(box, "Attendre la fin")  # the default: nothing stops
    assert window.isVisible() and outbox_module.sending_now()

    window.close()
    qtbot.waitUntil(lambda: window.sending_question.isVisible())
    click_button(window.sending_question, "Quitter, reprendre plus tard")
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: not outbox_module.sending_now(), timeout=8000)  # ends at once
    outbox_module.STOPPING.clear()

    platform.state.config.flux_settle_seconds = 0  # the next start: it is integrated
    resumed = services.deposit.resume_outbox()
    assert [outcome.state for outcome in resumed] == ["done"]
    with platform.state.lock:
        assert len(platform.state.fluxes) == 1  # sent once
    QApplication.processEvents()
