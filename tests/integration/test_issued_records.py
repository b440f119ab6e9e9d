"""Issued invoices a business can rely on (issue 31), tried as the user's machine fails:
« invoice new » and « invoice credit » killed with SIGKILL at random points and just after
the number's commit, output folders that cannot be written, a database deleted, emptied,
damaged, replaced or older, the first set-up killed. After each: numbers gapless and
unique, every issued PDF given back with its sha256, no file overwritten, a French message
and no traceback, and a data folder that works again."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from app.db.integrity import DatabaseDamagedError
from app.paths import resolve_paths
from app.services import Services
from tests.support.issuing import Issuer, damage_one_page, leftover_temporaries, sha256
from tests.support.unwritable import KINDS, unwritable_folder
from tests.support.written_invoices import written_invoice

YEAR = date.today().year
KILLS_NEW = 10
KILLS_CREDIT = 6
KILLS_AFTER_COMMIT = 4
KILLS_FIRST_SETUP = 8


@pytest.fixture
def issuer(tmp_path: Path, bordereau_cmd: list[str], subprocess_env: dict[str, str]) -> Issuer:
    return Issuer(bordereau_cmd, subprocess_env, tmp_path / "travail")


@pytest.fixture
def data(isolated_environment: Path) -> Path:
    return resolve_paths(isolated_environment).data_dir


def _kill_after(argv: list[str], env: dict[str, str], delay: float) -> None:
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def _last_number(database: Path) -> int:
    try:
        connection = sqlite3.connect(database, timeout=0.05)
        try:
            row = connection.execute("SELECT max(last_number) FROM invoice_series").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return -1
    return int(row[0] or 0)


def _kill_once_committed(argv: list[str], env: dict[str, str], database: Path) -> bool:
    """SIGKILL the command the moment its number is committed (before its files are
    written); False if it finished first."""
    before = _last_number(database)
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while process.poll() is None:
        if _last_number(database) > before:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            return True
        time.sleep(0.002)
    return False


@pytest.mark.slow
def test_kills_of_invoice_new_and_credit_lose_no_number_and_no_pdf(
    issuer: Issuer, data: Path
) -> None:
    rng = random.Random(31)
    started = time.monotonic()
    first = issuer.issue()
    duration = time.monotonic() - started
    assert first.returncode == 0, first.stderr
    issuer.note_files()
    archive = data / "archives"
    for _ in range(KILLS_NEW):
        _kill_after(issuer.argv(*issuer.new_args()), issuer.env, rng.uniform(0.1, duration))
        issuer.check_records(archive)
    committed = sum(
        _kill_once_committed(
            issuer.argv(*issuer.new_args()), issuer.env, data / "bordereau.sqlite3"
        )
        for _ in range(KILLS_AFTER_COMMIT)
    )
    assert committed >= 1  # the window was hit: a number without its files, at the kill
    after = issuer.issue()  # the next run puts back what the kills left undone
    assert after.returncode == 0, after.stderr
    issuer.note_files()
    listed = issuer.check_records(archive)
    assert all(item["archived"] for item in listed)
    for item in listed:
        assert (archive / item["number"][:4] / f"Facture {item['number']}.pdf").exists()

    # Credit notes of the first invoice, line by line, killed at random: each line is
    # credited at most once, however often a credit is retried.
    for line in (1, 2, 3):
        for _ in range(KILLS_CREDIT // 3):
            _kill_after(
                issuer.argv(
                    "invoice",
                    "credit",
                    f"{YEAR}-0001",
                    "--lines",
                    str(line),
                    "--out",
                    str(issuer.out),
                ),
                issuer.env,
                rng.uniform(0.1, duration),
            )
        retried = issuer.run(
            "invoice", "credit", f"{YEAR}-0001", "--lines", str(line), "--out", str(issuer.out)
        )
        assert retried.returncode in (0, 3), retried.stderr
        assert "Traceback" not in retried.stderr
    listed = issuer.check_records(archive, every_pdf=True)
    credits = [item for item in listed if item["type"] == "381"]
    assert len(credits) == 3 and {c["credited_invoice"] for c in credits} == {f"{YEAR}-0001"}
    whole = issuer.run("invoice", "credit", f"{YEAR}-0001")
    assert whole.returncode == 3 and "corrige déjà" in whole.stderr
    assert leftover_temporaries(issuer.out, archive) == []
    drafts = (
        sqlite3.connect(data / "bordereau.sqlite3")
        .execute("SELECT count(*) FROM written_invoices WHERE status = 'draft'")
        .fetchone()[0]
    )
    assert drafts <= 2  # a killed try's draft is taken again by the retry, never piled up


@pytest.mark.parametrize("kind", KINDS)
def test_a_pdf_that_cannot_be_written_still_gives_its_number_and_its_pdf_later(
    issuer: Issuer, data: Path, tmp_path: Path, kind: str
) -> None:
    with unwritable_folder(kind, tmp_path / "sorties") as folder:
        done = issuer.issue(folder)
        assert done.returncode == 4, done.stderr
        said = json.loads(done.stdout)
        assert said["number"] == f"{YEAR}-0001" and said["pdf"] is None
        assert "est émise" in done.stderr and f"invoice pdf {YEAR}-0001" in done.stderr
        assert "Traceback" not in done.stderr
        credit = issuer.run("invoice", "credit", f"{YEAR}-0001", "--out", str(folder))
        assert credit.returncode == 4 and json.loads(credit.stdout)["number"] == f"{YEAR}-0002"
        retry = issuer.run("invoice", "credit", f"{YEAR}-0001", "--out", str(folder))
        assert retry.returncode == 3 and f"L'avoir {YEAR}-0002 corrige déjà" in retry.stderr
    listed = issuer.listing()
    assert [item["number"] for item in listed] == [f"{YEAR}-0001", f"{YEAR}-0002"]
    assert [item["pdf_exported"] for item in listed] == [False, False]
    issuer.check_records(data / "archives", every_pdf=True)
    assert all(item["pdf_exported"] for item in issuer.listing())


def test_an_existing_file_is_never_replaced_by_another_invoice(issuer: Issuer) -> None:
    issuer.out.mkdir(parents=True)
    theirs = issuer.out / f"Facture {YEAR}-0001.pdf"
    theirs.write_bytes(b"%PDF-1.4 another program's invoice")
    done = issuer.issue()
    assert done.returncode == 0, done.stderr
    written = Path(json.loads(done.stdout)["pdf"])
    assert written.name == f"Facture {YEAR}-0001 (2).pdf"
    assert theirs.read_bytes() == b"%PDF-1.4 another program's invoice"
    again = issuer.pdf(f"{YEAR}-0001", issuer.out)  # the same bytes: the same copy
    assert Path(json.loads(again.stdout)["pdf"]) == written


def _damage(database: Path) -> None:
    """Garbage over the middle of the file's pages, as a failing disk leaves it."""
    size = database.stat().st_size
    with database.open("r+b") as stream:
        for offset in range(4096, size, 4096 * 3):
            stream.seek(offset)
            stream.write(bytes(random.Random(offset).randrange(256) for _ in range(512)))


