"""Smoke-test a frozen Bordereau on the machine that built it: Linux (the suite runs it on
every commit, ``tests/packaging``), Windows and macOS (the release workflow runs it on their
runners). It checks what a user meets first, with a fresh data folder and no test keyring:

- ``--version`` prints the version of pyproject.toml;
- ``prefill --json`` on a text PDF, on a scan (the bundled or installed Tesseract with its
  French data) and on a Factur-X file;
- a Factur-X deposit in demo mode (the bundled schema, the demo platform on loopback);
- ``gui --exit-when-ready`` offscreen, which creates the database at the latest migration;
- ``invoice new``: an invoice written in the app (layout, PDF/A-3, the official rules);
- ``account show`` names the keyring backend, or says clearly that there is none.

    python packaging/smoke.py PROGRAM            (e.g. build/dist/bordereau/bordereau.exe)

Run from the repository with the test dependencies installed: the sample invoices are made
by the suite's own generator. Prints one line per check; exits 1 at the first failure.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.db.migrate import SCHEMA_HEAD  # noqa: E402
from app.simulator.seed import siret_for  # noqa: E402
from tests.support.invoice_factory import write_fixtures  # noqa: E402

SAMPLES = ROOT / "tests" / "fixtures" / "corpus"
BREST = siret_for(4, "2129")  # in the demo directory; CULTURE is one of its services


class SmokeFailure(AssertionError):
    pass


def clean_environment(home: Path) -> dict[str, str]:
    """The frozen program knows nothing of the developer's Python or test keyring."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BORDEREAU_", "PYTHON", "KEYRING"))
    }
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(home))
    return env


def run(program: Path, *args: str, env: dict[str, str], timeout: int = 240) -> str:
    result = subprocess.run(
        [str(program), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        env=env,
    )
    if result.returncode != 0:
        raise SmokeFailure(f"{' '.join(args)} → code {result.returncode}\n{result.stderr[-3000:]}")
    return result.stdout


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise SmokeFailure(what)
    print(f"ok  {what}", flush=True)


def truth_of(pdf: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(pdf.with_suffix(".truth.json").read_text("utf-8"))
    return loaded


def smoke(program: Path, work: Path) -> None:
    env = clean_environment(work / "home")
    data = work / "donnees"
    version = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]

    def bordereau(*args: str, environment: dict[str, str] = env) -> str:
        return run(program, "--data-dir", str(data), *args, env=environment)

    expect(run(program, "--version", env=env).strip() == f"Bordereau {version}", "--version")

    text_pdf = SAMPLES / "inv_101_003.pdf"
    read = json.loads(bordereau("prefill", "--json", str(text_pdf)))
    expect(
        read["invoice_number"] == truth_of(text_pdf)["invoice_number"] and not read["scanned"],
        "prefill d'un PDF texte",
    )
    samples = write_fixtures(work / "factures", count=1, scans=1, facturx=1, seed=7)
    scan = next(path for path in samples if path.stem.endswith("_scan"))
    scanned = json.loads(bordereau("prefill", "--json", str(scan)))
    expect(
        scanned["scanned"] is True and scanned["total_ttc"] == truth_of(scan)["total_ttc"],
        "prefill d'un scan (Tesseract et le français)",
    )
    facturx = next(path for path in samples if path.stem.endswith("_facturx"))
    embedded = json.loads(bordereau("prefill", "--json", str(facturx)))
    expect(
        embedded["invoice_number"] == truth_of(facturx)["invoice_number"],
        "prefill d'un Factur-X",
    )

    deposited = json.loads(
        bordereau(
            "deposit",
            str(text_pdf),
            "--destinataire",
            BREST,
            "--code-service",
            "CULTURE",
            "--facturx",
            "--yes",
            "--json",
        )
    )
    expect(
        deposited["etat"] == "done" and bool(deposited["identifiant_facture_cpp"]),
        "dépôt Factur-X en démonstration",
    )

    expect(bordereau("gui", "--exit-when-ready").startswith("ready "), "fenêtre (offscreen)")
    databases = list(data.rglob("bordereau.sqlite3"))
    expect(len(databases) == 1, "base créée")
    with sqlite3.connect(databases[0]) as connection:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    expect(revision == (SCHEMA_HEAD,), f"base à la dernière migration ({SCHEMA_HEAD})")

    # an invoice written in the app: the page layout, the sRGB profile, the official rules
    from app.invoicing.storage import invoice_to_json
    from tests.support.written_invoices import written_invoice

    model = invoice_to_json(written_invoice(1))
    profile = work / "profil.json"
    profile.write_text(json.dumps(model.pop("seller")), "utf-8")
    for name in ("number", "issue_date", "delivery_date", "payment"):
        model.pop(name)
    described = work / "facture.json"
    described.write_text(json.dumps(model), "utf-8")
    bordereau("invoice", "profile", "--json", str(profile))
    written = json.loads(bordereau("invoice", "new", "--json", str(described), "--out", str(work)))
    pdf = Path(written["pdf"])
    expect(
        pdf.is_file() and pdf.read_bytes().startswith(b"%PDF") and bool(written["number"]),
        f"facture écrite {written['number']} (PDF/A-3 Factur-X)",
    )

    # the official rules (EN 16931, the reform's BR-FR) are in the bundle with their licence
    bundle = program.parent.parent if program.parent.name == "MacOS" else program.parent
    licences = [path for path in bundle.rglob("LICENSE") if path.parent.name == "rules"]
    rules = [path.name for path in bundle.rglob("*.xslt") if path.parent.parent.name == "rules"]
    expect(
        bool(licences)
        and "BR-FR-Flux2-Schematron-CII.xslt" in rules
        and "FACTUR-X_EN16931.xslt" in rules
        and "BR-FR-CDV-Schematron-CDAR.xslt" in rules,
        "règles officielles et leur licence dans le programme",
    )

    account = json.loads(bordereau("account", "show", "--json"))
    problem = account["keyring_problem"]
    expect(
        bool(account["keyring"]) and (problem is None or "trousseau" in problem),
        f"trousseau : {account['keyring']}",
    )


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    program = Path(argv[0]).resolve()
    with tempfile.TemporaryDirectory(prefix="bordereau-smoke-") as work:
        try:
            smoke(program, Path(work))
        except SmokeFailure as failure:
            print(f"ÉCHEC {failure}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
