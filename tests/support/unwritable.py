"""Folders a PDF cannot be written into, made for real: a path under a plain file, a full
disk (a tiny tmpfs), a read-only file system, an immutable folder. The last three need root
and the mount / chattr tools; a kind this machine cannot make is skipped with its reason."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

KINDS = ("under-a-file", "full-disk", "read-only", "immutable")


def _run(*command: str) -> bool:
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


@contextmanager
def unwritable_folder(kind: str, base: Path) -> Iterator[Path]:
    base.mkdir(parents=True, exist_ok=True)
    if kind == "under-a-file":
        plain = base / "un-fichier"
        plain.write_text("pas un dossier", "utf-8")
        yield plain / "Factures"
        return
    if kind == "read-only" and os.geteuid() != 0:
        folder = base / "lecture-seule"
        folder.mkdir()
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
        return
    if os.geteuid() != 0:
        pytest.skip(f"{kind}: needs root here (mount, chattr)")
    folder = base / kind
    folder.mkdir()
    if kind == "immutable":
        if shutil.which("chattr") is None or not _run("chattr", "+i", str(folder)):
            pytest.skip("immutable: chattr +i is not supported on this file system")
        try:
            yield folder
        finally:
            _run("chattr", "-i", str(folder))
        return
    options = "size=64k" if kind == "full-disk" else "ro,size=1m"
    if not _run("mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)):
        pytest.skip(f"{kind}: this machine cannot mount a tmpfs")
    try:
        if kind == "full-disk":
            (folder / "remplissage").write_bytes(b"\0" * 60_000)
        yield folder
    finally:
        _run("umount", "-l", str(folder))
