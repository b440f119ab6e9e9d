"""Issuing an invoice, and checking the database at start (issue 31):

- the time to issue one invoice (mentions, official rules, number, PDF/A-3, archive copy,
  backup) and the process's peak memory, for 1, 40 and 1 000 lines and for notes of 250 KB,
  500 KB and 1 MB in one unbroken word (the time must grow linearly with the note: the
  ratio 1 MB / 500 KB is printed, about 2 when linear, 4 when quadratic);
- SQLite's quick_check, run at every opening, on a database of 100 000 deposited invoices
  and 100 000 issued ones (their content and a stored PDF each).

    .venv/bin/python bench/issued_records.py            (everything)
    .venv/bin/python bench/issued_records.py issue      (the issue cases only)
    .venv/bin/python bench/issued_records.py check [N]  (quick_check on N invoices)

Each case runs in a process of its own, so that its peak memory is its own.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CASES = {
    "1 ligne": {"lines": 1},
    "40 lignes": {"lines": 40},
    "1 000 lignes": {"lines": 1000},
    "note de 250 Ko": {"lines": 3, "note": 250_000},
    "note de 500 Ko": {"lines": 3, "note": 500_000},
    "note de 1 Mo": {"lines": 3, "note": 1_000_000},
}
REPEATS = 3


def one_case(lines: int, note: int = 0) -> dict[str, float]:
    """In its own process: issue the case REPEATS times after a warm-up issue."""
    from app.paths import resolve_paths
    from app.services import Services
    from tests.support.written_invoices import written_invoice

    folder = Path(tempfile.mkdtemp(prefix="bordereau-bench-issue-"))
    services = Services(resolve_paths(folder))
    services.context.open_database()
    model = written_invoice(1)  # an invoice, VAT at several rates
    template = model.lines[0]
    today = date.today()

    def invoice(count: int, note_size: int) -> object:
        rows = tuple(
            replace(template, description=f"{template.description} — lot {n}")
            for n in range(1, count + 1)
        )
        return replace(
            model,
            number=None,
            lines=rows,
            adjustments=(),
            prepaid=model.prepaid * 0,
            note="x" * note_size if note_size else None,
            issue_date=today,
            delivery_date=today,
            payment=replace(model.payment, due_date=today),
        )

    services.invoicing.write_new(invoice(1, 0), today=today)  # the rules' engine, loaded
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        services.invoicing.write_new(invoice(lines, note), today=today)  # type: ignore[arg-type]
        times.append((time.perf_counter() - start) * 1000)
    services.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"median_ms": statistics.median(times), "min_ms": min(times), "peak_mb": peak}


def issue_cases() -> dict[str, dict[str, float]]:
    measured = {}
    for name, case in CASES.items():
        done = subprocess.run(
            [sys.executable, __file__, "--case", json.dumps(case)],
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if done.returncode != 0:
            raise SystemExit(f"{name} : échec\n{done.stderr[-3000:]}")
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        measured[name] = figures
        print(
            f"{name:>16} : {figures['median_ms']:8.0f} ms médiane (min {figures['min_ms']:.0f}),"
            f" mémoire de pointe {figures['peak_mb']:.0f} Mo",
            flush=True,
        )
    ratio = measured["note de 1 Mo"]["median_ms"] / measured["note de 500 Ko"]["median_ms"]
    print(f"note 1 Mo / 500 Ko : × {ratio:.2f} (linéaire ≈ 2, quadratique ≈ 4)")
    return measured


def integrity_check(count: int) -> float:
    """quick_check on ``count`` deposited and ``count`` issued invoices."""
    import hashlib
    import os

    from sqlalchemy import insert

    from app.db import models
    from app.db.integrity import damage_of
    from app.invoicing.storage import content_hash, invoice_to_json
    from app.paths import resolve_paths
    from app.services import Services
    from bench.synthetic import fill_invoices
    from tests.support.written_invoices import written_invoice

    folder = Path(tempfile.mkdtemp(prefix="bordereau-bench-check-"))
    services = Services(resolve_paths(folder))
    services.context.open_database()
    database = services.context.database
    start = time.perf_counter()
    fill_invoices(database, "demo", count)
    content = invoice_to_json(replace(written_invoice(3), number="2026-0001"))
    batch_size = 2000
    for first in range(0, count, batch_size):
        files, rows = [], []
        for index in range(first, min(first + batch_size, count)):
            pdf = os.urandom(6000)  # a compressed PDF's bytes do not compress further
            digest = hashlib.sha256(pdf).hexdigest()
            files.append({"sha256": digest, "size": len(pdf), "content": pdf})
            number = f"{2000 + index // 9999}-{index % 9999 + 1:04d}"
            rows.append(
                {
                    "status": "issued",
                    "number": number,
                    "document_type": "380",
                    "customer_name": "Client",
                    "total_ttc": 0,
                    "content": dict(content, number=number),
                    "content_sha256": content_hash(content),
                    "pdf_sha256": digest,
                }
            )
        with database.session() as session:
            session.execute(insert(models.StoredFile), files)
            session.execute(insert(models.WrittenInvoice), rows)
    file = database.file
    assert file is not None
    services.close()
    size = file.stat().st_size / 1024 / 1024
    print(
        f"{count} factures déposées et {count} émises écrites en "
        f"{time.perf_counter() - start:.0f} s : base de {size:.0f} Mo"
    )
    from app.db.engine import Database
    from app.invoicing.keeping import altered_pdfs

    times, hashing = [], []
    for _ in range(3):
        start = time.perf_counter()
        found = damage_of(file)
        times.append(time.perf_counter() - start)
        assert found is None, found
        reopened = Database(f"sqlite:///{file}")
        start = time.perf_counter()
        altered = altered_pdfs(reopened)
        hashing.append(time.perf_counter() - start)
        reopened.dispose()
        assert altered == [], altered
    median = statistics.median(times)
    print(
        f"quick_check à l'ouverture : {median * 1000:.0f} ms médiane "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}), "
        f"soit {size / median:.0f} Mo/s"
    )
    print(
        f"empreintes des {count} PDF émis : {statistics.median(hashing) * 1000:.0f} ms médiane "
        f"(min {min(hashing) * 1000:.0f}, max {max(hashing) * 1000:.0f}) ; au-delà de 256 Mo, "
        "les deux contrôles se font en arrière-plan, attendus avant la première émission"
    )
    return median + statistics.median(hashing)


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--case":
        case = json.loads(sys.argv[2])
        print(json.dumps(one_case(case["lines"], case.get("note", 0))))
        return 0
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    if what in ("all", "issue"):
        measured = issue_cases()
        if len(measured) != len(CASES) or not all(f["median_ms"] > 0 for f in measured.values()):
            raise SystemExit("rien de mesuré")
    if what in ("all", "check"):
        count = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
        if not integrity_check(count) > 0:
            raise SystemExit("rien de mesuré")
    return 0


if __name__ == "__main__":
    sys.exit(main())
