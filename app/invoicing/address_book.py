"""The customers and the catalogue of invoices written here: remembered when an invoice is
issued (the same customer, the same service sold again), offered in the editor as the user
types, and managed (renamed, corrected, forgotten) from Fichier › Clients et catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.db import models
from app.db.engine import Database
from app.invoicing.json_form import from_json, to_json
from app.invoicing.model import Customer, Line, WrittenInvoice


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
    with database.session() as session:
        key = customer_key(invoice.customer)
        row = session.scalars(
            select(models.InvoicingCustomer).where(models.InvoicingCustomer.key == key)
        ).first()
        content = to_json(invoice.customer)
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
            kept = to_json(line)
            kept["discount"] = "0"  # a discount belongs to one invoice
            if item is None:
                session.add(models.CatalogueItem(description=description, content=kept))
            else:
                item.content = kept


def customers(database: Database) -> list[tuple[int, Customer]]:
    with database.session() as session:
        rows = session.scalars(
            select(models.InvoicingCustomer).order_by(models.InvoicingCustomer.name)
        ).all()
        return [(int(row.id), from_json(Customer, row.content, "Client")) for row in rows]


def catalogue(database: Database) -> list[tuple[int, Line]]:
    with database.session() as session:
        rows = session.scalars(
            select(models.CatalogueItem).order_by(models.CatalogueItem.description)
        ).all()
        return [(int(row.id), from_json(Line, row.content, "Ligne du catalogue")) for row in rows]


def save_customer(database: Database, customer_id: int | None, customer: Customer) -> None:
    """A customer corrected by hand (or added) in Fichier › Clients et catalogue."""
    with database.session() as session:
        row = session.get(models.InvoicingCustomer, customer_id) if customer_id else None
        if row is None:
            row = models.InvoicingCustomer(key=customer_key(customer), name="", content={})
            session.add(row)
        row.key = customer_key(customer)
        row.name = customer.name
        row.content = to_json(customer)


def save_item(database: Database, item_id: int | None, line: Line) -> None:
    with database.session() as session:
        row = session.get(models.CatalogueItem, item_id) if item_id else None
        if row is None:
            row = models.CatalogueItem(description="", content={})
            session.add(row)
        row.description = line.description.strip()[:500]
        row.content = to_json(line)


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
