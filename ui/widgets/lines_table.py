"""The editor's lines, typed as in a spreadsheet — without trapping the keyboard: Tab moves
from cell to cell and leaves the table after its last cell (Shift+Tab before its first),
Ctrl+Tab always leaves; the current cell is drawn, not the whole row; a letter typed on a
choice cell (unit, VAT rate, nature) opens its list and searches it, never picks silently."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QTableWidget, QWidget


class ChoiceKeys(QObject):
    """On a choice cell: a printable key opens the list (whose own search then takes the
    typing) instead of choosing the first item that starts with it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(watched, QComboBox)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.text().isprintable()
            and event.text().strip()
            and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        ):
            watched.showPopup()
            return True
        return False


class LinesTable(QTableWidget):
    def __init__(self, rows: int, columns: int, parent: QWidget | None = None) -> None:
        super().__init__(rows, columns, parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.choice_keys = ChoiceKeys(self)

    def add_choice(self, row: int, column: int, combo: QComboBox) -> None:
        combo.installEventFilter(self.choice_keys)  # (no wheel focus: ui/behaviour.py)
        self.setCellWidget(row, column, combo)

    def _at_end(self, forward: bool) -> bool:
        current = self.currentIndex()
        if not current.isValid():
            return True
        if forward:
            return (
                current.row() == self.rowCount() - 1 and current.column() == self.columnCount() - 1
            )
        return current.row() == 0 and current.column() == 0

    def focusNextPrevChild(self, next: bool) -> bool:
        if self._at_end(next):
            return QWidget.focusNextPrevChild(self, next)  # out of the table
        return super().focusNextPrevChild(next)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            forward = event.key() == Qt.Key.Key_Tab and not (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            )
            QWidget.focusNextPrevChild(self, forward)
            return
        super().keyPressEvent(event)
