"""Hostile and broken files, written on the fly: what a user may drop on Bordereau by
mistake, or what a damaged disk, a half download or a malicious sender produces."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from tests.conftest import CORPUS_SAMPLES

SAMPLE_PDF = CORPUS_SAMPLES / "inv_101_003.pdf"


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF with a correct cross-reference table around ``objects`` (numbered from 1)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        root,
        xref,
    )
    return bytes(out)


def page_tree_loop() -> bytes:
    """The page tree lists itself among its kids."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
    )


def giant_blank_page() -> bytes:
    """One page of 14 400 × 14 400 pt (the PDF maximum, 5 m a side) with no text."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] >>",
        ]
    )


def many_giant_pages(count: int = 200) -> bytes:
    """Hundreds of huge blank pages: the OCR must not try them all."""
    kids = b" ".join(b"%d 0 R" % (3 + index) for index in range(count))
    pages = [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] >>" for _ in range(count)]
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
            *pages,
        ]
    )


def content_bomb() -> bytes:
    """A page whose content stream inflates from about 1 MB to 1 GB of spaces."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    packed = b"".join(compressor.compress(chunk) for _ in range(1024)) + compressor.flush()
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed)
            + packed
            + b"\nendstream",
        ]
    )


def xref_loop() -> bytes:
    """Cross-reference sections that point back to each other (/Prev to itself)."""
    body = page_tree_loop()
    start = body.rindex(b"startxref\n") + len(b"startxref\n")
    xref = int(body[start:].split(b"\n")[0])
    return body.replace(b"/Root 1 0 R >>", b"/Root 1 0 R /Prev %d >>" % xref)


def truncated(fraction: float) -> Callable[[], bytes]:
    def make() -> bytes:
        content = SAMPLE_PDF.read_bytes()
        return content[: int(len(content) * fraction)]

    return make


def header_only() -> bytes:
    return b"%PDF-1.7\n"


def garbage_after_header() -> bytes:
    return b"%PDF-1.4\n" + bytes(range(256)) * 64


BAD_PDFS: dict[str, Callable[[], bytes]] = {
    "arbre_de_pages_en_boucle": page_tree_loop,
    "page_geante_sans_texte": giant_blank_page,
    "deux_cents_pages_geantes": many_giant_pages,
    "flux_bombe": content_bomb,
    "xref_en_boucle": xref_loop,
    "tronque_10": truncated(0.10),
    "tronque_50": truncated(0.50),
    "tronque_90": truncated(0.90),
    "entete_seule": header_only,
    "octets_au_hasard": garbage_after_header,
}


# --- XLSX -----------------------------------------------------------------------------------

_OOXML = "http://schemas.openxmlformats.org"
_SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_RELATIONSHIP = f"{_OOXML}/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Types xmlns="{_OOXML}/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SPREADSHEET}.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{_SPREADSHEET}.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Relationships xmlns="{_OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIP}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<workbook xmlns="{_OOXML}/spreadsheetml/2006/main" xmlns:r="{_RELATIONSHIP}">'
    '<sheets><sheet name="Structures" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Relationships xmlns="{_OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIP}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELATIONSHIP}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<worksheet xmlns="{_OOXML}/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def _xlsx(path: Path, parts: dict[str, bytes | str]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)


def _base_parts() -> dict[str, bytes | str]:
    return {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _RELS,
        "xl/workbook.xml": _WORKBOOK,
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
    }


def xlsx_without_sheet(path: Path) -> None:
    _xlsx(path, _base_parts())


def xlsx_shared_strings_bomb(path: Path, count: int = 4_000_000) -> None:
    """A small file (deflated) with millions of shared strings."""
    strings = "".join("<si><t>x</t></si>" for _ in range(count))
    shared = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sst xmlns="{_OOXML}/spreadsheetml/2006/main" '
        f'count="{count}" uniqueCount="{count}">{strings}</sst>'
    )
    _xlsx(
        path,
        {
            **_base_parts(),
            "xl/sharedStrings.xml": shared,
            "xl/worksheets/sheet1.xml": _SHEET_HEAD + _SHEET_TAIL,
        },
    )


def xlsx_million_empty_rows(path: Path, count: int = 1_000_000) -> None:
    rows = "".join(f'<row r="{index}"/>' for index in range(2, count + 2))
    header = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Identifiant</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Raison sociale</t></is></c></row>'
    )
    _xlsx(
        path,
        {
            **_base_parts(),
            "xl/worksheets/sheet1.xml": _SHEET_HEAD + header + rows + _SHEET_TAIL,
        },
    )


def xlsx_not_a_zip(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)


def xlsx_truncated(path: Path) -> None:
    xlsx_million_empty_rows(path, count=1000)
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])


BAD_XLSX: dict[str, Callable[[Path], None]] = {
    "sans_feuille": xlsx_without_sheet,
    "chaines_partagees_par_millions": xlsx_shared_strings_bomb,
    "un_million_de_lignes_vides": xlsx_million_empty_rows,
    "pas_un_zip": xlsx_not_a_zip,
    "tronque": xlsx_truncated,
}
