"""The window fits the screen with its status bar (where outcomes are reported) on screen,
and comes back where the user left it (issue 21)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.services import Services
from ui.main_window import MainWindow


def _open(qtbot: QtBot, services: Services) -> MainWindow:
    window = MainWindow(services, auto_sync=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_first_window_fits_the_screen_with_its_status_bar(
    qtbot: QtBot, services: Services
) -> None:
    services.context.settings.window_geometry = None
    window = _open(qtbot, services)
    screen = QApplication.primaryScreen()
    assert screen is not None
    free: QRect = screen.availableGeometry()
    assert free.contains(window.frameGeometry()), (free, window.frameGeometry())
    bar = window.statusBar()
    corner = bar.mapToGlobal(QPoint(bar.width() - 1, bar.height() - 1))
    assert bar.isVisible() and free.contains(corner)
    for index in range(window.tabs.count()):  # no tab asks for more than a small screen
        assert window.tabs.widget(index).minimumSizeHint().width() <= 1024 - 40
        assert window.tabs.widget(index).minimumSizeHint().height() <= 640 - 200
    window.close()


def test_size_and_position_come_back(qtbot: QtBot, services: Services) -> None:
    window = _open(qtbot, services)
    window.resize(window.minimumWidth() + 10, 560)
    window.move(4, 30)
    qtbot.wait(50)
    size, position = window.size(), window.pos()
    window.close()
    again = _open(qtbot, services)
    assert again.size() == size
    assert (again.pos() - position).manhattanLength() <= 2
    again.close()
