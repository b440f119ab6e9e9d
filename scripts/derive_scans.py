"""Scans of real invoices, for ``bench/prefill.py``: each PDF of a folder (with a text layer,
and its ``.truth.json``) rendered as an image-only copy the way an office scanner or a phone
makes one (200 or 300 dpi, grey, slightly skewed, blurred, JPEG), ``NAME_scan.pdf`` with its
truth marked ``scanned``.

    .venv/bin/python scripts/derive_scans.py ../shared/corpus/real-dev /tmp/real-dev-scans
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.invoice_factory import derive_scans


def main() -> int:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    written = derive_scans(source, target)
    print(f"{written} numérisations écrites dans {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
