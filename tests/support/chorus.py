"""Helpers for tests that drive the client against a real simulator on loopback."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from app.chorus import schemas_factures as f
from app.chorus import schemas_transverses as t
from app.chorus.client import ChorusClient, ChorusConfig, RetryPolicy
from app.simulator.server import TOKEN_PATH, Simulator, SimulatorConfig

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass(slots=True)
class Exchange:
    method: str
    path: str
    request: Any
    status: int
    response: Any


@dataclass(slots=True)
class RecordingTransport(httpx.BaseTransport):
    """Passes every call to a real HTTP transport and keeps the JSON both ways."""

    inner: httpx.HTTPTransport = field(default_factory=httpx.HTTPTransport)
    exchanges: list[Exchange] = field(default_factory=list)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        content = response.read()
        body = request.content
        self.exchanges.append(
            Exchange(
                request.method,
                request.url.path,
                json.loads(body) if body and request.url.path.startswith("/cpro") else None,
                response.status_code,
                _json_or_none(content),
            )
        )
        return httpx.Response(
            response.status_code, headers=response.headers, content=content, request=request
        )

    def close(self) -> None:
        self.inner.close()


def _json_or_none(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return None


def make_client(
    simulator: Simulator,
    *,
    transport: httpx.BaseTransport | None = None,
    retry: RetryPolicy | None = None,
    read_timeout: float = 10.0,
) -> ChorusClient:
    return client_at(
        simulator.base_url,
        simulator.state.config,
        transport=transport,
        retry=retry,
        read_timeout=read_timeout,
    )


def client_at(
    base_url: str,
    config: SimulatorConfig | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    retry: RetryPolicy | None = None,
    read_timeout: float = 10.0,
) -> ChorusClient:
    """A client for a simulator at ``base_url`` (in this process or another) and its account."""
    config = config or SimulatorConfig()
    return ChorusClient(
        ChorusConfig(
            api_url=base_url,
            token_url=base_url + TOKEN_PATH,
            client_id=config.client_id,
            client_secret=config.client_secret,
            login=config.login,
            password=config.password,
            read_timeout=read_timeout,
            connect_timeout=read_timeout,
        ),
        transport=transport,
        retry=retry or RetryPolicy(base_delay=0.01, max_delay=0.05, auth_pause=0.01),
    )


def admin(simulator: Simulator, command: str, body: dict[str, Any] | None = None) -> Any:
    url = f"{simulator.admin_url}/{command}"
    response = httpx.post(url, json=body or {}) if body is not None else httpx.get(url)
    response.raise_for_status()
    return response.json()


def upload_pdf(
    client: ChorusClient, name: str = "facture.pdf", content: bytes = MINIMAL_PDF
) -> int:
    answer = client.ajouter_fichier(
        t.AjouterFichierRequest(
            pieceJointeFichier=base64.b64encode(content).decode("ascii"),
            pieceJointeNom=name,
            pieceJointeTypeMime="application/pdf",
            pieceJointeExtension="PDF",
        )
    )
    assert answer.pieceJointeId is not None
    return answer.pieceJointeId


def soumettre_request(
    number: str,
    *,
    supplier_id: int,
    recipient_siret: str,
    attachment_id: int | None,
    service: str | None = None,
    engagement: str | None = None,
    total_ht: str = "900.00",
    vat_rate: str = "0",
    cadre: f.CadreSoumettre = "A1_FACTURE_FOURNISSEUR",
    invoice_type: f.TypeFactureSoumettre = "FACTURE",
    origin: str | None = None,
) -> f.SoumettreRequest:
    ht = Decimal(total_ht)
    rate = Decimal(vat_rate)
    vat = (ht * rate / 100).quantize(Decimal("0.01"))
    return f.SoumettreRequest(
        modeDepot="DEPOT_PDF_API" if attachment_id is not None else "SAISIE_API",
        numeroFactureSaisi=number,
        dateFacture="2026-11-20",
        destinataire=f.SoumettreDestinataire(
            codeDestinataire=recipient_siret, codeServiceExecutant=service
        ),
        fournisseur=f.SoumettreFournisseur(idFournisseur=supplier_id),
        cadreDeFacturation=f.SoumettreCadre(codeCadreFacturation=cadre),
        references=f.SoumettreReferences(
            deviseFacture="EUR",
            typeFacture=invoice_type,
            typeTva="SANS_TVA" if not rate else "TVA_SUR_DEBIT",
            modePaiement="VIREMENT",
            numeroBonCommande=engagement,
            numeroFactureOrigine=origin,
        ),
        lignePoste=[
            f.SoumettreLignePoste(
                lignePosteNumero=1,
                lignePosteReference="P1",
                lignePosteDenomination="Prestation de conseil",
                lignePosteQuantite=Decimal(2),
                lignePosteUnite="jour",
                lignePosteMontantUnitaireHT=ht / 2,
                lignePosteTauxTvaManuel=rate,
            )
        ],
        ligneTva=[
            f.SoumettreLigneTva(
                ligneTvaTauxManuel=rate,
                ligneTvaMontantBaseHtParTaux=ht,
                ligneTvaMontantTvaParTaux=vat,
            )
        ],
        montantTotal=f.SoumettreMontantTotal(
            montantHtTotal=ht, montantTVA=vat, montantTtcTotal=ht + vat, montantAPayer=ht + vat
        ),
        pieceJointePrincipale=(
            f.PieceJointePrincipale(
                pieceJointePrincipaleDesignation=f"Facture {number}",
                pieceJointePrincipaleId=attachment_id,
            )
            if attachment_id is not None
            else None
        ),
        commentaire="TVA non applicable, art. 293 B du CGI" if not rate else None,
    )


def api_headers(simulator: Simulator) -> dict[str, str]:
    """A fresh token and the account header of the simulator's own account, for requests
    written by hand (what the client would refuse to send)."""
    config = simulator.state.config
    token = httpx.post(
        simulator.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": config.client_id,
            "client_secret": config.client_secret,
        },
    ).json()["access_token"]
    account = base64.b64encode(f"{config.login}:{config.password}".encode()).decode("ascii")
    return {"Authorization": f"Bearer {token}", "cpro-account": account}


def raw_post(simulator: Simulator, path: str, body: dict[str, Any]) -> httpx.Response:
    """A call the client would refuse to build (to test the simulator's own checks)."""
    return httpx.post(simulator.base_url + path, json=body, headers=api_headers(simulator))


def configure_account(
    cmd: list[str],
    env: dict[str, str],
    simulator: Simulator,
    *,
    api_url: str | None = None,
) -> None:
    """``bordereau account set`` to the simulator's own account (secrets through the
    environment, as a script would); ``api_url`` points the account elsewhere (a dead port)."""
    import subprocess

    config = simulator.state.config
    done = subprocess.run(
        [
            *cmd,
            "account",
            "set",
            "--environment",
            "custom",
            "--api-url",
            api_url or simulator.base_url,
            "--token-url",
            simulator.token_url if api_url is None else api_url + TOKEN_PATH,
            "--client-id",
            config.client_id,
            "--login",
            config.login,
            "--supplier-siret",
            config.supplier_siret,
        ],
        env={
            **env,
            "BORDEREAU_CLIENT_SECRET": config.client_secret,
            "BORDEREAU_TECHNICAL_PASSWORD": config.password,
        },
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def unattended_deposit(pdf: Path, recipient: str, code_service: str) -> list[str]:
    """``bordereau deposit`` arguments as a script sends an invoice: no question, JSON out."""
    return [
        "deposit",
        str(pdf),
        "--destinataire",
        recipient,
        "--code-service",
        code_service,
        "--yes",
        "--json",
    ]
