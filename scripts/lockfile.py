"""What the lock files were made from: a digest of pyproject.toml's dependency tables.

``scripts/lock.sh`` writes it at the top of each lock file; the suite recomputes it, so a
dependency added to pyproject.toml without running the lock command fails loudly.

    python3 scripts/lockfile.py digest
"""

from __future__ import annotations

import hashlib
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIGEST_PREFIX = "# pyproject-dependencies-sha256: "


def inputs_digest(pyproject: Path = ROOT / "pyproject.toml") -> str:
    project = tomllib.loads(pyproject.read_text("utf-8"))["project"]
    inputs = {
        "requires-python": project.get("requires-python", ""),
        "dependencies": sorted(project.get("dependencies", [])),
        "optional-dependencies": {
            extra: sorted(requirements)
            for extra, requirements in sorted(project.get("optional-dependencies", {}).items())
        },
        "build": tomllib.loads(pyproject.read_text("utf-8"))["build-system"]["requires"],
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def recorded_digest(lock: Path) -> str | None:
    for line in lock.read_text("utf-8").splitlines():
        if line.startswith(DIGEST_PREFIX):
            return line.removeprefix(DIGEST_PREFIX).strip()
    return None


if __name__ == "__main__":
    if sys.argv[1:] == ["digest"]:
        print(inputs_digest())
        sys.exit(0)
    print(__doc__, file=sys.stderr)
    sys.exit(2)
