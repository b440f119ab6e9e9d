"""« bordereau invoice … » and « bordereau backup … »: write, correct, list and give back
invoices, and the database's backups, from the command line (accountants and tests). The
invoice commands print JSON on stdout.

Exit codes: 0 done; 2 unusable (database refused, damaged…); 3 refused (a mention, a rule,
a number that is not issued); 4 issued, but its PDF could not be written where asked — the
invoice is issued all the same, « invoice pdf » gives its PDF."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import BordereauError, ValidationProblem

if TYPE_CHECKING:
    from app.invoicing.storage import IssuedInvoice, IssuedListing
    from app.services import Services

EXIT_FAILED = 3
EXIT_ISSUED_WITHOUT_PDF = 4


def add_invoice_commands(commands: Any) -> None:
    """The « invoice » and « backup » sub-commands, on the main parser's ``commands``."""
    invoice = commands.add_parser(
        "invoice", help="écrire une facture (PDF/A-3 Factur-X EN 16931)"
    ).add_subparsers(dest="invoice_command", required=True)
    written = invoice.add_parser(
        "new",
        help="émettre une facture décrite en JSON (client, lignes, régime de TVA) ; écrit le "
        "PDF et affiche son numéro",
    )
    written.add_argument("--json", type=Path, required=True, dest="json_file", metavar="FICHIER")
    written.add_argument("--out", type=Path, default=Path.cwd(), help="dossier du PDF")
    credit = invoice.add_parser("credit", help="émettre un avoir pour une facture émise")
    credit.add_argument("number", help="le numéro de la facture, ex. 2027-0042")
    credit.add_argument(
        "--lines",
        help="avoir partiel : des lignes entières (1,3), une quantité (2:1.5) ou un montant HT "
        "(4:=120.50) ; séparez par « ; » quand vous écrivez des décimales avec une virgule",
    )
    credit.add_argument("--out", type=Path, default=Path.cwd(), help="dossier du PDF")
    listing = invoice.add_parser(
        "list", help="les factures et avoirs émis : numéro, date, client, totaux, empreinte"
    )
    listing.add_argument("--year", type=int, help="seulement cette année, ex. 2027")
    listing.add_argument("--json", action="store_true")
    again = invoice.add_parser(
        "pdf", help="le PDF d'une facture émise, à l'identique (même empreinte sha256)"
    )
    again.add_argument("number", help="le numéro de la facture, ex. 2027-0042")
    again.add_argument("--out", type=Path, default=Path.cwd(), help="dossier du PDF")
    sent = invoice.add_parser(
        "deposit", help="déposer une facture émise (client public) sur Chorus Pro, en Factur-X"
    )
    sent.add_argument("number", help="le numéro de la facture, ex. 2027-0042")
    routed = invoice.add_parser(
        "send",
        help="envoyer une facture émise : Chorus Pro (client public) ou votre plateforme "
        "agréée (entreprise)",
    )
    routed.add_argument("number", help="le numéro de la facture, ex. 2027-0042")
    routed.add_argument("--json", action="store_true")
    paid = invoice.add_parser(
        "paid", help="déclarer une facture encaissée (statut « Encaissée » à la plateforme)"
    )
    paid.add_argument("number", help="le numéro de la facture, ex. 2027-0042")
    paid.add_argument("--date", help="date de l'encaissement, AAAA-MM-JJ (aujourd'hui sinon)")
    paid.add_argument("--json", action="store_true")
    profile = invoice.add_parser(
        "profile", help="votre identité de vendeur (nom, SIRET, adresse, immatriculation, IBAN)"
    )
    profile.add_argument("--json", type=Path, dest="json_file", metavar="FICHIER")

    backup = commands.add_parser(
        "backup", help="les sauvegardes de la base de données"
    ).add_subparsers(dest="backup_command", required=True)
    backup.add_parser("list", help="les sauvegardes, la plus récente d'abord").add_argument(
        "--json", action="store_true"
    )
    backup.add_parser("now", help="faire une sauvegarde maintenant")
    folder = backup.add_parser(
        "folder", help="le dossier des sauvegardes automatiques (le changer : DOSSIER)"
    )
    folder.add_argument("dir", type=Path, nargs="?", metavar="DOSSIER")
    restore = backup.add_parser(
        "restore",
        help="remettre une sauvegarde en place (la plus récente par défaut) ; les factures "
        "émises depuis sont reprises des archives",
    )
    restore.add_argument("file", type=Path, nargs="?", help="la sauvegarde (voir backup list)")
    restore.add_argument(
        "--archives-only",
        action="store_true",
        help="sans sauvegarde : reconstruire les factures émises depuis les archives seules",
    )


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise ValidationProblem(f"Impossible de lire {path} : {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ValidationProblem(f"{path} n'est pas un texte UTF-8.") from exc
    except json.JSONDecodeError as exc:
        raise ValidationProblem(
            f"{path} n'est pas du JSON valide (ligne {exc.lineno}, colonne {exc.colno})."
        ) from exc
    if not isinstance(data, dict):
        raise ValidationProblem(f"{path} doit décrire une facture (un objet JSON).")
    return data


def _print(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _issued_json(issued: IssuedInvoice, pdf: Path | None) -> dict[str, Any]:
    from app.invoicing.totals import totals_of

    totals = totals_of(issued.invoice)
    return {
        "number": issued.invoice.number,
        "type": issued.invoice.document_type.value,
        "pdf": str(pdf) if pdf else None,
        "pdf_sha256": issued.pdf_sha256,
        "total_ht": str(totals.basis),
        "total_ttc": str(totals.grand_total),
        "due": str(totals.due),
        "problems": list(issued.problems),
        "warnings": list(issued.warnings),
    }


def listing_json(item: IssuedListing) -> dict[str, Any]:
    return {
        "number": item.number,
        "type": item.document_type,
        "kind": "avoir" if item.document_type == "381" else "facture",
        "date": item.issue_date.isoformat(),
        "customer": item.customer_name,
        "customer_id": item.customer_identifier,
        "total_ht": str(item.total_ht),
        "total_tva": str(item.total_vat),
        "total_ttc": str(item.total_ttc),
        "due": str(item.due),
        "pdf_sha256": item.pdf_sha256,
        "credited_invoice": item.credited_number,
        "pdf_exported": item.exported,
        "archived": item.archived,
        "deposited": item.deposited,
        "issued_at": item.issued_at.isoformat() if item.issued_at else None,
    }


def _handed_out(services: Services, issued: IssuedInvoice, folder: Path) -> int:
    """Print the issued invoice; its PDF in ``folder`` if it can be written there."""
    from app.invoicing.export import PdfNotWritten

    for problem in (*issued.warnings, *issued.problems):
        print(f"bordereau : {problem}", file=sys.stderr)
    try:
        pdf = services.invoicing.write_pdf(issued, folder)
    except PdfNotWritten as exc:
        data = _issued_json(issued, None)
        data["pdf_error"] = exc.message
        _print(data)
        print(f"bordereau : {exc.message}", file=sys.stderr)
        return EXIT_ISSUED_WITHOUT_PDF
    _print(_issued_json(issued, pdf))
    return 0


def run(args: argparse.Namespace, services: Services) -> int:
    from app.cli import CliError
    from app.db.integrity import DatabaseDamagedError

    try:
        if args.command == "backup":
            return _backup(args, services)
        try:
            services.context.open_database()
        except DatabaseDamagedError as exc:
            if args.invoice_command not in ("list", "pdf"):
                raise
            print(
                f"bordereau : {exc.message} Les factures émises sont lues dans leurs archives.",
                file=sys.stderr,
            )
            return _from_archive(args, services)
        if services.context.database_damage:
            print(f"bordereau : {services.context.database_damage}", file=sys.stderr)
        return _invoice(args, services)
    except DatabaseDamagedError as exc:
        raise CliError(exc.message) from exc
    except ValidationProblem as exc:
        raise CliError(exc.message, EXIT_FAILED) from exc
    except BordereauError as exc:
        raise CliError(exc.message) from exc
    finally:
        services.close()


def _invoice(args: argparse.Namespace, services: Services) -> int:
    invoicing = services.invoicing
    command = args.invoice_command
    if command == "profile":
        return _profile(args, services)
    if command == "deposit":
        outcome = invoicing.send_to_chorus(args.number)
        _print(
            {
                "number": args.number,
                "etat": outcome.state,
                "identifiant_facture_cpp": outcome.chorus_invoice_id,
                "message": outcome.message,
            }
        )
        return 0 if outcome.state in ("done", "waiting") else EXIT_FAILED
    if command == "send":
        return _send(args, services)
    if command == "paid":
        return _paid(args, services)
    if command == "list":
        return _list(args, services)
    if command == "pdf":
        return _handed_out(services, invoicing.issued(args.number), args.out)
    if command == "new":
        issued = invoicing.write_new(invoicing.from_json(_read_json(args.json_file)))
    else:
        from app.invoicing.credits import parse_parts

        parts = parse_parts(args.lines) if args.lines else None
        issued = invoicing.credit_note(args.number, parts=parts)
    return _handed_out(services, issued, args.out)


CHANNELS = {"chorus": "Chorus Pro", "pa": "la plateforme agréée"}


def _send(args: argparse.Namespace, services: Services) -> int:
    from dataclasses import asdict

    from app.domain.statuses import status_label

    result = services.invoicing.send(args.number)
    status = services.invoices.summary(result.invoice_id).status
    data = {**asdict(result), "status": status, "status_label": status_label(status)}
    if args.json:
        _print(data)
    else:
        where = CHANNELS[result.channel]
        said = {
            "done": f"Facture {result.number} envoyée à {where} : {status_label(status)}.",
            "waiting": f"Facture {result.number} en attente d'envoi vers {where} : "
            f"{result.message}",
        }.get(result.state, result.message)
        print(said)
    return 0 if result.state in ("done", "waiting") else EXIT_FAILED


def _paid(args: argparse.Namespace, services: Services) -> int:
    from dataclasses import asdict

    paid_on = parse_date(args.date) if args.date else None
    result = services.platform.record_paid(args.number, paid_on)
    if args.json:
        _print(asdict(result))
    else:
        print(result.message)
    return 0 if result.state in ("done", "waiting") else EXIT_FAILED


def parse_date(text: str) -> date:
    """A day given on the command line (AAAA-MM-JJ), or a French error."""
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationProblem(
            f"Date illisible : « {text} » (attendu AAAA-MM-JJ, ex. 2027-10-15)."
        ) from exc


def _from_archive(args: argparse.Namespace, services: Services) -> int:
    """« invoice list » and « invoice pdf » when the database cannot be read at all."""
    if args.invoice_command == "pdf":
        return _handed_out(services, services.invoicing.archived(args.number), args.out)
    return _show(args, services.invoicing.archived_list(args.year))


def _list(args: argparse.Namespace, services: Services) -> int:
    return _show(args, services.invoicing.issued_list(args.year))


def _show(args: argparse.Namespace, listed: list[IssuedListing]) -> int:
    from app.domain.money import format_eur

    if args.json:
        _print([listing_json(item) for item in listed])
        return 0
    if not listed:
        print("Aucune facture émise.")
    for item in listed:
        kind = "Avoir  " if item.document_type == "381" else "Facture"
        credited = f" (sur {item.credited_number})" if item.credited_number else ""
        copy = "" if item.exported else "  [PDF jamais enregistré : invoice pdf]"
        print(
            f"{kind} {item.number}  {item.issue_date:%d/%m/%Y}  {item.customer_name[:40]:<40}  "
            f"{format_eur(item.total_ttc):>14}{credited}{copy}"
        )
    return 0


def _profile(args: argparse.Namespace, services: Services) -> int:
    from app.invoicing.json_form import from_json, to_json
    from app.invoicing.model import Seller

    if args.json_file:
        seller = from_json(Seller, _read_json(args.json_file), "Profil")
        services.invoicing.save_seller_profile(seller)
    current = services.invoicing.seller_profile()
    _print(to_json(current) if current else None)
    return 0


def _backup(args: argparse.Namespace, services: Services) -> int:
    context = services.context
    if args.backup_command == "list":
        backups = context.backups()
        if args.json:
            _print(
                [
                    {
                        "file": str(backup.path),
                        "taken_at": backup.taken_at.isoformat(timespec="seconds"),
                        "size": backup.size,
                        "automatic": backup.automatic,
                        "last_invoice": backup.last_invoice(),
                    }
                    for backup in backups
                ]
            )
            return 0
        if not backups:
            print(f"Aucune sauvegarde dans {context.backups_dir}.")
        for backup in backups:
            last = backup.last_invoice() or "aucune facture émise"
            print(f"{backup.taken_at.astimezone():%d/%m/%Y %H:%M}  {backup.path.name}  ({last})")
        return 0
    if args.backup_command == "now":
        context.open_database()
        from app.db.backups import take_backup

        file = context.database.file
        if file is None:
            from app.db.backups import PG_DUMP_LINE

            print("Une base PostgreSQL se sauvegarde avec les outils du bureau : " + PG_DUMP_LINE)
            return 0
        print(take_backup(file, context.backups_dir))
        return 0
    if args.backup_command == "folder":
        if args.dir is not None:
            context.set_backups_dir(args.dir)
        print(context.backups_dir)
        return 0
    chosen: Path | None = args.file
    if chosen is None and not args.archives_only:
        backups = context.backups()
        if not backups:
            raise ValidationProblem(
                f"Aucune sauvegarde dans {context.backups_dir}. « bordereau backup restore "
                "--archives-only » reconstruit les factures émises depuis leurs archives."
            )
        chosen = backups[0].path
    report = context.restore_backup(chosen)
    print(report.message())
    return 0
