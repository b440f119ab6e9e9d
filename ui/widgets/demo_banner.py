"""The banner that says, in demo mode, that nothing is really sent."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


class DemoBanner(QWidget):
    configure_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demo_banner")
        self.setAutoFillBackground(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        text = QLabel(
            "<b>Mode démonstration</b> — rien n'est réellement envoyé à Chorus Pro : les "
            "factures vont à un Chorus Pro simulé sur cet ordinateur."
        )
        text.setObjectName("demo_banner_text")
        text.setWordWrap(True)
        layout.addWidget(text, 1)
        button = QPushButton("Connecter mon compte…")
        button.setObjectName("demo_banner_configure")
        button.clicked.connect(self.configure_requested)
        layout.addWidget(button)
