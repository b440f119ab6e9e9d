"""The ``bordereau`` command line: the parser and every command but the window (which
``ui.main``, the program's entry, opens when no command is given)."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import io
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from app.domain.environments import Environment

if TYPE_CHECKING:
    from app.services import Services

T = TypeVar("T")
log = logging.getLogger("bordereau.cli")

SECRET_ENV = "BORDEREAU_CLIENT_SECRET"
PASSWORD_ENV = "BORDEREAU_TECHNICAL_PASSWORD"
SIMULATOR_ENV_PREFIX = "BORDEREAU_SIMULATEUR_"  # BORDEREAU_SIMULATEUR_CLIENT_SECRET, …

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNUSABLE = 2


class CliError(Exception):
    """A French message for stderr, and the exit code."""

    def __init__(self, message: str, code: int = EXIT_UNUSABLE) -> None:
        super().__init__(message)
        self.code = code


class VersionAction(argparse.Action):
    """« --version »: the version is read only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="afficher la version et quitter")

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_kwargs: Any) -> None:
        from app.version import get_version

        print(f"Bordereau {get_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bordereau",
        description="Bordereau : déposer et suivre vos factures Chorus Pro.",
    )
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="dossier de toutes les données (sinon $BORDEREAU_DATA_DIR ou les dossiers du système)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="base de données (sinon $BORDEREAU_DATABASE_URL ou SQLite dans le dossier de "
        "données) ; accepte postgresql+psycopg://…",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="journal détaillé sur la console"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE")

    gui = commands.add_parser("gui", help="ouvrir la fenêtre (par défaut)")
    gui.add_argument(
        "--exit-when-ready",
        action="store_true",
        help="afficher « ready <ms> » après le premier affichage puis quitter (tests de démarrage)",
    )
    gui.add_argument("files", nargs="*", type=Path, help="factures PDF à ouvrir dans Déposer")

    account = commands.add_parser("account", help="compte Chorus Pro").add_subparsers(
        dest="account_command", metavar="ACTION", required=True
    )
    show = account.add_parser("show", help="afficher le compte configuré (sans les secrets)")
    show.add_argument("--json", action="store_true")
    set_ = account.add_parser(
        "set",
        help="configurer le compte",
        description=f"Les secrets viennent d'une saisie masquée, ou de ${SECRET_ENV} et "
        f"${PASSWORD_ENV}, et vont dans le trousseau du système.",
    )
    set_.add_argument("--environment", required=True, choices=[e.value for e in Environment])
    set_.add_argument("--api-url")
    set_.add_argument("--token-url")
    set_.add_argument("--client-id")
    set_.add_argument("--login")
    set_.add_argument("--supplier-siret")
    set_.add_argument(
        "--iban", help="IBAN de votre structure (écrit dans un Factur-X par virement)"
    )
    set_.add_argument("--bic", help="BIC de votre banque")
    test = account.add_parser("test", help="tester la connexion (jeton, disponibilité, structure)")
    test.add_argument("--json", action="store_true")

    prefill = commands.add_parser(
        "prefill",
        help="lire une facture PDF et afficher les champs trouvés",
        description="Lit la facture (Factur-X, texte, ou reconnaissance de caractères) et "
        "affiche les champs trouvés. Code de sortie 0 si le fichier a pu être lu (même "
        "incomplet), 2 s'il ne peut pas l'être.",
    )
    prefill.add_argument("file", type=Path, help="la facture (PDF)")
    prefill.add_argument("--json", action="store_true", help="un objet JSON sur la sortie")

    deposit = commands.add_parser(
        "deposit",
        help="lire, vérifier et déposer une facture PDF sur Chorus Pro",
        description="Lit la facture, la vérifie, demande confirmation (sauf --yes) puis la "
        "dépose une seule fois. Code de sortie : 0 déposée, 1 refusée ou à corriger, 2 fichier "
        "illisible, 3 en attente d'envoi (Chorus Pro injoignable).",
    )
    deposit.add_argument("file", type=Path)
    deposit.add_argument("--destinataire", help="SIRET du destinataire (sinon celui lu)")
    deposit.add_argument("--code-service")
    deposit.add_argument("--engagement", help="numéro d'engagement / bon de commande")
    deposit.add_argument(
        "--facturx", action="store_true", help="déposer au format Factur-X (deposer/flux)"
    )
    deposit.add_argument("--yes", action="store_true", help="ne pas demander de confirmation")
    deposit.add_argument("--json", action="store_true")
    commands.add_parser("outbox", help="envoyer les factures en attente d'envoi")
    sync = commands.add_parser("sync", help="synchroniser avec Chorus Pro et dire ce qui a changé")
    sync.add_argument("--json", action="store_true")

    invoices = commands.add_parser("invoices", help="les factures de ce poste").add_subparsers(
        dest="invoices_command", required=True
    )
    listing = invoices.add_parser(
        "list", help="état courant, échéance de paiement et intérêts de retard"
    )
    listing.add_argument("--status", help="seulement cet état (code Chorus Pro, ex. SUSPENDUE)")
    output = listing.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true")
    output.add_argument("--csv", action="store_true", help="CSV pour LibreOffice / Excel")
    from app.invoicing.commands import add_invoice_commands
    from app.pa.commands import add_platform_commands
    from app.receiving.commands import add_received_commands

    add_invoice_commands(commands)
    add_platform_commands(commands)
    add_received_commands(commands)
    tickets = commands.add_parser(
        "tickets", help="les sollicitations préparées pour le portail Chorus Pro"
    ).add_subparsers(dest="tickets_command", required=True)
    ticket_list = tickets.add_parser("list", help="numéro du portail, statut, titre, facture")
    ticket_list.add_argument(
        "--view",
        choices=["actions_requises", "ouverts", "clotures"],
        help="comme sur le portail : actions requises, tous (sauf clôturés), clôturés",
    )
    ticket_list.add_argument("--search", default="", help="mots à chercher")
    ticket_list.add_argument("--json", action="store_true")
    directory = commands.add_parser(
        "directory", help="annuaire des structures publiques"
    ).add_subparsers(dest="directory_command", required=True)
    imported = directory.add_parser(
        "import", help="importer l'export complet de l'annuaire Chorus Pro (XLSX)"
    )
    imported.add_argument("file", type=Path)
    found = directory.add_parser("search", help="chercher une structure (nom, ville, CP, SIRET)")
    found.add_argument("query")
    found.add_argument("--limit", type=int, default=10)
    found.add_argument("--json", action="store_true")

    sim = commands.add_parser(
        "simulator",
        help="lancer un Chorus Pro simulé sur 127.0.0.1",
        description="Sert l'API Chorus Pro simulée jusqu'à l'arrêt (Ctrl+C) et affiche son "
        "adresse de base (le jeton est à <base>/api/oauth/token, l'administration à "
        "<base>/_simulateur/). Par défaut : client PISTE « bordereau-demo » / « demo-secret », "
        "compte technique « TECH_1_DEMO@cpro.fr » / « demo-password », structure fournisseur "
        "SIRET 81234567600017 ; état en mémoire.",
    )
    sim.add_argument("--port", type=int, default=0, help="port (0 : un port libre)")
    sim.add_argument("--seed", type=int, default=0, help="graine du comportement des acheteurs")
    sim.add_argument("--state", type=Path, default=None, help="fichier où garder l'état")
    sim.add_argument("--client-id")
    sim.add_argument(
        "--client-secret", help="(ou $BORDEREAU_SIMULATEUR_CLIENT_SECRET, invisible dans ps)"
    )
    sim.add_argument("--login")
    sim.add_argument("--password", help="(ou $BORDEREAU_SIMULATEUR_PASSWORD)")
    sim.add_argument("--supplier-siret")
    return parser


def _services(args: argparse.Namespace) -> Services:
    from app.paths import resolve_paths
    from app.services import Services

    paths = resolve_paths(args.data_dir)
    paths.ensure()
    from app.logging_setup import setup_logging

    setup_logging(paths.log_dir, stderr=args.verbose)
    return Services(paths, database_url=args.database_url)


def _ask(prompt: str, *, secret: bool) -> str:
    if not sys.stdin.isatty():
        return ""
    return getpass.getpass(prompt) if secret else input(prompt)


def cmd_account_show(args: argparse.Namespace) -> int:
    services = _services(args)
    status = services.account.status()
    data = {
        "environment": status.environment.value,
        "mode": status.effective.value,
        "mode_label": status.mode_label,
        "supplier_siret": status.supplier_siret,
        "iban": status.iban,
        "bic": status.bic,
        "client_id": status.client_id,
        "login": status.login,
        "secrets_stored": status.has_secrets,
        "keyring": status.keyring_description,
        "keyring_problem": status.keyring_problem,
        "api_url": status.api_url,
        "token_url": status.token_url,
    }
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"Environnement : {status.environment.label}")
    print(f"Mode utilisé  : {status.mode_label}")
    print(f"SIRET         : {status.supplier_siret or '—'}")
    print(f"Client PISTE  : {status.client_id or '—'}")
    print(f"Compte tech.  : {status.login or '—'}")
    stored = "enregistrés" if status.has_secrets else "absents"
    print(f"Secrets       : {stored} ({status.keyring_description})")
    if status.environment is Environment.CUSTOM:
        print(f"API           : {status.api_url or '—'}")
        print(f"Jeton         : {status.token_url or '—'}")
    if status.keyring_problem:
        print(f"\n{status.keyring_problem}")
    return EXIT_OK


