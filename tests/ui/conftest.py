from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.services import Services
from tests.support.windows import shown_window
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, services: Services) -> MainWindow:
    return shown_window(qtbot, services)
