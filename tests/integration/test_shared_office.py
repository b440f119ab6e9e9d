"""Several processes and workstations on one database (SQLite file, and a real PostgreSQL
server): the outbox sends each invoice once whoever runs it, offline deposits all queue,
one bad entry does not block the others, migrations and first syncs run side by side."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import models
from app.db.engine import Database
from app.db.migrate import SCHEMA_HEAD, current_revision
from app.deposit.claims import Claim
from app.domain.invoice import Invoice, Recipient, Totals, VatLine
from app.paths import resolve_paths
from app.services import Services
from app.simulator.seed import DEMO_SUPPLIER_SIRET, siret_for
from app.simulator.server import Simulator, SimulatorConfig
from tests.conftest import CORPUS_SAMPLES
from tests.support.chorus import (
    admin,
    configure_account,
    make_client,
    soumettre_request,
    unattended_deposit,
)
from tests.support.chorus import upload_pdf as upload_on_platform
from tests.support.invoice_factory import write_fixtures

pytestmark = pytest.mark.both_databases

PDF = CORPUS_SAMPLES / "inv_101_003.pdf"
BREST = siret_for(4, "2129")
ENVIRONMENT = "custom"


@pytest.fixture
def simulator() -> Iterator[Simulator]:
    config = SimulatorConfig(
        client_id="bureau",
        client_secret="bureau-secret",
        login="TECH_BUREAU@cpro.fr",
        password="bureau-password",
        supplier_siret=DEMO_SUPPLIER_SIRET,
    )
    with Simulator(config) as running:
        yield running


@pytest.fixture
def db_url(database_url: str | None, isolated_environment: Path) -> str:
    """The database every process of the test shares."""
    return database_url or f"sqlite:///{resolve_paths(isolated_environment).database_file}"


@pytest.fixture
def office(
    simulator: Simulator,
    bordereau_cmd: list[str],
    subprocess_env: dict[str, str],
    isolated_environment: Path,
    db_url: str,
) -> Iterator[Services]:
    """The first workstation, its account on the simulator and its database open."""
    configure_account(bordereau_cmd, subprocess_env, simulator)
    services = Services(resolve_paths(isolated_environment), database_url=db_url)
    services.context.open_database()
    yield services
    services.close()


def invoice(number: str) -> Invoice:
    return Invoice(
        number=number,
        issue_date=date(2026, 11, 20),
        recipient=Recipient(BREST, "CULTURE", "COMMUNE DE BREST"),
        totals=Totals(
            Decimal("120.00"), Decimal("0.00"), Decimal("120.00"), amount_due=Decimal("120.00")
        ),
        vat_lines=[VatLine(Decimal(0), Decimal("120.00"), Decimal("0.00"))],
    )


def queue(services: Services, count: int, prefix: str) -> list[str]:
    """Invoices written with their send order, as a deposit does while the platform is away."""
    outbox = services.context.outbox()
    numbers = [f"{prefix}-{index:02d}" for index in range(count)]
    for number in numbers:
        outbox.enqueue(invoice(number), PDF)
    return numbers


def start(cmd: list[str], env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*cmd, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def finish(process: subprocess.Popen[str], timeout: float = 240) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    assert "Traceback" not in err, err
    return process.returncode, out, err


def run_outboxes_until_empty(
    cmd: list[str], env: dict[str, str], processes: int, rounds: int = 8
) -> None:
    for _round in range(rounds):
        running = [start(cmd, env, "outbox") for _ in range(processes)]
        codes = [finish(process)[0] for process in running]
        if all(code == 0 for code in codes):
            return
    pytest.fail(f"the outbox never emptied (exit codes {codes})")


def local_rows(db_url: str) -> dict[str, tuple[str, int | None, str]]:
    """number → (status, Chorus id, outbox state), with no number twice."""
    database = Database(db_url)
    try:
        with database.session() as session:
            found = session.execute(
                select(
                    models.Invoice.number,
                    models.Invoice.status,
                    models.Invoice.chorus_invoice_id,
                    models.OutboxEntry.state,
                ).join(models.OutboxEntry, models.OutboxEntry.invoice_id == models.Invoice.id)
            ).all()
    finally:
        database.dispose()
    numbers = [row[0] for row in found]
    assert len(numbers) == len(set(numbers)), "an invoice was recorded twice locally"
    return {row[0]: (row[1], row[2], row[3]) for row in found}


def assert_each_sent_once(simulator: Simulator, db_url: str, numbers: list[str]) -> None:
    with simulator.state.lock:
        on_platform: dict[str, list[int]] = {}
        for item in simulator.state.invoices.values():
            on_platform.setdefault(item.number, []).append(item.id)
        calls = dict(simulator.state.soumettre_calls)
        resent = list(simulator.state.resubmitted_numbers)
    assert resent == [], f"soumettre sent again for invoices already filed: {resent}"
    local = local_rows(db_url)
    for number in numbers:
        assert calls.get(number) == 1, f"{number}: soumettre called {calls.get(number)} times"
        assert len(on_platform.get(number, [])) == 1, f"{number} filed {on_platform.get(number)}"
        status, chorus_id, state = local[number]
        assert (status, chorus_id, state) == ("DEPOSEE", on_platform[number][0], "done"), number


# --- claims ---------------------------------------------------------------------------------


def test_an_entry_is_claimed_by_one_sender_and_a_dead_one_loses_it(office: Services) -> None:
    outbox = office.context.outbox()
    entry_id = outbox.enqueue(invoice("CLAIM-1"), PDF)
    first, second = Claim.new(), Claim.new()
    assert outbox.claim(entry_id, first)
    assert not outbox.claim(entry_id, second), "a held entry was taken"

    def set_owner(owner: str, lease: timedelta) -> None:
        with office.context.database.session() as session:
            entry = session.get(models.OutboxEntry, entry_id)
            assert entry is not None
            entry.owner, entry.lease_until = owner, datetime.now(UTC) + lease

    set_owner("autre-poste/4242/abc", timedelta(minutes=3))  # alive elsewhere: untouchable
    assert not outbox.claim(entry_id, second)
    set_owner("autre-poste/4242/abc", -timedelta(seconds=1))  # its lease ran out
    assert outbox.claim(entry_id, second)
    dead = subprocess.Popen(["true"])
    dead.wait()
    set_owner(str(Claim(first.host, dead.pid, "gone")), timedelta(minutes=3))  # died here
    assert outbox.claim(entry_id, first)


def test_a_done_entry_is_never_sent_or_written_over(office: Services) -> None:
    outbox = office.context.outbox()
    entry_id = outbox.enqueue(invoice("DONE-1"), PDF)
    with office.context.chorus_client() as client:
        supplier = office.context.supplier_id(client)
        outcome = outbox.send(entry_id, client, supplier)
        assert outcome is not None and outcome.state == "done"
        assert outbox.send(entry_id, client, supplier) is None  # nothing left to claim
    assert outbox.unfinished() == []
    assert local_rows(office.context.database.url)["DONE-1"][2] == "done"


# --- many senders -----------------------------------------------------------------------------


def test_three_processes_send_thirty_invoices_once_while_answers_drop(
    office: Services,
    simulator: Simulator,
    bordereau_cmd: list[str],
    subprocess_env: dict[str, str],
    db_url: str,
) -> None:
    numbers = queue(office, 30, "TROIS")
    admin(simulator, "pannes", {"taux": 0.3, "types": ["drop_after"], "graine": 7})
    run_outboxes_until_empty(bordereau_cmd, subprocess_env, processes=3)
    assert sum(simulator.state.faults.injected.values()) >= 5  # the faults did happen
    assert_each_sent_once(simulator, db_url, numbers)


def test_a_sender_killed_mid_send_is_taken_over(
    office: Services,
    simulator: Simulator,
    bordereau_cmd: list[str],
    subprocess_env: dict[str, str],
    db_url: str,
) -> None:
    numbers = queue(office, 30, "TUE")
    admin(
        simulator, "pannes", {"taux": 0.2, "types": ["drop_after"], "graine": 3, "latence_ms": 80}
    )
    running = [start(bordereau_cmd, subprocess_env, "outbox") for _ in range(3)]
    time.sleep(3.0)
    victim = running[0]
    assert victim.poll() is None, "the first sender ended before it could be killed"
    os.kill(victim.pid, signal.SIGKILL)
    victim.communicate()
    for process in running[1:]:
        finish(process)
    admin(simulator, "pannes", {"latence_ms": 0})
    run_outboxes_until_empty(bordereau_cmd, subprocess_env, processes=2)
    assert_each_sent_once(simulator, db_url, numbers)


def _dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_twenty_deposits_queue_offline_then_all_leave(
    tmp_path: Path,
    simulator: Simulator,
    bordereau_cmd: list[str],
    subprocess_env: dict[str, str],
    db_url: str,
) -> None:
    dead = f"http://127.0.0.1:{_dead_port()}"
    configure_account(bordereau_cmd, subprocess_env, simulator, api_url=dead)
    written = write_fixtures(tmp_path / "factures", count=30, scans=0, facturx=0, seed=5)
    pdfs = [pdf for pdf in written if "avoir" not in pdf.name][:20]  # credit notes need more
    assert len(pdfs) == 20
    for pdf in pdfs:
        code, out, err = finish(
            start(bordereau_cmd, subprocess_env, *unattended_deposit(pdf, BREST, "CULTURE"))
        )
        assert code == 3, (pdf.name, out, err)
        assert json.loads(out)["etat"] == "waiting"
    local = local_rows(db_url)
    assert len(local) == 20 and {row[0] for row in local.values()} == {"EN_ATTENTE_ENVOI"}
    configure_account(bordereau_cmd, subprocess_env, simulator)  # the platform is back
    code, out, err = finish(start(bordereau_cmd, subprocess_env, "outbox"))
    assert code == 0, err
    assert [item["etat"] for item in json.loads(out)] == ["done"] * 20
    assert_each_sent_once(simulator, db_url, list(local))


def test_a_bad_entry_is_set_aside_and_the_others_go_on(
    office: Services,
    simulator: Simulator,
    bordereau_cmd: list[str],
    subprocess_env: dict[str, str],
) -> None:
    """A platform that gives an id already known here (a platform reset): that invoice is
    set aside with its reason, the next ones still leave."""
    [old] = queue(office, 1, "ANCIEN")
    run_outboxes_until_empty(bordereau_cmd, subprocess_env, processes=1)
    old_id = local_rows(office.context.database.url)[old][1]
    assert old_id is not None
    numbers = queue(office, 3, "APRES")
    with simulator.state.lock:
        simulator.state.next_invoice_id = old_id - 1  # the next one gets the old id again
    code, out, _err = finish(start(bordereau_cmd, subprocess_env, "outbox"))
    outcomes = {item["invoice_id"]: item for item in json.loads(out)}
    assert sorted(item["etat"] for item in outcomes.values()) == ["blocked", "done", "done"]
    [blocked] = [item for item in outcomes.values() if item["etat"] == "blocked"]
    assert old in blocked["message"] and "n'est pas renvoyée" in blocked["message"]
    assert code != 0
    again = finish(start(bordereau_cmd, subprocess_env, "outbox"))
    assert again[0] == 0 and json.loads(again[1]) == []  # set aside: not sent again
    local = local_rows(office.context.database.url)
    assert sorted(local[number][2] for number in numbers) == ["blocked", "done", "done"]


def test_a_second_workstation_sends_what_the_first_queued(
    office: Services,
    simulator: Simulator,
    bordereau_cmd: list[str],
    subprocess_env: dict[str, str],
    tmp_path: Path,
    db_url: str,
    db_backend: str,
) -> None:
    if db_backend == "sqlite":
        pytest.skip("two workstations share a database server, not a SQLite file")
    numbers = queue(office, 2, "POSTE1")
    # A new workstation: no settings of its own; the account comes from the shared database
    # (its secrets from this person's keyring, the test's one).
    second = {**subprocess_env, "BORDEREAU_DATA_DIR": str(tmp_path / "poste-2")}
    shown = json.loads(finish(start(bordereau_cmd, second, "account", "show", "--json"))[1])
    assert (shown["mode"], shown["supplier_siret"]) == ("custom", DEMO_SUPPLIER_SIRET)
    assert shown["api_url"] == simulator.base_url
    code, out, err = finish(start(bordereau_cmd, second, "outbox"))
    assert code == 0, err
    assert [item["etat"] for item in json.loads(out)] == ["done", "done"]
    assert not list((tmp_path / "poste-2").rglob("*.pdf")) or all(
        path.stat().st_size > 0 for path in (tmp_path / "poste-2").rglob("*.pdf")
    )
    assert_each_sent_once(simulator, db_url, numbers)


# --- schema and sync side by side ---------------------------------------------------------------


def test_two_processes_migrate_an_empty_database(
    bordereau_cmd: list[str], subprocess_env: dict[str, str], db_url: str
) -> None:
    running = [start(bordereau_cmd, subprocess_env, "invoices", "list", "--json") for _ in "ab"]
    for process in running:
        code, out, err = finish(process)
        assert code == 0, err
        assert json.loads(out) == []
    database = Database(db_url)
    assert current_revision(database) == SCHEMA_HEAD
    database.dispose()


def test_two_first_syncs_at_once_import_each_invoice_once(
    office: Services,
    simulator: Simulator,
    bordereau_cmd: list[str],
    subprocess_env: dict[str, str],
    db_url: str,
) -> None:
    with make_client(simulator) as portal:
        supplier = office.context.supplier_id(portal)
        for index in range(25):
            portal.soumettre(
                soumettre_request(
                    f"PORTAIL-{index:02d}",
                    supplier_id=supplier,
                    recipient_siret=BREST,
                    service="CULTURE",
                    attachment_id=upload_on_platform(portal),
                )
            )
    running = [start(bordereau_cmd, subprocess_env, "sync", "--json") for _ in range(2)]
    for process in running:
        code, _out, err = finish(process)
        assert code == 0, err
    database = Database(db_url)
    with database.session() as session:
        imported = session.scalars(
            select(models.Invoice.chorus_invoice_id).where(models.Invoice.number.like("PORTAIL-%"))
        ).all()
    database.dispose()
    assert len(imported) == 25 and len(set(imported)) == 25


# --- the window, errors and conflicts on each database -------------------------------------------


def test_the_window_opens_on_the_shared_database(
    office: Services, bordereau_cmd: list[str], subprocess_env: dict[str, str]
) -> None:
    queue(office, 2, "FENETRE")  # the views and the dashboard have rows to read
    code, out, err = finish(start(bordereau_cmd, subprocess_env, "gui", "--exit-when-ready"))
    assert code == 0, err
    assert out.startswith("ready ")


def test_an_unreachable_server_is_said_in_french(
    bordereau_cmd: list[str], subprocess_env: dict[str, str]
) -> None:
    url = f"postgresql+psycopg://bureau:motdepasse@127.0.0.1:{_dead_port()}/compta"
    code, _out, err = finish(
        start(bordereau_cmd, subprocess_env, "--database-url", url, "invoices", "list")
    )
    assert code == 2
    assert "Le serveur de base de données est injoignable" in err and "« compta »" in err
    assert "motdepasse" not in err


def test_two_writers_on_one_invoice_never_undo_each_other(office: Services, db_url: str) -> None:
    from sqlalchemy.orm.exc import StaleDataError

    from app.db.errors import database_error

    office.context.outbox().save_draft(invoice("VERSION-1"))
    first, second = Database(db_url), Database(db_url)
    try:
        with Session(first.engine) as one, Session(second.engine) as two:
            mine = one.scalars(select(models.Invoice)).one()
            theirs = two.scalars(select(models.Invoice)).one()  # read before the first writes
            mine.comment = "vu par le premier poste"
            one.commit()
            theirs.comment = "vu par le second poste"
            with pytest.raises(StaleDataError) as caught:
                two.commit()
        message = database_error(caught.value, db_url).message
        assert "modifiée sur un autre poste" in message and "rien n'a été écrasé" in message
        with first.session() as session:
            kept = session.scalars(select(models.Invoice.comment)).one()
        assert kept == "vu par le premier poste"
    finally:
        first.dispose()
        second.dispose()


def test_an_upgrade_of_a_shared_database_says_how_to_back_it_up(db_url: str) -> None:
    from alembic import command

    from app.db.migrate import _alembic_config, upgrade_database, upgrade_notice

    database = Database(db_url)
    try:
        with database.engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "0003")  # type: ignore[arg-type]
        notice = upgrade_notice(database)
        if database.file is not None:
            assert notice is None  # a SQLite file is copied before the upgrade
        else:
            assert notice is not None and "pg_dump" in notice and "0003 → " in notice
        result = upgrade_database(database, Path(database.file or ".").parent / "sauvegardes")
        assert result.to_revision == SCHEMA_HEAD
        assert (result.backup is not None) == (database.file is not None)
        assert upgrade_notice(database) is None
    finally:
        database.dispose()


def test_the_migrations_build_the_models_schema(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.db.migrate import upgrade_database

    database = Database(db_url)
    try:
        upgrade_database(database, Path(database.file or ".").parent / "sauvegardes")
        with database.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": False})
            assert compare_metadata(context, models.Base.metadata) == []
    finally:
        database.dispose()


def test_each_deposit_and_action_says_who_did_it(office: Services, simulator: Simulator) -> None:
    from app.deposit.claims import actor

    admin(simulator, "comportements", {"prochains": ["rejetee"]})
    outcome = office.deposit.submit(invoice("QUI-1"), PDF)
    assert outcome.state == "done", outcome.message
    admin(simulator, "horloge", {"jours": 30})
    office.sync.run()
    office.invoices.acknowledge_rejection(outcome.invoice_id)
    lines = {line.status: line for line in office.invoices.history(outcome.invoice_id)}
    assert lines["DEPOSEE"].actor == actor()
    assert lines["REJETEE"].actor != actor()  # the buyer's doing
    assert lines["ACTION_REJET_TRAITE"].actor == actor()
    assert lines["ACTION_REJET_TRAITE"].label == "Rejet marqué comme traité"
    assert "@" in actor()
