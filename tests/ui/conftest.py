from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.paths import resolve_paths
from app.services import Services
from ui.main_window import MainWindow


@pytest.fixture
def services(isolated_environment: Path) -> Iterator[Services]:
    services = Services(resolve_paths(isolated_environment))
    services.open_database()
    yield services
    services.close()


@pytest.fixture
def window(qtbot: QtBot, services: Services) -> MainWindow:
    window = MainWindow(services, auto_sync=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window