def cmd_account_set(args: argparse.Namespace) -> int:
    from app.context import AccountInput
    from app.errors import BordereauError

    services = _services(args)
    environment = Environment(args.environment)
    if environment is Environment.DEMO:
        services.account.save(AccountInput(environment=environment, supplier_siret=""))
        print("Mode démonstration : rien n'est envoyé à Chorus Pro.")
        return EXIT_OK
    problem = services.context.credentials.backend_problem()
    if problem:
        raise CliError(problem)
    existing = services.context.credentials.load(environment)
    client_id = (
        args.client_id
        or (existing.client_id if existing else "")
        or _ask("Identifiant client PISTE (client_id) : ", secret=False)
    )
    login = (
        args.login
        or (existing.login if existing else "")
        or _ask("Login du compte technique : ", secret=False)
    )
    secret = (
        os.environ.get(SECRET_ENV)
        or _ask("Secret client PISTE (masqué) : ", secret=True)
        or (existing.client_secret if existing else "")
    )
    password = (
        os.environ.get(PASSWORD_ENV)
        or _ask("Mot de passe du compte technique (masqué) : ", secret=True)
        or (existing.password if existing else "")
    )
    account = AccountInput(
        environment=environment,
        supplier_siret=args.supplier_siret or services.context.settings.supplier_siret or "",
        iban=args.iban or services.context.settings.supplier_iban or "",
        bic=args.bic or services.context.settings.supplier_bic or "",
        client_id=client_id,
        client_secret=secret,
        login=login,
        password=password,
        api_url=args.api_url or services.context.settings.api_url,
        token_url=args.token_url or services.context.settings.token_url,
    )
    try:
        services.account.save(account)
    except BordereauError as exc:
        raise CliError(exc.message) from exc
    where = services.context.credentials.backend_description()
    print(f"Compte enregistré ({environment.label}) ; secrets dans le {where}.")
    return EXIT_OK


