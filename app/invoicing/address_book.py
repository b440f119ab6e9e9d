"""The customers and the catalogue of invoices written here: remembered when an invoice is
issued (the same customer, the same service sold again), offered in the editor as the user
types, and managed (renamed, corrected, forgotten) from Fichier › Clients et catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import select

from app.db import models
from app.db.engine import Database
from app.invoicing.model import Customer, Line, WrittenInvoice


@cache
def _adapters() -> tuple[Any, Any]:
    from pydantic import TypeAdapter

    return TypeAdapter(Customer), TypeAdapter(Line)


def customer_key(customer: Customer) -> str:
    """Who the customer is: its SIRET, else its SIREN, else its name (case aside)."""
    return (customer.siret or customer.identifier_siren or customer.name.strip().casefold())[:220]


@dataclass(frozen=True, slots=True)
class Remembered:
    id: int
    label: str


def remember(database: Database, invoice: WrittenInvoice) -> None:
    """Keep the invoice's customer and its lines (description, unit, price, VAT, nature),
    replacing what was kept under the same key: the last invoice says how it is now."""
    customer_adapter, line_adapter = _adapters()
    with database.session() as session:
        key = customer_key(invoice.customer)
        row = session.scalars(
            select(models.InvoicingCustomer).where(models.InvoicingCustomer.key == key)
        ).first()
        content = customer_adapter.dump_python(invoice.customer, mode="json")
        if row is None:
            session.add(
                models.InvoicingCustomer(key=key, name=invoice.customer.name, content=content)
            )
        else:
            row.name, row.content = invoice.customer.name, content
        for line in invoice.lines:
            description = line.description.strip()[:500]
            item = session.scalars(
                select(models.CatalogueItem).where(models.CatalogueItem.description == description)
            ).first()
            kept = line_adapter.dump_python(line, mode="json")
            kept["discount"] = "0"  # a discount belongs to one invoice
            if item is None:
                session.add(models.CatalogueItem(description=description, content=kept))
            else:
                item.content = kept


def customers(database: Database) -> list[tuple[int, Customer]]:
    customer_adapter, _ = _adapters()
    with database.session() as session:
        rows = session.scalars(
            select(models.InvoicingCustomer).order_by(models.InvoicingCustomer.name)
        ).all()
        return [(int(row.id), customer_adapter.validate_python(row.content)) for row in rows]


def catalogue(database: Database) -> list[tuple[int, Line]]:
    _, line_adapter = _adapters()
    with database.session() as session:
        rows = session.scalars(
            select(models.CatalogueItem).order_by(models.CatalogueItem.description)
        ).all()
        return [(int(row.id), line_adapter.validate_python(row.content)) for row in rows]


def save_customer(database: Database, customer_id: int | None, customer: Customer) -> None:
    """A customer corrected by hand (or added) in Fichier › Clients et catalogue."""
    customer_adapter, _ = _adapters()
    with database.session() as session:
        row = session.get(models.InvoicingCustomer, customer_id) if customer_id else None
        if row is None:
            row = models.InvoicingCustomer(key=customer_key(customer), name="", content={})
            session.add(row)
        row.key = customer_key(customer)
        row.name = customer.name
        row.content = customer_adapter.dump_python(customer, mode="json")


def save_item(database: Database, item_id: int | None, line: Line) -> None:
    _, line_adapter = _adapters()
    with database.session() as session:
        row = session.get(models.CatalogueItem, item_id) if item_id else None
        if row is None:
            row = models.CatalogueItem(description="", content={})
            session.add(row)
        row.description = line.description.strip()[:500]
        row.content = line_adapter.dump_python(line, mode="json")


def forget_customer(database: Database, customer_id: int) -> None:
    with database.session() as session:
        row = session.get(models.InvoicingCustomer, customer_id)
        if row is not None:
            session.delete(row)


def forget_item(database: Database, item_id: int) -> None:
    with database.session() as session:
        row = session.get(models.CatalogueItem, item_id)
        if row is not None:
            session.delete(row)
