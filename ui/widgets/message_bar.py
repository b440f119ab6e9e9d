"""The window's message bar: what an action came to (sent, saved, refused, failed) said where
the user is looking, with the next step as a button when there is one."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

SUCCESS_SHOWN_MS = 12_000  # a success fades; a problem stays until dismissed or acted on


class MessageBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("barre_message")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 8, 6)
        self.text = QLabel()
        self.text.setObjectName("barre_message_texte")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.action_button = QPushButton()
        self.action_button.setObjectName("barre_message_action")
        self.close_button = QPushButton("✕")
        self.close_button.setObjectName("barre_message_fermer")
        self.close_button.setToolTip("Masquer ce message")
        self.close_button.setFlat(True)
        self.close_button.clicked.connect(self.hide)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.action_button)
        layout.addWidget(self.close_button)
        self._action: Callable[[], object] | None = None
        self.action_button.clicked.connect(self._act)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def show_message(
        self,
        text: str,
        kind: str = "success",
        action_text: str | None = None,
        action: Callable[[], object] | None = None,
    ) -> None:
        """``kind``: success, warning or error (the colour); a success hides by itself."""
        self.text.setText(text)
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self._action = action
        self.action_button.setText(action_text or "")
        self.action_button.setVisible(bool(action_text and action))
        self.show()
        if kind == "success":
            self._timer.start(SUCCESS_SHOWN_MS)
        else:
            self._timer.stop()

    def _act(self) -> None:
        action, self._action = self._action, None
        self.hide()
        if action is not None:
            action()
