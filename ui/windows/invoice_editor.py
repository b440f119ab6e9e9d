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
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QDate, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.cadres import CadreFacturation
from app.domain.money import format_amount, format_eur
from app.errors import BordereauError, ValidationProblem
from app.invoicing.mentions import MissingMention
from app.invoicing.model import (
    REGIME_RULES,
    STANDARD_RATES,
    UNITS,
    Address,
    Adjustment,
    Customer,
    CustomerKind,
    Line,
    Nature,
    PaymentMeans,
    PaymentTerms,
    Seller,
    VatRegime,
    WrittenInvoice,
)
from app.invoicing.totals import totals_of
from app.prefill.parsing import parse_amount
from ui import file_dialogs
from ui.behaviour import fit_to_screen
from ui.widgets.date_field import DateField
from ui.widgets.lines_table import LinesTable
from ui.widgets.money_edit import MoneyEdit
from ui.workers import Worker, WorkerPool

if TYPE_CHECKING:
    from collections.abc import Callable

    from app.invoicing.storage import IssuedInvoice
    from app.services import Services

log = logging.getLogger(__name__)
FieldWidget = TypeVar("FieldWidget", bound=QWidget)

LINE_COLUMNS = (
    "Désignation",
    "Quantité",
    "Unité",
    "Prix unitaire HT",
    "Remise HT",
    "TVA",
    "Nature",
)
DESCRIPTION, QUANTITY, UNIT, PRICE, DISCOUNT, RATE, NATURE = range(len(LINE_COLUMNS))
REGISTRATIONS = ("Dispensé d'immatriculation", "RCS ", "RM ")
# What a written invoice may be for a public customer (Chorus Pro's cadres).
WRITTEN_CADRES = (
    CadreFacturation.A1,
    CadreFacturation.A2,
    CadreFacturation.A9,
    CadreFacturation.A12,
)
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


