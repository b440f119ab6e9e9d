"""« bordereau invoice … »: write, correct and describe invoices from the command line
(accountants and tests). Each command prints JSON on stdout."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import BordereauError

if TYPE_CHECKING:
    from app.invoicing.storage import IssuedInvoice
    from app.services import Services

EXIT_FAILED = 3


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise BordereauError(f"Impossible de lire {path} : {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise BordereauError(f"{path} n'est pas du JSON valide : {exc}") from exc
    if not isinstance(data, dict):
        raise BordereauError(f"{path} doit décrire une facture (un objet JSON).")
    return data


def _issued(services: Services, issued: IssuedInvoice, folder: Path) -> dict[str, Any]:
    from app.invoicing.totals import totals_of

    written = services.invoicing.write_pdf(issued, folder)
    totals = totals_of(issued.invoice)
    return {
        "number": issued.invoice.number,
        "type": issued.invoice.document_type.value,
        "pdf": str(written),
        "pdf_sha256": issued.pdf_sha256,
        "total_ht": str(totals.basis),
        "total_ttc": str(totals.grand_total),
        "due": str(totals.due),
    }


def run(args: argparse.Namespace, services: Services) -> int:
    from app.cli import CliError

    try:
        services.context.open_database()
        if args.invoice_command == "profile":
            return _profile(args, services)
        if args.invoice_command == "deposit":
            outcome = services.invoicing.send_to_chorus(args.number)
            print(
                json.dumps(
                    {
                        "number": args.number,
                        "etat": outcome.state,
                        "identifiant_facture_cpp": outcome.chorus_invoice_id,
                        "message": outcome.message,
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return 0 if outcome.state in ("done", "waiting") else EXIT_FAILED
        if args.invoice_command == "new":
            invoice = services.invoicing.from_json(_read_json(args.json_file))
            issued = services.invoicing.write_new(invoice)
        else:
            lines = (
                [int(part) for part in args.lines.split(",") if part.strip()]
                if args.lines
                else None
            )
            issued = services.invoicing.credit_note(args.number, line_numbers=lines)
        print(json.dumps(_issued(services, issued, args.out), ensure_ascii=False, indent=2))
        return 0
    except ValueError as exc:
        raise CliError(f"--lines attend des numéros séparés par des virgules ({exc})") from exc
    except BordereauError as exc:
        raise CliError(exc.message, EXIT_FAILED) from exc
    finally:
        services.close()


def _profile(args: argparse.Namespace, services: Services) -> int:
    from app.invoicing.json_form import from_json, to_json
    from app.invoicing.model import Seller

    if args.json_file:
        seller = from_json(Seller, _read_json(args.json_file), "Profil")
        services.invoicing.save_seller_profile(seller)
    current = services.invoicing.seller_profile()
    shown = to_json(current) if current else None
    print(json.dumps(shown, ensure_ascii=False, indent=2))
    return 0
