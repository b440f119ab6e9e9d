"""« bordereau pa … »: connect the Plateforme Agréée, test it, or serve a simulated one."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import BordereauError, ValidationProblem

if TYPE_CHECKING:
    from app.services import Services

EXIT_FAILED = 3


def add_platform_commands(commands: Any) -> None:
    platform = commands.add_parser(
        "pa", help="votre plateforme agréée (réforme : factures aux entreprises)"
    ).add_subparsers(dest="pa_command", required=True)
    chosen = platform.add_parser(
        "set",
        help="connecter la plateforme (le secret est lu sur l'entrée standard ou demandé)",
    )
    chosen.add_argument("--name", required=True, help="le nom de la plateforme")
    chosen.add_argument("--flow-url", required=True, help="adresse du service des flux")
    chosen.add_argument("--directory-url", required=True, help="adresse de l'annuaire")
    chosen.add_argument("--token-url", required=True, help="adresse du jeton OAuth2")
    chosen.add_argument("--client-id", required=True)
    tested = platform.add_parser(
        "test", help="santé, jeton, et votre SIREN dans l'annuaire de la réforme"
    )
    tested.add_argument("--json", action="store_true")
    served = platform.add_parser(
        "simulator", help="une plateforme agréée simulée sur 127.0.0.1 (jusqu'à Ctrl+C)"
    )
    served.add_argument("--port", type=int, default=0)
    served.add_argument(
        "--state", type=Path, help="fichier où garder les flux d'un lancement à l'autre"
    )
    served.add_argument(
        "--lifecycle",
        action="store_true",
        help="les clients répondent d'eux-mêmes (Reçue, Approuvée… Paiement transmis)",
    )
    served.add_argument(
        "--incoming",
        action="store_true",
        help="des factures de fournisseurs à recevoir (Factur-X, CII, UBL, un avoir…)",
    )


def _secret() -> str:
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("Secret client (client_secret) : ")
    return sys.stdin.readline().strip()


def run(args: argparse.Namespace, services: Services) -> int:
    from app.cli import CliError

    try:
        if args.pa_command == "simulator":
            return _serve(args)
        if args.pa_command == "set":
            from app.pa.service import PlatformConnection

            connection = services.platform.configure(
                PlatformConnection(
                    args.name, args.flow_url, args.directory_url, args.token_url, args.client_id
                ),
                _secret(),
            )
            print(f"Plateforme {connection.name} enregistrée (secret dans le trousseau).")
            return 0
        report = services.platform.test()
        if args.json:
            print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        else:
            print(report.message)
        return 0 if report.ok else EXIT_FAILED
    except ValidationProblem as exc:
        raise CliError(exc.message, EXIT_FAILED) from exc
    except BordereauError as exc:
        raise CliError(exc.message) from exc
    finally:
        services.close()


def _serve(args: argparse.Namespace) -> int:
    import contextlib

    from app.simulator.pa import (
        ADMIN_HEADER,
        PaConfig,
        PaSimulator,
        seed_demo_directory,
        seed_demo_incoming,
    )
    from app.simulator.pa_lifecycle import DEMO_SCHEDULE

    config = PaConfig(
        state_file=args.state, lifecycle_schedule=DEMO_SCHEDULE if args.lifecycle else ()
    )
    simulator = PaSimulator(config, port=args.port)
    seed_demo_directory(simulator.state)
    if args.incoming:
        seed_demo_incoming(simulator.state)
    print(
        json.dumps(
            {
                "flow_url": simulator.flow_url,
                "directory_url": simulator.directory_url,
                "token_url": simulator.token_url,
                "client_id": config.client_id,
                "client_secret": config.client_secret,
                "admin": simulator.base_url + "/_pa",
                "admin_header": ADMIN_HEADER,
                "admin_token": config.admin_token,
            },
            indent=2,
        ),
        flush=True,
    )
    with contextlib.suppress(KeyboardInterrupt):
        simulator.serve_forever()
    return 0
