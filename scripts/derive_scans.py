"""Scans of real invoices, for ``bench/prefill.py``: each PDF of a folder (with a text layer,
and its ``.truth.json``) rendered as an image-only copy the way an office scanner or a phone
makes one (200 or 300 dpi, grey, slightly skewed, blurred, JPEG), ``NAME_scan.pdf`` with its
truth marked ``scanned``.

    .venv/bin/python scripts/derive_scans.py ../shared/corpus/real-dev /tmp/real-dev-scans
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.invoice_factory import scan_of


def main() -> int:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    target.mkdir(parents=True, exist_ok=True)
    rng = random.Random(2026)
    written = 0
    for pdf in sorted(source.glob("*.pdf")):
        truth_file = pdf.with_suffix(".truth.json")
        if not truth_file.exists():
            continue
        import pymupdf

        with pymupdf.open(pdf) as document:
            if not any(page.get_text().strip() for page in document):
                continue  # already an image: nothing to derive
        truth = json.loads(truth_file.read_text("utf-8"))
        truth["scanned"] = True
        name = pdf.stem + "_scan"
        dpi = rng.choice((200, 300))
        (target / f"{name}.pdf").write_bytes(scan_of(pdf.read_bytes(), rng, dpi=dpi))
        (target / f"{name}.truth.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=2), "utf-8"
        )
        written += 1
    print(f"{written} numérisations écrites dans {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
