"""Import of the directory export, search quality, malformed files, online lookups."""

from __future__ import annotations

import json
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.directory.importer import DirectoryImportError, import_export
from app.directory.store import DirectoryStore
from app.domain.identifiers import STATE_SIRET
from app.paths import resolve_paths
from app.services import Services
from app.simulator.seed import siret_for
from tests.support.directory_export import ExportFacts, write_export


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ExportFacts]:
    path = tmp_path_factory.mktemp("annuaire") / "annuaire.xlsx"
    return path, write_export(path, structures=3000, services=5000, seed=11)


@pytest.fixture
def index(tmp_path: Path, export: tuple[Path, ExportFacts]) -> Iterator[DirectoryStore]:
    path = tmp_path / "annuaire.sqlite3"
    import_export(export[0], path)
    store = DirectoryStore(path)
    yield store
    store.close()


def test_import_reports_what_it_read(tmp_path: Path, export: tuple[Path, ExportFacts]) -> None:
    steps: list[float] = []
    report = import_export(export[0], tmp_path / "a.sqlite3", lambda f, _m: steps.append(f))
    facts = export[1]
    assert report.structures == facts.structures - report.duplicates
    assert report.duplicates >= facts.duplicates
    assert report.invalid_sirets == facts.invalid_sirets
    assert report.services > 4900 and report.orphan_services == 0
    assert report.unknown_columns == [] and report.missing_columns == []
    assert steps == sorted(steps) and steps[-1] == 1.0
    assert any("structures et" in line for line in report.lines())


def test_sirets_stored_as_numbers_get_their_zeros_back(
    index: DirectoryStore, export: tuple[Path, ExportFacts]
) -> None:
    zero_led = [siret for siret in export[1].known.values() if siret.startswith("0")]
    state = index.by_siret(STATE_SIRET)
    assert state is not None and state.service_required and state.engagement_required
    assert len(index.services(STATE_SIRET)) == 40
    for siret in zero_led:
        assert index.by_siret(siret) is not None
    assert export[1].leading_zero_sirets > 0
    assert any(s.siret.startswith("0") for s in index.search("0", 50))


@pytest.mark.parametrize(
    ("query", "expected_name"),
    [
        ("besancon", "BESANÇON"),
        ("Besançon", "BESANÇON"),
        ("besanson", "BESANÇON"),  # a typo
        ("st etienne", "SAINT-ÉTIENNE"),
        ("SAINT-ÉTIENNE", "SAINT-ÉTIENNE"),
        ("vilurbanne", "VILLEURBANNE"),
        ("centre hospitalier", "CENTRE HOSPITALIER"),
        ("factur electronique", "SERVICES DE L'ETAT"),
    ],
)
def test_the_expected_structure_is_in_the_top_three(
    index: DirectoryStore, query: str, expected_name: str
) -> None:
    found = index.search(query, 3)
    assert any(expected_name in item.name for item in found), [i.name for i in found]


def test_siret_and_postal_code_prefixes(index: DirectoryStore) -> None:
    assert index.search("110 002 011", 3)[0].siret == STATE_SIRET
    assert index.search("11000201100044", 3)[0].siret == STATE_SIRET
    assert any(item.postal_code == "75012" for item in index.search("75012", 20))
    assert index.search("", 5) == [] and index.search("de la", 5) == []


def _broken_copy(source: Path, target: Path, change: str) -> Path:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for item in original.infolist():
            data = original.read(item)
            if change == "no_structures" and item.filename == "xl/workbook.xml":
                data = data.replace(b'name="Structures"', b'name="Feuille1"')
            if change == "headers" and item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"Raison sociale", b"Nom complet").replace(
                    b"<t>Identifiant</t>", b"<t>Code</t>", 1
                )
            if change == "truncated" and item.filename == "xl/worksheets/sheet2.xml":
                data = data[: len(data) // 2]
            copy.writestr(item, data)
    return target


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("no_structures", "n'a pas de feuille « Structures »"),
        ("headers", "n'a pas les colonnes attendues"),
        ("truncated", "illisible ou tronquée"),
    ],
)
def test_a_malformed_export_leaves_the_current_index_intact(
    tmp_path: Path,
    index: DirectoryStore,
    export: tuple[Path, ExportFacts],
    change: str,
    message: str,
) -> None:
    before = index.count()
    broken = _broken_copy(export[0], tmp_path / f"{change}.xlsx", change)
    with pytest.raises(DirectoryImportError) as caught:
        import_export(broken, index.path)
    assert message in caught.value.message
    index.forget_caches()
    assert index.count() == before
    assert not list(index.path.parent.glob(".annuaire-*"))


def test_not_an_xlsx_at_all(tmp_path: Path) -> None:
    text = tmp_path / "annuaire.csv"
    text.write_text("Identifiant;Raison sociale\n", encoding="utf-8")
    with pytest.raises(DirectoryImportError, match="n'est pas un classeur XLSX"):
        import_export(text, tmp_path / "a.sqlite3")


def test_online_lookup_wins_and_survives_a_reimport(
    tmp_path: Path, export: tuple[Path, ExportFacts]
) -> None:
    services = Services(resolve_paths(tmp_path / "data"))
    try:
        services.directory.import_export(export[0])
        pessac = siret_for(2, "2133")  # in the simulator, not in the export
        assert services.directory.by_siret(pessac) is None
        found = services.directory.lookup_online(pessac)  # demo mode: the embedded simulator
        assert found is not None
        structure, service_list = found
        assert structure.source == "api" and structure.service_required
        assert {s.code for s in service_list} >= {"SERV_TECH", "ENFANCE"}
        assert next(s for s in service_list if s.code == "ANCIEN_CCAS").active is False
        assert services.directory.search("pessac", 3)[0].siret == pessac
        services.directory.import_export(export[0])
        kept = services.directory.by_siret(pessac)
        assert kept is not None and kept.source == "api"
    finally:
        services.close()


def test_cli_import_and_search(
    export: tuple[Path, ExportFacts], bordereau_cmd: list[str], subprocess_env: dict[str, str]
) -> None:
    done = subprocess.run(
        [*bordereau_cmd, "directory", "import", str(export[0])],
        capture_output=True,
        text=True,
        env=subprocess_env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "structures et" in done.stdout
    done = subprocess.run(
        [*bordereau_cmd, "directory", "search", "11000201100044", "--json"],
        capture_output=True,
        text=True,
        env=subprocess_env,
        check=False,
    )
    rows = json.loads(done.stdout)
    assert rows[0]["siret"] == STATE_SIRET and rows[0]["exigences"] == "service_et_engagement"
    assert "MIN000" in rows[0]["services_actifs"]
