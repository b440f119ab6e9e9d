"""Drive « bordereau invoice … » as the user does, in subprocesses, and check what the law
asks of issued invoices: numbers gapless and unique, every PDF given back with its sha256,
no file overwritten, no temporary file left once a later run has passed."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.db.integrity import damage_of
from app.files import TEMPORARY_SUFFIX
from app.invoicing import storage
from tests.support.written_invoices import written_invoice


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Issuer:
    command: list[str]
    env: dict[str, str]
    folder: Path
    seen: dict[Path, str] = field(default_factory=dict)  # every file written, as written

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        invoice = storage.invoice_to_json(written_invoice(0))
        (self.folder / "profil.json").write_text(json.dumps(invoice["seller"]), "utf-8")
        for name in ("seller", "number", "issue_date", "delivery_date", "payment"):
            invoice.pop(name)
        invoice["payment"] = {"means": "30"}
        invoice["lines"] = invoice["lines"][:3]
        (self.folder / "facture.json").write_text(json.dumps(invoice), "utf-8")
        self.out = self.folder / "out"
        done = self.run("invoice", "profile", "--json", str(self.folder / "profil.json"))
        assert done.returncode == 0, done.stderr

    def argv(self, *args: str) -> list[str]:
        return [*self.command, *args]

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.argv(*args), env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def new_args(self, out: Path | None = None) -> list[str]:
        return [
            "invoice",
            "new",
            "--json",
            str(self.folder / "facture.json"),
            "--out",
            str(out or self.out),
        ]

    def issue(self, out: Path | None = None) -> subprocess.CompletedProcess[str]:
        return self.run(*self.new_args(out))

    def listing(self) -> list[dict[str, Any]]:
        done = self.run("invoice", "list", "--json")
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        return json.loads(done.stdout)  # type: ignore[no-any-return]

    def pdf(self, number: str, out: Path) -> subprocess.CompletedProcess[str]:
        return self.run("invoice", "pdf", number, "--out", str(out))

    def note_files(self) -> None:
        """Remember the user's copies; a later check sees that none was replaced."""
        for path in self.out.glob("*.pdf"):
            self.seen.setdefault(path, sha256(path))

    def check_records(self, archive: Path, *, every_pdf: bool = False) -> list[dict[str, Any]]:
        """Gapless, unique; each listed sha256 is the archive's file's; no file replaced."""
        listed = self.listing()
        numbers = [item["number"] for item in listed]
        assert len(numbers) == len(set(numbers)), numbers
        by_year: dict[str, list[int]] = {}
        for number in numbers:
            year, position = number.split("-")
            by_year.setdefault(year, []).append(int(position))
        for positions in by_year.values():
            assert sorted(positions) == list(range(1, len(positions) + 1)), numbers
        for item in listed:
            kind = "Avoir" if item["type"] == "381" else "Facture"
            copy = archive / item["number"][:4] / f"{kind} {item['number']}.pdf"
            if copy.exists():  # written at the latest by the next start, checked there
                assert sha256(copy) == item["pdf_sha256"], item["number"]
        for path, digest in self.seen.items():
            assert path.exists() and sha256(path) == digest, f"{path} was replaced"
        if every_pdf:
            again = self.folder / "again"
            for item in listed:
                done = self.pdf(item["number"], again)
                assert done.returncode == 0, done.stderr
                written = Path(json.loads(done.stdout)["pdf"])
                assert sha256(written) == item["pdf_sha256"], item["number"]
        return listed


def leftover_temporaries(*folders: Path) -> list[Path]:
    return [
        path
        for folder in folders
        if folder.exists()
        for path in folder.rglob(f"*{TEMPORARY_SUFFIX}")
    ]


def damage_one_page(database: Path) -> None:
    """Garbage over the head of one page, as a failing disk leaves it: the first page whose
    damage SQLite's check sees while the file can still be read (as most pages are)."""
    original = database.read_bytes()
    for page in range(len(original) // 4096 // 2, len(original) // 4096):
        damaged = bytearray(original)
        damaged[page * 4096 : page * 4096 + 100] = b"\xa5" * 100
        database.write_bytes(bytes(damaged))
        if damage_of(database) is not None and _readable(database):
            return
    raise AssertionError("no page to damage")


def _readable(database: Path) -> bool:
    try:
        connection = sqlite3.connect(database)
        try:
            connection.execute("SELECT count(*) FROM written_invoices").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    return True
