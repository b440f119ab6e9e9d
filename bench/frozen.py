"""The frozen Linux bundle: its size on disk and its start-up time (window ready).

Targets: window ready ≤ 2 s (issue 9); on disk ≤ 250 MB (issue 9) before the official
EN 16931 rules' engine, SaxonC-HE, added 96 MB by a deliberate choice (issue 25, README).
Build it first with ``packaging/build-linux``.

    .venv/bin/python bench/frozen.py [RUNS]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BUNDLE = Path(__file__).resolve().parent.parent / "build" / "dist" / "bordereau"


def size_on_disk(folder: Path) -> int:
    """Bytes of the files themselves (PyInstaller's symlinks point inside the bundle)."""
    total = 0
    for directory, _folders, files in os.walk(folder):  # does not follow symlinks
        for name in files:
            path = Path(directory, name)
            if not path.is_symlink():
                total += path.stat().st_size
    return total


def figure(stdout: str, word: str) -> float:
    """The program's own « ready N » (first frame) or « loaded N » (lists filled) line."""
    line = next(line for line in stdout.splitlines() if line.startswith(f"{word} "))
    return float(line.split()[1])


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    program = BUNDLE / "bordereau"
    if not program.exists():
        print("Construisez d'abord le paquet : packaging/build-linux", file=sys.stderr)
        return 2
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    ready: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bordereau-frozen-") as data_dir:
        command = [str(program), "--data-dir", data_dir, "gui", "--exit-when-ready"]
        first = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        for _ in range(runs):
            result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            ready.append(figure(result.stdout, "ready"))
    size = size_on_disk(BUNDLE)
    print(
        f"bundle size on disk: {size / 1e6:.0f} MB = {size / 2**20:.0f} MiB "
        "(≤ 250 MB + SaxonC-HE's 96 MB)"
    )
    print(
        "first start (creates the database): first frame "
        f"{figure(first.stdout, 'ready'):.0f} ms, "
        f"lists filled {figure(first.stdout, 'loaded'):.0f} ms"
    )
    print(
        f"window ready, median of {runs}: {statistics.median(ready):.0f} ms "
        f"(min {min(ready):.0f}, max {max(ready):.0f}; target ≤ 2000 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
