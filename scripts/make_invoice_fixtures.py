"""Write Bordereau's own varied invoice fixtures (PDF + truth) into a folder, for
``bench/prefill.py``:

    .venv/bin/python scripts/make_invoice_fixtures.py /tmp/fixtures
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.invoice_factory import write_fixtures

if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "fixtures-factures")
    written = write_fixtures(folder, count=40, scans=10, facturx=5)
    print(f"{len(written)} factures écrites dans {folder}")
