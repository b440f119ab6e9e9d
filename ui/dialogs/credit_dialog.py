"""« Créer un avoir… »: each line of the invoice with its quantity and amount, ticked to be
credited; a quantity or an amount HT can be lowered per line (what people correct), and the
credit note's total follows every tick and every figure. « Émettre l'avoir » is refused with
its reason when nothing, or more than the line, is credited."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_amount, format_eur
from app.invoicing.credits import CreditPart, credited_line
from app.invoicing.model import WrittenInvoice
from app.invoicing.pdf import unit_words
from app.invoicing.totals import line_net, to_cent
from ui.behaviour import fit_to_screen

COLUMNS = ("Désignation", "Quantité facturée", "Quantité à créditer", "Montant HT à créditer",
           "TVA")  # fmt: skip
QUANTITY, AMOUNT = 2, 3


def french_number(value: Decimal) -> str:
    """« 1 », « 7,25 », « 5,5 »: a quantity or a rate as people write it."""
    return f"{value.normalize():f}".replace(".", ",")


def parse_french(text: str) -> Decimal | None:
    cleaned = "".join(text.replace("€", "").split()).replace("\u202f", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class CreditNoteDialog(QDialog):
    chosen = Signal(object)  # list[CreditPart] | None (None: the whole invoice)

    def __init__(self, invoice: WrittenInvoice, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confirmer_avoir")
        self.invoice = invoice
        self.setWindowTitle(f"Avoir sur la facture {invoice.number}")
        column = QVBoxLayout(self)
        intro = QLabel(
            "Cochez ce que l'avoir annule — tout, par défaut. Pour une partie d'une ligne, "
            "changez sa quantité ou son montant HT. L'avoir reçoit son propre numéro et cite "
            "la facture ; il ne se reprend pas."
        )
        intro.setWordWrap(True)
        column.addWidget(intro)
        self.table = QTableWidget(len(invoice.lines), len(COLUMNS))
        self.table.setObjectName("lignes_avoir")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._filling = True
        for row, line in enumerate(invoice.lines):
            unit = unit_words(line) or line.unit
            cells = (
                f"{row + 1}. {line.description}",
                f"{french_number(line.quantity)} {unit}",
                french_number(line.quantity),
                format_amount(line_net(line)),
                f"{french_number(line.vat_rate)} %",
            )
            for index, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if index in (QUANTITY, AMOUNT):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                    item.setToolTip("Modifiable : tapez la nouvelle valeur")
                else:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if index == 0:
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Checked)
                self.table.setItem(row, index, item)
        self._filling = False
        self.table.itemChanged.connect(self._changed)
        column.addWidget(self.table, 1)
        self.total = QLabel()
        self.total.setObjectName("total_avoir")
        column.addWidget(self.total)
        self.problem = QLabel()
        self.problem.setObjectName("probleme_avoir")
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setWordWrap(True)
        column.addWidget(self.problem)
        buttons = QHBoxLayout()
        self.create_button = QPushButton("Émettre l'avoir")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self._create)
        cancel = QPushButton("Annuler")
        cancel.clicked.connect(self.reject)
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        buttons.addWidget(cancel)
        column.addLayout(buttons)
        self._update_total()
        fit_to_screen(self, 860, 420)

    # --- figures --------------------------------------------------------------------------

    def _cell(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        assert item is not None
        return item

    def _changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        row = item.row()
        line = self.invoice.lines[row]
        self._filling = True
        if item.column() == QUANTITY:
            quantity = parse_french(item.text())
            if quantity is not None and Decimal(0) < quantity <= line.quantity:
                part = CreditPart(row + 1, quantity=quantity)
                self._cell(row, AMOUNT).setText(format_amount(line_net(credited_line(line, part))))
        elif item.column() == AMOUNT:
            typed = parse_french(item.text())
            if typed is not None and typed != line_net(line):
                self._cell(row, QUANTITY).setText("—")  # an amount, not a quantity
        self._filling = False
        self._update_total()

    def parts(self) -> list[CreditPart]:
        """What is ticked, as the app takes it; ValueError (French) when a figure is wrong."""
        parts = []
        for row, line in enumerate(self.invoice.lines):
            if self._cell(row, 0).checkState() != Qt.CheckState.Checked:
                continue
            quantity = parse_french(self._cell(row, QUANTITY).text())
            amount = parse_french(self._cell(row, AMOUNT).text())
            if amount is None or amount <= 0:
                raise ValueError(f"Ligne {row + 1} : montant à créditer illisible ou nul.")
            if amount > line_net(line):
                raise ValueError(
                    f"Ligne {row + 1} : au plus {format_amount(line_net(line))} € HT (le "
                    "montant de la ligne)."
                )
            if quantity is not None and quantity == line.quantity and amount == line_net(line):
                parts.append(CreditPart(row + 1))
            elif quantity is not None and quantity != line.quantity:
                if not Decimal(0) < quantity <= line.quantity:
                    raise ValueError(
                        f"Ligne {row + 1} : quantité entre 0 et {french_number(line.quantity)}."
                    )
                parts.append(CreditPart(row + 1, quantity=quantity))
            else:
                parts.append(CreditPart(row + 1, amount=amount))
        return parts

    def _update_total(self) -> None:
        try:
            parts = self.parts()
        except ValueError as exc:
            self.problem.setText(str(exc))
            self.total.setText("Total de l'avoir : —")
            self.create_button.setEnabled(False)
            return
        self.problem.setText("" if parts else "Cochez au moins une ligne.")
        self.create_button.setEnabled(bool(parts))
        basis = tax = Decimal(0)
        for part in parts:
            line = self.invoice.lines[part.line - 1]
            amount = parse_french(self._cell(part.line - 1, AMOUNT).text()) or Decimal(0)
            basis += amount
            tax += to_cent(amount * line.vat_rate / 100)
        self.total.setText(
            f"Total de l'avoir : <b>{format_eur(basis)} HT</b>, {format_eur(tax)} de TVA, "
            f"<b>{format_eur(basis + tax)} TTC</b>"
        )

    def _create(self) -> None:
        try:
            parts = self.parts()
        except ValueError as exc:
            self.problem.setText(str(exc))
            return
        if not parts:
            return
        whole = len(parts) == len(self.invoice.lines) and all(
            part.quantity is None and part.amount is None for part in parts
        )
        self.accept()
        self.chosen.emit(None if whole else parts)