def cmd_account_test(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        report = services.account.test_connection(
            progress=None if args.json else (lambda m: print(m, file=sys.stderr))
        )
    finally:
        services.close()
    if args.json:
        print(
            json.dumps(
                {
                    "ok": report.ok,
                    "checks": [
                        {"name": c.name, "ok": c.ok, "message": c.message} for c in report.checks
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for check in report.checks:
            print(f"{'✔' if check.ok else '✘'} {check.name} : {check.message}")
        print("Connexion réussie." if report.ok else "La connexion a échoué.")
    return EXIT_OK if report.ok else EXIT_FAILED


FIELD_LABELS = {
    "invoice_number": "Numéro de facture",
    "issue_date": "Date",
    "invoice_type": "Type",
    "seller_siret": "SIRET vendeur",
    "seller_vat": "TVA intracommunautaire",
    "buyer_siret": "SIRET destinataire",
    "order_reference": "Engagement / commande",
    "total_ht": "Total HT",
    "total_tva": "Total TVA",
    "total_ttc": "Total TTC",
    "amount_due": "Net à payer",
    "currency": "Devise",
}


def cmd_prefill(args: argparse.Namespace) -> int:
    from app.errors import BordereauError

    services = _services(args)
    try:
        result = services.deposit.prefill(args.file)
    except BordereauError as exc:
        raise CliError(exc.message) from exc
    finally:
        services.close()
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        return EXIT_OK
    for name, label in FIELD_LABELS.items():
        found = result.fields.get(name)
        value = found.value if found and found.value is not None else "—"
        detail = f"  ({found.source}, {found.confidence:.0%})" if found and found.source else ""
        print(f"{label:<24} {value}{detail}")
    for warning in result.all_warnings():
        print(f"⚠ {warning}")
    return EXIT_OK


def _progress_bar(fraction: float, message: str) -> None:
    width = 30
    filled = int(width * fraction)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {fraction:4.0%} {message:<40}")
    sys.stderr.flush()


def cmd_directory_import(args: argparse.Namespace) -> int:
    from app.errors import BordereauError

    services = _services(args)
    try:
        report = services.directory.import_export(
            args.file, progress=_progress_bar if sys.stderr.isatty() else None
        )
    except BordereauError as exc:
        raise CliError(exc.message) from exc
    finally:
        services.close()
        if sys.stderr.isatty():
            sys.stderr.write("\n")
    for line in report.lines():
        print(line)
    return EXIT_OK


def cmd_directory_search(args: argparse.Namespace) -> int:
    from app.directory.rules import structure_requirement

    services = _services(args)
    try:
        found = services.directory.search(args.query, args.limit)
        rows = [
            {
                "siret": item.siret,
                "raison_sociale": item.name,
                "code_postal": item.postal_code,
                "ville": item.city,
                "active": item.active,
                "exigences": structure_requirement(item.flags).value,
                "services_actifs": [
                    service.code
                    for service in services.directory.services(item.siret, active_only=True)
                ],
            }
            for item in found
        ]
    finally:
        services.close()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        print("Aucune structure trouvée.")
    else:
        for row in rows:
            state = "" if row["active"] else " (inactive)"
            print(
                f"{row['siret']}  {row['raison_sociale']}{state} — {row['code_postal'] or ''} "
                f"{row['ville'] or ''} — {row['exigences']}"
            )
    return EXIT_OK


EXIT_WAITING = 3


def _outcome_json(outcome: object) -> dict[str, object]:
    from app.deposit.outbox import DepositOutcome

    assert isinstance(outcome, DepositOutcome)
    return {
        "invoice_id": outcome.invoice_id,
        "etat": outcome.state,
        "identifiant_facture_cpp": outcome.chorus_invoice_id,
        "date_depot": outcome.deposit_date.isoformat() if outcome.deposit_date else None,
        "message": outcome.message,
    }


def cmd_invoices_list(args: argparse.Namespace) -> int:
    from app.domain.money import format_eur
    from app.invoices.listing import write_csv

    services = _services(args)
    try:
        services.context.open_database()
        invoices = services.invoices.summaries(args.status)
    finally:
        services.close()
    if args.csv:
        stdout = sys.stdout
        if isinstance(stdout, io.TextIOWrapper):  # the CSV has its own line ends, in UTF-8
            stdout.reconfigure(encoding="utf-8", newline="")
        write_csv(invoices, stdout)
        return EXIT_OK
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "numero": item.number,
                        "destinataire": item.recipient_name,
                        "siret_destinataire": item.recipient_siret,
                        "canal": item.channel,
                        "identifiant_flux": item.pa_flow_id,
                        "identifiant_facture_cpp": item.chorus_invoice_id,
                        "etat": item.status,
                        "libelle_etat": item.status_label,
                        "date_depot": item.deposit_date.isoformat() if item.deposit_date else None,
                        "montant_ttc": str(item.total_ttc),
                        "echeance": item.schedule.due_on.isoformat()
                        if item.schedule.due_on
                        else None,
                        "jours_de_retard": item.schedule.days_late,
                        "interets_moratoires": str(item.schedule.interest),
                        "indemnite_forfaitaire": str(item.schedule.indemnity),
                    }
                    for item in invoices
                ],
                ensure_ascii=False,
            )
        )
        return EXIT_OK
    if not invoices:
        print("Aucune facture.")
    for item in invoices:
        line = f"{item.number:<20} {item.status_label:<32} {format_eur(item.total_ttc):>14}"
        if item.schedule.due_on:
            line += f"  échéance {item.schedule.due_on.strftime('%d/%m/%Y')}"
        if item.schedule.days_late:
            line += (
                f"  {item.schedule.days_late} j de retard : "
                f"{format_eur(item.schedule.owed)} dus (intérêts + 40 €)"
            )
        print(f"{line}  {item.recipient_name}")
    return EXIT_OK


def cmd_tickets_list(args: argparse.Namespace) -> int:
    from app.errors import BordereauError
    from app.tickets.catalogue import TicketView

    services = _services(args)
    try:
        services.context.open_database()
        rows = services.tickets.rows(TicketView(args.view) if args.view else None, args.search)
    except BordereauError as exc:
        raise CliError(exc.message, EXIT_FAILED) from exc
    finally:
        services.close()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": row.id,
                        "portal_number": row.portal_number,
                        "status": row.status,
                        "status_label": row.status_label,
                        "title": row.title,
                        "category": row.category,
                        "subcategory": row.subcategory,
                        "object_type": row.object_type,
                        "object_number": row.object_number,
                        "recipient_siret": row.recipient_siret,
                        "recipient_name": row.recipient_name,
                        "created_at": row.created_at.isoformat(),
                        "updated_at": row.updated_at.isoformat(),
                    }
                    for row in rows
                ],
                ensure_ascii=False,
            )
        )
        return EXIT_OK
    if not rows:
        print("Aucune sollicitation.")
    for row in rows:
        print(
            f"{row.portal_number or '(non créée)':<16} {row.status_label:<26} "
            f"{row.updated_at.astimezone():%d/%m/%Y}  {row.title}"
        )
    return EXIT_OK


