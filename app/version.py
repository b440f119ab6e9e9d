"""The application version, defined once in pyproject.toml."""

from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path

DISTRIBUTION = "bordereau"


def _version_from_pyproject() -> str:
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    match = re.search(r'^version\s*=\s*"([^"]+)"', pyproject.read_text("utf-8"), re.MULTILINE)
    if match is None:
        raise RuntimeError("version introuvable dans pyproject.toml")
    return match.group(1)


def _frozen_version() -> str | None:
    """A PyInstaller build carries the version its spec read from pyproject.toml."""
    bundle = getattr(sys, "_MEIPASS", None)
    stamp = Path(bundle) / "VERSION" if bundle else None
    return stamp.read_text("utf-8").strip() if stamp and stamp.exists() else None


@cache
def get_version() -> str:
    """Read when first asked (importlib.metadata costs about 20 ms: not before the window)."""
    frozen = _frozen_version()
    if frozen:
        return frozen
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return _version_from_pyproject()
