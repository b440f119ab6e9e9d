"""Journeys driven as a person drives them: the real main window on the demo platform (the
simulator on loopback), mouse clicks, keys and wheel turns at widget positions."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.services import Services
from ui import behaviour
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def _qt_own_dialogs(qapp: QApplication) -> None:
    """Qt's own file chooser (a desktop's native one cannot be driven by the tests)."""
    qapp.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)


@pytest.fixture
def window(qtbot: QtBot, services: Services) -> MainWindow:
    window = MainWindow(services, auto_sync=False)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(
        lambda: behaviour.installed(QApplication.instance())
    )  # just after the first frame
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
    qtbot.waitUntil(lambda: behaviour.installed(QApplication.instance()))
    window.refresh_views()
    return window
