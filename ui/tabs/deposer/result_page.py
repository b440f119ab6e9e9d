"""Déposer's last page: what became of the invoice, and what to do next (the certificate,
follow it, deposit another)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class ResultPage(QWidget):
    certificate_requested = Signal()
    follow_requested = Signal()
    next_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        self.result_title = QLabel()
        self.result_title.setObjectName("resultat_titre")
        self.result_title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.result_details = QLabel()
        self.result_details.setObjectName("resultat_details")
        self.result_details.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.result_details.setWordWrap(True)
        self.result_details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.result_title)
        outer.addWidget(self.result_details)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.certificate_button = QPushButton("Exporter le cert&ificat de dépôt…")
        self.certificate_button.setObjectName("exporter_certificat")
        self.certificate_button.clicked.connect(self.certificate_requested)
        self.follow_button = QPushButton("Suivre &la facture")
        self.follow_button.setObjectName("suivre_facture")
        self.follow_button.clicked.connect(self.follow_requested)
        self.next_button = QPushButton("Déposer une a&utre facture")
        self.next_button.setObjectName("facture_suivante")
        self.next_button.setProperty("primary", True)
        self.next_button.clicked.connect(self.next_requested)
        for button in (self.certificate_button, self.follow_button, self.next_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        outer.addSpacing(16)
        outer.addLayout(buttons)
        outer.addStretch(2)

    def show_outcome(self, title: str, role: str, details: str, *, deposited: bool) -> None:
        self.result_title.setText(title)
        self.result_title.setProperty("role", role)
        self.result_title.style().unpolish(self.result_title)
        self.result_title.style().polish(self.result_title)
        self.result_details.setText(details)
        self.certificate_button.setEnabled(deposited)
        self.follow_button.setEnabled(deposited)
