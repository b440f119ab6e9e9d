"""Small, strict readers of XML values shared by the CII and UBL readers: text, amounts
(``Decimal``, exactly as written), dates (CII format 102, UBL ISO) — a value that is not what
its syntax says stays empty rather than guessed."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TypeAlias

from lxml import etree

from app.errors import ValidationProblem

Element: TypeAlias = etree._Element


def parse_xml(content: bytes) -> Element:
    """The document's root, parsed without entities nor network (a received file is
    untrusted)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        return etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise ValidationProblem(f"Le fichier XML est illisible : {exc}") from exc


class Reader:
    """XPath lookups in one namespace map."""

    def __init__(self, namespaces: dict[str, str]) -> None:
        self.ns = namespaces

    def nodes(self, node: Element, path: str) -> list[Element]:
        return list(node.xpath(path, namespaces=self.ns))

    def node(self, node: Element, path: str) -> Element | None:
        found = self.nodes(node, path)
        return found[0] if found else None

    def text(self, node: Element | None, path: str) -> str | None:
        if node is None:
            return None
        found = node.xpath(path, namespaces=self.ns)
        if not isinstance(found, list) or not found:
            return None
        value = found[0]
        raw = value if isinstance(value, str) else value.text
        if raw is None:
            return None
        cleaned = " ".join(str(raw).split())
        return cleaned or None

    def texts(self, node: Element, path: str) -> list[str]:
        values = []
        for found in node.xpath(path, namespaces=self.ns):
            raw = found if isinstance(found, str) else found.text
            cleaned = " ".join(str(raw or "").split())
            if cleaned:
                values.append(cleaned)
        return values

    def amount(self, node: Element | None, path: str) -> Decimal | None:
        return decimal_of(self.text(node, path))


def decimal_of(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.replace(" ", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def date_of(text: str | None) -> date | None:
    """A date from CII (format 102: YYYYMMDD) or UBL (ISO: YYYY-MM-DD); None otherwise."""
    if not text:
        return None
    value = text.strip()
    pattern, size = ("%Y-%m-%d", 10) if "-" in value else ("%Y%m%d", 8)
    try:
        return datetime.strptime(value[:size], pattern).date()
    except ValueError:
        return None