def _decimal(text: str) -> Decimal | None:
    """« 1,5 », « 1 200,50 », « 3 » as Decimal; None when it is not a number."""
    parsed = parse_amount(text) if text.strip() else None
    if parsed is not None:
        return parsed
    try:
        return Decimal(text.strip().replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except InvalidOperation:
        return None


def _widget_field(field: str) -> str:
    """The field whose widget shows a problem: a line's (« lines.2.quantity ») is the table."""
    return "lines" if field.startswith("lines.") else field


def _number_text(value: Decimal) -> str:
    """« 1,5 », « 1200 »: as typed, the French way."""
    return f"{value.normalize():f}".replace(".", ",")


def _rate_text(rate: Decimal) -> str:
    return f"{rate.normalize():f}".replace(".", ",") + " %"


def _show_rate(combo: QComboBox, taxed: bool) -> None:
    """Outside the standard regime a line has no VAT: its rate is greyed and blank (a greyed
    « 20 % » read as a rate); back in the standard regime, the rate chosen before returns."""
    combo.setEnabled(taxed)
    if not taxed:
        if combo.currentIndex() >= 0:
            combo.setProperty("rate_kept", combo.currentIndex())
        combo.setCurrentIndex(-1)
    elif combo.currentIndex() < 0:
        kept = combo.property("rate_kept")
        combo.setCurrentIndex(kept if isinstance(kept, int) else 0)


class InvoiceEditor(QDialog):
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
        outer.addWidget(scroll, 1)
        outer.addWidget(self._build_footer())
        QShortcut(QKeySequence("Ctrl+S"), self, self.save_draft)
        self._load_profile()
        self.add_line()
        self._connect_changes(body)
        self.check_timer.timeout.connect(self._changed)
        self.run_checks()
        self.dirty = False  # the profile and the empty line are not the user's typing

    def _fit_screen(self, wanted: QSize) -> None:
        fit_to_screen(self, wanted.width(), wanted.height())

    # --- building ------------------------------------------------------------------------

    def _field(self, name: str, widget: FieldWidget) -> FieldWidget:
        widget.setObjectName(name.replace(".", "_"))
        self.field_widgets[name] = widget
        return widget

    def _build_seller(self) -> QGroupBox:
        group = QGroupBox("Vous (le vendeur)")
        form = QFormLayout(group)
        self.seller_name = self._field("seller.name", QLineEdit())
        self.seller_name.setPlaceholderText("Votre nom, tel qu'il est immatriculé")
        self.seller_trade_name = self._field("seller.trade_name", QLineEdit())
        self.seller_siret = self._field("seller.siret", QLineEdit())
        self.seller_siret.setMaxLength(17)
        self.seller_street = self._field("seller.address", QLineEdit())
        self.seller_postcode = QLineEdit()
        self.seller_postcode.setMaximumWidth(90)
        self.seller_city = QLineEdit()
        town = QHBoxLayout()
        town.addWidget(self.seller_postcode)
        town.addWidget(self.seller_city, 1)
        self.seller_registration = self._field("seller.registration", QComboBox())
        self.seller_registration.setEditable(True)
        self.seller_registration.addItems(REGISTRATIONS)
        self.seller_vat = self._field("seller.vat_number", QLineEdit())
        self.seller_vat.setPlaceholderText("Seulement si vous êtes assujetti à la TVA")
        self.seller_iban = self._field("payment.means", QLineEdit())
        self.seller_bic = QLineEdit()
        self.seller_bic.setMaximumWidth(140)
        bank = QHBoxLayout()
        bank.addWidget(self.seller_iban, 1)
        bank.addWidget(QLabel("BIC"))
        bank.addWidget(self.seller_bic)
        self.seller_address = self._field("seller.electronic_address", QLineEdit())
        self.seller_address.setPlaceholderText(
            "Votre SIREN, sauf si votre plateforme agréée vous en a donné une autre"
        )
        self.vat_on_debits = QCheckBox("Option pour le paiement de la TVA d'après les débits")
        self.logo: str | None = None  # base64, as the profile keeps it
        self.logo_label = QLabel("Aucun logo")
        self.logo_label.setObjectName("logo_facture")
        choose_logo = QPushButton("Choisir un lo&go…")
        choose_logo.clicked.connect(self.choose_logo)
        self.remove_logo_button = QPushButton("Retirer")
        self.remove_logo_button.clicked.connect(lambda: self.set_logo(None))
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_label, 1)
        logo_row.addWidget(choose_logo)
        logo_row.addWidget(self.remove_logo_button)
        form.addRow("&Nom (EI)", self.seller_name)
        form.addRow("Nom commercial", self.seller_trade_name)
        form.addRow("SIRET", self.seller_siret)
        form.addRow("Adresse", self.seller_street)
        form.addRow("Code postal, ville", town)
        form.addRow("Immatriculation", self.seller_registration)
        form.addRow("N° de TVA", self.seller_vat)
        form.addRow("IBAN", bank)
        form.addRow("Adresse électronique", self.seller_address)
        form.addRow("", self.vat_on_debits)
        form.addRow("Logo", logo_row)
        self.set_logo(None)
        return group

    def choose_logo(self) -> None:
        chosen = file_dialogs.open_file(
            self, "Logo de la facture", "Images (*.png *.jpg *.jpeg)", "images"
        )
        if chosen is None:
            return
        name = str(chosen)
        from app.invoicing.pdf import logo_problem

        try:
            content = Path(name).read_bytes()
        except OSError as exc:
            QMessageBox.warning(self, "Logo", f"Impossible de lire {name} : {exc.strerror or exc}")
            return
        problem = logo_problem(content)
        if problem:
            QMessageBox.warning(self, "Logo", problem)
            return
        import base64

        self.set_logo(base64.b64encode(content).decode("ascii"))

    def set_logo(self, logo: str | None) -> None:
        """Show the logo (a small preview) or say there is none."""
        self.logo = logo
        self.remove_logo_button.setEnabled(logo is not None)
        if logo is None:
            self.logo_label.setPixmap(QPixmap())
            self.logo_label.setText("Aucun logo")
            return
        import base64

        pixmap = QPixmap()
        pixmap.loadFromData(base64.b64decode(logo))
        self.logo_label.setPixmap(
            pixmap.scaledToHeight(40, Qt.TransformationMode.SmoothTransformation)
        )

    def _build_customer(self) -> QGroupBox:
        group = QGroupBox("Client")
        form = QFormLayout(group)
        kinds = QHBoxLayout()
        self.public_choice = QRadioButton("Structure &publique (Chorus Pro)")
        self.company_choice = QRadioButton("&Entreprise")
        self.public_choice.setChecked(True)
        self.kind_group = QButtonGroup(self)
        for button in (self.public_choice, self.company_choice):
            self.kind_group.addButton(button)
            kinds.addWidget(button)
        self.directory_button = QPushButton("Chercher dans l'&annuaire…")
        self.directory_button.clicked.connect(self.choose_in_directory)
        kinds.addWidget(self.directory_button)
        kinds.addStretch(1)
        self.customer_name = self._field("customer.name", QLineEdit())
        self.customer_name.setPlaceholderText(
            "Un client déjà facturé est proposé en tapant son nom"
        )
        self.customer_siret = self._field("customer.siret", QLineEdit())
        self.customer_siren = self._field("customer.siren", QLineEdit())
        self.customer_siren.setPlaceholderText("9 chiffres (mention obligatoire)")
        self.customer_vat = self._field("customer.vat_number", QLineEdit())
        self.customer_street = self._field("customer.address", QLineEdit())
        self.customer_postcode = QLineEdit()
        self.customer_postcode.setMaximumWidth(90)
        self.customer_city = QLineEdit()
        self.customer_country = QLineEdit("FR")
        self.customer_country.setMaximumWidth(50)
        town = QHBoxLayout()
        town.addWidget(self.customer_postcode)
        town.addWidget(self.customer_city, 1)
        town.addWidget(QLabel("Pays"))
        town.addWidget(self.customer_country)
        self.delivery = QLineEdit()
        self.delivery.setPlaceholderText("Seulement si elle diffère : adresse, code postal ville")
        self.code_service = self._field("customer.code_service", QLineEdit())
        self.engagement = self._field("customer.engagement", QLineEdit())
        self.cadre = QComboBox()
        self.cadre.setObjectName("cadre_facturation")
        self.field_widgets["cadre"] = self.cadre
        for cadre in WRITTEN_CADRES:
            self.cadre.addItem(f"{cadre.short_code} — {cadre.label}", cadre.value)
        self.validator = self._field("validator_siret", QLineEdit())
        self.validator.setPlaceholderText("SIRET du titulaire du marché, qui valide la facture")
        self.cadre.currentIndexChanged.connect(self._cadre_changed)
        self.contract = QLineEdit()
        self.contract.setObjectName("numero_marche")
        self.contract.setPlaceholderText("Si la facture relève d'un marché public")
        self.purchase_order = QLineEdit()
        # the reform's directory address (BT-49): its default is shown as the hint
        self.customer_address = self._field("customer.electronic_address", QLineEdit())
        self.routing_code = self._field("customer.routing_code", QLineEdit())
        self.routing_code.setPlaceholderText("Si l'annuaire de la réforme en donne un")
        self.customer_email = self._field("customer.email", QLineEdit())
        self.customer_email.setPlaceholderText(
            "Pour un client sans SIREN ni n° de TVA : où il reçoit ses factures"
        )
        form.addRow(kinds)
        form.addRow("Nom", self.customer_name)
        form.addRow("SIRET", self.customer_siret)
        form.addRow("SIREN", self.customer_siren)
        form.addRow("N° de TVA", self.customer_vat)
        form.addRow("Adresse de facturation", self.customer_street)
        form.addRow("Code postal, ville", town)
        form.addRow("Adresse de livraison", self.delivery)
        form.addRow("Code service", self.code_service)
        form.addRow("N° d'engagement", self.engagement)
        form.addRow("N° de marché", self.contract)
        form.addRow("Cadre de facturation", self.cadre)
        form.addRow("Valideur", self.validator)
        form.addRow("Bon de commande", self.purchase_order)
        form.addRow("Adresse électronique", self.customer_address)
        form.addRow("Code de routage", self.routing_code)
        form.addRow("E-mail de facturation", self.customer_email)
        self._set_up_customer_completion()
        self.public_choice.toggled.connect(self._kind_changed)
        self.customer_siren.editingFinished.connect(self._derive_customer_vat)
        self._kind_changed()
        return group

    def _build_lines(self) -> QGroupBox:
        group = QGroupBox("Lignes")
        column = QVBoxLayout(group)
        self.lines_table = LinesTable(0, len(LINE_COLUMNS))
        self.lines_table.setObjectName("lignes_facture")
        self.lines_table.setHorizontalHeaderLabels(list(LINE_COLUMNS))
        header = self.lines_table.horizontalHeader()
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        for index in range(1, len(LINE_COLUMNS)):
            header.setSectionResizeMode(index, QHeaderView.ResizeMode.ResizeToContents)
        self.lines_table.setMinimumHeight(170)
        self.field_widgets["lines"] = self.lines_table
        column.addWidget(self.lines_table)
        buttons = QHBoxLayout()
        add = QPushButton("A&jouter une ligne")
        add.setObjectName("ajouter_ligne")
        add.clicked.connect(lambda: self.add_line())
        self.catalogue_button = QPushButton("Depuis le catal&ogue")
        self.catalogue_button.setObjectName("depuis_catalogue")
        self.catalogue_button.setToolTip("Une prestation ou un produit déjà facturé")
        self.catalogue_menu = QMenu(self.catalogue_button)
        self.catalogue_button.setMenu(self.catalogue_menu)
        self.catalogue_menu.aboutToShow.connect(self._fill_catalogue_menu)
        remove = QPushButton("Supprimer la ligne")
        remove.setObjectName("supprimer_ligne")
        remove.clicked.connect(self.remove_line)
        buttons.addWidget(add)
        buttons.addWidget(self.catalogue_button)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        column.addLayout(buttons)
        return group

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

    def _load_profile(self) -> None:
        try:
            profile = self.services.invoicing.seller_profile()
        except BordereauError as exc:
            log.warning("Profil de facturation illisible : %s", exc.message)
            profile = None
        if profile is None:
            self.seller_siret.setText(self.services.deposit.account_siret() or "")
            settings = self.services.context.settings
            self.seller_name.setText(settings.supplier_name or "")
            self.seller_vat.setText(settings.supplier_vat or "")
            self.seller_iban.setText(settings.supplier_iban or "")
            self.seller_bic.setText(settings.supplier_bic or "")
            return
        self.set_seller(profile)

    def set_seller(self, seller: Seller) -> None:
        self.seller_name.setText(seller.name)
        self.seller_trade_name.setText(seller.trade_name or "")
        self.seller_siret.setText(seller.siret)
        self.seller_street.setText(seller.address.line1)
        self.seller_postcode.setText(seller.address.postcode)
        self.seller_city.setText(seller.address.city)
        self.seller_registration.setCurrentText(seller.registration)
        self.seller_vat.setText(seller.vat_number or "")
        self.seller_iban.setText(seller.iban or "")
        self.seller_bic.setText(seller.bic or "")
        self.vat_on_debits.setChecked(seller.vat_on_debits)
        self.seller_address.setText(seller.electronic_address or "")
        self.set_logo(seller.logo)

    def seller(self) -> Seller:
        return Seller(
            name=self.seller_name.text().strip(),
            siret=self.seller_siret.text().replace(" ", ""),
            address=Address(
                self.seller_street.text().strip(),
                self.seller_postcode.text().strip(),
                self.seller_city.text().strip(),
            ),
            registration=self.seller_registration.currentText().strip(),
            trade_name=self.seller_trade_name.text().strip() or None,
            vat_number=self.seller_vat.text().replace(" ", "") or None,
            iban=self.seller_iban.text().replace(" ", "").upper() or None,
            bic=self.seller_bic.text().strip().upper() or None,
            vat_on_debits=self.vat_on_debits.isChecked(),
            logo=self.logo,
            electronic_address=self.seller_address.text().strip() or None,
        )

    # --- the customer --------------------------------------------------------------------

    def _kind_changed(self) -> None:
        public = self.public_choice.isChecked()
        self.customer_siret.setEnabled(public)
        self.code_service.setEnabled(public)
        self.engagement.setEnabled(public)
        self.contract.setEnabled(public)
        self.cadre.setEnabled(public)
        self._cadre_changed()
        self.directory_button.setEnabled(public)
        self.customer_siren.setEnabled(not public)
        self.purchase_order.setEnabled(not public)

    def _cadre_changed(self) -> None:
        cadre = CadreFacturation(self.cadre.currentData() or CadreFacturation.A1)
        self.validator.setEnabled(self.public_choice.isChecked() and cadre.needs_validator)

    def _set_up_customer_completion(self) -> None:
        """The customers already invoiced, offered as the user types a name."""
        try:
            self.known_customers = {c.name: c for _id, c in self.services.invoicing.customers()}
        except BordereauError as exc:
            log.warning("Clients illisibles : %s", exc.message)
            self.known_customers = {}
        completer = QCompleter(sorted(self.known_customers), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.activated.connect(self._known_customer_chosen)
        self.customer_name.setCompleter(completer)

    def _known_customer_chosen(self, name: str) -> None:
        customer = self.known_customers.get(name)
        if customer is not None:
            self.set_customer(customer)

    def set_customer(self, customer: Customer) -> None:
        public = customer.kind is CustomerKind.PUBLIC
        (self.public_choice if public else self.company_choice).setChecked(True)
        self.customer_name.setText(customer.name)
        self.customer_siret.setText(customer.siret or "")
        self.customer_siren.setText(customer.siren or "")
        self.customer_vat.setText(customer.vat_number or "")
        self.customer_street.setText(customer.address.line1)
        self.customer_postcode.setText(customer.address.postcode)
        self.customer_city.setText(customer.address.city)
        self.customer_country.setText(customer.address.country)
        where = customer.delivery_address
        self.delivery.setText(f"{where.line1}, {where.postcode} {where.city}" if where else "")
        self.code_service.setText(customer.code_service or "")
        self.engagement.setText(customer.engagement or "")
        self.purchase_order.setText(customer.purchase_order or "")
        self.customer_address.setText(customer.electronic_address or "")
        self.routing_code.setText(customer.routing_code or "")
        self.customer_email.setText(customer.email or "")

    def _derive_customer_vat(self) -> None:
        siren = self.customer_siren.text().replace(" ", "")
        if not self.customer_vat.text().strip() and len(siren) == 9:
            from stdnum.fr import siren as siren_number

            if siren_number.is_valid(siren):
                self.customer_vat.setText(f"FR{siren_number.to_tva(siren)}")

    def choose_in_directory(self) -> None:
        from ui.dialogs.directory_dialog import DirectoryDialog

        dialog = DirectoryDialog(self.services.directory, self)
        dialog.chosen.connect(self.set_public_customer)
        dialog.open()

    def set_public_customer(self, structure: object, service: object) -> None:
        self.public_choice.setChecked(True)
        self.customer_name.setText(getattr(structure, "name", "") or "")
        self.customer_siret.setText(getattr(structure, "siret", "") or "")
        self.customer_street.setText(getattr(structure, "address", None) or "")
        self.customer_postcode.setText(getattr(structure, "postal_code", None) or "")
        self.customer_city.setText(getattr(structure, "city", None) or "")
        self.code_service.setText(str(service) if service else "")

    def customer(self) -> Customer:
        public = self.public_choice.isChecked()
        siret = self.customer_siret.text().replace(" ", "") if public else ""
        delivery = self.delivery.text().strip()
        delivery_address = None
        if delivery:
            street, _, town = delivery.partition(",")
            postcode, _, city = town.strip().partition(" ")
            delivery_address = Address(street.strip(), postcode, city.strip())
        return Customer(
            kind=CustomerKind.PUBLIC if public else CustomerKind.COMPANY,
            name=self.customer_name.text().strip(),
            address=Address(
                self.customer_street.text().strip(),
                self.customer_postcode.text().strip(),
                self.customer_city.text().strip(),
                (self.customer_country.text().strip().upper() or "FR")[:2],
            ),
            siret=siret or None,
            siren=None if public else (self.customer_siren.text().replace(" ", "") or None),
            vat_number=self.customer_vat.text().replace(" ", "") or None,
            delivery_address=delivery_address,
            code_service=(self.code_service.text().strip() or None) if public else None,
            engagement=(self.engagement.text().strip() or None) if public else None,
            purchase_order=None if public else (self.purchase_order.text().strip() or None),
            electronic_address=self.customer_address.text().strip() or None,
            routing_code=self.routing_code.text().strip() or None,
            email=self.customer_email.text().strip() or None,
        )

    # --- lines ---------------------------------------------------------------------------

    def add_line(self, model: Line | None = None) -> None:
        """A new line, empty or as ``model`` (from the catalogue or a draft)."""
        table = self.lines_table
        row = table.rowCount()
        table.insertRow(row)
        table.blockSignals(True)
        texts = (
            (
                (DESCRIPTION, model.description),
                (QUANTITY, _number_text(model.quantity)),
                (PRICE, _number_text(model.unit_price)),
                (DISCOUNT, _number_text(model.discount) if model.discount else ""),
            )
            if model
            else ((DESCRIPTION, ""), (QUANTITY, "1"), (PRICE, ""), (DISCOUNT, ""))
        )
        for column, text in texts:
            item = QTableWidgetItem(text)
            if column != DESCRIPTION:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, column, item)
        table.blockSignals(False)
        unit = QComboBox()
        for word, code in UNITS.items():
            unit.addItem(word, code)
        unit.setCurrentIndex(unit.findData("HUR"))
        rate = QComboBox()
        for value in STANDARD_RATES:
            rate.addItem(_rate_text(value), value)
        nature = QComboBox()
        nature.addItem("Service", Nature.SERVICES)
        nature.addItem("Bien", Nature.GOODS)
        for column, combo in ((UNIT, unit), (RATE, rate), (NATURE, nature)):
            combo.currentIndexChanged.connect(lambda _index: self.check_timer.start())
            table.add_choice(row, column, combo)
        if model is not None:
            for column, data in (
                (UNIT, model.unit),
                (RATE, model.vat_rate),
                (NATURE, model.nature),
            ):
                widget = table.cellWidget(row, column)
                if isinstance(widget, QComboBox):
                    widget.setCurrentIndex(max(0, widget.findData(data)))
        _show_rate(rate, self.current_regime() is VatRegime.STANDARD)
        table.setCurrentCell(row, DESCRIPTION)
        self.check_timer.start()

    def _drop_placeholders(self) -> None:
        """On an issued invoice, greyed hints would read as values: an empty field stays
        empty."""
        for field in self.body.findChildren(QLineEdit):
            field.setPlaceholderText("")

    def _figure_in_french(self, item: QTableWidgetItem) -> None:
        """A figure typed the English way (« 12.5 ») is shown the French way (« 12,5 »), as
        its neighbours are; what is not a number stays as typed, for the checks to say."""
        if item.column() not in (QUANTITY, PRICE, DISCOUNT) or not item.text().strip():
            return
        value = _decimal(item.text())
        if value is None:
            return
        shown = format_amount(value) if item.column() != QUANTITY else _number_text(value)
        if shown != item.text():
            table = self.lines_table
            table.blockSignals(True)
            item.setText(shown)
            table.blockSignals(False)

    def _fill_catalogue_menu(self) -> None:
        self.catalogue_menu.clear()
        try:
            items = self.services.invoicing.catalogue()
        except BordereauError as exc:
            log.warning("Catalogue illisible : %s", exc.message)
            items = []
        if not items:
            empty = self.catalogue_menu.addAction("Le catalogue se remplit des factures émises")
            empty.setEnabled(False)
        for _id, line in items:
            label = f"{line.description} — {format_eur(line.unit_price)}"
            action = self.catalogue_menu.addAction(label.replace("&", "&&"))
            action.triggered.connect(lambda _checked=False, chosen=line: self.add_chosen(chosen))

    def add_chosen(self, line: Line) -> None:
        """A catalogue line takes the place of empty lines (the one a new invoice starts
        with), else comes after the others."""
        table = self.lines_table
        for row in reversed(range(table.rowCount())):
            item = table.item(row, 0)
            if item is None or not item.text().strip():
                table.removeRow(row)
        self.add_line(line)
        self.check_timer.start()

    def remove_line(self) -> None:
        row = self.lines_table.currentRow()
        if row >= 0:
            self.lines_table.removeRow(row)
            self.check_timer.start()

    def lines(self) -> tuple[Line, ...]:
        table = self.lines_table
        taxed = self.current_regime() is VatRegime.STANDARD
        made = []
        for row in range(table.rowCount()):

            def text(column: int, at: int = row) -> str:
                item = table.item(at, column)
                return item.text() if item is not None else ""

            def combo(column: int, at: int = row) -> QComboBox:
                widget = table.cellWidget(at, column)
                assert isinstance(widget, QComboBox)
                return widget

            made.append(
                Line(
                    description=text(DESCRIPTION).strip(),
                    quantity=_decimal(text(QUANTITY)) or Decimal(0),
                    unit=str(combo(UNIT).currentData()),
                    unit_price=_decimal(text(PRICE)) or Decimal(0),
                    vat_rate=Decimal(str(combo(RATE).currentData())) if taxed else Decimal(0),
                    discount=_decimal(text(DISCOUNT)) or Decimal(0),
                    nature=Nature(combo(NATURE).currentData()),
                )
            )
        return tuple(made)

    # --- terms ---------------------------------------------------------------------------

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