def _platform_call(args: argparse.Namespace, call: Callable[[Services], T]) -> T:
    """One exchange with Chorus Pro; a refusal or an absent platform exits with
    EXIT_WAITING and its French message."""
    from app.errors import BordereauError

    services = _services(args)
    try:
        return call(services)
    except BordereauError as exc:
        raise CliError(exc.message, EXIT_WAITING) from exc
    finally:
        services.close()


def cmd_sync(args: argparse.Namespace) -> int:
    from app.domain.statuses import status_label

    report = _platform_call(args, lambda services: services.sync.run())
    if args.json:
        print(
            json.dumps(
                {
                    "depuis": report.since.isoformat() if report.since else None,
                    "factures_lues": report.seen,
                    "importees": report.imported,
                    "changements": [
                        {
                            "numero": change.number,
                            "destinataire": change.recipient,
                            "canal": change.channel,
                            "avant": change.previous,
                            "apres": change.current,
                            "libelle": status_label(change.current),
                        }
                        for change in report.changes
                    ],
                    "plateforme_erreur": report.platform_error,
                    "factures_recues_nouvelles": report.received_new,
                },
                ensure_ascii=False,
            )
        )
        return EXIT_OK
    if report.platform_error:
        print(f"Plateforme agréée non lue : {report.platform_error}", file=sys.stderr)
    if not report.changes:
        print("Rien n'a changé sur Chorus Pro ni sur la plateforme agréée.")
    for change in report.changes:
        before = status_label(change.previous) if change.previous else "importée du portail"
        print(f"{change.number} ({change.recipient}) : {before} → {status_label(change.current)}")
    if report.received_new:
        print(
            f"{report.received_new} nouvelle(s) facture(s) de fournisseurs reçue(s) : "
            "« bordereau received list »."
        )
    return EXIT_OK


