"""« Saisir une facture »: the editor of an invoice written in Bordereau.

The user fills who they are (kept as the office's invoicing profile), the customer (a public
structure from the directory, or a company by its SIREN), the lines and the terms; the totals
follow as they type; every missing mention is said at its field. « Émettre » gives the number,
makes the PDF/A-3 with its Factur-X and keeps it unchangeable; then it can be saved, opened or
sent to Chorus Pro (a public customer).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.cadres import CadreFacturation
from app.domain.money import format_eur
from app.errors import BordereauError, ValidationProblem
from app.invoicing.mentions import MissingMention
from app.invoicing.model import (
    REGIME_RULES,
    Adjustment,
    CustomerKind,
    PaymentMeans,
    PaymentTerms,
    VatRegime,
    WrittenInvoice,
)
from app.invoicing.totals import totals_of
from ui import file_dialogs
from ui.behaviour import fit_to_screen
from ui.widgets.date_field import DateField
from ui.widgets.money_edit import MoneyEdit
from ui.windows.editor_parts import (
    RATE,
    CustomerPart,
    LinesPart,
    SellerPart,
    _show_rate,
)
from ui.workers import Worker, WorkerPool

if TYPE_CHECKING:
    from collections.abc import Callable

    from app.invoicing.storage import IssuedInvoice
    from app.services import Services

log = logging.getLogger(__name__)

# The due date from the usual terms (days after the issue); « Autre » keeps the date typed.
PAYMENT_TERMS = (
    ("À réception", 0),
    ("30 jours", 30),
    ("45 jours", 45),
    ("60 jours", 60),
    ("Autre date", None),
)
AUTOSAVE_DELAY_MS = 4000
CHECK_DELAY_MS = 300


def _widget_field(field: str) -> str:
    """The field whose widget shows a problem: a line's (« lines.2.quantity ») is the table."""
    return "lines" if field.startswith("lines.") else field


