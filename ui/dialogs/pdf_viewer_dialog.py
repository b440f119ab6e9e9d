"""Bordereau's own PDF viewer: used when the computer has no PDF application to open one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.errors import BordereauError
from ui.widgets.pdf_preview import PdfPreviewWidget


class PdfViewerDialog(QDialog):
    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("visionneuse_pdf")
        self.setWindowTitle(f"{path.name} — Bordereau")
        self.resize(760, 640)
        layout = QVBoxLayout(self)
        note = QLabel(
            "Aucune application n'est installée pour ouvrir les PDF : la facture est affichée "
            "ici. Elle est enregistrée dans : " + str(path.parent)
        )
        note.setWordWrap(True)
        note.setProperty("role", "hint")
        layout.addWidget(note)
        self.preview = PdfPreviewWidget(self)
        layout.addWidget(self.preview, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        try:
            self.preview.set_document(path)
        except BordereauError as exc:
            note.setText(exc.message)
