"""Journeys driven as a person drives them: the real main window on the demo platform (the
simulator on loopback), mouse clicks, keys and wheel turns at widget positions."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.services import Services
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, services: Services) -> MainWindow:
    window = MainWindow(services, auto_sync=False)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def demo_window(qtbot: QtBot, services: Services) -> MainWindow:
    """The window a newcomer sees: demo mode with its sample year of invoices, synchronised."""
    services.context.settings.demo_sample = True
    services.sync.run()
    window = MainWindow(services, auto_sync=False)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    window.refresh_views()
    return window
