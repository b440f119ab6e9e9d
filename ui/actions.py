"""Actions of a tab: a name for tests, a shortcut that works while the tab has the focus."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


def tab_action(
    owner: QWidget,
    text: str,
    name: str,
    slot: Callable[[], object],
    shortcut: str | None = None,
) -> QAction:
    action = QAction(text, owner)
    action.setObjectName(name)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(slot)
    owner.addAction(action)
    return action
