from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.services import Services
from ui import behaviour
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, services: Services) -> MainWindow:
    window = MainWindow(services, auto_sync=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(
        lambda: behaviour.installed(QApplication.instance())
    )  # just after the first frame
    return window
