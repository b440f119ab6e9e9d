"""Journeys driven as a person drives them: the real main window on the demo platform (the
simulator on loopback), mouse clicks, keys and wheel turns at widget positions."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.services import Services
from tests.support.windows import shown_window
from ui.main_window import MainWindow

SCREEN = (1366, 740)  # a 1366×768 laptop screen, less the desktop's bar


@pytest.fixture(autouse=True)
def _qt_own_dialogs(qapp: QApplication) -> None:
    """Qt's own file chooser (a desktop's native one cannot be driven by the tests)."""
    qapp.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)


@pytest.fixture
def window(qtbot: QtBot, services: Services) -> MainWindow:
    return shown_window(qtbot, services, size=SCREEN)


@pytest.fixture
def demo_window(qtbot: QtBot, services: Services) -> MainWindow:
    """The window a newcomer sees: demo mode with its sample year of invoices, synchronised."""
    services.context.settings.demo_sample = True
    services.sync.run()
    window = shown_window(qtbot, services, size=SCREEN)
    window.refresh_views()
    return window
