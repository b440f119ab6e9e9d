"""« bordereau received … »: the suppliers' invoices received through the Plateforme Agréée —
list (after looking for new ones), show, answer (approve, refuse, dispute, paid), export."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain.money import format_amount
from app.errors import BordereauError, ValidationProblem
from app.invoicing.commands import parse_date

if TYPE_CHECKING:
    from app.services import Services

EXIT_FAILED = 3
ACTIONS = ("approve", "refuse", "dispute", "paid")


def add_received_commands(commands: Any) -> None:
    received = commands.add_parser(
        "received", help="les factures de vos fournisseurs reçues par la plateforme agréée"
    ).add_subparsers(dest="received_command", required=True)
    listing = received.add_parser(
        "list", help="relève les nouvelles factures reçues, puis les liste"
    )
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--offline", action="store_true", help="sans interroger la plateforme")
    shown = received.add_parser("show", help="une facture reçue, lue et vérifiée")
    shown.add_argument("id", help="numéro dans la liste, numéro de facture ou identifiant du flux")
    shown.add_argument("--json", action="store_true")
    shown.add_argument("--original", type=Path, help="enregistrer le fichier d'origine ici")
    for action, said in zip(
        ACTIONS,
        (
            "approuver la facture",
            "refuser la facture (--reason obligatoire)",
            "mettre la facture en litige (--reason obligatoire)",
            "dire que le paiement est parti",
        ),
        strict=True,
    ):
        answered = received.add_parser(action, help=said)
        answered.add_argument("id")
        answered.add_argument("--reason", help="code motif de la norme, ex. TX_TVA_ERR, DOUBLON")
        answered.add_argument("--comment", help="un commentaire pour le fournisseur")
        answered.add_argument("--json", action="store_true")
        if action == "paid":
            answered.add_argument("--date", help="jour du paiement (AAAA-MM-JJ), aujourd'hui sinon")
    exported = received.add_parser(
        "export", help="CSV et XLSX pour le comptable, et les fichiers d'origine"
    )
    exported.add_argument("--year", type=int, default=date.today().year)
    exported.add_argument("--out", type=Path, required=True)


def _print(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def run(args: argparse.Namespace, services: Services) -> int:
    from app.cli import CliError

    try:
        command = args.received_command
        if command == "list":
            return _list(args, services)
        if command == "show":
            return _show(args, services)
        if command == "export":
            result = services.received.export(args.year, args.out)
            print(
                f"{result.invoices} facture(s) reçue(s) en {args.year} : {result.csv}, "
                f"{result.xlsx} ; fichiers d'origine dans {result.originals}."
            )
            return 0
        received_id = _find(args, services)
        sent = services.received.answer(
            received_id,
            command,
            reason=args.reason,
            comment=args.comment,
            paid_on=parse_date(args.date) if getattr(args, "date", None) else None,
            progress=lambda message: print(message, file=sys.stderr),
        )
        if args.json:
            _print(sent.as_json())
        else:
            print(sent.message)
        return 0 if sent.state in ("done", "waiting") else EXIT_FAILED
    except ValidationProblem as exc:
        raise CliError(exc.message, EXIT_FAILED) from exc
    except BordereauError as exc:
        raise CliError(exc.message) from exc
    finally:
        services.close()


def _find(args: argparse.Namespace, services: Services) -> int:
    try:
        return services.received.find(args.id)
    except ValidationProblem:
        _fetch_quietly(services)  # it may have arrived since the last look
        return services.received.find(args.id)


def _fetch_quietly(services: Services) -> str | None:
    try:
        services.received.fetch()
    except BordereauError as exc:
        print(f"Plateforme non relevée : {exc.message}", file=sys.stderr)
        return exc.message
    return None


def _list(args: argparse.Namespace, services: Services) -> int:
    problem = None if args.offline else _fetch_quietly(services)
    rows = services.received.rows()
    if args.json:
        _print({"factures": rows, "plateforme_erreur": problem})
        return 0
    if not rows:
        print("Aucune facture reçue.")
        return 0
    for row in rows:
        amount = row["net_a_payer"] or row["total_ttc"]
        shown = f"{format_amount(_decimal(amount))} {row['devise'] or ''}" if amount else "—"
        alert = "  ⚠ " + row["alertes"][0]["message"][:60] if row["alertes"] else ""
        print(
            f"{row['id']:>4}  {row['date'] or '':10}  {(row['fournisseur'] or '?')[:28]:28}  "
            f"{(row['numero'] or '?')[:18]:18}  {shown:>16}  {row['libelle']}{alert}"
        )
    return 0


def _decimal(text: str) -> Any:
    from decimal import Decimal

    return Decimal(text)


def _show(args: argparse.Namespace, services: Services) -> int:
    received_id = _find(args, services)
    detail = services.received.detail(received_id)
    if args.original:
        name, content = services.received.original(received_id)
        target = args.original / name if args.original.is_dir() else args.original
        target.write_bytes(content)
        print(f"Fichier d'origine enregistré : {target}", file=sys.stderr)
    if args.json:
        _print(detail.as_json())
        return 0
    summary = detail.summary
    print(f"{summary['type'].capitalize()} {summary['numero']} de {summary['fournisseur']}")
    print(f"  du {summary['date']}, échéance {summary['echeance'] or '—'}")
    print(
        f"  HT {summary['total_ht']}  TVA {summary['total_tva']}  TTC {summary['total_ttc']}  "
        f"net à payer {summary['net_a_payer']} {summary['devise'] or ''}"
    )
    print(f"  statut : {summary['libelle']}")
    for finding in detail.findings:
        print(f"  [{finding['severity']}] {finding['message']}")
    if detail.read_error:
        print(f"  illisible : {detail.read_error}")
    return 0