@pytest.mark.parametrize("fault", ["deleted", "emptied", "damaged", "foreign", "older"])
def test_a_lost_or_replaced_database_never_restarts_the_series(
    issuer: Issuer,
    data: Path,
    tmp_path: Path,
    fault: str,
    bordereau_cmd: list[str],
    subprocess_env: dict[str, str],
) -> None:
    database = data / "bordereau.sqlite3"
    for _ in range(2):
        assert issuer.issue().returncode == 0
    older = tmp_path / "ancienne.sqlite3"
    older.write_bytes(database.read_bytes())
    assert issuer.issue().returncode == 0
    issuer.note_files()
    if fault == "deleted":
        database.unlink()
    elif fault == "emptied":
        database.write_bytes(b"")
    elif fault == "damaged":
        _damage(database)
    elif fault == "foreign":  # another data folder's database, copied over this one
        other_env = dict(subprocess_env, BORDEREAU_DATA_DIR=str(tmp_path / "autre"))
        other = Issuer(bordereau_cmd, other_env, tmp_path / "autre-travail")
        assert other.issue().returncode == 0
        database.write_bytes((tmp_path / "autre" / "data" / "bordereau.sqlite3").read_bytes())
    else:
        database.write_bytes(older.read_bytes())
    refused = issuer.issue()
    assert refused.returncode == 2, refused.stdout
    assert "Traceback" not in refused.stderr
    expected = {
        "deleted": "a disparu",
        "emptied": "est vide",
        "damaged": "endommagée",
        "foreign": "n'est pas celle",
        "older": "plus ancienne",
    }[fault]
    assert expected in refused.stderr and "backup restore" in refused.stderr
    if fault == "deleted":
        assert not database.exists()  # nothing made in its place
    if fault == "damaged":  # read-only: the issued invoices are still listed and given
        listed = issuer.listing()
        assert [item["number"] for item in listed] == [
            f"{YEAR}-0001",
            f"{YEAR}-0002",
            f"{YEAR}-0003",
        ]
        given = issuer.pdf(f"{YEAR}-0002", tmp_path / "copie")
        assert given.returncode == 0, given.stderr
        assert sha256(Path(json.loads(given.stdout)["pdf"])) == listed[1]["pdf_sha256"]
    restored = issuer.run("backup", "restore")
    assert restored.returncode == 0, restored.stderr
    assert "restaurée" in restored.stdout
    issued = issuer.issue()
    assert issued.returncode == 0, issued.stderr
    assert json.loads(issued.stdout)["number"] == f"{YEAR}-0004"
    issuer.note_files()
    issuer.check_records(data / "archives", every_pdf=True)


