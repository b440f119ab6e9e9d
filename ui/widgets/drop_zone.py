"""Where invoices arrive: PDFs dragged from the file manager, or chosen with a button."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.text import counted
from ui import file_dialogs


def split_pdf_paths(mime: QMimeData) -> tuple[list[Path], list[str]]:
    """Local PDF files of a drag, and the names of everything else it carries."""
    pdfs: list[Path] = []
    others: list[str] = []
    for url in mime.urls():
        if not url.isLocalFile():
            others.append(url.toString())
            continue
        path = Path(url.toLocalFile())
        if path.suffix.lower() == ".pdf" and path.is_file():
            pdfs.append(path)
        else:
            others.append(path.name or str(path))
    return pdfs, others


def refusal_message(others: list[str]) -> str:
    names = ", ".join(f"« {name} »" for name in others[:3])
    more = f" et {counted(len(others) - 3, 'autre')}" if len(others) > 3 else ""
    return (
        f"{names}{more} : Bordereau ne dépose que des factures au format PDF. "
        "Enregistrez la facture en PDF depuis votre logiciel, puis glissez ce PDF ici."
    )


def choose_pdfs(parent: QWidget | None) -> list[Path]:
    return file_dialogs.open_files(
        parent, "Choisir une ou plusieurs factures", "Factures PDF (*.pdf *.PDF)", "pdf"
    )


class DropZone(QFrame):
    """Accepts PDF files; anything else is refused with a French message."""

    files_dropped = Signal(list)  # list[Path]
    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drop_zone")
        self.setAcceptDrops(True)
        self.setProperty("hover", False)
        self.setMinimumHeight(170)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        title = QLabel("Glissez ici le PDF de votre facture")
        title.setObjectName("drop_zone_title")
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        hint = QLabel(
            "Plusieurs fichiers à la fois ? Ils seront préparés l'un après l'autre. "
            "Bordereau lit la facture et remplit le formulaire ; rien ne part sans votre accord."
        )
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.choose_button = QPushButton("Ch&oisir un fichier…")
        self.choose_button.setObjectName("deposer_choisir")
        self.choose_button.setProperty("primary", True)
        self.choose_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.choose_button.clicked.connect(self._choose)
        self.message = QLabel()
        self.message.setObjectName("drop_zone_message")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.message.setVisible(False)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.choose_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def _choose(self) -> None:
        paths = choose_pdfs(self)
        if paths:
            self.files_dropped.emit(paths)

    def _set_hover(self, hover: bool) -> None:
        self.setProperty("hover", hover)
        self.style().unpolish(self)
        self.style().polish(self)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
            self._set_hover(True)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_hover(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_hover(False)
        self.accept_mime(event.mimeData())
        event.acceptProposedAction()

    def accept_mime(self, mime: QMimeData) -> None:
        pdfs, others = split_pdf_paths(mime)
        if others:
            text = refusal_message(others)
            self.show_message(text)
            self.refused.emit(text)
        else:
            self.message.setVisible(False)
        if pdfs:
            self.files_dropped.emit(pdfs)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(True)
