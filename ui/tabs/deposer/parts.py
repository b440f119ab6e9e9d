"""Pieces of the Déposer tab that stand on their own: the list of drafts on the start page
(``DraftListPart``) and the deposit certificate's export (``CertificatePart``)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QListWidget, QListWidgetItem, QMessageBox, QWidget

from app.errors import BordereauError
from ui import file_dialogs

if TYPE_CHECKING:  # the outbox (SQLAlchemy) loads after the window's first frame
    from app.deposit.outbox import DepositOutcome
    from app.deposit.service import DepositService

log = logging.getLogger(__name__)


class DeposerBase(QWidget):
    """What the pieces use of the tab."""

    status_message = Signal(str)
    outcome_reported = Signal(str, str)  # for the window's message bar: text, kind
    deposit: DepositService
    drafts_list: QListWidget
    drafts_group: QGroupBox
    outcome: DepositOutcome | None

    def open_draft(self, invoice_id: int) -> None:
        raise NotImplementedError


class DraftListPart(DeposerBase):
    """The drafts waiting on the start page: listed, taken up, deleted (asked first)."""

    def refresh_drafts(self) -> None:
        self.drafts_list.clear()
        try:
            drafts = self.deposit.drafts()
        except BordereauError as exc:
            log.warning("Brouillons illisibles : %s", exc.message)
            drafts = []
        for draft in drafts:
            when = draft.saved_at.astimezone().strftime("%d/%m/%Y %H:%M")
            text = (
                f"{draft.number or '(sans numéro)'} — {draft.recipient or 'destinataire à choisir'}"
            )
            text += f" — {draft.total_ttc} — enregistré le {when}"
            if draft.note:
                text += f"\n   Refusé par Chorus Pro : {draft.note}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, draft.invoice_id)
            self.drafts_list.addItem(item)
        if drafts:
            self.drafts_list.setCurrentRow(0)
        self.drafts_group.setVisible(bool(drafts))

    def resume_selected_draft(self) -> None:
        item = self.drafts_list.currentItem()
        if item is not None:
            self.open_draft(int(item.data(Qt.ItemDataRole.UserRole)))

    def delete_selected_draft(self) -> None:
        item = self.drafts_list.currentItem()
        if item is None:
            return
        answer = QMessageBox.question(
            self,
            "Supprimer le brouillon",
            "Supprimer ce brouillon ? La facture n'a pas été envoyée ; ce que vous aviez "
            "saisi sera perdu.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.deposit.delete_draft(int(item.data(Qt.ItemDataRole.UserRole)))
            self.refresh_drafts()


class CertificatePart(DeposerBase):
    """The deposit certificate of the invoice just sent, saved where the user chooses."""

    def choose_certificate_file(self) -> None:
        if self.outcome is None:
            return
        name = file_dialogs.save_file(
            self,
            "Exporter le certificat de dépôt",
            f"Certificat de dépôt {self.outcome.chorus_invoice_id}.pdf",
            "PDF (*.pdf)",
            "factures",
        )
        if name:
            self.export_certificate(Path(name))

    def export_certificate(self, target: Path) -> Path | None:
        if self.outcome is None:
            return None
        try:
            written = self.deposit.export_certificate(self.outcome.invoice_id, target)
        except (BordereauError, OSError) as exc:
            QMessageBox.warning(self, "Certificat de dépôt", getattr(exc, "message", str(exc)))
            return None
        self.status_message.emit(f"Certificat de dépôt enregistré : {written}")
        self.outcome_reported.emit(f"Certificat de dépôt enregistré : {written}", "success")
        return written