def test_a_restore_of_an_older_backup_takes_back_what_was_issued_since(
    issuer: Issuer, data: Path
) -> None:
    assert issuer.issue().returncode == 0
    backups = json.loads(issuer.run("backup", "list", "--json").stdout)
    assert len(backups) == 1 and backups[0]["last_invoice"] == f"{YEAR}-0001"
    first_backup = Path(backups[0]["file"])
    kept = first_backup.with_name("gardee.sqlite3")
    kept.write_bytes(first_backup.read_bytes())
    for _ in range(2):
        assert issuer.issue().returncode == 0
    restored = issuer.run("backup", "restore", str(kept))
    assert restored.returncode == 0, restored.stderr
    assert f"{YEAR}-0002, {YEAR}-0003" in restored.stdout  # taken back from the archive
    assert json.loads(issuer.issue().stdout)["number"] == f"{YEAR}-0004"
    issuer.check_records(data / "archives", every_pdf=True)
    # without any backup at all, the archive alone rebuilds the invoices
    (data / "bordereau.sqlite3").unlink()
    rebuilt = issuer.run("backup", "restore", "--archives-only")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert [item["number"] for item in issuer.listing()] == [f"{YEAR}-000{n}" for n in range(1, 5)]
    assert json.loads(issuer.issue().stdout)["number"] == f"{YEAR}-0005"


@pytest.mark.slow
def test_a_kill_during_the_first_set_up_never_leaves_an_unusable_folder(
    tmp_path: Path, bordereau_cmd: list[str], subprocess_env: dict[str, str]
) -> None:
    rng = random.Random(7)

    def env_for(index: int) -> dict[str, str]:
        return dict(subprocess_env, BORDEREAU_DATA_DIR=str(tmp_path / f"poste-{index}"))

    command = [*bordereau_cmd, "invoice", "list", "--json"]
    started = time.monotonic()
    first = subprocess.run(command, env=env_for(0), capture_output=True, text=True, timeout=120)
    duration = time.monotonic() - started
    assert first.returncode == 0, first.stderr
    for index in range(1, KILLS_FIRST_SETUP + 1):
        _kill_after(command, env_for(index), rng.uniform(0.05, duration))
        after = subprocess.run(
            command, env=env_for(index), capture_output=True, text=True, timeout=120
        )
        assert after.returncode == 0, after.stderr
        assert json.loads(after.stdout) == []


