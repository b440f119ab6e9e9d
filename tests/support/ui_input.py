"""Real input events for UI tests: mouse clicks, keys and wheel turns delivered through Qt's
event system at a widget's position, the way a person's hand produces them."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox, QWidget


def click(widget: QWidget, position: QPoint | None = None) -> None:
    QTest.mouseClick(
        widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, position or QPoint()
    )


def click_button(box: QMessageBox | QWidget, text: str) -> None:
    """Click the button of ``box`` that reads ``text`` (mnemonic ampersands ignored)."""
    buttons = box.findChildren(QAbstractButton)
    button = next(b for b in buttons if b.text().replace("&", "") == text and b.isVisible())
    click(button)


def wheel(widget: QWidget, steps: int = -1, position: QPoint | None = None) -> None:
    """Turn the wheel ``steps`` notches (negative: towards the user) with the pointer over
    ``widget``, as the window system would send it."""
    local = QPointF(position or widget.rect().center())
    global_point = QPointF(widget.mapToGlobal(local.toPoint()))
    event = QWheelEvent(
        local,
        global_point,
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` key by key, accented letters included (QTest.keyClicks takes ASCII only)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    for char in text:
        if char.isascii():
            QTest.keyClick(widget, char)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def tab_to(window: QWidget, target: QWidget, most: int = 300) -> None:
    """Press Tab until ``target`` (or a child of it) has the keyboard focus, as a person moving
    through a form would; fails after ``most`` presses."""
    for _ in range(most):
        focus = QApplication.focusWidget()
        if focus is not None and (focus is target or target.isAncestorOf(focus)):
            return
        QTest.keyClick(focus or window, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab n'atteint jamais {target.objectName() or type(target).__name__}")
