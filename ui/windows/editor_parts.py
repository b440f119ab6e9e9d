"""The sections of « Saisir une facture », each with its fields and what it reads or sets:
who the user is (``SellerPart``), the customer (``CustomerPart``), the lines
(``LinesPart``). ``InvoiceEditor`` composes them with the terms, the checks and the issue
flow (``ui/windows/invoice_editor.py``)."""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.cadres import CadreFacturation
from app.domain.money import format_amount, format_eur
from app.errors import BordereauError
from app.invoicing.model import (
    STANDARD_RATES,
    UNITS,
    Address,
    Customer,
    CustomerKind,
    Line,
    Nature,
    Seller,
    VatRegime,
)
from app.prefill.parsing import parse_amount
from ui import file_dialogs
from ui.widgets.lines_table import LinesTable

if TYPE_CHECKING:
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


def _decimal(text: str) -> Decimal | None:
    """« 1,5 », « 1 200,50 », « 3 » as Decimal; None when it is not a number."""
    parsed = parse_amount(text) if text.strip() else None
    if parsed is not None:
        return parsed
    try:
        return Decimal(text.strip().replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except InvalidOperation:
        return None


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


class EditorBase(QDialog):
    """What every section uses of the editor."""

    services: Services
    check_timer: QTimer
    field_widgets: dict[str, QWidget]

    def _field(self, name: str, widget: FieldWidget) -> FieldWidget:
        widget.setObjectName(name.replace(".", "_"))
        self.field_widgets[name] = widget
        return widget

    def current_regime(self) -> VatRegime:
        raise NotImplementedError


class SellerPart(EditorBase):
    """Who the user is: the office's invoicing profile, and its logo."""

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


class CustomerPart(EditorBase):
    """The customer: a public structure from the directory, or a company by its SIREN."""

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
        form.addRow("No&m", self.customer_name)
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


class LinesPart(EditorBase):
    """The lines: typed, from the catalogue, figures the French way, VAT by regime."""

    def _build_lines(self) -> QGroupBox:
        group = QGroupBox("&Lignes")  # Alt+L: to the table
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
