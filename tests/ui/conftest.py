from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.services import Services
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, services: Services) -> MainWindow:
    window = MainWindow(services, auto_sync=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window
