"""The frozen Linux bundle: its size on disk and its start-up time (window ready).

Targets (issue 9): ≤ 250 MB on disk, window ready ≤ 2 s. Build it first with
``packaging/build-linux``.

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
            ready.append(float(result.stdout.split()[-1]))
    size = size_on_disk(BUNDLE)
    print(f"bundle size on disk: {size / 1e6:.0f} MB = {size / 2**20:.0f} MiB (target ≤ 250 MB)")
    print(f"first start (creates the database): {first.stdout.split()[-1]} ms")
    print(
        f"window ready, median of {runs}: {statistics.median(ready):.0f} ms "
        f"(min {min(ready):.0f}, max {max(ready):.0f}; target ≤ 2000 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