def cmd_outbox(args: argparse.Namespace) -> int:
    outcomes = _platform_call(
        args,
        lambda services: services.deposit.resume_outbox() + services.platform.resume_outbox(),
    )
    print(json.dumps([_outcome_json(o) for o in outcomes], ensure_ascii=False))
    for outcome in outcomes:
        if outcome.state == "blocked":
            print(f"bordereau : {outcome.message}", file=sys.stderr)
    if any(o.state == "waiting" for o in outcomes):
        return EXIT_WAITING
    return EXIT_FAILED if any(o.state == "blocked" for o in outcomes) else EXIT_OK


def cmd_deposit(args: argparse.Namespace) -> int:
    from app.deposit.checks import blocking
    from app.errors import BordereauError

    services = _services(args)
    try:
        try:
            services.deposit.resume_outbox()  # what a killed run left in doubt goes first
        except BordereauError as exc:  # the platform is away: this invoice queues too
            log.info("Envoi des factures en attente remis à plus tard : %s", exc.message)
        try:
            prepared = services.deposit.prepare_from_pdf(
                args.file,
                recipient_siret=args.destinataire,
                code_service=args.code_service,
                engagement=args.engagement,
                online=True,
            )
        except BordereauError as exc:
            raise CliError(exc.message) from exc
        invoice, issues = prepared.invoice, prepared.issues
        problems = blocking(issues)
        if problems:
            if args.json:
                print(
                    json.dumps(
                        {
                            "etat": "a_corriger",
                            "problemes": [
                                {"champ": i.field, "message": i.message} for i in problems
                            ],
                        },
                        ensure_ascii=False,
                    )
                )
            else:
                for issue in problems:
                    print(f"✘ {issue.message}")
            return EXIT_FAILED
        if not args.json:
            for issue in issues:
                print(f"⚠ {issue.message}")
        if not args.yes:
            totals = invoice.totals
            print(
                f"Facture {invoice.number} du {invoice.issue_date} → {invoice.recipient.siret} "
                f"{prepared.recipient.name if prepared.recipient else ''}\n"
                f"HT {totals.total_ht} · TVA {totals.total_tva} · TTC {totals.total_ttc} · "
                f"net à payer {totals.amount_due} {invoice.references.currency}"
            )
            if _ask("Envoyer cette facture à Chorus Pro ? [o/N] ", secret=False).lower() not in (
                "o",
                "oui",
                "y",
                "yes",
            ):
                print("Rien n'a été envoyé.")
                return EXIT_FAILED
        try:
            outcome = services.deposit.submit(invoice, facturx=args.facturx)  # its PDF is kept
        except BordereauError as exc:
            raise CliError(exc.message, EXIT_WAITING) from exc
    finally:
        services.close()
    if args.json:
        print(json.dumps(_outcome_json(outcome), ensure_ascii=False))
    elif outcome.state == "done":
        print(
            f"Facture déposée : identifiant Chorus Pro {outcome.chorus_invoice_id}, "
            f"le {outcome.deposit_date}. {outcome.message}".strip()
        )
    elif outcome.state == "waiting":
        print(f"En attente d'envoi : {outcome.message}")
    else:
        print(f"Refusée par Chorus Pro : {outcome.message}")
    return {"done": EXIT_OK, "waiting": EXIT_WAITING}.get(outcome.state, EXIT_FAILED)


