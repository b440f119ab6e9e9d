"""Writing UN/CEFACT CII (the XML inside a Factur-X) with lxml: the element builder and the
EN 16931 text forms of amounts, rates and quantities."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from app.domain.protocol import CII_NAMESPACES, RSM

EN16931_GUIDELINE = "urn:cen.eu:en16931:2017"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NAMESPACES = {**CII_NAMESPACES, "qdt": QDT}
SIRET_SCHEME = "0009"  # ISO 6523 ICD of the SIRET
SIREN_SCHEME = "0002"  # ISO 6523 ICD of the SIREN
CENT = Decimal("0.01")


def amount_text(value: Decimal) -> str:
    """An amount to the cent, as CII writes it (« 1200.00 », « -15.50 »)."""
    return f"{value.quantize(CENT)}"


def rate_text(value: Decimal) -> str:
    """A percentage without trailing zeros (« 20 », « 5.5 »)."""
    return f"{value.normalize():f}"


def quantity_text(value: Decimal) -> str:
    """A quantity as typed, without exponent (« 1.5 », « 12 »)."""
    return f"{value.normalize():f}"


def date_text(day: object) -> str:
    """CII's format 102 (YYYYMMDD)."""
    return f"{day:%Y%m%d}"


class CiiBuilder:
    """A ``rsm:CrossIndustryInvoice`` root and a short way to add prefixed children."""

    def __init__(self) -> None:
        self.root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NAMESPACES)

    @staticmethod
    def add(
        parent: etree._Element, tag: str, text: str | None = None, **attrs: str
    ) -> etree._Element:
        prefix, name = tag.split(":")
        element = etree.SubElement(parent, f"{{{NAMESPACES[prefix]}}}{name}")
        for key, value in attrs.items():
            element.set(key, value)
        if text is not None:
            element.text = text
        return element

    def date(self, parent: etree._Element, tag: str, day: object) -> etree._Element:
        holder = self.add(parent, tag)
        self.add(holder, "udt:DateTimeString", date_text(day), format="102")
        return holder

    def tostring(self) -> bytes:
        xml: bytes = etree.tostring(
            self.root, xml_declaration=True, encoding="UTF-8", pretty_print=True
        )
        return xml