class InvoiceEditor(SellerPart, CustomerPart, LinesPart):
    show_in_search = Signal(str)  # the number of an invoice sent: « Voir dans Rechercher »

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("editeur_facture")
        self.setWindowTitle("Saisir une facture")
        self._fit_screen(QSize(1040, 720))
        self.draft_id: int | None = None
        self.issued: IssuedInvoice | None = None
        self.saved_path: Path | None = None  # where the issued PDF was written
        self.problems: list[MissingMention] = []
        # what is missing is said once the user asks to issue, not on an empty form
        self.show_problems = False
        self.workers = WorkerPool()
        self.field_widgets: dict[str, QWidget] = {}
        self.check_timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        # what is typed is kept as a draft a few seconds after the last change
        self.dirty = False
        self._closing_allowed = False  # the user answered « close » to the question
        self.autosave_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_DELAY_MS)
        self.autosave_timer.timeout.connect(self._autosave)
        self.check_timer.timeout.connect(self.run_checks)

        outer = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self._build_seller())
        column.addWidget(self._build_customer())
        column.addWidget(self._build_lines())
        column.addWidget(self._build_terms())
        column.addStretch(1)
        scroll.setWidget(body)
        self.body = body
        self.body_scroll = scroll
        outer.addWidget(scroll, 1)
        outer.addWidget(self._build_footer())
        QShortcut(QKeySequence("Ctrl+S"), self, self.save_draft)
        self._load_profile()
        self.add_line()
        self._connect_changes(body)
        self.check_timer.timeout.connect(self._changed)
        self.run_checks()
        self.dirty = False  # the profile and the empty line are not the user's typing
        app = QApplication.instance()
        if isinstance(app, QApplication):  # a field reached by Alt+letter or a check is shown
            app.focusChanged.connect(self._show_focused)
        self._first_field().setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_focused(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and self.body.isAncestorOf(new):
            self.body_scroll.ensureWidgetVisible(new, 16, 24)

    def _first_field(self) -> QWidget:
        """Where typing starts: the user's own name until the profile is kept, then the
        customer's."""
        if not self.seller_name.text().strip() or not self.seller_street.text().strip():
            return self.seller_name
        return self.customer_name

    def _fit_screen(self, wanted: QSize) -> None:
        fit_to_screen(self, wanted.width(), wanted.height())

    # --- building ------------------------------------------------------------------------

    def _build_terms(self) -> QGroupBox:
        group = QGroupBox("TVA, paiement et mentions")
        grid = QGridLayout(group)
        self.regime = QComboBox()
        self.regime.setObjectName("regime_tva")
        for regime, rule in REGIME_RULES.items():
            self.regime.addItem(rule.label, regime)
        self.regime.currentIndexChanged.connect(self._regime_changed)
        self.delivery_date = self._field("delivery_date", DateField())
        self.delivery_date.setDate(QDate.currentDate())
        self.due_date = self._field("payment.due_date", DateField())
        self.due_date.setDate(QDate.currentDate().addDays(30))
        self.terms = QComboBox()
        self.terms.setObjectName("delai_paiement")
        for label, days in PAYMENT_TERMS:
            self.terms.addItem(label, days)
        self.terms.setCurrentIndex(1)  # 30 days: the public buyers' and the default legal term
        self.terms.activated.connect(self._terms_chosen)
        due_row = QWidget()
        due_layout = QHBoxLayout(due_row)
        due_layout.setContentsMargins(0, 0, 0, 0)
        due_layout.addWidget(self.terms)
        due_layout.addWidget(self.due_date)
        self.means = QComboBox()
        for means in PaymentMeans:
            self.means.addItem(means.label, means)
        for choice in (self.regime, self.means):  # shorter than its longest label on a
            # 1024-pixel screen rather than a sideways scroll bar; the list shows them whole
            choice.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            choice.setMinimumContentsLength(16)
        self.late_penalty = self._field(
            "payment.late_penalty", QLineEdit("trois fois le taux d'intérêt légal")
        )
        self.early_discount = self._field(
            "payment.early_payment_discount", QLineEdit("pas d'escompte pour paiement anticipé")
        )
        self.global_discount = MoneyEdit()
        self.global_discount_reason = QLineEdit("Remise")
        self.global_charge = MoneyEdit()
        self.global_charge_reason = QLineEdit("Frais de déplacement")
        self.prepaid = self._field("prepaid", MoneyEdit())
        self.paid_check = QCheckBox("Déjà payée en totalité")
        self.paid_check.setObjectName("deja_payee")
        self.paid_check.setToolTip(
            "Le règlement a déjà été reçu : rien n'est dû (réforme : B2/S2/M2)"
        )
        self.paid_check.toggled.connect(lambda paid: self.prepaid.setEnabled(not paid))
        prepaid_row = QHBoxLayout()
        prepaid_row.addWidget(self.prepaid, 1)
        prepaid_row.addWidget(self.paid_check)
        prepaid_box = QWidget()
        prepaid_box.setLayout(prepaid_row)
        prepaid_row.setContentsMargins(0, 0, 0, 0)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Mention libre, imprimée sur la facture")
        self.mention = QLabel()
        self.mention.setProperty("role", "hint")
        self.mention.setWordWrap(True)
        rows = [
            ("Régime de &TVA", self.regime),
            ("Date de la vente ou de la prestation", self.delivery_date),
            ("Échéance", due_row),
            ("Mode de règlement", self.means),
            ("Pénalités de retard", self.late_penalty),
            ("Escompte", self.early_discount),
            ("Remise globale HT", self.global_discount),
            ("Motif de la remise", self.global_discount_reason),
            ("Frais HT (déplacement, port…)", self.global_charge),
            ("Motif des frais", self.global_charge_reason),
            ("Acompte déjà versé", prepaid_box),
            ("Note", self.note),
        ]
        for index, (label, widget) in enumerate(rows):
            caption = QLabel(label)
            caption.setBuddy(widget)  # « Régime de &TVA »: Alt+T goes to its field
            grid.addWidget(caption, index % 6, (index // 6) * 2)
            grid.addWidget(widget, index % 6, (index // 6) * 2 + 1)
        grid.addWidget(self.mention, 6, 0, 1, 4)
        self._regime_changed()
        return group

    def _build_footer(self) -> QWidget:
        footer = QWidget()
        column = QVBoxLayout(footer)
        column.setContentsMargins(0, 0, 0, 0)
        self.totals_label = QLabel()
        self.totals_label.setObjectName("totaux_facture")
        self.problems_label = QLabel()
        self.problems_label.setObjectName("mentions_manquantes")
        self.problems_label.setWordWrap(True)
        self.problems_label.setProperty("role", "error")
        self.result_label = QLabel()
        self.result_label.setObjectName("facture_emise")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.result_label.linkActivated.connect(self._link)
        column.addWidget(self.totals_label)
        column.addWidget(self.problems_label)
        column.addWidget(self.result_label)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Enregistrer le &brouillon")
        self.save_button.clicked.connect(self.save_draft)
        self.issue_button = QPushButton("Émettre la &facture…")
        self.issue_button.setObjectName("emettre_facture")
        self.issue_button.setDefault(True)
        self.issue_button.clicked.connect(self.confirm_issue)
        self.save_as_button = QPushButton("Enregistrer &sous…")
        self.save_as_button.clicked.connect(self.save_as)
        self.open_folder_button = QPushButton("&Ouvrir le dossier")
        self.open_folder_button.clicked.connect(self.open_folder)
        self.chorus_button = QPushButton("Déposer sur &Chorus Pro")
        self.chorus_button.setObjectName("deposer_facture_emise")
        self.chorus_button.clicked.connect(self.send_to_chorus)
        close = QPushButton("Fermer")
        close.clicked.connect(self.close)
        for button in (self.save_as_button, self.open_folder_button, self.chorus_button):
            button.setVisible(False)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        for button in (
            self.save_as_button,
            self.open_folder_button,
            self.chorus_button,
            self.issue_button,
            close,
        ):
            buttons.addWidget(button)
        column.addLayout(buttons)
        return footer

    def _connect_changes(self, root: QWidget) -> None:
        for edit in root.findChildren(QLineEdit):
            edit.textChanged.connect(self.check_timer.start)
        for combo in root.findChildren(QComboBox):
            combo.currentIndexChanged.connect(lambda _index: self.check_timer.start())
        for dated in root.findChildren(DateField):
            dated.dateChanged.connect(self.check_timer.start)
        self.vat_on_debits.toggled.connect(self.check_timer.start)
        self.paid_check.toggled.connect(self.check_timer.start)
        self.lines_table.itemChanged.connect(self.check_timer.start)
        self.lines_table.itemChanged.connect(self._figure_in_french)

    # --- the seller's profile ------------------------------------------------------------

    def _drop_placeholders(self) -> None:
        """On an issued invoice, greyed hints would read as values: an empty field stays
        empty."""
        for field in self.body.findChildren(QLineEdit):
            field.setPlaceholderText("")

    def current_regime(self) -> VatRegime:
        # Qt gives the item's data back as a plain str
        return VatRegime(self.regime.currentData() or VatRegime.FRANCHISE)

    def _terms_chosen(self) -> None:
        days = self.terms.currentData()
        if isinstance(days, int):
            self.due_date.setDate(QDate.currentDate().addDays(days))

    def _regime_changed(self) -> None:
        regime = self.current_regime()
        self.mention.setText(
            f"Mention imprimée : « {regime.rule.mention} »" if regime.rule.mention else ""
        )
        if hasattr(self, "lines_table"):
            for row in range(self.lines_table.rowCount()):
                widget = self.lines_table.cellWidget(row, RATE)
                if isinstance(widget, QComboBox):
                    _show_rate(widget, regime is VatRegime.STANDARD)

    def invoice(self, today: date | None = None) -> WrittenInvoice:
        """The invoice as typed; its date is the day it is issued."""
        today = today or date.today()
        lines = self.lines()
        rate = lines[0].vat_rate if lines else Decimal(0)  # at the first line's rate
        adjustments: tuple[Adjustment, ...] = ()
        discount, charge = self.global_discount.value(), self.global_charge.value()
        if discount:
            reason = self.global_discount_reason.text().strip() or "Remise"
            adjustments += (Adjustment(discount, reason, rate),)
        if charge:
            reason = self.global_charge_reason.text().strip() or "Frais"
            adjustments += (Adjustment(charge, reason, rate, is_charge=True),)
        due = self.due_date.date().toPython()
        delivered = self.delivery_date.date().toPython()
        public = self.public_choice.isChecked()
        return WrittenInvoice(
            seller=self.seller(),
            customer=self.customer(),
            lines=lines,
            regime=self.current_regime(),
            issue_date=today,
            delivery_date=delivered if isinstance(delivered, date) else today,
            payment=PaymentTerms(
                due if isinstance(due, date) else today + timedelta(days=30),
                PaymentMeans(self.means.currentData()),
                self.late_penalty.text().strip(),
                self.early_discount.text().strip(),
            ),
            adjustments=adjustments,
            prepaid=self.prepaid.value_or_zero(),
            paid=self.paid_check.isChecked(),
            cadre=str(self.cadre.currentData()) if public else CadreFacturation.A1.value,
            validator_siret=(self.validator.text().replace(" ", "") or None)
            if public and self.validator.isEnabled()
            else None,
            contract=(self.contract.text().strip() or None)
            if self.public_choice.isChecked()
            else None,
            note=self.note.text().strip() or None,
        )

    # --- checks --------------------------------------------------------------------------

    def run_checks(self) -> list[MissingMention]:
        """The mentions and the directory's rules: each problem tinted at its field and said
        below (no network, quick enough to run as the user types); the totals follow."""
        invoice = self.invoice()
        try:
            self.problems = self.services.invoicing.form_problems(invoice)
        except BordereauError as exc:  # the directory unreadable: the mentions alone
            from app.invoicing.mentions import missing_mentions

            log.warning("Annuaire illisible : %s", exc.message)
            self.problems = missing_mentions(invoice)
        by_field = {_widget_field(problem.field) for problem in self.problems}
        shown = by_field if self.show_problems else set()
        for name, widget in self.field_widgets.items():
            widget.setProperty("issue", "error" if name in shown else "")
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        default = (
            invoice.customer.address_for_invoices
            if not invoice.customer.electronic_address
            else None
        )
        self.customer_address.setPlaceholderText(
            f"Par défaut : {default}" if default else "SIREN, SIREN_SIRET ou e-mail"
        )
        self.problems_label.setText("\n".join(f"• {problem}" for problem in self.problems))
        self.problems_label.setVisible(self.show_problems and bool(self.problems))
        totals = totals_of(invoice)
        parts = [f"Total HT {format_eur(totals.basis)}"]
        if invoice.regime is VatRegime.STANDARD:
            parts.append(f"TVA {format_eur(totals.tax)}")
            parts.append(f"TTC {format_eur(totals.grand_total)}")
        parts.append(f"Net à payer {format_eur(totals.due)}")
        self.totals_label.setText("<b>" + " — ".join(parts) + "</b>")
        self.issue_button.setEnabled(self.issued is None)
        return self.problems

    # --- a draft opened again -----------------------------------------------------------

    def load_draft(self, draft_id: int) -> None:
        """Fill the form with a saved draft (« Reprendre »)."""
        invoice = self.services.invoicing.draft(draft_id)
        self.draft_id = draft_id
        customer, payment = invoice.customer, invoice.payment
        self.set_seller(invoice.seller)
        self.set_customer(customer)
        self.regime.setCurrentIndex(self.regime.findData(invoice.regime))
        self.delivery_date.setDate(QDate(invoice.delivery_date))
        self.due_date.setDate(QDate(payment.due_date))
        self.means.setCurrentIndex(self.means.findData(payment.means))
        self.late_penalty.setText(payment.late_penalty)
        self.early_discount.setText(payment.early_payment_discount)
        discount = next((a for a in invoice.adjustments if not a.is_charge), None)
        self.global_discount.set_value(discount.amount if discount else None)
        if discount:
            self.global_discount_reason.setText(discount.reason)
        charge = next((a for a in invoice.adjustments if a.is_charge), None)
        self.global_charge.set_value(charge.amount if charge else None)
        if charge:
            self.global_charge_reason.setText(charge.reason)
        self.prepaid.set_value(invoice.prepaid or None)
        self.paid_check.setChecked(invoice.paid)
        self.note.setText(invoice.note or "")
        self.contract.setText(invoice.contract or "")
        self.cadre.setCurrentIndex(max(0, self.cadre.findData(invoice.cadre)))
        self.validator.setText(invoice.validator_siret or "")
        self.lines_table.setRowCount(0)
        for line in invoice.lines:
            self.add_line(line)
        self.setWindowTitle("Saisir une facture — brouillon")
        self.check_timer.stop()  # what was just filled in is the saved draft
        self.run_checks()
        self.dirty = False

    # --- actions -------------------------------------------------------------------------

    # --- typed work is never lost --------------------------------------------------------

    def _changed(self) -> None:
        if self.issued is None and self._has_typed_work():
            self.dirty = True
            self.autosave_timer.start()

    def _has_typed_work(self) -> bool:
        table = self.lines_table
        items = (table.item(row, 0) for row in range(table.rowCount()))
        typed_line = any(item is not None and item.text().strip() for item in items)
        return bool(self.customer_name.text().strip()) or typed_line

    def _autosave(self) -> None:
        if self.dirty and self.issued is None:
            self.save_draft(quiet=True)

    def unsaved_work(self) -> bool:
        if self.check_timer.isActive():  # a change of the last instants counts too
            self._changed()
        return self.dirty and self.issued is None and not self._closing_allowed

    def ask_then(self, then: Callable[[], object]) -> QMessageBox:
        """« Enregistrer en brouillon » / « Fermer sans enregistrer » / « Annuler », then
        ``then`` (close the editor, quit) unless the user cancels or the save fails."""
        from ui.questions import ask_to_keep_draft

        def close_after(save: bool) -> None:
            if save and self.save_draft(quiet=True) is None:
                return  # not saved (said in the editor): it stays open
            self._closing_allowed = True
            self.autosave_timer.stop()
            then()

        self.close_question = ask_to_keep_draft(
            self,
            name="fermer_editeur",
            title="Fermer la facture",
            text="Cette facture n'est pas enregistrée. L'enregistrer en brouillon avant de "
            "fermer ?",
            discard="Fermer sans enregistrer",
            on_save=lambda: close_after(True),
            on_discard=lambda: close_after(False),
        )
        return self.close_question

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.unsaved_work():
            event.ignore()
            self.ask_then(self.close)
            return
        self.autosave_timer.stop()
        super().closeEvent(event)

    def reject(self) -> None:  # Escape
        if self.unsaved_work():
            self.ask_then(self.reject)
            return
        self.autosave_timer.stop()
        super().reject()

    def save_draft(self, quiet: bool = False) -> int | None:
        if self.issued is not None:
            return None
        try:  # the profile once it is sound; the draft keeps what was typed in any case
            self.services.invoicing.save_seller_profile(self.seller())
        except ValidationProblem as exc:
            log.info("Profil pas encore enregistré : %s", exc.message)
        try:
            self.draft_id = self.services.invoicing.save_draft(self.invoice(), self.draft_id)
        except BordereauError as exc:
            if quiet:  # an automatic save: said in the editor, not in a box
                self.result_label.setText(f"Brouillon non enregistré : {exc.message}")
            else:
                QMessageBox.warning(self, exc.title, exc.message)
            return None
        self.dirty = False
        self.autosave_timer.stop()
        self.result_label.setText(
            "Brouillon enregistré (sans numéro : il en reçoit un à l'émission)."
        )
        return self.draft_id

    def confirm_issue(self) -> None:
        self.show_problems = True
        if self.run_checks():
            widget = self.field_widgets.get(_widget_field(self.problems[0].field))
            if widget is not None:
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        box = QMessageBox(self)
        box.setObjectName("confirmer_emission")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Émettre la facture")
        box.setText(
            "Une fois émise, la facture reçoit son numéro et ne peut plus être modifiée : "
            "une erreur se corrige par un avoir. Émettre la facture ?"
        )
        issue = box.addButton("Émettre", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(issue)
        box.finished.connect(lambda _code: self._issue() if box.clickedButton() is issue else None)
        box.open()
        self.confirm_box = box

    def _issue(self) -> Worker | None:
        draft_id = self.save_draft()
        if draft_id is None:
            return None
        self.issue_button.setEnabled(False)
        self.result_label.setText("Émission : numéro, vérification EN 16931 et PDF…")
        worker = Worker(lambda _progress: self.services.invoicing.issue(draft_id))
        worker.signals.succeeded.connect(self._issued)
        worker.signals.failed.connect(self._issue_failed)
        return self.workers.start(worker)  # type: ignore[no-any-return]

    def _issued(self, issued: IssuedInvoice) -> None:
        self.issued = issued
        self.dirty = False
        self.autosave_timer.stop()
        kind = "Avoir" if issued.invoice.is_credit_note else "Facture"
        self.result_label.setText(
            f"<b>{kind} {issued.invoice.number} émise</b> — PDF/A-3 avec son Factur-X "
            "(EN 16931), conservée sans modification possible."
        )
        self.setWindowTitle(f"{kind} {issued.invoice.number}")
        self.save_as_button.setVisible(True)
        self.open_folder_button.setVisible(True)
        public = issued.invoice.customer.kind is CustomerKind.PUBLIC
        self.chorus_button.setText(
            "Déposer sur &Chorus Pro" if public else "En&voyer par la plateforme agréée"
        )
        self.chorus_button.setVisible(True)
        self.save_button.setEnabled(False)
        self.issue_button.setEnabled(False)
        self.body.setEnabled(False)  # issued: it does not change any more
        self._drop_placeholders()
        for problem in (*issued.warnings, *issued.problems):  # said, never blocking
            self.result_label.setText(self.result_label.text() + f"<br/>{problem}")
        try:
            self.saved_path = self.services.invoicing.write_pdf(issued, self._documents_folder())
        except BordereauError as exc:  # issued all the same: « Enregistrer sous… » gives it
            QMessageBox.warning(self, exc.title, exc.message)
            return
        self.result_label.setText(
            self.result_label.text() + f"<br/>Enregistrée dans {self.saved_path.parent}."
        )

    def _issue_failed(self, error: object) -> None:
        """Refused (nothing numbered): each broken rule tinted at its field, the first one
        given the keyboard, and the rules said with their ids."""
        from app.invoicing.service import InvoiceRefused

        self.issue_button.setEnabled(True)
        message = error.message if isinstance(error, BordereauError) else str(error)
        self.result_label.setText("")
        fields: list[str] = []
        if isinstance(error, InvoiceRefused):
            fields = [_widget_field(p.field) for p in error.problems if p.field]
            for name in fields:
                widget = self.field_widgets.get(name)
                if widget is not None:
                    widget.setProperty("issue", "error")
                    widget.style().unpolish(widget)
                    widget.style().polish(widget)
            self.problems_label.setText("\n".join(f"• {p}" for p in error.problems))
            self.problems_label.setVisible(True)
        box = QMessageBox(QMessageBox.Icon.Warning, "Facture non émise", message, parent=self)
        box.setObjectName("facture_refusee")
        if isinstance(error, InvoiceRefused) and fields:
            first = self.field_widgets.get(fields[0])
            if first is not None:  # the keyboard goes to the field once the box is read
                box.finished.connect(lambda _code: QTimer.singleShot(0, lambda: self._focus(first)))
        self.refused_box = box
        box.open()

    def _focus(self, widget: QWidget) -> None:
        self.activateWindow()
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _documents_folder(self) -> Path:
        from PySide6.QtCore import QStandardPaths

        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        return Path(documents or Path.home()) / "Bordereau" / "Factures"

    def save_as(self) -> None:
        if self.issued is None:
            return
        target = file_dialogs.save_file(
            self, "Enregistrer sous", self.services.invoicing.pdf_name(self.issued), "PDF (*.pdf)",
            "factures",
        )  # fmt: skip
        if target:
            from ui.windows.written_invoices import save_issued_pdf

            if save_issued_pdf(self, self.issued, Path(target)):
                self.saved_path = Path(target)

    def open_folder(self) -> None:
        folder = self.saved_path.parent if self.saved_path else self._documents_folder()
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def send_to_chorus(self) -> Worker | None:
        if self.issued is None or not self.issued.invoice.number:
            return None
        number = self.issued.invoice.number
        self.chorus_button.setEnabled(False)
        self.result_label.setText(f"Envoi de {number}…")
        worker = Worker(lambda progress: self.services.invoicing.send(number, progress))
        worker.signals.progress.connect(self.result_label.setText)
        worker.signals.succeeded.connect(self._sent)
        worker.signals.failed.connect(self._send_failed)
        return self.workers.start(worker)  # type: ignore[no-any-return]

    def _sent(self, outcome: object) -> None:
        state = getattr(outcome, "state", "")
        message = getattr(outcome, "message", "")
        number = self.issued.invoice.number if self.issued else ""
        where = "la plateforme agréée" if getattr(outcome, "channel", "") == "pa" else "Chorus Pro"
        if state == "done":
            self.result_label.setText(
                f"<b>{number} envoyée à {where}.</b> {message} Elle se suit dans Rechercher "
                f"(la Synthèse ne montre que ce qui attend quelque chose de vous) : "
                f"<a href='rechercher:{number}'>Voir dans Rechercher</a>"
            )
        elif state == "waiting":
            self.result_label.setText(
                f"{number} part dès que {where} répond (en attente d'envoi). {message}"
            )
        else:
            self.chorus_button.setEnabled(True)
            self.result_label.setText(f"{where} n'a pas pris {number} : {message}")

    def _link(self, target: str) -> None:
        kind, _colon, number = target.partition(":")
        if kind == "rechercher" and number:
            self.show_in_search.emit(number)

    def _send_failed(self, error: object) -> None:
        self.chorus_button.setEnabled(True)
        message = error.message if isinstance(error, BordereauError) else str(error)
        self.result_label.setText("")
        QMessageBox.warning(self, "Envoi impossible", message)
