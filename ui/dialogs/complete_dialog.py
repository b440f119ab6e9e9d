"""« Compléter »: the documents (and a comment) the buyer asked for a suspended invoice."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.invoices.rows import InvoiceRow
from ui import file_dialogs

MAX_TOTAL_BYTES = 120 * 1024 * 1024


class CompleteDialog(QDialog):
    complete_requested = Signal(int, list, str)  # invoice id, files, comment

    def __init__(self, row: InvoiceRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = row
        self.setObjectName("dialogue_completer")
        self.setWindowTitle(f"Compléter la facture {row.number}")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Le destinataire a suspendu cette facture en attendant un document ou une "
            "précision. Joignez ce qu'il demande ; le délai de paiement repart dès que la "
            "facture est complétée."
            + (f"<br><br><b>Sa demande :</b> {row.status_comment}" if row.status_comment else "")
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.files_list = QListWidget()
        self.files_list.setObjectName("completer_pieces")
        self.files_list.setFixedHeight(110)
        layout.addWidget(QLabel("Pièces jointes"))
        layout.addWidget(self.files_list)
        row_buttons = QHBoxLayout()
        add = QPushButton("&Ajouter des pièces…")
        add.setObjectName("completer_ajouter")
        add.clicked.connect(self.choose_files)
        remove = QPushButton("&Retirer")
        remove.clicked.connect(self.remove_selected)
        row_buttons.addWidget(add)
        row_buttons.addWidget(remove)
        row_buttons.addStretch(1)
        layout.addLayout(row_buttons)
        layout.addWidget(QLabel("Commentaire"))
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setObjectName("completer_commentaire")
        self.comment_edit.setFixedHeight(80)
        self.comment_edit.textChanged.connect(self._update)
        layout.addWidget(self.comment_edit)
        self.problem_label = QLabel()
        self.problem_label.setProperty("issue", True)
        self.problem_label.setWordWrap(True)
        layout.addWidget(self.problem_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Compléter")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update()

    def files(self) -> list[Path]:
        return [
            Path(str(self.files_list.item(i).data(Qt.ItemDataRole.UserRole)))
            for i in range(self.files_list.count())
        ]

    def add_files(self, paths: list[Path]) -> None:
        known = set(self.files())
        for path in paths:
            if path in known or not path.is_file():
                continue
            item = QListWidgetItem(f"{path.name} ({path.stat().st_size // 1024 + 1} Ko)")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.files_list.addItem(item)
        self._update()

    def choose_files(self) -> None:
        self.add_files(
            file_dialogs.open_files(
                self,
                "Pièces à joindre",
                "Documents (*.pdf *.jpg *.png *.odt *.docx *.xlsx *.ods *.zip);;"
                "Tous les fichiers (*)",
                "pieces",
            )
        )

    def remove_selected(self) -> None:
        for item in self.files_list.selectedItems():
            self.files_list.takeItem(self.files_list.row(item))
        self._update()

    def _problem(self) -> str | None:
        files = self.files()
        if not files and not self.comment_edit.toPlainText().strip():
            return "Ajoutez une pièce jointe ou un commentaire."
        if sum(path.stat().st_size for path in files if path.exists()) > MAX_TOTAL_BYTES:
            return "Les pièces dépassent 120 Mo au total : Chorus Pro les refuserait."
        return None

    def _update(self) -> None:
        problem = self._problem()
        self.problem_label.setText(problem or "")
        self.problem_label.setVisible(
            bool(problem) and bool(self.files() or self.comment_edit.toPlainText())
        )
        self.ok_button.setEnabled(problem is None)

    def _accept(self) -> None:
        if self._problem() is None:
            self.complete_requested.emit(
                self.row.id, self.files(), self.comment_edit.toPlainText().strip()
            )
            self.accept()
