"""Déposer: from a PDF to an invoice deposited on Chorus Pro.

The coordinator of three pages (``start_page``, ``edit_page``, ``result_page``: the drop
zone with the drafts to resume, the form next to the PDF, the result). It holds the queue of
files, the draft being edited and the workers: reading, checking online and sending run on
the thread pool; the window stays usable.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.deposit.checks import Issue, blocking
from app.deposit.flux_report import FLUX_PENDING
from app.deposit.service import DepositService, PreparedInvoice
from app.deposit.supplier import SupplierProfile
from app.directory.service import DirectoryService
from app.directory.store import Structure
from app.domain.invoice import Invoice
from app.domain.money import format_eur
from app.domain.text import counted
from app.errors import BordereauError
from app.prefill.engine import PrefillCancelled
from app.prefill.model import Field, PrefillResult
from app.prefill.parsing import format_date_fr
from ui import file_dialogs
from ui.dialogs.confirm_deposit_dialog import ConfirmDepositDialog
from ui.tabs.deposer.edit_page import EditPage
from ui.tabs.deposer.parts import CertificatePart, DraftListPart
from ui.tabs.deposer.result_page import ResultPage
from ui.tabs.deposer.start_page import StartPage
from ui.widgets.deposit_form import FIELD_LABELS, PREFILL_TARGETS
from ui.widgets.drop_zone import split_pdf_paths
from ui.widgets.pdf_preview import Highlight
from ui.workers import PrefillWorker, Worker, WorkerPool, error_text

if TYPE_CHECKING:  # the outbox (SQLAlchemy, the Chorus Pro client) loads with the first send
    from app.deposit.outbox import DepositOutcome

log = logging.getLogger(__name__)

CHECK_DELAY_MS = 250
CHECK_BELOW = 0.75  # a reading less sure than this is tinted « à vérifier »
# Read on a scan, these have no checksum and no total to agree with: always checked by eye.
UNCHECKABLE_ON_SCANS = frozenset({"invoice_number", "order_reference", "issue_date"})


def unverifiable_on_scan(name: str | None, found: Field) -> bool:
    return found.source == "ocr" and name in UNCHECKABLE_ON_SCANS


AUTOSAVE_DELAY_MS = 2000
SOURCE_LABELS = {
    "facturx": "lu dans les données Factur-X du PDF",
    "text": "lu dans le texte du PDF",
    "ocr": "lu par reconnaissance de caractères (OCR)",
}


class DeposerTab(DraftListPart, CertificatePart):
    directory_requested = Signal()
    write_requested = Signal()  # « Saisir une facture »: the window opens the editor
    follow_requested = Signal(int)  # local invoice id

    def __init__(
        self,
        deposit: DepositService,
        directory: DirectoryService,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.deposit, self.directory = deposit, directory
        self.setObjectName("tab_deposer")
        self.setAcceptDrops(True)
        self.workers = WorkerPool()
        self.queue: list[Path] = []
        self.current_path: Path | None = None
        self.draft_id: int | None = None
        self.prefill_result: PrefillResult | None = None
        self.document_text: str | None = None
        self.issues: list[Issue] = []
        self.outcome: DepositOutcome | None = None
        self.supplier: SupplierProfile | None = None
        self.pending_recipient: tuple[Structure, str | None] | None = None
        self.dirty = False
        self.busy = False
        self._prefill_worker: PrefillWorker | None = None
        self.close_question: QMessageBox | None = None  # « Fermer la facture » being asked
        self.confirm_dialog: ConfirmDepositDialog | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack)
        self.start_page = StartPage()
        self.edit_page = EditPage()
        self.result_page = ResultPage()
        for page in (self.start_page, self.edit_page, self.result_page):
            self.stack.addWidget(page)
        self._name_page_widgets()
        self._connect_pages()

        self.check_timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self.check_timer.timeout.connect(self.run_checks)
        self.autosave_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_DELAY_MS)
        self.autosave_timer.timeout.connect(self._autosave)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save_draft)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.validate_and_send)
        # the drafts come with the database: MainWindow.load_data

    # --- pages -----------------------------------------------------------------------------------

    def _name_page_widgets(self) -> None:
        """The pages' widgets under the tab's own names: what the coordinator (and a test)
        works with."""
        start, edit, result = self.start_page, self.edit_page, self.result_page
        self.drop_zone, self.drafts_group, self.drafts_list = (
            start.drop_zone,
            start.drafts_group,
            start.drafts_list,
        )
        self.file_label, self.queue_label, self.close_button = (
            edit.file_label,
            edit.queue_label,
            edit.close_button,
        )
        self.progress, self.progress_label, self.cancel_button = (
            edit.progress,
            edit.progress_label,
            edit.cancel_button,
        )
        self.progress_panel, self.banner, self.preview = (
            edit.progress_panel,
            edit.banner,
            edit.preview,
        )
        self.field_info, self.form, self.saved_label = edit.field_info, edit.form, edit.saved_label
        self.draft_button, self.send_button, self.facturx_box = (
            edit.draft_button,
            edit.send_button,
            edit.facturx_box,
        )
        self.result_title, self.result_details = result.result_title, result.result_details
        self.certificate_button, self.follow_button, self.next_button = (
            result.certificate_button,
            result.follow_button,
            result.next_button,
        )

    def _connect_pages(self) -> None:
        self.start_page.files_dropped.connect(self.open_files)
        self.start_page.directory_requested.connect(self.directory_requested)
        self.start_page.write_requested.connect(self.write_requested)
        self.start_page.resume_requested.connect(self.resume_selected_draft)
        self.start_page.delete_requested.connect(self.delete_selected_draft)
        self.edit_page.close_requested.connect(self.close_current)
        self.edit_page.cancel_requested.connect(self.cancel_reading)
        self.edit_page.save_requested.connect(self.save_draft)
        self.edit_page.send_requested.connect(self.validate_and_send)
        self.form.store_attachment = lambda path, designation, code: self.deposit.store_attachment(
            path, designation=designation, type_code=code
        )
        self.form.changed.connect(self._form_changed)
        self.facturx_box.toggled.connect(lambda _checked: self.run_checks())
        self.form.field_focused.connect(self._field_focused)
        self.form.directory_requested.connect(self.directory_requested)
        self.form.main_replace_requested.connect(self.choose_replacement_pdf)
        self.edit_page.replace_pdf_requested.connect(self.choose_replacement_pdf)
        self.form.recipient_changed.connect(self._lookup_recipient)
        self.result_page.certificate_requested.connect(self.choose_certificate_file)
        self.result_page.follow_requested.connect(self.follow_invoice)
        self.result_page.next_requested.connect(self.next_invoice)

    # --- files in --------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self.accept_mime(event.mimeData())
        event.acceptProposedAction()

    def accept_mime(self, mime: QMimeData) -> None:
        """A drop anywhere on the tab: the drop zone's rules, whatever page is shown."""
        pdfs, others = split_pdf_paths(mime)
        if others:
            self.drop_zone.accept_mime(mime)  # says why, in French
            if self.stack.currentWidget() is not self.start_page:
                self.edit_page.show_banner(self.drop_zone.message.text(), "error")
            return
        self.open_files(pdfs)

    def open_files(self, paths: list[Path]) -> None:
        """Queue PDFs (drop, « Choisir un fichier… », command line, macOS « Ouvrir avec »)."""
        self.queue.extend(Path(path) for path in paths)
        if not self.is_open and not self.busy:
            self._load_next()
        else:
            self._update_queue_label()
            self.status_message.emit(
                f"{counted(len(self.queue), 'facture')} en attente de préparation."
            )

    def _update_queue_label(self) -> None:
        count = len(self.queue)
        self.queue_label.setText(f"{counted(count, 'autre facture')} à préparer" if count else "")
        self.next_button.setText(
            f"Facture suivante ({count} à préparer)" if count else "Déposer une a&utre facture"
        )

    def _load_next(self) -> None:
        self._update_queue_label()
        if not self.queue:
            self._show_start()
            return
        path = self.queue.pop(0)
        self._update_queue_label()
        self._reset_current()
        try:
            self.preview.set_document(path)
        except BordereauError as exc:
            self._refuse_file(exc.message)
            return
        self.current_path = path
        self.file_label.setText(f"<b>{path.name}</b>")
        self.form.set_invoice(Invoice())
        self.form.forget_reading()
        self.preview.set_highlights([])
        self.form.set_editable(False)
        self.stack.setCurrentWidget(self.edit_page)
        self.edit_page.show_progress("Lecture de la facture…", 0, cancellable=True)
        worker = PrefillWorker(self.deposit, path)
        worker.signals.progress.connect(self._prefill_progress)
        worker.signals.succeeded.connect(self._prefill_done)
        worker.signals.failed.connect(self._prefill_failed)
        self._prefill_worker = worker
        self.workers.start(worker)
        self._load_supplier()

    def _refuse_file(self, message: str) -> None:
        self._reset_current()
        self.stack.setCurrentWidget(self.start_page)
        self.drop_zone.show_message(message)
        self.status_message.emit(message)
        if self.queue:
            self._load_next()

    def _prefill_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(fraction * 100))
        self.progress_label.setText(message)

    def _prefill_done(self, prepared: PreparedInvoice) -> None:
        self._prefill_worker = None
        self.edit_page.hide_progress()
        if self.current_path is None:
            return
        result, invoice = prepared.reading, prepared.invoice
        self.prefill_result = result
        self.document_text = result.text or None
        self.form.set_invoice(invoice)
        self.form.set_editable(True)
        self._lookup_recipient(invoice.recipient.siret)
        if self.pending_recipient is not None:
            structure, code = self.pending_recipient
            self.pending_recipient = None
            self.set_recipient(structure, code)
        self._show_highlights(result)
        self._compare_seller()
        self.run_checks()  # the banner: what the reading says of the document, then the checks
        self.status_message.emit("Facture lue : vérifiez les champs puis envoyez-la.")

    def _prefill_failed(self, error: object) -> None:
        self._prefill_worker = None
        self.edit_page.hide_progress()
        if isinstance(error, PrefillCancelled):
            self._reset_current()
            self._load_next()
            return
        message = getattr(error, "message", None) or "La facture n'a pas pu être lue."
        self._refuse_file(message)

    def cancel_reading(self) -> None:
        if self._prefill_worker is not None:
            self._prefill_worker.cancel()

    def _show_highlights(self, result: PrefillResult) -> None:
        highlights = []
        confidences = {}
        for name, found in result.fields.items():
            target = PREFILL_TARGETS.get(name)
            if target is None or found.value is None:
                continue
            confidence = found.confidence
            if unverifiable_on_scan(name, found):
                confidence = min(confidence, CHECK_BELOW - 0.01)  # tinted, whatever OCR said
            confidences[target] = (confidence, self._source_text(target))
            if found.bbox and found.page:
                highlights.append(Highlight(target, found.page - 1, found.bbox, found.confidence))
        self.preview.set_highlights(highlights)
        self.form.mark_prefill(confidences)

    def _source_text(self, target: str) -> str:
        result = self.prefill_result
        label = FIELD_LABELS.get(target, target)
        if result is None:
            return f"{label} : saisi dans le formulaire."
        name = next((key for key, value in PREFILL_TARGETS.items() if value == target), None)
        found = result.fields.get(name) if name else None
        if found is None or found.value is None:
            return f"{label} : non trouvé sur la facture, à saisir."
        where = SOURCE_LABELS.get(found.source or "", "lu sur la facture")
        page = f", page {found.page}" if found.page else ""
        if unverifiable_on_scan(name, found):
            check = (
                " — à vérifier : lu sur un scan, et rien ne permet de contrôler ce numéro "
                "(un 3 lu 8, un 0 lu O…)"
            )
        elif found.confidence < CHECK_BELOW:
            check = " — à vérifier : lecture incertaine"
        else:
            check = ""
        return f"{label} : {where}{page}, confiance {round(found.confidence * 100)} %{check}."

    def _field_focused(self, name: str) -> None:
        if name in FIELD_LABELS:
            self.field_info.setText(self._source_text(name))
            self.preview.select(name)

    # --- supplier and recipient ------------------------------------------------------------------

    def _load_supplier(self) -> None:
        if self.supplier is not None:
            self.form.set_supplier(self.supplier)
            return
        worker = Worker(lambda _progress: self.deposit.supplier_profile())
        worker.signals.succeeded.connect(self._supplier_loaded)
        worker.signals.failed.connect(
            lambda error: self.form.set_supplier(
                None,
                "Chorus Pro n'a pas pu être joint : votre structure sera complétée à l'envoi. "
                f"({error_text(error)})",
            )
        )
        self.workers.start(worker)

    def _supplier_loaded(self, profile: SupplierProfile) -> None:
        self.supplier = profile
        self.form.set_supplier(profile)
        self._compare_seller()

    def _compare_seller(self) -> None:
        """The seller's SIRET read on the PDF against the account's: an invoice of someone
        else must not leave under the user's name without a word."""
        found = self.prefill_result.fields.get("seller_siret") if self.prefill_result else None
        read = "".join(str(found.value or "").split()) if found is not None else ""
        mine = self.supplier.siret if self.supplier is not None else self.deposit.account_siret()
        if len(read) != 14 or not mine or read == mine:
            self.form.set_seller_warning(None)
            return
        known = self.directory.by_siret(read)
        seller = f"{known.name} (SIRET {read})" if known is not None else f"le SIRET {read}"
        account = self.supplier.name if self.supplier is not None else "votre compte"
        self.form.set_seller_warning(
            f"Cette facture est émise par {seller}, pas par {account} (SIRET {mine}), le "
            "compte qui va la déposer. Vérifiez qu'il s'agit bien de votre facture."
        )

    def _lookup_recipient(self, siret: str) -> None:
        structure, services = self.directory.recipient_info(siret)
        self.form.set_recipient_info(structure, services)

    def set_recipient(self, structure: Structure, service_code: str | None) -> None:
        """The recipient chosen in the directory."""
        if not self.is_open:
            self.pending_recipient = (structure, service_code)
            self.status_message.emit(
                f"Destinataire retenu : {structure.name}. Déposez maintenant la facture."
            )
            return
        _, services = self.directory.recipient_info(structure.siret)
        self.form.set_recipient(structure, services, service_code)

    # --- checks and drafts -----------------------------------------------------------------------

    def _form_changed(self) -> None:
        self.dirty = True
        self.saved_label.setText("Modifications non enregistrées")
        self.check_timer.start()
        self.autosave_timer.start()

    def run_checks(self) -> list[Issue]:
        if not self.is_open:
            return []
        self.issues = self.deposit.check(
            self.form.invoice(), self.document_text, facturx=self.facturx_box.isChecked()
        )
        self._show_issues(self.issues)
        return self.issues

    def _show_issues(self, issues: list[Issue]) -> None:
        """Field issues go beside their fields; the banner keeps the reading's notes on the
        whole document (a scan, OCR unavailable, a renamed file) and the other issues."""
        elsewhere = self.form.show_issues(issues)
        notes = self.prefill_result.warnings if self.prefill_result is not None else []
        lines = [html.escape(note, quote=False) for note in notes]
        lines += [f"• {html.escape(issue.message, quote=False)}" for issue in elsewhere]
        if lines:
            kind = "error" if blocking(elsewhere) else "warning"
            self.edit_page.show_banner("<br>".join(lines), kind)
        else:
            self.banner.setVisible(False)

    def _autosave(self) -> None:
        if self.dirty and self.is_open and not self.busy:
            self.save_draft(quiet=True)

    def save_draft(self, quiet: bool = False) -> int | None:
        if not self.is_open or self.busy:
            return None
        try:
            self.draft_id = self.deposit.save_draft(self.form.invoice(), self.draft_id)
        except BordereauError as exc:
            self.edit_page.show_banner(exc.message, "error")
            return None
        self.dirty = False
        self.autosave_timer.stop()
        self.saved_label.setText("Brouillon enregistré")
        if not quiet:
            self.status_message.emit("Brouillon enregistré : retrouvez-le dans l'onglet Déposer.")
        return self.draft_id
        return self.draft_id

    def open_draft(self, invoice_id: int) -> None:
        """Open a draft, whatever is open: an invoice never saved is not dropped without
        asking, a saved one keeps what was typed."""
        if invoice_id == self.draft_id:
            self.stack.setCurrentWidget(self.edit_page)
            return
        if self.busy:
            return
        if self.draft_id is None and self.current_path is not None:
            self._ask_before_discarding(then=lambda: self._open_draft_now(invoice_id))
            return
        if self.dirty:
            self.save_draft(quiet=True)
        self._open_draft_now(invoice_id)

    def _open_draft_now(self, invoice_id: int) -> None:
        try:
            invoice = self.deposit.load_draft(invoice_id)
            note = self.deposit.draft_note(invoice_id)
            path = (
                self.deposit.attachment_path(invoice.main_attachment)
                if invoice.main_attachment is not None
                else None
            )
            if self._prefill_worker is not None:
                self._prefill_worker.cancel()
            self._reset_current()
            if path is not None:
                self.preview.set_document(path)
        except BordereauError as exc:
            self.drop_zone.show_message(exc.message)
            return
        self.current_path, self.draft_id = path, invoice_id
        name = invoice.main_attachment.file_name if invoice.main_attachment else "sans PDF"
        self.file_label.setText(f"<b>{html.escape(name, quote=False)}</b> (brouillon)")
        self.document_text = self._document_text(path) if path is not None else None
        self.form.set_invoice(invoice)
        self.form.set_editable(True)
        self._lookup_recipient(invoice.recipient.siret)  # keeps the draft's code service
        self.stack.setCurrentWidget(self.edit_page)
        self.saved_label.setText("Brouillon")
        if path is None:
            note = (note + " " if note else "") + (
                "Ce brouillon n'a pas encore de PDF : joignez la facture (corrigée) avant de "
                "l'envoyer."
            )
        self.edit_page.show_draft_notice(
            note, offer_replacement=path is None or "Remplace la facture" in (note or "")
        )
        self._load_supplier()
        self.run_checks()

    def choose_replacement_pdf(self) -> None:
        chosen = file_dialogs.open_file(
            self, "PDF qui remplace celui de la facture", "Factures PDF (*.pdf *.PDF)", "pdf"
        )
        if chosen:
            self.replace_main_pdf(chosen)

    def replace_main_pdf(self, path: Path) -> None:
        """A corrected PDF for the invoice being prepared (a replacement or a copy keeps the
        old one until then); the typed fields stay, the checks read the new document."""
        if not self.is_open:
            return
        try:
            self.preview.set_document(path)  # an unreadable PDF is refused, the current one stays
        except BordereauError as exc:
            self._refuse_replacement(exc.message)
            return
        try:
            main = self.deposit.store_attachment(path)
        except OSError as exc:
            if self.current_path is not None:
                self.preview.set_document(self.current_path)
            else:
                self.preview.clear()
            self._refuse_replacement(str(exc))
            return
        self.current_path = self.deposit.attachment_path(main)
        self.prefill_result = None  # its notes and frames were about the old PDF
        self.document_text = self._document_text(self.current_path)
        draft = " (brouillon)" if self.draft_id is not None else ""
        self.file_label.setText(f"<b>{html.escape(main.file_name, quote=False)}</b>{draft}")
        self.form.set_main_attachment(main)  # marks the draft modified: autosaved
        self.edit_page.show_draft_notice(None, offer_replacement=False)  # it was about the old
        self.run_checks()
        self.status_message.emit(f"PDF remplacé par « {main.file_name} ».")

    def _refuse_replacement(self, reason: str) -> None:
        message = f"Le PDF n'a pas été remplacé : {reason}"
        self.edit_page.show_banner(html.escape(message, quote=False), "error")

    def _document_text(self, path: Path) -> str | None:
        from app.prefill.preview import pdf_text

        try:
            return pdf_text(path) or None
        except BordereauError:
            return None

    def unsaved_work(self) -> bool:
        """An invoice read but never saved, or changed since it was."""
        if not self.is_open or self.busy:
            return False
        return self.dirty or (self.draft_id is None and self.current_path is not None)

    @property
    def is_open(self) -> bool:
        """An invoice is being prepared: a PDF read, or a draft (perhaps still without PDF)."""
        return self.current_path is not None or self.draft_id is not None

    def close_current(self) -> None:
        """Close the invoice being prepared. One read or typed but never saved is not thrown
        away without asking; a draft already saved keeps what was typed since."""
        if self.busy:
            return
        if self.draft_id is None and self.current_path is not None and self._prefill_worker is None:
            self._ask_before_discarding()
            return
        self._close_now(save=self.dirty)

    def _ask_before_discarding(self, then: Callable[[], object] | None = None) -> None:
        """« Enregistrer en brouillon » / « Fermer sans enregistrer » / « Annuler »; ``then``:
        what to do once closed (open another draft), instead of the next file."""
        from ui.questions import ask_to_keep_draft

        self.close_question = ask_to_keep_draft(
            self,
            name="fermer_facture",
            title="Fermer la facture",
            text="Cette facture n'est pas enregistrée. L'enregistrer en brouillon avant de la "
            "fermer ?",
            discard="Fermer sans enregistrer",
            on_save=lambda: self._close_now(save=True, then=then),
            on_discard=lambda: self._close_now(save=False, then=then),
        )

    def _close_now(self, *, save: bool, then: Callable[[], object] | None = None) -> None:
        if self.busy:
            return
        if save:
            self.save_draft(quiet=True)
        if self._prefill_worker is not None:
            self._prefill_worker.cancel()
        self._reset_current()
        if then is not None:
            then()
        else:
            self._load_next()

    # --- sending ---------------------------------------------------------------------------------

    def validate_and_send(self) -> None:
        if self.current_path is None or self.busy or self._prefill_worker is not None:
            return
        invoice = self.form.invoice()
        self.busy = True
        self.form.set_editable(False)
        self.edit_page.show_progress("Vérifications auprès de Chorus Pro…", None)
        facturx = self.facturx_box.isChecked()
        worker = Worker(
            lambda _p: self.deposit.check_online(invoice, self.document_text, facturx=facturx)
        )
        worker.signals.succeeded.connect(lambda issues: self._checked(invoice, issues))
        worker.signals.failed.connect(self._send_failed)
        self.workers.start(worker)

    def _checked(self, invoice: Invoice, issues: list[Issue]) -> None:
        self.busy = False
        self.edit_page.hide_progress()
        self.form.set_editable(True)
        self.issues = issues
        self._show_issues(issues)
        problems = blocking(issues)
        if problems:
            self.edit_page.show_banner(
                f"<b>{counted(len(problems), 'point')} à corriger avant l'envoi</b> (en rouge "
                "dans le formulaire) :<br>" + "<br>".join(f"• {i.message}" for i in problems),
                "error",
            )
            self.form.focus_field(problems[0].field)
            return
        structure, _ = self.directory.recipient_info(invoice.recipient.siret)
        if structure is not None:
            invoice.recipient.name = structure.name
        dialog = ConfirmDepositDialog(
            invoice,
            [i for i in issues if not i.blocking],
            self,
            facturx=self.facturx_box.isChecked(),
        )
        dialog.accepted.connect(lambda: self.send(invoice))
        dialog.open()
        self.confirm_dialog = dialog

    def send(self, invoice: Invoice) -> None:
        self.busy = True
        self.autosave_timer.stop()
        self.form.set_editable(False)
        self.send_button.setEnabled(False)
        self.draft_button.setEnabled(False)
        self.close_button.setEnabled(False)
        self.edit_page.show_progress("Envoi à Chorus Pro…", None)
        draft_id, facturx = self.draft_id, self.facturx_box.isChecked()
        worker = Worker(
            lambda progress: self.deposit.submit(
                invoice, progress=progress, draft_id=draft_id, facturx=facturx
            )
        )
        worker.signals.progress.connect(self.progress_label.setText)
        worker.signals.succeeded.connect(self._sent)
        worker.signals.failed.connect(self._send_failed)
        self.workers.start(worker)
        self.status_message.emit(f"Envoi de la facture {invoice.number} en cours…")

    def _end_sending(self) -> None:
        self.busy = False
        self.edit_page.hide_progress()
        self.send_button.setEnabled(True)
        self.draft_button.setEnabled(True)
        self.close_button.setEnabled(True)

    def _sent(self, outcome: DepositOutcome) -> None:
        self._end_sending()
        self.outcome = outcome
        if outcome.state == "refused":
            self.draft_id = outcome.invoice_id
            self.dirty = False
            self.form.set_editable(True)
            self.edit_page.show_banner(
                f"<b>Chorus Pro a refusé la facture.</b> {outcome.message}<br>Elle est gardée "
                "en brouillon : corrigez-la puis renvoyez-la.",
                "error",
            )
            self.status_message.emit("Facture refusée par Chorus Pro : voir le message.")
            self.outcome_reported.emit(
                f"Chorus Pro a refusé la facture {self.form.number.text()} : corrigez-la (le "
                "motif est en haut du formulaire) puis renvoyez-la.",
                "error",
            )
            return
        invoice = self.form.invoice()
        self._show_result(invoice, outcome)

    def _send_failed(self, error: object) -> None:
        self._end_sending()
        self.form.set_editable(True)
        message = error_text(error)
        self.edit_page.show_banner(f"<b>L'envoi n'a pas pu se faire.</b> {message}", "error")

    def _show_result(self, invoice: Invoice, outcome: DepositOutcome) -> None:
        totals = invoice.totals
        amounts = (
            f"HT {format_eur(totals.total_ht)} · TVA {format_eur(totals.total_tva)} · "
            f"net à payer {format_eur(totals.amount_due)}"
        )
        if outcome.state == "done":
            title, role = f"✔ Facture {invoice.number} déposée", "ok"
            when = format_date_fr(outcome.deposit_date) if outcome.deposit_date else "aujourd'hui"
            details = (
                f"Numéro de dépôt Chorus Pro : <b>{outcome.chorus_invoice_id}</b><br>"
                f"Déposée le {when} pour {invoice.recipient.name or invoice.recipient.siret}"
                f"<br>{amounts}"
            )
            if outcome.message:
                details += f"<br><i>{outcome.message}</i>"
            self.status_message.emit(f"Facture {invoice.number} déposée sur Chorus Pro.")
        elif outcome.state == "blocked":
            title, role = f"Facture {invoice.number} mise de côté", "error"
            details = f"{outcome.message}<br>Elle ne repartira pas seule.<br>{amounts}"
            self.status_message.emit(f"Facture {invoice.number} mise de côté : voir le motif.")
        elif outcome.message == FLUX_PENDING:
            title, role = f"Factur-X {invoice.number} déposé : intégration en cours", "warning"
            details = f"{outcome.message}<br>{amounts}"
            self.status_message.emit(f"Factur-X {invoice.number} en cours d'intégration.")
        else:
            title, role = f"Facture {invoice.number} en attente d'envoi", "warning"
            details = (
                f"{outcome.message}<br>Elle est enregistrée et partira automatiquement dès que "
                f"Chorus Pro répondra (au prochain démarrage au plus tard).<br>{amounts}"
            )
            self.status_message.emit(f"Facture {invoice.number} en attente d'envoi.")
        self.result_page.show_outcome(title, role, details, deposited=outcome.state == "done")
        self._reset_current(keep_outcome=True)
        self._update_queue_label()
        self.stack.setCurrentWidget(self.result_page)

    # --- after sending ---------------------------------------------------------------------------

    def follow_invoice(self) -> None:
        if self.outcome is not None:
            self.follow_requested.emit(self.outcome.invoice_id)

    def next_invoice(self) -> None:
        self.outcome = None
        self._load_next()

    # --- helpers ---------------------------------------------------------------------------------

    def _show_start(self) -> None:
        self.refresh_drafts()
        self.stack.setCurrentWidget(self.start_page)

    def _reset_current(self, keep_outcome: bool = False) -> None:
        self.current_path = None
        self.draft_id = None
        self.prefill_result = None
        self.document_text = None
        self.issues = []
        self.dirty = False
        self.check_timer.stop()
        self.autosave_timer.stop()
        self.edit_page.clear()
        if not keep_outcome:
            self.outcome = None
