"""A date field that takes a date typed over it: select it all, type « 16/07/2026 » (or
« 16072026 », « 5/3/2025 ») and that is the date — not 17/07/2026, as a plain QDateEdit
leaves it when the whole text was selected, nor a day lost to the separator it skipped."""

from __future__ import annotations

from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QWidget

SEPARATORS = "/.- "


class DateField(QDateEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("dd/MM/yyyy")
        self._advanced = False  # the last digit filled its section: Qt moved to the next

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab leaves the field, as in every other one (Qt would walk day, month, year)."""
        return QWidget.focusNextPrevChild(self, next)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        line = self.lineEdit()
        if text.isdigit() and line.hasSelectedText() and line.selectedText() == line.text():
            self.setSelectedSection(QDateTimeEdit.Section.DaySection)  # typing starts a date
            self._advanced = False
        if text and text in SEPARATORS and self._advanced:
            self._advanced = False  # already on the next section: the separator is typed
            event.accept()
            return
        before = self.currentSection()
        super().keyPressEvent(event)
        self._advanced = text.isdigit() and self.currentSection() != before