def cmd_simulator(args: argparse.Namespace) -> int:
    from app.simulator.server import Simulator, SimulatorConfig

    config = SimulatorConfig(seed=args.seed, state_file=args.state)
    for name in ("client_id", "client_secret", "login", "password", "supplier_siret"):
        # Secrets from the environment too: a command line is visible to everyone in « ps ».
        value = getattr(args, name) or os.environ.get(SIMULATOR_ENV_PREFIX + name.upper())
        if value:
            setattr(config, name, value)
    simulator = Simulator(config, port=args.port)
    print(simulator.base_url, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        simulator.serve_forever()
    return EXIT_OK


# Opens the window: given by the program's entry (``ui.main``), since the core never names
# the UI. ``python -m app`` has the command line only.
WindowOpener = Callable[[argparse.Namespace], int]


def _no_window(_args: argparse.Namespace) -> int:
    raise CliError(
        "Cette commande ouvre la fenêtre : lancez « bordereau » (ou « python -m ui »), "
        "pas « python -m app »."
    )


COMMANDS = (
    "gui",
    "simulator",
    "prefill",
    "deposit",
    "outbox",
    "sync",
    "invoices",
    "invoice",
    "backup",
    "pa",
    "received",
    "tickets",
    "directory",
    "account",
)


def route_bare_files(argv: Sequence[str], commands: Sequence[str]) -> list[str]:
    """``bordereau facture.pdf`` (and « Ouvrir avec Bordereau ») means ``bordereau gui
    facture.pdf``: the first PDF before any command opens the window."""
    routed = list(argv)
    for index, token in enumerate(routed):
        if token in commands:
            return routed
        if not token.startswith("-") and token.lower().endswith(".pdf"):
            routed.insert(index, "gui")
            return routed
    return routed


def main(argv: Sequence[str] | None = None, *, open_window: WindowOpener | None = None) -> int:
    """Run one command; with none (or ``gui``), ``open_window`` opens the window."""
    import multiprocessing

    multiprocessing.freeze_support()
    parser = build_parser()
    args = parser.parse_args(route_bare_files(sys.argv[1:] if argv is None else argv, COMMANDS))
    window = open_window or _no_window
    handlers = {
        None: window,
        "gui": window,
        "simulator": cmd_simulator,
        "prefill": cmd_prefill,
        "deposit": cmd_deposit,
        "outbox": cmd_outbox,
        "sync": cmd_sync,
    }
    try:
        if args.command == "directory":
            return {"import": cmd_directory_import, "search": cmd_directory_search}[
                args.directory_command
            ](args)
        if args.command == "invoices":
            return {"list": cmd_invoices_list}[args.invoices_command](args)
        if args.command == "pa":
            from app.pa import commands as platform_commands

            return platform_commands.run(args, _services(args))
        if args.command == "received":
            from app.receiving import commands as received_commands

            return received_commands.run(args, _services(args))
        if args.command in ("invoice", "backup"):
            from app.invoicing import commands as invoice_commands

            return invoice_commands.run(args, _services(args))
        if args.command == "tickets":
            return {"list": cmd_tickets_list}[args.tickets_command](args)
        if args.command == "account":
            return {
                "show": cmd_account_show,
                "set": cmd_account_set,
                "test": cmd_account_test,
            }[args.account_command](args)
        return handlers[args.command](args)
    except CliError as exc:
        print(f"bordereau : {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a French message, and a report for what was not foreseen
        from app.errors import BordereauError

        if isinstance(exc, BordereauError):  # foreseen: its message says it all
            print(f"bordereau : {exc.message}", file=sys.stderr)
            return EXIT_UNUSABLE
        return _unexpected(args, exc)


EXIT_CRASH = 70


def _unexpected(args: argparse.Namespace, exc: Exception) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from app.crash import format_crash_report, write_crash_report
    from app.paths import resolve_paths

    report = format_crash_report(type(exc), exc, exc.__traceback__)
    path = write_crash_report(report, resolve_paths(args.data_dir).crash_dir)
    log.error("Erreur inattendue :\n%s", report)
    if isinstance(exc, SQLAlchemyError):
        from app.db.errors import database_error
        from app.paths import resolve_database_url

        url = resolve_database_url(args.database_url, resolve_paths(args.data_dir))
        message = database_error(exc, url).message
    else:
        message = "Bordereau a rencontré une erreur inattendue."
    where = f" Rapport d'erreur : {path}" if path else ""
    print(f"bordereau : {message}{where}", file=sys.stderr)
    return EXIT_CRASH


if __name__ == "__main__":
    sys.exit(main())