def test_a_large_database_is_checked_in_the_background_before_the_first_issue(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above 256 MB the opening's check runs beside the start; an issue waits for it, and a
    damaged database is refused all the same."""
    from app import context as context_module

    invoice = replace(written_invoice(0), number=None)
    first = services.invoicing.write_new(invoice, today=invoice.issue_date).invoice.number
    file = services.context.database.file
    services.close()
    assert file is not None
    damage_one_page(file)
    monkeypatch.setattr(context_module, "BACKGROUND_CHECK_BYTES", 0)
    services.context.open_database()
    assert services.context._integrity_check is not None  # checked beside the opening
    with pytest.raises(DatabaseDamagedError) as refused:
        services.invoicing.write_new(invoice, today=invoice.issue_date)
    assert "endommagée" in refused.value.message
    assert [item.number for item in services.invoicing.issued_list()] == [first]


@pytest.mark.both_databases
def test_a_database_that_lost_invoices_is_refused_by_the_workstation_that_issued_them(
    services: Services, isolated_environment: Path, database_url: str | None
) -> None:
    """On SQLite as on a shared PostgreSQL database: the workstation's record outlives the
    database; an older copy put in its place is refused, never numbered again."""
    from sqlalchemy import delete, update

    from app.db import models
    from app.db.guard import DatabaseReplacedError
    from app.invoicing.recovery import RestoreRefused

    invoice = replace(written_invoice(0), number=None)
    numbers = [
        services.invoicing.write_new(invoice, today=invoice.issue_date).invoice.number
        for _ in range(2)
    ]
    database = services.context.database
    with database.session() as session:  # as if an older backup were put in its place
        session.execute(
            delete(models.WrittenInvoice).where(models.WrittenInvoice.number == numbers[1])
        )
        session.execute(update(models.InvoiceSeries).values(last_number=1))
    services.close()
    with pytest.raises(DatabaseReplacedError) as refused:
        services.context.open_database()
    assert "plus ancienne" in refused.value.message and numbers[1] in refused.value.message
    if database_url is not None:  # PostgreSQL: the office's own backups, said with pg_dump
        with pytest.raises(RestoreRefused) as restore:
            services.context.restore_backup(None)
        assert "pg_dump" in restore.value.message
        return
    report = services.context.restore_backup(None)  # the archive alone puts it back
    assert numbers[1] in report.taken_back
    assert [item.number for item in services.invoicing.issued_list()] == numbers


def test_backups_go_to_the_folder_the_user_chose(issuer: Issuer, tmp_path: Path) -> None:
    elsewhere = tmp_path / "disque-externe" / "Bordereau"
    chosen = issuer.run("backup", "folder", str(elsewhere))
    assert chosen.returncode == 0 and chosen.stdout.strip() == str(elsewhere)
    assert issuer.issue().returncode == 0
    listed = json.loads(issuer.run("backup", "list", "--json").stdout)
    assert [Path(item["file"]).parent for item in listed] == [elsewhere]
    assert listed[0]["last_invoice"] == f"{YEAR}-0001"
    (tmp_path / "un-fichier").write_text("")
    refused = issuer.run("backup", "folder", str(tmp_path / "un-fichier" / "x"))
    assert refused.returncode == 3 and "ne peuvent pas aller" in refused.stderr


def test_a_profile_with_a_logo_too_large_is_refused_before_it_is_kept(
    issuer: Issuer, tmp_path: Path
) -> None:
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (15000, 15000)).save(buffer, "PNG")
    profile = json.loads((issuer.folder / "profil.json").read_text("utf-8"))
    profile["logo"] = base64.b64encode(buffer.getvalue()).decode("ascii")
    profile["siret"] = "00000000000000"
    huge = tmp_path / "profil-logo.json"
    huge.write_text(json.dumps(profile), "utf-8")
    refused = issuer.run("invoice", "profile", "--json", str(huge))
    assert refused.returncode == 3 and "Traceback" not in refused.stderr
    assert "2 000 × 2 000 au plus" in refused.stderr and "SIRET" in refused.stderr
    kept = json.loads(issuer.run("invoice", "profile").stdout)
    assert kept["logo"] is None and kept["siret"] != "00000000000000"  # the former one


def test_damage_inside_a_stored_pdf_is_noticed_and_the_archive_gives_it_back(
    issuer: Issuer, data: Path, tmp_path: Path
) -> None:
    """Garbage in the middle of a stored PDF's bytes: SQLite's own check does not read them,
    the sha256 does. The database is then read-only, and « invoice pdf » gives the issued
    bytes from the archive."""
    for _ in range(2):
        assert issuer.issue().returncode == 0
    listed = issuer.listing()
    database = data / "bordereau.sqlite3"
    content = database.read_bytes()
    marker = content.find(b"/OutputIntents")  # inside the stored PDF, not a page header
    assert marker > 0
    database.write_bytes(content[:marker] + b"/OutputIntentZ" + content[marker + 14 :])
    refused = issuer.issue()
    assert refused.returncode == 2 and "endommagée" in refused.stderr
    assert "Traceback" not in refused.stderr
    for item in listed:
        given = issuer.pdf(item["number"], tmp_path / "copies")
        assert given.returncode == 0, given.stderr
        assert sha256(Path(json.loads(given.stdout)["pdf"])) == item["pdf_sha256"]
