"""« Recycler »: only the recipient's SIRET, its code service and the engagement can change;
they are checked against the directory as the user types."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.deposit.checks import blocking
from app.directory.service import DirectoryService
from app.invoices.actions import RecycleChange
from app.invoices.rows import InvoiceRow
from app.invoices.service import InvoiceService

# The platform's refusals of a recycle, by the field they are about.
FIELD_OF_ERROR = {
    "RecipientUnknownError": "siret",
    "ServiceUnknownError": "service",
    "ServiceRequiredError": "service",
    "ServiceOrEngagementRequiredError": "service",
    "EngagementRequiredError": "engagement",
}


class RecycleDialog(QDialog):
    recycle_requested = Signal(int, object)  # invoice id, RecycleChange

    def __init__(
        self,
        invoices: InvoiceService,
        directory: DirectoryService,
        row: InvoiceRow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.invoices, self.directory = invoices, directory
        self.row = row
        self.setObjectName("dialogue_recycler")
        self.setWindowTitle(f"Recycler la facture {row.number}")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Le destinataire a renvoyé cette facture : elle n'était pas adressée à la bonne "
            "structure ou au bon service. Corrigez l'acheminement ; le reste de la facture ne "
            "change pas."
            + (f"<br><br><b>Motif :</b> {row.status_comment}" if row.status_comment else "")
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.siret_edit = QLineEdit(row.recipient_siret)
        self.siret_edit.setObjectName("recycler_siret")
        self.siret_edit.setMaxLength(17)
        self.name_label = QLabel()
        self.name_label.setObjectName("recycler_nom")
        self.service_combo = QComboBox()
        self.service_combo.setObjectName("recycler_service")
        self.service_combo.setEditable(True)
        self.engagement_edit = QLineEdit(row.engagement_number or "")
        self.engagement_edit.setObjectName("recycler_engagement")
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setObjectName("recycler_commentaire")
        self.comment_edit.setPlaceholderText("Facultatif : un mot pour le destinataire")
        self.comment_edit.setFixedHeight(70)
        self.field_errors = {name: self._error_label(name) for name in FIELD_OF_ERROR.values()}
        form.addRow("SIRET du destinataire", self.siret_edit)
        form.addRow("", self.field_errors["siret"])
        form.addRow("", self.name_label)
        form.addRow("Code service", self.service_combo)
        form.addRow("", self.field_errors["service"])
        form.addRow("N° d'engagement", self.engagement_edit)
        form.addRow("", self.field_errors["engagement"])
        form.addRow("Commentaire", self.comment_edit)
        layout.addLayout(form)
        self.issues_label = QLabel()
        self.issues_label.setObjectName("recycler_problemes")
        self.issues_label.setWordWrap(True)
        self.issues_label.setProperty("issue", True)
        layout.addWidget(self.issues_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Recycler")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.check_timer = QTimer(self, singleShot=True, interval=200)
        self.check_timer.timeout.connect(self.check)
        self.siret_edit.textChanged.connect(self._siret_changed)
        self.service_combo.editTextChanged.connect(lambda _t: self.check_timer.start())
        self.engagement_edit.textChanged.connect(lambda _t: self.check_timer.start())
        self._siret_changed()
        index = self.service_combo.findData(row.code_service)
        if index >= 0:
            self.service_combo.setCurrentIndex(index)
        else:
            self.service_combo.setEditText(row.code_service or "")
        self.check()

    def _siret_changed(self) -> None:
        structure, services = self.directory.recipient_info(self.siret_edit.text())
        self.name_label.setText(structure.name if structure else "")
        current = self.service_combo.currentText()
        self.service_combo.blockSignals(True)
        self.service_combo.clear()
        self.service_combo.addItem("", "")
        for service in services:
            label = f"{service.code} — {service.label}" if service.label else service.code
            self.service_combo.addItem(label, service.code)
        self.service_combo.setEditText(current)
        self.service_combo.blockSignals(False)
        self.check_timer.start()

    def change(self) -> RecycleChange:
        index = self.service_combo.findText(self.service_combo.currentText())
        code = self.service_combo.itemData(index) if index >= 0 else None
        typed = self.service_combo.currentText().split(" — ", 1)[0].strip()
        return RecycleChange(
            siret=self.siret_edit.text().replace(" ", ""),
            code_service=(code or typed) or None,
            engagement_number=self.engagement_edit.text().strip() or None,
            comment=self.comment_edit.toPlainText().strip() or None,
        )

    def check(self) -> bool:
        issues = self.invoices.recycle_issues(self.row.id, self.change())
        self.issues_label.setText("<br>".join(f"• {issue.message}" for issue in issues))
        self.issues_label.setVisible(bool(issues))
        problems = blocking(issues)
        self.ok_button.setEnabled(not problems)
        return not problems

    @staticmethod
    def _error_label(name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"recycler_erreur_{name}")
        label.setWordWrap(True)
        label.setProperty("issue", True)
        label.hide()
        return label

    def _accept(self) -> None:
        """Recycle, and stay open until Chorus Pro has answered: a refusal is shown here,
        at its field, with what was typed still there."""
        if not self.check():
            return
        for label in self.field_errors.values():
            label.hide()
        self.ok_button.setEnabled(False)
        self.ok_button.setText("Recyclage…")
        self.recycle_requested.emit(self.row.id, self.change())

    def recycle_succeeded(self) -> None:
        self.accept()

    def recycle_failed(self, error: object) -> None:
        """The platform's refusal, at the field it is about (or under the form)."""
        from ui.workers import error_text

        self.ok_button.setText("Recycler")
        self.ok_button.setEnabled(True)
        message = error_text(error)
        field = next(
            (name for kind, name in FIELD_OF_ERROR.items() if type(error).__name__ == kind), None
        )
        if field is None:
            self.issues_label.setText(f"• {message}")
            self.issues_label.show()
            return
        label = self.field_errors[field]
        label.setText(message)
        label.show()
        {
            "siret": self.siret_edit,
            "service": self.service_combo,
            "engagement": self.engagement_edit,
        }[field].setFocus()
