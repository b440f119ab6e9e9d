"""Déposer: from a PDF to an invoice deposited on Chorus Pro.

Three pages: the drop zone (with the drafts to resume), the form next to the PDF, and the
result. Reading, checking online and sending run on the thread pool; the window stays usable.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtCore import QMimeData, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.deposit.checks import Issue, blocking
from app.deposit.flux_report import FLUX_PENDING
from app.deposit.outbox import DepositOutcome
from app.deposit.service import PreparedInvoice
from app.deposit.supplier import SupplierProfile
from app.directory.store import Structure
from app.domain.invoice import Invoice
from app.domain.money import format_eur
from app.errors import BordereauError
from app.prefill.engine import PrefillCancelled
from app.prefill.model import PrefillResult
from app.prefill.parsing import format_date_fr
from app.services import Services
from ui.dialogs.confirm_deposit_dialog import ConfirmDepositDialog
from ui.widgets.deposit_form import FIELD_LABELS, PREFILL_TARGETS, DepositForm
from ui.widgets.drop_zone import DropZone, split_pdf_paths
from ui.widgets.pdf_preview import Highlight, PdfPreviewWidget
from ui.workers import PrefillWorker, Worker, WorkerPool, error_text

log = logging.getLogger(__name__)

CHECK_DELAY_MS = 250
AUTOSAVE_DELAY_MS = 2000
SOURCE_LABELS = {
    "facturx": "lu dans les données Factur-X du PDF",
    "text": "lu dans le texte du PDF",
    "ocr": "lu par reconnaissance de caractères (OCR)",
}


class DeposerTab(QWidget):
    directory_requested = Signal()
    status_message = Signal(str)
    follow_requested = Signal(int)  # local invoice id

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
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

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack)
        self.start_page = self._build_start_page()
        self.edit_page = self._build_edit_page()
        self.result_page = self._build_result_page()
        for page in (self.start_page, self.edit_page, self.result_page):
            self.stack.addWidget(page)

        self.check_timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self.check_timer.timeout.connect(self.run_checks)
        self.autosave_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_DELAY_MS)
        self.autosave_timer.timeout.connect(self._autosave)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save_draft)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.validate_and_send)
        self.refresh_drafts()

    # --- pages -----------------------------------------------------------------------------------

    def _build_start_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(40, 20, 40, 20)
        column.setSpacing(16)
        title = QLabel("Déposer une facture sur Chorus Pro")
        title.setObjectName("deposer_titre")
        column.addWidget(title)
        intro = QLabel(
            "Bordereau lit votre facture, remplit le formulaire de dépôt et vérifie tout avant "
            "l'envoi, pour éviter les factures « à recycler » ou rejetées. La facture part une "
            "seule fois, même si la connexion coupe."
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")
        column.addWidget(intro)
        self.drop_zone = DropZone()
        self.drop_zone.files_dropped.connect(self.open_files)
        column.addWidget(self.drop_zone, 2)
        row = QHBoxLayout()
        directory = QPushButton("Chercher un destinataire dans l'annuaire…")
        directory.setObjectName("deposer_annuaire_accueil")
        directory.clicked.connect(self.directory_requested)
        row.addWidget(directory)
        row.addStretch(1)
        column.addLayout(row)
        self.drafts_group = QGroupBox("Brouillons")
        self.drafts_group.setObjectName("brouillons")
        drafts = QVBoxLayout(self.drafts_group)
        self.drafts_list = QListWidget()
        self.drafts_list.setObjectName("liste_brouillons")
        self.drafts_list.itemActivated.connect(lambda _item: self.resume_selected_draft())
        drafts.addWidget(self.drafts_list)
        buttons = QHBoxLayout()
        resume = QPushButton("&Reprendre")
        resume.setObjectName("reprendre_brouillon")
        resume.clicked.connect(self.resume_selected_draft)
        delete = QPushButton("Supprimer…")
        delete.setObjectName("supprimer_brouillon")
        delete.clicked.connect(self.delete_selected_draft)
        buttons.addWidget(resume)
        buttons.addWidget(delete)
        buttons.addStretch(1)
        drafts.addLayout(buttons)
        column.addWidget(self.drafts_group, 1)
        return page

    def _build_edit_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        self.file_label = QLabel()
        self.file_label.setObjectName("deposer_fichier")
        self.queue_label = QLabel()
        self.queue_label.setObjectName("deposer_file_attente")
        self.queue_label.setProperty("role", "hint")
        close = QPushButton("Fermer")
        close.setObjectName("deposer_fermer")
        close.setToolTip("Fermer cette facture (le brouillon est gardé si vous le souhaitez)")
        close.clicked.connect(self.close_current)
        self.close_button = close
        header.addWidget(self.file_label, 1)
        header.addWidget(self.queue_label)
        header.addWidget(close)
        column.addLayout(header)

        progress_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setObjectName("deposer_progression")
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(260)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("deposer_etape")
        self.cancel_button = QPushButton("Annuler la lecture")
        self.cancel_button.clicked.connect(self.cancel_reading)
        progress_row.addWidget(self.progress)
        progress_row.addWidget(self.progress_label, 1)
        progress_row.addWidget(self.cancel_button)
        self.progress_panel = QWidget()
        self.progress_panel.setLayout(progress_row)
        progress_row.setContentsMargins(0, 0, 0, 0)
        self.progress_panel.setVisible(False)
        column.addWidget(self.progress_panel)

        self.banner = QLabel()
        self.banner.setObjectName("deposer_bandeau")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.setVisible(False)
        column.addWidget(self.banner)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        self.preview = PdfPreviewWidget()
        self.preview.setMinimumWidth(300)
        splitter.addWidget(self.preview)
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        self.field_info = QLabel("Cliquez dans un champ pour voir où il a été lu sur la facture.")
        self.field_info.setObjectName("deposer_source_champ")
        self.field_info.setProperty("role", "hint")
        self.field_info.setWordWrap(True)
        right_column.addWidget(self.field_info)
        self.form = DepositForm()
        self.form.store_attachment = lambda path, designation, code: (
            self.services.deposit.store_attachment(path, designation=designation, type_code=code)
        )
        self.form.changed.connect(self._form_changed)
        self.form.field_focused.connect(self._field_focused)
        self.form.directory_requested.connect(self.directory_requested)
        self.form.main_replace_requested.connect(self.choose_replacement_pdf)
        self.form.recipient_changed.connect(self._lookup_recipient)
        scroll = QScrollArea()
        scroll.setObjectName("deposer_formulaire")
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        right_column.addWidget(scroll, 1)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 760])
        column.addWidget(splitter, 1)

        actions = QHBoxLayout()
        self.draft_button = QPushButton("Enregistrer en &brouillon")
        self.draft_button.setObjectName("enregistrer_brouillon")
        self.draft_button.setToolTip("Ctrl+S")
        self.draft_button.clicked.connect(self.save_draft)
        self.saved_label = QLabel()
        self.saved_label.setObjectName("deposer_enregistre")
        self.saved_label.setProperty("role", "hint")
        self.send_button = QPushButton("&Valider et envoyer")
        self.send_button.setObjectName("valider_envoyer")
        self.send_button.setProperty("primary", True)
        self.send_button.setToolTip("Ctrl+Entrée")
        self.send_button.clicked.connect(self.validate_and_send)
        self.facturx_box = QCheckBox("Envoyer au format &Factur-X")
        self.facturx_box.setObjectName("envoyer_facturx")
        self.facturx_box.setToolTip(
            "Bordereau ajoute au PDF les données structurées de la facture (norme EN 16931) "
            "et la dépose comme flux : le destinataire la traite sans ressaisie."
        )
        actions.addWidget(self.draft_button)
        actions.addWidget(self.saved_label, 1)
        actions.addWidget(self.facturx_box)
        actions.addWidget(self.send_button)
        column.addLayout(actions)
        return page

    def _build_result_page(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
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
        self.certificate_button = QPushButton("Exporter le &certificat de dépôt…")
        self.certificate_button.setObjectName("exporter_certificat")
        self.certificate_button.clicked.connect(self.choose_certificate_file)
        self.follow_button = QPushButton("&Suivre la facture")
        self.follow_button.setObjectName("suivre_facture")
        self.follow_button.clicked.connect(self.follow_invoice)
        self.next_button = QPushButton("&Déposer une autre facture")
        self.next_button.setObjectName("facture_suivante")
        self.next_button.setProperty("primary", True)
        self.next_button.clicked.connect(self.next_invoice)
        for button in (self.certificate_button, self.follow_button, self.next_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        outer.addSpacing(16)
        outer.addLayout(buttons)
        outer.addStretch(2)
        return page

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
                self._show_banner(self.drop_zone.message.text(), "error")
            return
        self.open_files(pdfs)

    def open_files(self, paths: list[Path]) -> None:
        """Queue PDFs (drop, « Choisir un fichier… », command line, macOS « Ouvrir avec »)."""
        self.queue.extend(Path(path) for path in paths)
        if self.current_path is None and not self.busy:
            self._load_next()
        else:
            self._update_queue_label()
            self.status_message.emit(f"{len(self.queue)} facture(s) en attente de préparation.")

    def _update_queue_label(self) -> None:
        count = len(self.queue)
        self.queue_label.setText(f"{count} autre(s) facture(s) à préparer" if count else "")
        self.next_button.setText(
            f"Facture suivante ({count} à préparer)" if count else "&Déposer une autre facture"
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
        self.form.set_editable(False)
        self.stack.setCurrentWidget(self.edit_page)
        self._show_progress("Lecture de la facture…", 0, cancellable=True)
        worker = PrefillWorker(self.services.deposit, path)
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
        self._hide_progress()
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
        self.run_checks()  # the banner: what the reading says of the document, then the checks
        self.status_message.emit("Facture lue : vérifiez les champs puis envoyez-la.")

    def _prefill_failed(self, error: object) -> None:
        self._prefill_worker = None
        self._hide_progress()
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
            confidences[target] = (found.confidence, self._source_text(target))
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
        check = " — à vérifier" if found.confidence < 0.75 else ""
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
        worker = Worker(lambda _progress: self.services.context.supplier_profile())
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

    def _lookup_recipient(self, siret: str) -> None:
        structure, services = self.services.directory.recipient_info(siret)
        self.form.set_recipient_info(structure, services)

    def set_recipient(self, structure: Structure, service_code: str | None) -> None:
        """The recipient chosen in the directory."""
        if self.current_path is None:
            self.pending_recipient = (structure, service_code)
            self.status_message.emit(
                f"Destinataire retenu : {structure.name}. Déposez maintenant la facture."
            )
            return
        _, services = self.services.directory.recipient_info(structure.siret)
        self.form.set_recipient(structure, services, service_code)

    # --- checks and drafts -----------------------------------------------------------------------

    def _form_changed(self) -> None:
        self.dirty = True
        self.saved_label.setText("Modifications non enregistrées")
        self.check_timer.start()
        self.autosave_timer.start()

    def run_checks(self) -> list[Issue]:
        if self.current_path is None:
            return []
        self.issues = self.services.deposit.check(self.form.invoice(), self.document_text)
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
            self._show_banner("<br>".join(lines), kind)
        else:
            self.banner.setVisible(False)

    def _autosave(self) -> None:
        if self.dirty and self.current_path is not None and not self.busy:
            self.save_draft(quiet=True)

    def save_draft(self, quiet: bool = False) -> int | None:
        if self.current_path is None or self.busy:
            return None
        try:
            self.draft_id = self.services.deposit.save_draft(self.form.invoice(), self.draft_id)
        except BordereauError as exc:
            self._show_banner(exc.message, "error")
            return None
        self.dirty = False
        self.autosave_timer.stop()
        self.saved_label.setText("Brouillon enregistré")
        if not quiet:
            self.status_message.emit("Brouillon enregistré : retrouvez-le dans l'onglet Déposer.")
        return self.draft_id

    def refresh_drafts(self) -> None:
        self.drafts_list.clear()
        try:
            drafts = self.services.deposit.drafts()
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

    def open_draft(self, invoice_id: int) -> None:
        try:
            invoice = self.services.deposit.load_draft(invoice_id)
            if invoice.main_attachment is None:
                raise BordereauError("Ce brouillon n'a plus de PDF : déposez à nouveau la facture.")
            path = self.services.deposit.attachment_path(invoice.main_attachment)
            self._reset_current()
            self.preview.set_document(path)
        except BordereauError as exc:
            self.drop_zone.show_message(exc.message)
            return
        self.current_path, self.draft_id = path, invoice_id
        self.file_label.setText(f"<b>{invoice.main_attachment.file_name}</b> (brouillon)")
        self.document_text = self._document_text(path)
        self.form.set_invoice(invoice)
        self.form.set_editable(True)
        self._lookup_recipient(invoice.recipient.siret)  # keeps the draft's code service
        self.stack.setCurrentWidget(self.edit_page)
        self.saved_label.setText("Brouillon")
        self._load_supplier()
        self.run_checks()

    def choose_replacement_pdf(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "PDF qui remplace celui de la facture", "", "Factures PDF (*.pdf *.PDF)"
        )
        if name:
            self.replace_main_pdf(Path(name))

    def replace_main_pdf(self, path: Path) -> None:
        """A corrected PDF for the invoice being prepared (a replacement or a copy keeps the
        old one until then); the typed fields stay, the checks read the new document."""
        if self.current_path is None:
            return
        try:
            self.preview.set_document(path)  # an unreadable PDF is refused, the current one stays
        except BordereauError as exc:
            self._refuse_replacement(exc.message)
            return
        try:
            main = self.services.deposit.store_attachment(path)
        except OSError as exc:
            self.preview.set_document(self.current_path)
            self._refuse_replacement(str(exc))
            return
        self.current_path = self.services.deposit.attachment_path(main)
        self.prefill_result = None  # its notes and frames were about the old PDF
        self.document_text = self._document_text(self.current_path)
        draft = " (brouillon)" if self.draft_id is not None else ""
        self.file_label.setText(f"<b>{html.escape(main.file_name, quote=False)}</b>{draft}")
        self.form.set_main_attachment(main)  # marks the draft modified: autosaved
        self.run_checks()
        self.status_message.emit(f"PDF remplacé par « {main.file_name} ».")

    def _refuse_replacement(self, reason: str) -> None:
        message = f"Le PDF n'a pas été remplacé : {reason}"
        self._show_banner(html.escape(message, quote=False), "error")

    def _document_text(self, path: Path) -> str | None:
        from app.prefill.preview import pdf_text

        try:
            return pdf_text(path) or None
        except BordereauError:
            return None

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
            self.services.deposit.delete_draft(int(item.data(Qt.ItemDataRole.UserRole)))
            self.refresh_drafts()

    def close_current(self) -> None:
        if self.busy:
            return
        if self.dirty:
            self.save_draft(quiet=True)
        if self._prefill_worker is not None:
            self._prefill_worker.cancel()
        self._reset_current()
        self._load_next()

    # --- sending ---------------------------------------------------------------------------------

    def validate_and_send(self) -> None:
        if self.current_path is None or self.busy or self._prefill_worker is not None:
            return
        invoice = self.form.invoice()
        self.busy = True
        self.form.set_editable(False)
        self._show_progress("Vérifications auprès de Chorus Pro…", None)
        worker = Worker(lambda _p: self.services.deposit.check_online(invoice, self.document_text))
        worker.signals.succeeded.connect(lambda issues: self._checked(invoice, issues))
        worker.signals.failed.connect(self._send_failed)
        self.workers.start(worker)

    def _checked(self, invoice: Invoice, issues: list[Issue]) -> None:
        self.busy = False
        self._hide_progress()
        self.form.set_editable(True)
        self.issues = issues
        self._show_issues(issues)
        problems = blocking(issues)
        if problems:
            self._show_banner(
                f"<b>{len(problems)} point(s) à corriger avant l'envoi</b> (en rouge dans le "
                "formulaire) :<br>" + "<br>".join(f"• {i.message}" for i in problems),
                "error",
            )
            self.form.focus_field(problems[0].field)
            return
        structure, _ = self.services.directory.recipient_info(invoice.recipient.siret)
        if structure is not None:
            invoice.recipient.name = structure.name
        dialog = ConfirmDepositDialog(invoice, [i for i in issues if not i.blocking], self)
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
        self._show_progress("Envoi à Chorus Pro…", None)
        draft_id, facturx = self.draft_id, self.facturx_box.isChecked()
        worker = Worker(
            lambda progress: self.services.deposit.submit(
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
        self._hide_progress()
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
            self._show_banner(
                f"<b>Chorus Pro a refusé la facture.</b> {outcome.message}<br>Elle est gardée "
                "en brouillon : corrigez-la puis renvoyez-la.",
                "error",
            )
            self.status_message.emit("Facture refusée par Chorus Pro : voir le message.")
            return
        invoice = self.form.invoice()
        self._show_result(invoice, outcome)

    def _send_failed(self, error: object) -> None:
        self._end_sending()
        self.form.set_editable(True)
        message = error_text(error)
        self._show_banner(f"<b>L'envoi n'a pas pu se faire.</b> {message}", "error")

    def _show_result(self, invoice: Invoice, outcome: DepositOutcome) -> None:
        totals = invoice.totals
        amounts = (
            f"HT {format_eur(totals.total_ht)} · TVA {format_eur(totals.total_tva)} · "
            f"net à payer {format_eur(totals.amount_due)}"
        )
        if outcome.state == "done":
            self.result_title.setText(f"✔ Facture {invoice.number} déposée")
            self.result_title.setProperty("role", "ok")
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
            self.result_title.setText(f"Facture {invoice.number} mise de côté")
            self.result_title.setProperty("role", "error")
            details = f"{outcome.message}<br>Elle ne repartira pas seule.<br>{amounts}"
            self.status_message.emit(f"Facture {invoice.number} mise de côté : voir le motif.")
        elif outcome.message == FLUX_PENDING:
            self.result_title.setText(f"Factur-X {invoice.number} déposé : intégration en cours")
            self.result_title.setProperty("role", "warning")
            details = f"{outcome.message}<br>{amounts}"
            self.status_message.emit(f"Factur-X {invoice.number} en cours d'intégration.")
        else:
            self.result_title.setText(f"Facture {invoice.number} en attente d'envoi")
            self.result_title.setProperty("role", "warning")
            details = (
                f"{outcome.message}<br>Elle est enregistrée et partira automatiquement dès que "
                f"Chorus Pro répondra (au prochain démarrage au plus tard).<br>{amounts}"
            )
            self.status_message.emit(f"Facture {invoice.number} en attente d'envoi.")
        self.result_title.style().unpolish(self.result_title)
        self.result_title.style().polish(self.result_title)
        self.result_details.setText(details)
        self.certificate_button.setEnabled(outcome.state == "done")
        self.follow_button.setEnabled(outcome.state == "done")
        self._reset_current(keep_outcome=True)
        self._update_queue_label()
        self.stack.setCurrentWidget(self.result_page)

    # --- after sending ---------------------------------------------------------------------------

    def choose_certificate_file(self) -> None:
        if self.outcome is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name, _ = QFileDialog.getSaveFileName(
            self,
            "Exporter le certificat de dépôt",
            str(Path(folder) / f"Certificat de dépôt {self.outcome.chorus_invoice_id}.pdf"),
            "PDF (*.pdf)",
        )
        if name:
            self.export_certificate(Path(name))

    def export_certificate(self, target: Path) -> Path | None:
        if self.outcome is None:
            return None
        try:
            written = self.services.deposit.export_certificate(self.outcome.invoice_id, target)
        except (BordereauError, OSError) as exc:
            QMessageBox.warning(self, "Certificat de dépôt", getattr(exc, "message", str(exc)))
            return None
        self.status_message.emit(f"Certificat de dépôt enregistré : {written}")
        return written

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
        self.preview.clear()
        self.banner.setVisible(False)
        self.saved_label.setText("")
        self.field_info.setText("Cliquez dans un champ pour voir où il a été lu sur la facture.")
        if not keep_outcome:
            self.outcome = None

    def _show_progress(self, text: str, value: int | None, cancellable: bool = False) -> None:
        self.progress_panel.setVisible(True)
        self.progress_label.setText(text)
        if value is None:
            self.progress.setRange(0, 0)  # busy indicator: the platform gives no fraction
        else:
            self.progress.setRange(0, 100)
            self.progress.setValue(value)
        self.cancel_button.setVisible(cancellable)

    def _hide_progress(self) -> None:
        self.progress_panel.setVisible(False)

    def _show_banner(self, html: str, kind: str) -> None:
        self.banner.setText(html)
        self.banner.setProperty("kind", kind)
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.setVisible(True)
