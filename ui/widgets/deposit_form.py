"""The deposit form, as the portal's « Déposer facture » lays it out; issues shown at fields."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.deposit.checks import Issue
from app.deposit.supplier import SupplierProfile
from app.directory.rules import recipient_rules, requirement_text
from app.directory.store import Service, Structure
from app.domain.cadres import SUBMITTABLE_CADRES, CadreFacturation
from app.domain.enums import SUBMITTABLE_TYPES_FACTURE, ModePaiement, TypeFacture, TypeTva
from app.domain.identifiers import STATE_SIRET
from app.domain.invoice import (
    ATTACHMENT_TYPES,
    AttachmentRef,
    Framework,
    Invoice,
    Recipient,
    References,
    Supplier,
    Totals,
    VatLine,
)
from app.domain.money import format_amount
from app.prefill.parsing import parse_amount
from ui import file_dialogs
from ui.widgets.date_field import DateField
from ui.widgets.money_edit import MoneyEdit

E = TypeVar("E", bound=StrEnum)
NO_DATE = QDate(2000, 1, 1)  # the QDateEdit's "empty" value, shown as a blank
CURRENCIES = ("EUR", "USD", "GBP", "CHF")
EXEMPTION_REASONS = (
    "TVA non applicable, art. 293 B du CGI",
    "Exonération de TVA, art. 261 du CGI",
    "Autoliquidation",
)

# Where each prefill field goes in the form.
PREFILL_TARGETS = {
    "invoice_number": "number",
    "issue_date": "issue_date",
    "invoice_type": "references.invoice_type",
    "buyer_siret": "recipient.siret",
    "order_reference": "references.engagement_number",
    "total_ht": "totals.total_ht",
    "total_tva": "totals.total_tva",
    "total_ttc": "totals.total_ttc_after_discount",
    "amount_due": "totals.amount_due",
    "currency": "references.currency",
}
FIELD_LABELS = {
    "number": "Numéro de facture",
    "issue_date": "Date de facture",
    "references.invoice_type": "Type de facture",
    "recipient.siret": "SIRET du destinataire",
    "references.engagement_number": "Numéro d'engagement",
    "totals.total_ht": "Montant HT",
    "totals.total_tva": "Montant TVA",
    "totals.total_ttc_after_discount": "Montant TTC",
    "totals.amount_due": "Net à payer",
    "references.currency": "Devise",
}


def _choice(combo: QComboBox, kind: type[E], default: E) -> E:
    """Qt hands enum members back as plain strings."""
    data = combo.currentData()
    try:
        return kind(data) if data else default
    except ValueError:
        return default


def _vat_rate(ht: Decimal, tva: Decimal) -> Decimal:
    return (tva / ht * 100).quantize(Decimal("0.1")) if ht else Decimal(0)


QWIDGETSIZE_MAX = (1 << 24) - 1


class FieldBox(QWidget):
    """A form widget with its issue written under it."""

    def __init__(self, widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.widget = widget
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        # The box takes the row's width, so its message wraps at the row's edge, not at a
        # narrow date's; a widget that would not have grown keeps its own width.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        grows = widget.sizePolicy().horizontalPolicy() == QSizePolicy.Policy.Expanding
        if grows and widget.maximumWidth() == QWIDGETSIZE_MAX:
            layout.addWidget(widget)
        else:
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout.addWidget(self.message)

    def show_issues(self, issues: list[Issue]) -> None:
        state = "error" if any(i.blocking for i in issues) else "advice" if issues else ""
        self.widget.setProperty("issue", state)
        self.widget.style().unpolish(self.widget)
        self.widget.style().polish(self.widget)
        self.message.setText("\n".join(i.message for i in issues))
        self.message.setProperty("role", "error" if state == "error" else "warning")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setVisible(bool(issues))

    def mark_for_checking(self, text: str | None) -> None:
        """Fields the prefill is unsure of: outlined until the user edits them."""
        self.widget.setProperty("to_check", bool(text))
        self.widget.setToolTip(text or "")
        self.widget.style().unpolish(self.widget)
        self.widget.style().polish(self.widget)


class AttachmentsPart(QWidget):
    """The invoice's PDF (« Remplacer le PDF… ») and its other attachments, joined and
    removed; each kept by the tab's ``store_attachment`` (the outbox's copy)."""

    main_replace_requested = Signal()  # « Remplacer le PDF… »: the tab chooses and checks it
    store_attachment: Callable[[Path, str | None, str | None], AttachmentRef] | None
    _main: AttachmentRef | None
    _others: list[AttachmentRef]

    def _form(self, title: str, name: str) -> tuple[QGroupBox, QFormLayout]:
        raise NotImplementedError

    def _box(self, name: str, widget: QWidget) -> FieldBox:
        raise NotImplementedError

    def _edited(self, *_args: object) -> None:
        raise NotImplementedError

    def _attachments_group(self) -> QGroupBox:
        group, form = self._form("Pièces jointes", "groupe_pieces_jointes")
        self.main_label = QLabel("—")
        self.main_label.setObjectName("piece_principale")
        self.main_label.setWordWrap(True)
        self.main_replace = QPushButton("Remplacer le PDF…")
        self.main_replace.setObjectName("remplacer_pdf")
        self.main_replace.setToolTip(
            "Une facture corrigée, un nouveau numéro : déposez le PDF qui le porte."
        )
        self.main_replace.clicked.connect(self.main_replace_requested)
        main_row = QWidget()
        main_row.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        main_line = QHBoxLayout(main_row)
        main_line.setContentsMargins(0, 0, 0, 0)
        main_line.addWidget(self.main_label, 1)
        main_line.addWidget(self.main_replace)
        form.addRow("Facture (PDF)", self._box("main_attachment", main_row))
        self.attachments = QListWidget()
        self.attachments.setObjectName("pieces_complementaires")
        self.attachments.setMaximumHeight(90)
        self.attachments.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        buttons = QHBoxLayout()
        self.attachment_type = QComboBox()
        for code, label in ATTACHMENT_TYPES.items():
            self.attachment_type.addItem(label, code)
        self.attachment_add = QPushButton("Joindre…")
        self.attachment_add.setObjectName("joindre_piece")
        self.attachment_add.clicked.connect(self._choose_attachment)
        self.attachment_remove = QPushButton("Retirer")
        self.attachment_remove.clicked.connect(self._remove_attachment)
        buttons.addWidget(self.attachment_type)
        buttons.addWidget(self.attachment_add)
        buttons.addWidget(self.attachment_remove)
        buttons.addStretch(1)
        panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self._box("attachments", self.attachments))
        column.addLayout(buttons)
        form.addRow("Autres pièces", panel)
        return group

    def _choose_attachment(self) -> None:
        for path in file_dialogs.open_files(
            self, "Joindre des pièces", "Tous les fichiers (*)", "pieces"
        ):
            self.add_attachment(path, self.attachment_type.currentData())

    def add_attachment(self, path: Path, type_code: str | None) -> None:
        assert self.store_attachment is not None
        label = ATTACHMENT_TYPES.get(type_code or "", None)
        ref = self.store_attachment(path, label, type_code)
        self._others.append(ref)
        self._show_attachments()
        self._edited()

    def set_main_attachment(self, ref: AttachmentRef) -> None:
        self._main = ref
        self._show_main()
        self._edited()

    def _show_main(self) -> None:
        main = self._main
        self.main_label.setText(f"{main.file_name} ({_size(main.size)})" if main else "—")

    def _remove_attachment(self) -> None:
        row = self.attachments.currentRow()
        if row >= 0:
            del self._others[row]
            self._show_attachments()
            self._edited()

    def _show_attachments(self) -> None:
        self.attachments.clear()
        for ref in self._others:
            kind = ref.designation or "Pièce jointe"
            item = QListWidgetItem(f"{kind} — {ref.file_name} ({_size(ref.size)})")
            self.attachments.addItem(item)


class DepositForm(AttachmentsPart):
    changed = Signal()
    field_focused = Signal(str)  # a field name of PREFILL_TARGETS' values, or ""
    directory_requested = Signal()
    recipient_changed = Signal(str)  # the SIRET as typed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deposit_form")
        self.boxes: dict[str, FieldBox] = {}
        self._focus_names: dict[QObject, str] = {}
        self._loading = False
        self._recipient_services: list[Service] = []
        self._recipient_structure: Structure | None = None
        self._main: AttachmentRef | None = None
        self._others: list[AttachmentRef] = []
        # The invoice's own supplier service and bank account, kept until the profile's
        # choices arrive (a draft may open before Chorus Pro answers, or offline).
        self._wanted_supplier = Supplier()
        self._supplier_choices_loaded = False
        self.store_attachment: Callable[[Path, str | None, str | None], AttachmentRef] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.setSpacing(10)
        layout.addWidget(self._supplier_group())
        layout.addWidget(self._framework_group())
        layout.addWidget(self._recipient_group())
        layout.addWidget(self._references_group())
        layout.addWidget(self._totals_group())
        layout.addWidget(self._attachments_group())
        layout.addWidget(self._comment_group())
        layout.addStretch(1)
        self._sync_enabled_fields()

    # --- building ---------------------------------------------------------------------------

    def _box(self, name: str, widget: QWidget) -> FieldBox:
        widget.setObjectName("champ_" + name.replace(".", "_"))
        box = FieldBox(widget)
        self.boxes[name] = box
        self._focus_names[widget] = name
        widget.installEventFilter(self)
        return box

    def _form(self, title: str, name: str) -> tuple[QGroupBox, QFormLayout]:
        group = QGroupBox(title)
        group.setObjectName(name)
        form = QFormLayout(group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        return group, form

    def _line(
        self, name: str, *, max_length: int | None = None, placeholder: str = ""
    ) -> QLineEdit:
        edit = QLineEdit()
        if max_length:
            edit.setMaxLength(max_length + 10)  # longer text is shown, then refused by a check
        edit.setPlaceholderText(placeholder)
        edit.textEdited.connect(self._edited)
        return edit

    def _money(self) -> MoneyEdit:
        edit = MoneyEdit()
        edit.textEdited.connect(self._edited)
        return edit

    def _combo(self, items: Iterable[tuple[str, object]]) -> QComboBox:
        combo = QComboBox()
        for label, data in items:
            combo.addItem(label, data)
        combo.currentIndexChanged.connect(self._edited)
        return combo

    def _supplier_group(self) -> QGroupBox:
        group, form = self._form("Fournisseur", "groupe_fournisseur")
        self.supplier_label = QLabel("Votre structure sera lue sur Chorus Pro…")
        self.supplier_label.setObjectName("fournisseur_structure")
        self.supplier_service = self._combo([("Aucun service", None)])
        self.supplier_bank = self._combo([("Celles de votre structure", None)])
        self.seller_warning = QLabel()
        self.seller_warning.setObjectName("fournisseur_autre_vendeur")
        self.seller_warning.setWordWrap(True)
        self.seller_warning.setProperty("role", "warning")
        self.seller_warning.hide()
        form.addRow("Structure", self.supplier_label)
        form.addRow("", self.seller_warning)
        form.addRow("Service", self._box("supplier.service", self.supplier_service))
        form.addRow("Coordonnées bancaires", self._box("supplier.bank", self.supplier_bank))
        return group

    def _framework_group(self) -> QGroupBox:
        group, form = self._form("Cadre de facturation", "groupe_cadre")
        self.framework = self._combo(
            (f"{cadre.short_code} — {cadre.label}", cadre) for cadre in SUBMITTABLE_CADRES
        )
        self.validator_siret = self._line("framework.validator_siret", placeholder="14 chiffres")
        self.validator_service = self._line("framework.validator_service")
        form.addRow("Cadre", self._box("framework.code", self.framework))
        form.addRow(
            "SIRET du valideur", self._box("framework.validator_siret", self.validator_siret)
        )
        form.addRow(
            "Service du valideur", self._box("framework.validator_service", self.validator_service)
        )
        self._validator_rows = (
            self.boxes["framework.validator_siret"],
            self.boxes["framework.validator_service"],
        )
        self._framework_form = form
        return group

    def _recipient_group(self) -> QGroupBox:
        group, form = self._form("Destinataire", "groupe_destinataire")
        state_row = QHBoxLayout()
        self.state_yes = QRadioButton("Oui")
        self.state_yes.setObjectName("destinataire_etat_oui")
        self.state_no = QRadioButton("Non")
        self.state_no.setObjectName("destinataire_etat_non")
        self.state_no.setChecked(True)
        self._state_group = QButtonGroup(self)
        self._state_group.addButton(self.state_yes)
        self._state_group.addButton(self.state_no)
        self.state_yes.toggled.connect(self._state_toggled)
        state_row.addWidget(self.state_yes)
        state_row.addWidget(self.state_no)
        state_row.addStretch(1)
        state_widget = QWidget()
        state_widget.setLayout(state_row)
        state_row.setContentsMargins(0, 0, 0, 0)
        form.addRow("Le destinataire est-il l'État ?", state_widget)

        siret_row = QHBoxLayout()
        siret_row.setContentsMargins(0, 0, 0, 0)
        self.recipient_siret = self._line("recipient.siret", placeholder="14 chiffres")
        self.recipient_siret.textEdited.connect(self._recipient_siret_edited)
        self.search_button = QPushButton("Rec&hercher dans l'annuaire…")
        self.search_button.setObjectName("deposer_annuaire")
        self.search_button.clicked.connect(self.directory_requested)
        siret_row.addWidget(self._box("recipient.siret", self.recipient_siret), 1)
        siret_row.addWidget(self.search_button, 0, Qt.AlignmentFlag.AlignTop)
        siret_widget = QWidget()
        siret_widget.setLayout(siret_row)
        form.addRow("SIRET", siret_widget)
        self.recipient_name = QLabel("—")
        self.recipient_name.setObjectName("deposer_destinataire")
        self.recipient_name.setWordWrap(True)
        form.addRow("Raison sociale", self.recipient_name)
        self.code_service = QComboBox()
        self.code_service.setEditable(True)
        self.code_service.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.code_service.setMinimumWidth(280)
        self.code_service.currentIndexChanged.connect(self._edited)
        self.code_service.currentIndexChanged.connect(lambda _index: self._show_requirement())
        self.code_service.editTextChanged.connect(self._edited)
        form.addRow("Code service", self._box("recipient.code_service", self.code_service))
        self.requirement = QLabel()
        self.requirement.setObjectName("deposer_exigences")
        self.requirement.setProperty("role", "hint")
        self.requirement.setWordWrap(True)
        form.addRow("", self.requirement)
        return group

    def _references_group(self) -> QGroupBox:
        group, form = self._form("Références", "groupe_references")
        self.number = self._line("number", max_length=20)
        self.issue_date = DateField()
        self.issue_date.setCalendarPopup(True)
        self.issue_date.setDisplayFormat("dd/MM/yyyy")
        self.issue_date.setMinimumDate(NO_DATE)
        self.issue_date.setSpecialValueText(" ")
        self.issue_date.setDate(NO_DATE)
        self.issue_date.setMaximumWidth(160)
        self.issue_date.dateChanged.connect(self._edited)
        self.currency = self._combo((code, code) for code in CURRENCIES)
        self.currency.setMaximumWidth(100)
        self.invoice_type = self._combo((t.label, t) for t in SUBMITTABLE_TYPES_FACTURE)
        self.invoice_type.setMaximumWidth(160)
        self.original_number = self._line("references.original_invoice_number")
        self.engagement = self._line("references.engagement_number", max_length=50)
        self.contract = self._line("references.contract_number")
        self.vat_type = self._combo((t.label, t) for t in TypeTva)
        self.vat_reason = QComboBox()
        self.vat_reason.setEditable(True)
        self.vat_reason.addItems(["", *EXEMPTION_REASONS])
        self.vat_reason.editTextChanged.connect(self._edited)
        self.payment_mode = self._combo((m.label, m) for m in ModePaiement)
        self.payment_mode.setCurrentIndex(self.payment_mode.findData(ModePaiement.VIREMENT))
        form.addRow("Numéro de facture", self._box("number", self.number))
        form.addRow("Date de facture", self._box("issue_date", self.issue_date))
        form.addRow("Type", self._box("references.invoice_type", self.invoice_type))
        form.addRow(
            "Facture d'origine (avoir)",
            self._box("references.original_invoice_number", self.original_number),
        )
        form.addRow("Devise", self._box("references.currency", self.currency))
        form.addRow(
            "Numéro d'engagement", self._box("references.engagement_number", self.engagement)
        )
        form.addRow("Numéro de marché", self._box("references.contract_number", self.contract))
        form.addRow("Type de TVA", self._box("references.vat_type", self.vat_type))
        form.addRow(
            "Motif d'exonération", self._box("references.vat_exemption_reason", self.vat_reason)
        )
        form.addRow("Mode de règlement", self._box("references.payment_mode", self.payment_mode))
        return group

    def _totals_group(self) -> QGroupBox:
        group, form = self._form("Montants totaux", "groupe_montants")
        self.total_ht = self._money()
        self.total_tva = self._money()
        self.ttc_before = self._money()
        self.discount = self._money()
        self.discount_reason = self._line("totals.global_discount_reason")
        self.ttc_after = self._money()
        self.amount_due = self._money()
        self.total_ht.textEdited.connect(self._derive_ttc)
        self.total_tva.textEdited.connect(self._derive_ttc)
        self.discount.textEdited.connect(self._derive_after_discount)
        self.ttc_before.textEdited.connect(self._derive_after_discount)
        form.addRow("Montant HT", self._box("totals.total_ht", self.total_ht))
        form.addRow("Montant TVA", self._box("totals.total_tva", self.total_tva))
        form.addRow(
            "Montant TTC avant remise",
            self._box("totals.total_ttc_before_discount", self.ttc_before),
        )
        form.addRow("Remise globale TTC", self._box("totals.global_discount_ttc", self.discount))
        form.addRow(
            "Motif de la remise", self._box("totals.global_discount_reason", self.discount_reason)
        )
        form.addRow(
            "Montant TTC après remise",
            self._box("totals.total_ttc_after_discount", self.ttc_after),
        )
        form.addRow("Net à payer", self._box("totals.amount_due", self.amount_due))
        self.vat_detail = QCheckBox("Détailler la TVA par taux")
        self.vat_detail.setObjectName("detail_tva")
        self.vat_detail.toggled.connect(self._vat_detail_toggled)
        form.addRow("", self.vat_detail)
        self.vat_table = QTableWidget(0, 3)
        self.vat_table.setTabKeyNavigation(False)  # Tab moves on through the form
        self.vat_table.setHorizontalHeaderLabels(["Taux (%)", "Base HT", "Montant TVA"])
        self.vat_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.vat_table.verticalHeader().setVisible(False)
        self.vat_table.setMaximumHeight(120)
        self.vat_table.itemChanged.connect(self._edited)
        vat_buttons = QHBoxLayout()
        self.vat_add = QPushButton("Ajouter un taux")
        self.vat_add.clicked.connect(lambda: self._add_vat_row(None))
        self.vat_remove = QPushButton("Retirer")
        self.vat_remove.clicked.connect(self._remove_vat_row)
        vat_buttons.addWidget(self.vat_add)
        vat_buttons.addWidget(self.vat_remove)
        vat_buttons.addStretch(1)
        self.vat_panel = QWidget()
        panel = QVBoxLayout(self.vat_panel)
        panel.setContentsMargins(0, 0, 0, 0)
        panel.addWidget(self._box("vat_lines", self.vat_table))
        panel.addLayout(vat_buttons)
        self.vat_panel.setVisible(False)
        form.addRow("", self.vat_panel)
        self.totals_message = FieldBox(QLabel())
        self.boxes["totals"] = self.totals_message
        form.addRow("", self.totals_message)
        return group

    def _comment_group(self) -> QGroupBox:
        group, form = self._form("Commentaire", "groupe_commentaire")
        self.comment = QPlainTextEdit()
        self.comment.setPlaceholderText("Visible par le destinataire (facultatif)")
        self.comment.setMaximumHeight(70)
        self.comment.setTabChangesFocus(True)  # Tab moves on, as in every other field
        self.comment.textChanged.connect(self._edited)
        form.addRow(self._box("comment", self.comment))
        return group

    # --- behaviour ----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and watched in self._focus_names:
            self.field_focused.emit(self._focus_names[watched])
        return super().eventFilter(watched, event)

    def _edited(self, *_args: object) -> None:
        if self._loading:
            return
        self._sync_enabled_fields()
        sender = self.sender()
        if sender in self._focus_names:
            self.boxes[self._focus_names[sender]].mark_for_checking(None)
        self.changed.emit()

    def _sync_enabled_fields(self) -> None:
        needs_validator = self._cadre().needs_validator
        for box in self._validator_rows:
            self._framework_form.setRowVisible(box, needs_validator)
        self.original_number.setEnabled(self._invoice_type() is TypeFacture.AVOIR)
        self.vat_reason.setEnabled(self._vat_type() is TypeTva.EXONERATION)
        self.recipient_siret.setReadOnly(self.state_yes.isChecked())

    def _cadre(self) -> CadreFacturation:
        return _choice(self.framework, CadreFacturation, CadreFacturation.A1)

    def _invoice_type(self) -> TypeFacture:
        return _choice(self.invoice_type, TypeFacture, TypeFacture.FACTURE)

    def _vat_type(self) -> TypeTva:
        return _choice(self.vat_type, TypeTva, TypeTva.SANS_TVA)

    def _state_toggled(self, is_state: bool) -> None:
        if self._loading:
            return
        if is_state:
            self.recipient_siret.setText(STATE_SIRET)
        elif self.recipient_siret.text() == STATE_SIRET:
            self.recipient_siret.clear()
        self._recipient_siret_edited()
        self._edited()

    def _recipient_siret_edited(self, *_args: object) -> None:
        self.state_yes.blockSignals(True)
        self.state_yes.setChecked(self.recipient_siret.text().replace(" ", "") == STATE_SIRET)
        self.state_no.setChecked(not self.state_yes.isChecked())
        self.state_yes.blockSignals(False)
        self.recipient_changed.emit(self.recipient_siret.text().replace(" ", ""))

    def _derive_ttc(self) -> None:
        """HT and TVA typed: TTC follows unless the user typed it."""
        ht, tva = self.total_ht.value(), self.total_tva.value()
        if ht is not None and tva is not None:
            self.ttc_before.set_value(ht + tva)
            self._derive_after_discount()

    def _derive_after_discount(self) -> None:
        before = self.ttc_before.value()
        if before is not None:
            after = before - self.discount.value_or_zero()
            previous_after = self.ttc_after.value()
            self.ttc_after.set_value(after)
            if self.amount_due.value() in (None, previous_after):
                self.amount_due.set_value(after)

    def _vat_detail_toggled(self, shown: bool) -> None:
        self.vat_panel.setVisible(shown)
        if shown and self.vat_table.rowCount() == 0:
            ht, tva = self.total_ht.value_or_zero(), self.total_tva.value_or_zero()
            self._add_vat_row(VatLine(_vat_rate(ht, tva), ht, tva))
        self._edited()

    def _add_vat_row(self, line: VatLine | None) -> None:
        row = self.vat_table.rowCount()
        self.vat_table.insertRow(row)
        values = (
            (
                str(line.rate).replace(".", ","),
                format_amount(line.base_ht, " "),
                format_amount(line.vat_amount, " "),
            )
            if line
            else ("", "", "")
        )
        for column, text in enumerate(values):
            item = QTableWidgetItem(text)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.vat_table.setItem(row, column, item)

    def _remove_vat_row(self) -> None:
        row = self.vat_table.currentRow()
        if row >= 0:
            self.vat_table.removeRow(row)
            self._edited()

    # --- in and out -----------------------------------------------------------------------------

    def set_supplier(self, profile: SupplierProfile | None, problem: str | None = None) -> None:
        self._loading = True
        try:
            if profile is None:
                self.supplier_label.setText(problem or "Votre structure sera complétée à l'envoi.")
                return
            self.supplier_label.setText(f"{profile.name} — SIRET {profile.siret}")
            self._fill_choices(self.supplier_service, "Aucun service", profile.services)
            self._fill_choices(
                self.supplier_bank, "Celles de votre structure", profile.bank_accounts
            )
            self._supplier_choices_loaded = True
            self._select_supplier_choices()
        finally:
            self._loading = False

    def set_seller_warning(self, text: str | None) -> None:
        """Said at the supplier's structure: the PDF names another seller than the account."""
        self.seller_warning.setText(text or "")
        self.seller_warning.setVisible(bool(text))

    def _select_supplier_choices(self) -> None:
        """The invoice's service and account; for a new invoice, the first account."""
        wanted = self._wanted_supplier
        self.supplier_service.setCurrentIndex(
            max(self.supplier_service.findData(wanted.id_service), 0)
        )
        bank = self.supplier_bank.findData(wanted.bank_account_id)
        if wanted.bank_account_id is None or bank < 0:
            bank = 1 if self.supplier_bank.count() > 1 else 0
        self.supplier_bank.setCurrentIndex(bank)

    @staticmethod
    def _fill_choices(combo: QComboBox, none_label: str, choices: Iterable[object]) -> None:
        current = combo.currentData()
        combo.clear()
        combo.addItem(none_label, None)
        for choice in choices:
            combo.addItem(getattr(choice, "label", ""), getattr(choice, "id", None))
        index = combo.findData(current)
        combo.setCurrentIndex(max(index, 0))

    def set_recipient_info(self, structure: Structure | None, services: list[Service]) -> None:
        """What the directory knows of the SIRET typed: name, requirements, active services."""
        self._recipient_services = services
        self._recipient_structure = structure
        code = self.code_service.currentText().strip()
        self.code_service.blockSignals(True)
        self.code_service.clear()
        self.code_service.addItem("", "")
        for service in services:
            self.code_service.addItem(
                f"{service.code} — {service.label or ''}".strip(" —"), service.code
            )
        self._select_service(code)
        self.code_service.blockSignals(False)
        if structure is None:
            self.recipient_name.setText("—")
            self.requirement.setText("")
            return
        self.recipient_name.setText(structure.name)
        self._show_requirement()

    def _show_requirement(self) -> None:
        """The recipient's rule, with the chosen service's (one wording: the directory's)."""
        structure = self._recipient_structure
        if structure is None:
            return
        code = self.service_code()
        service = next((s for s in self._recipient_services if s.code == code), None)
        rules = recipient_rules(structure.flags, service.flags if service else None)
        self.requirement.setText(requirement_text(rules, code))

    def _select_service(self, code: str) -> None:
        index = self.code_service.findData(code)
        if index >= 0:
            self.code_service.setCurrentIndex(index)
        else:
            self.code_service.setEditText(code)

    def service_code(self) -> str | None:
        data = self.code_service.currentData()
        text = self.code_service.currentText().strip()
        if data and text.startswith(str(data)):
            return str(data)
        return text.split(" — ")[0].strip() or None

    def set_recipient(
        self, structure: Structure, services: list[Service], code: str | None
    ) -> None:
        self.recipient_siret.setText(structure.siret)
        self._recipient_siret_edited()
        self.set_recipient_info(structure, services)
        self._select_service(code or "")
        self.boxes["recipient.siret"].mark_for_checking(None)
        self._edited()

    def set_invoice(self, invoice: Invoice) -> None:
        self._loading = True
        try:
            self.number.setText(invoice.number)
            self.issue_date.setDate(
                QDate(invoice.issue_date.year, invoice.issue_date.month, invoice.issue_date.day)
                if invoice.issue_date
                else NO_DATE
            )
            self.framework.setCurrentIndex(max(self.framework.findData(invoice.framework.code), 0))
            self.validator_siret.setText(invoice.framework.validator_siret or "")
            self.validator_service.setText(invoice.framework.validator_service or "")
            self.recipient_siret.setText(invoice.recipient.siret)
            self.state_yes.setChecked(invoice.recipient.siret == STATE_SIRET)
            self.state_no.setChecked(invoice.recipient.siret != STATE_SIRET)
            self._select_service(invoice.recipient.code_service or "")
            references = invoice.references
            self.currency.setCurrentIndex(max(self.currency.findData(references.currency), 0))
            self.invoice_type.setCurrentIndex(self.invoice_type.findData(references.invoice_type))
            self.original_number.setText(references.original_invoice_number or "")
            self.engagement.setText(references.engagement_number or "")
            self.contract.setText(references.contract_number or "")
            self.vat_type.setCurrentIndex(self.vat_type.findData(references.vat_type))
            self.vat_reason.setEditText(references.vat_exemption_reason or "")
            self.payment_mode.setCurrentIndex(self.payment_mode.findData(references.payment_mode))
            totals = invoice.totals
            self.total_ht.set_value(totals.total_ht)
            self.total_tva.set_value(totals.total_tva)
            self.ttc_before.set_value(totals.total_ttc_before_discount)
            self.discount.set_value(totals.global_discount_ttc or None)
            self.discount_reason.setText(totals.global_discount_reason or "")
            self.ttc_after.set_value(totals.total_ttc)
            self.amount_due.set_value(totals.amount_due)
            self.vat_table.setRowCount(0)
            for line in invoice.vat_lines:
                self._add_vat_row(line)
            detailed = len(invoice.vat_lines) > 1
            self.vat_detail.setChecked(detailed)
            self.vat_panel.setVisible(detailed)
            self._main = invoice.main_attachment
            self._others = list(invoice.other_attachments)
            self._show_main()
            self._show_attachments()
            self.comment.setPlainText(invoice.comment or "")
            self._wanted_supplier = invoice.supplier
            if self._supplier_choices_loaded:
                self._select_supplier_choices()
            for box in self.boxes.values():
                box.show_issues([])
                box.mark_for_checking(None)
        finally:
            self._loading = False
        self._sync_enabled_fields()

    def forget_reading(self) -> None:
        """Nothing of the previous invoice stays while the next one is read: its tints,
        its recipient's name and requirements, the seller warning."""
        for box in self.boxes.values():
            box.mark_for_checking(None)
        self.set_recipient_info(None, [])
        self.set_seller_warning(None)

    def mark_prefill(self, confidences: dict[str, tuple[float, str]]) -> None:
        """Fields read with low confidence: outlined, with the reason as a tooltip."""
        for name, (confidence, text) in confidences.items():
            if name in self.boxes and confidence < 0.75:
                self.boxes[name].mark_for_checking(text)

    def _vat_lines(self, ht: Decimal, tva: Decimal) -> list[VatLine]:
        if not self.vat_detail.isChecked():
            return [VatLine(_vat_rate(ht, tva), ht, tva)] if ht else []
        lines = []
        for row in range(self.vat_table.rowCount()):
            cells = [self.vat_table.item(row, column) for column in range(3)]
            texts = [cell.text() if cell else "" for cell in cells]
            rate = parse_amount(texts[0].replace("%", ""))
            base, amount = parse_amount(texts[1]), parse_amount(texts[2])
            if rate is not None and base is not None and amount is not None:
                lines.append(VatLine(rate, base, amount))
        return lines

    def invoice(self) -> Invoice:
        """The form as typed (the checks then say what is wrong with it)."""
        qdate = self.issue_date.date()
        issue_date = None if qdate == NO_DATE else date(qdate.year(), qdate.month(), qdate.day())
        ht, tva = self.total_ht.value_or_zero(), self.total_tva.value_or_zero()
        after = self.ttc_after.value_or_zero()
        discount = self.discount.value_or_zero()
        before = self.ttc_before.value()
        vat_type = self._vat_type()
        invoice_type = self._invoice_type()
        return Invoice(
            number=self.number.text().strip(),
            issue_date=issue_date,
            recipient=Recipient(
                siret=self.recipient_siret.text().replace(" ", ""),
                code_service=self.service_code(),
                name=self.recipient_name.text() if self.recipient_name.text() != "—" else None,
            ),
            supplier=(
                Supplier(
                    id_service=self.supplier_service.currentData(),
                    bank_account_id=self.supplier_bank.currentData(),
                )
                if self._supplier_choices_loaded
                else self._wanted_supplier
            ),
            framework=Framework(
                self._cadre(),
                self.validator_siret.text().strip() or None,
                self.validator_service.text().strip() or None,
            ),
            references=References(
                currency=str(self.currency.currentData() or "EUR"),
                invoice_type=invoice_type,
                vat_type=vat_type,
                vat_exemption_reason=(
                    self.vat_reason.currentText().strip() or None
                    if vat_type is TypeTva.EXONERATION
                    else None
                ),
                contract_number=self.contract.text().strip() or None,
                engagement_number=self.engagement.text().strip() or None,
                original_invoice_number=(
                    self.original_number.text().strip() or None
                    if invoice_type is TypeFacture.AVOIR
                    else None
                ),
                payment_mode=_choice(self.payment_mode, ModePaiement, ModePaiement.VIREMENT),
            ),
            vat_lines=self._vat_lines(ht, tva),
            totals=Totals(
                total_ht=ht,
                total_tva=tva,
                total_ttc=after,
                global_discount_ttc=discount,
                global_discount_reason=self.discount_reason.text().strip() or None,
                amount_due=self.amount_due.value_or_zero(),
                entered_ttc_before_discount=before,
            ),
            main_attachment=replace(self._main) if self._main else None,
            other_attachments=[replace(ref) for ref in self._others],
            comment=self.comment.toPlainText().strip() or None,
        )

    def show_issues(self, issues: list[Issue]) -> list[Issue]:
        """Each issue under its field; returns those without a field (shown by the tab)."""
        by_field: dict[str, list[Issue]] = {name: [] for name in self.boxes}
        elsewhere = []
        for issue in issues:
            name = issue.field
            if name == "totals.total_ttc":
                name = "totals.total_ttc_after_discount"
            if name in by_field:
                by_field[name].append(issue)
            else:
                elsewhere.append(issue)
        for name, box in self.boxes.items():
            box.show_issues(by_field[name])
        return elsewhere

    def focus_field(self, name: str) -> None:
        box = self.boxes.get(name)
        if box is not None:
            box.widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_editable(self, editable: bool) -> None:
        for group in self.findChildren(QGroupBox):
            group.setEnabled(editable)


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")
    return f"{max(1, round(size / 1024))} Ko"
