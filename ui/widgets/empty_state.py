"""A friendly empty state: icon, title, explanation, and an optional action."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

COLUMN_WIDTH = 640


class EmptyState(QWidget):
    def __init__(
        self,
        title: str,
        text: str,
        *,
        icon: QIcon | None = None,
        steps: list[str] | None = None,
        action_text: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("empty_state")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(32, 32, 32, 32)
        outer.addStretch(2)
        row = QHBoxLayout()
        row.addStretch(1)
        # A column of bounded width: word-wrapped labels get their real height inside it.
        column_widget = QWidget()
        column_widget.setMaximumWidth(COLUMN_WIDTH)
        column = QVBoxLayout(column_widget)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(14)
        if icon is not None:
            picture = QLabel()
            picture.setPixmap(icon.pixmap(72, 72))
            picture.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            column.addWidget(picture)
        self.title_label = self._label(title, "empty_state_title")
        column.addWidget(self.title_label)
        self.text_label = self._label(text, "empty_state_text")
        column.addWidget(self.text_label)
        if steps:
            numbered = "".join(f"<li style='margin-bottom:6px'>{step}</li>" for step in steps)
            steps_label = QLabel(f"<ol>{numbered}</ol>")
            steps_label.setObjectName("empty_state_steps")
            steps_label.setTextFormat(Qt.TextFormat.RichText)
            steps_label.setWordWrap(True)
            column.addWidget(steps_label)
        self.action_button: QPushButton | None = None
        if action_text:
            self.action_button = QPushButton(action_text)
            self.action_button.setObjectName("empty_state_action")
            self.action_button.setProperty("primary", True)
            self.action_button.setCursor(Qt.CursorShape.PointingHandCursor)
            column.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignHCenter)
        row.addWidget(column_widget, 4)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(3)

    @staticmethod
    def _label(text: str, name: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName(name)
        label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        label.setWordWrap(True)
        return label
