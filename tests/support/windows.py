"""The main window as the UI and acceptance tests open it: shown, exposed, and with the
application's input guard in place (it is installed just after the first frame)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.services import Services
from ui import behaviour
from ui.main_window import MainWindow


def shown_window(
    qtbot: QtBot, services: Services, *, size: tuple[int, int] | None = None
) -> MainWindow:
    window = MainWindow(services, auto_sync=False)
    qtbot.addWidget(window)
    if size is not None:
        window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: behaviour.installed(QApplication.instance()))
    return window
