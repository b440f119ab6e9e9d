"""Time and peak memory of the real commands on the fuzz corpus of broken files
(tests/support/bad_files.py): ``bordereau prefill`` on each bad PDF, ``bordereau directory
import`` on each bad XLSX. Bound (issue 19): every case under 30 s and 500 MB, OCR workers
included.

    .venv/bin/python bench/bad_input.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.bad_files import BAD_PDFS, BAD_XLSX  # noqa: E402
from tests.support.measured import MARKER  # noqa: E402


def measure(env: dict[str, str], *args: str) -> tuple[float, int, int, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.measured", sys.executable, "-m", "app", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    stderr, _, measured = done.stderr.rpartition("\n" + MARKER)
    first_line = (stderr.strip().splitlines() or ["(lu)"])[0]
    return elapsed, int(measured), done.returncode, first_line


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        env = {**os.environ, "BORDEREAU_DATA_DIR": str(work / "data"), "PYTHONPATH": str(ROOT)}
        cases: list[tuple[str, list[str]]] = []
        for name, make in sorted(BAD_PDFS.items()):
            path = work / f"{name}.pdf"
            path.write_bytes(make())
            cases.append((name + ".pdf", ["prefill", "--json", str(path)]))
        for name, write in sorted(BAD_XLSX.items()):
            path = work / f"{name}.xlsx"
            write(path)
            cases.append((name + ".xlsx", ["directory", "import", str(path)]))
        worst_time = worst_memory = 0.0
        print(f"{'cas':<38} {'s':>6} {'Mo':>6}  code  réponse")
        for label, args in cases:
            elapsed, peak, code, answer = measure(env, *args)
            worst_time, worst_memory = max(worst_time, elapsed), max(worst_memory, peak / 1e6)
            print(f"{label:<38} {elapsed:6.1f} {peak / 1e6:6.0f}  {code:>4}  {answer[:70]}")
        print(f"pire temps {worst_time:.1f} s (borne 30 s), pire mémoire {worst_memory:.0f} Mo")
        print("(borne 500 Mo)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
