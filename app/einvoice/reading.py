"""Read a received e-invoice file, whatever it is: a Factur-X PDF (its embedded CII), a CII
XML (D16B or D22B) or a UBL 2.1 Invoice / CreditNote. Anything else is said in French."""

from __future__ import annotations

from app.einvoice.document import ReceivedDocument
from app.einvoice.read_cii import is_cii, read_cii
from app.einvoice.read_ubl import is_ubl, read_ubl
from app.einvoice.xmltext import parse_xml
from app.errors import ValidationProblem

MAX_FILE_BYTES = 50 * 1024 * 1024


def syntax_of(content: bytes) -> str:
    """« Factur-X », « CII » or « UBL » from the bytes (the platform's flowSyntax may be
    missing or wrong: the file says what it is)."""
    head = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:4096]
    if head.startswith(b"%PDF"):
        return "Factur-X"
    if b"CrossIndustryInvoice" in head:
        return "CII"
    if b"Invoice-2" in head or b"CreditNote-2" in head:
        return "UBL"
    return "?"


def read_document(content: bytes) -> ReceivedDocument:
    if not content.strip():
        raise ValidationProblem("Le fichier reçu est vide.")
    if len(content) > MAX_FILE_BYTES:
        raise ValidationProblem(
            f"Le fichier reçu fait {len(content) // (1024 * 1024)} Mo : au-delà de "
            f"{MAX_FILE_BYTES // (1024 * 1024)} Mo, il n'est pas lu."
        )
    if content.lstrip()[:4] == b"%PDF":
        xml = embedded_invoice(content)
        if xml is None:
            raise ValidationProblem(
                "Ce PDF ne contient pas de données de facture (ce n'est pas une Factur-X) : "
                "seule sa page peut être lue."
            )
        document = read_xml(xml, pdf=True)
        document.pdf = content
        return document
    return read_xml(content)


def read_xml(content: bytes, *, pdf: bool = False) -> ReceivedDocument:
    root = parse_xml(content)
    if is_cii(root):
        return read_cii(root, "Factur-X" if pdf else "CII")
    if is_ubl(root):
        document = read_ubl(root)
        if pdf:
            document.syntax = "Factur-X"
        return document
    raise ValidationProblem(
        "Ce fichier XML n'est ni une facture CII (Factur-X) ni une facture ou un avoir UBL 2.1 "
        f"(élément racine « {root.tag.rsplit('}', 1)[-1]} »)."
    )


def embedded_invoice(pdf: bytes) -> bytes | None:
    """The invoice XML a Factur-X / ZUGFeRD PDF embeds, or None."""
    from facturx import get_xml_from_pdf

    try:
        _name, xml = get_xml_from_pdf(pdf, check_xsd=False)
    except Exception:  # the library raises bare Exceptions on PDFs it cannot parse
        xml = None
    return bytes(xml) if xml else _any_invoice_attachment(pdf)


def _any_invoice_attachment(pdf: bytes) -> bytes | None:
    """An invoice XML embedded under another name (« xrechnung.xml », « invoice.xml »…)."""
    import pymupdf

    try:
        with pymupdf.open(stream=pdf, filetype="pdf") as document:  # type: ignore[no-untyped-call]
            for name in document.embfile_names():
                if not name.lower().endswith(".xml"):
                    continue
                content = bytes(document.embfile_get(name))
                if syntax_of(content) in ("CII", "UBL"):
                    return content
    except Exception:  # a damaged name tree: no structured data
        return None
    return None
