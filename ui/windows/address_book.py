"""Fichier › « Clients et catalogue… »: the customers and the services or products of the
invoices written here. Each issued invoice adds to them; here a name or a price is corrected
(typed in the table) and what is no longer sold or invoiced is forgotten."""

from __future__ import annotations

import logging
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_amount
from app.errors import BordereauError
from app.invoicing.model import UNIT_WORDS, Customer, Line
from app.prefill.parsing import parse_amount

if TYPE_CHECKING:
    from collections.abc import Callable

    from app.services import Services

log = logging.getLogger(__name__)


def _table(headers: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return table


def _item(text: str, *, editable: bool) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if not editable:
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class AddressBookWindow(QDialog):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("clients_catalogue")
        self.setWindowTitle("Clients et catalogue")
        self.resize(860, 480)
        self.customer_rows: list[tuple[int, Customer]] = []
        self.item_rows: list[tuple[int, Line]] = []
        column = QVBoxLayout(self)
        hint = QLabel(
            "Chaque facture émise ajoute son client et ses lignes. Corrigez un nom ou un prix "
            "dans le tableau (double-clic ou F2) ; « Oublier » retire ce qui ne sert plus."
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        column.addWidget(hint)
        self.tabs = QTabWidget()
        self.customers_table = _table(("Client", "SIRET / SIREN", "Ville"), "table_clients")
        self.items_table = _table(
            ("Désignation", "Unité", "Prix unitaire HT", "TVA"), "table_catalogue"
        )
        self.tabs.addTab(self._page(self.customers_table, self.forget_customer), "&Clients")
        self.tabs.addTab(self._page(self.items_table, self.forget_item), "Cata&logue")
        column.addWidget(self.tabs, 1)
        self.status = QLabel()
        column.addWidget(self.status)
        close = QPushButton("Fermer")
        close.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        column.addLayout(row)
        self.customers_table.itemChanged.connect(self._customer_edited)
        self.items_table.itemChanged.connect(self._item_edited)
        self.refresh()

    def _page(self, table: QTableWidget, forget: Callable[[], None]) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(table, 1)
        buttons = QHBoxLayout()
        button = QPushButton("&Oublier")
        button.clicked.connect(forget)
        buttons.addWidget(button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        return page

    def refresh(self) -> None:
        try:
            self.customer_rows = self.services.invoicing.customers()
            self.item_rows = self.services.invoicing.catalogue()
        except BordereauError as exc:
            self.status.setText(exc.message)
            return
        table = self.customers_table
        table.blockSignals(True)
        table.setRowCount(len(self.customer_rows))
        for index, (_id, customer) in enumerate(self.customer_rows):
            table.setItem(index, 0, _item(customer.name, editable=True))
            identifier = customer.siret or customer.identifier_siren or ""
            table.setItem(index, 1, _item(identifier, editable=False))
            table.setItem(index, 2, _item(customer.address.city, editable=False))
        table.blockSignals(False)
        table = self.items_table
        table.blockSignals(True)
        table.setRowCount(len(self.item_rows))
        for index, (_id, line) in enumerate(self.item_rows):
            table.setItem(index, 0, _item(line.description, editable=True))
            table.setItem(index, 1, _item(UNIT_WORDS.get(line.unit, line.unit), editable=False))
            price = _item(format_amount(line.unit_price, " "), editable=True)
            price.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(index, 2, price)
            rate = f"{line.vat_rate.normalize():f}".replace(".", ",") + " %"
            table.setItem(index, 3, _item(rate, editable=False))
        table.blockSignals(False)
        self.status.setText(
            f"{len(self.customer_rows)} client(s), {len(self.item_rows)} ligne(s) au catalogue"
        )

    def _customer_edited(self, item: QTableWidgetItem) -> None:
        customer_id, customer = self.customer_rows[item.row()]
        name = item.text().strip()
        if not name:
            self.refresh()
            return
        self.services.invoicing.save_customer(customer_id, replace(customer, name=name))
        self.refresh()

    def _item_edited(self, item: QTableWidgetItem) -> None:
        item_id, line = self.item_rows[item.row()]
        if item.column() == 0 and item.text().strip():
            line = replace(line, description=item.text().strip())
        elif item.column() == 2:
            price = parse_amount(item.text())
            if price is None or price < Decimal(0):
                self.status.setText("Un prix s'écrit « 1 200,00 » (positif).")
                self.refresh()
                return
            line = replace(line, unit_price=price)
        self.services.invoicing.save_catalogue_item(item_id, line)
        self.refresh()

    def forget_customer(self) -> None:
        row = self.customers_table.currentRow()
        if 0 <= row < len(self.customer_rows):
            self.services.invoicing.forget_customer(self.customer_rows[row][0])
            self.refresh()

    def forget_item(self) -> None:
        row = self.items_table.currentRow()
        if 0 <= row < len(self.item_rows):
            self.services.invoicing.forget_catalogue_item(self.item_rows[row][0])
            self.refresh()
