"""The simulator refuses what Chorus Pro refuses, with the platform's answer shapes, and the
client reads every refusal as a typed French error, never as a success (issue 22)."""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import socket
import zipfile
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import ConfigDict

from app.chorus import schemas as s
from app.chorus import schemas_factures as f
from app.chorus.auth import TokenCache
from app.chorus.client import ChorusClient, business_error
from app.chorus.errors import (
    AccessRefusedError,
    BusinessError,
    ChorusError,
    InvalidClientError,
    NotFoundError,
    ProtocolError,
    RequestRejectedError,
)
from app.chorus.submission import submit_once
from app.domain.identifiers import STATE_SIRET
from app.simulator.server import Simulator
from tests.support.chorus import (
    admin,
    api_headers,
    client_at,
    make_client,
    raw_post,
    soumettre_request,
    upload_pdf,
)
from tests.support.chorus_story import BREST_SIRET, run_supplier_story

SOUMETTRE = "/cpro/factures/v1/soumettre"


class RawRequest(s.Request):
    """Any body, sent by the real client: what a buggy or future client could send."""

    model_config = ConfigDict(extra="allow")


def _supplier(client: ChorusClient) -> int:
    return client.structures_actives_fournisseur().listeStructures[0].idStructureCPP


def _valid_soumettre(client: ChorusClient, number: str) -> dict[str, Any]:
    return soumettre_request(
        number,
        supplier_id=_supplier(client),
        recipient_siret=BREST_SIRET,
        attachment_id=upload_pdf(client),
        service="CULTURE",
    ).to_json()


def _set(body: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    target = body
    *parents, last = dotted.split(".")
    for key in parents:
        target = target.setdefault(key, {})
    target[last] = value
    return body


# (field changed in a valid soumettre, value, words the refusal names)
SOUMETTRE_REFUSALS = [
    ("references.typeTva", "TVA_INCONNUE", "typeTva"),
    ("references.modePaiement", "CARTE_BANCAIRE", "modePaiement"),
    ("references.deviseFacture", "ZZZ", "devise"),
    ("modeDepot", "UPLOAD_API", "modeDepot"),
    ("cadreDeFacturation.codeCadreFacturation", "A3_MEMOIRE_JUSTICE", "codeCadreFacturation"),
    ("cadreDeFacturation.codeCadreFacturation", "A99_INVENTE", "codeCadreFacturation"),
    ("dateFacture", "2026-02-30", "date"),
    ("dateFacture", "le 3 mars", "date"),
    ("commentaire", "x" * 256, "255 caractères"),
    ("references.numeroBonCommande", "E" * 51, "50 caractères"),
    ("destinataire", "x", "objet"),
    ("lignePoste", {"lignePosteNumero": 1}, "liste"),
    ("montantTotal.montantHtTotal", "neuf cents", "nombre"),
    ("fournisseur.idFournisseur", True, "entier"),
]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    SOUMETTRE_REFUSALS,
    ids=[c[0] + "=" + str(c[1])[:12] for c in SOUMETTRE_REFUSALS],
)
def test_soumettre_outside_the_contract_is_refused_in_french(
    simulator: Simulator, client: ChorusClient, field: str, value: Any, words: str
) -> None:
    body = _set(_valid_soumettre(client, "REF-1"), field, value)
    answer = raw_post(simulator, SOUMETTRE, body)
    assert answer.status_code in (200, 400), answer.text
    envelope = answer.json()
    assert envelope["codeRetour"] != 0 and words in envelope["libelle"], envelope
    with pytest.raises(BusinessError) as caught:
        client.write(SOUMETTRE, RawRequest(**body), f.SoumettreResponse)
    assert words in caught.value.message  # in French, with the platform's own words
    assert not simulator.state.invoices  # nothing was filed


def test_searches_and_actions_refuse_wrong_shapes_with_a_business_answer(
    simulator: Simulator, client: ChorusClient
) -> None:
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("/cpro/structures/v1/rechercher", {"structure": "x"}, "objet"),
        (
            "/cpro/structures/v1/rechercher",
            {"structure": {"typeStructure": "MIXTE"}},
            "typeStructure",
        ),
        ("/cpro/factures/v1/telecharger/groupe", {"listeFacture": {"idFacture": 1}}, "liste"),
        ("/cpro/factures/v1/rechercher/fournisseur", {"periodeDateDepotDu": "2026-13-01"}, "date"),
        ("/cpro/factures/v1/recycler", {"identifiantFactureCPP": "12"}, "entier"),
        (
            "/cpro/transverses/v1/ajouter/fichier",
            {
                "pieceJointeNom": "annexe.pdf",
                "pieceJointeExtension": "PDF",
                "pieceJointeTypeMime": "application/pdf",
                "pieceJointeFichier": ["pas", "du", "base64"],
            },
            "pieceJointeFichier",
        ),
        (
            "/cpro/transverses/v1/consulterCRDetaille",
            {"numeroFluxDepot": {"a": 1}},
            "Requête invalide",
        ),
    ]
    for path, body, words in cases:
        answer = raw_post(simulator, path, body)
        assert answer.status_code == 400, (path, answer.status_code, answer.text)
        envelope = answer.json()
        assert envelope["codeRetour"] != 0 and words in envelope["libelle"], (path, envelope)
        with pytest.raises(BusinessError):
            client.read(path, RawRequest(**body), s.Response)


def _raw(
    simulator: Simulator, path: str, content: bytes, headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.post(
        simulator.base_url + path,
        content=content,
        headers={
            **api_headers(simulator),
            "Content-Type": "application/json;charset=utf-8",
            **(headers or {}),
        },
        timeout=10,
    )


def test_unreadable_json_gets_a_400_never_a_500(simulator: Simulator) -> None:
    path = "/cpro/factures/v1/rechercher/fournisseur"
    for content in (
        b'{"montantHTMin": NaN}',
        b'{"montantHTMin": Infinity}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
        b'{"a":' * 100 + b"1" + b"}" * 100,  # readable, but nested past any real request
        b"\xff\xfe",
        b"[1, 2]",
    ):
        answer = _raw(simulator, path, content)
        assert answer.status_code == 400, (content[:20], answer.status_code)
        assert answer.json()["codeRetour"] != 0


def test_a_body_that_is_not_json_gets_415(simulator: Simulator) -> None:
    answer = _raw(
        simulator, "/cpro/factures/v1/rechercher/fournisseur", b"{}", {"Content-Type": "text/plain"}
    )
    assert answer.status_code == 415


def _socket_request(simulator: Simulator, head: bytes, timeout: float = 5) -> bytes:
    host, port = simulator.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as conn:
        conn.sendall(head)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
            if b"\r\n\r\n" in received:
                break
        return received


def test_lying_lengths_and_chunked_bodies(simulator: Simulator) -> None:
    path = "/cpro/factures/v1/rechercher/fournisseur"
    negative = _socket_request(
        simulator, f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n".encode()
    )
    assert negative.startswith(b"HTTP/1.1 400")
    oversized = _socket_request(
        simulator,
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {10**12}\r\n\r\n".encode(),
    )
    assert oversized.startswith(b"HTTP/1.1 413")

    def chunks() -> Any:
        yield b'{"numeroFacture":'
        yield b' "INCONNUE"}'

    answer = httpx.post(
        simulator.base_url + path,
        content=chunks(),
        headers={**api_headers(simulator), "Content-Type": "application/json"},
    )
    assert answer.request.headers.get("Transfer-Encoding") == "chunked"
    # Read, not taken as {}: the number criterion is applied and finds nothing.
    assert answer.json()["codeRetour"] == 20000


def test_a_stalled_client_is_let_go(simulator: Simulator) -> None:
    simulator._server.socket_timeout = 0.5
    path = "/cpro/factures/v1/rechercher/fournisseur"
    host, port = simulator.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{{".encode())
        assert conn.recv(100) == b""  # closed by the server after its timeout, not held


def test_typestructure_and_other_criteria_are_honoured(client: ChorusClient) -> None:
    def search(**criteria: Any) -> list[s.StructureTrouvee]:
        request = s.RechercherStructureRequest(
            structure=s.RechercherStructureCriteres(**criteria),
            parametres=s.ParametresRechercheStructure(nbResultatsParPage=1000),
            restreindreStructuresPrivees=False,
        )
        try:
            return client.rechercher_structure(request).listeStructures
        except NotFoundError:
            return []

    supplier = client.structures_actives_fournisseur().listeStructures[0].identifiant
    public = search(typeStructure="PUBLIQUE")
    private = search(typeStructure="PRIVEE")
    assert supplier and public
    assert supplier not in {found.identifiantStructure for found in public}
    assert supplier in {found.identifiantStructure for found in private}
    assert not search(typeIdentifiantStructure="HORS_UE")
    assert not search(adresseCodePays="DE")
    assert not search(estMOA=True)
    brest = search(identifiantStructure=BREST_SIRET)
    assert len(brest) == 1
    assert search(identifiantStructure=BREST_SIRET, adresseVille="brest") == brest
    assert not search(identifiantStructure=BREST_SIRET, adresseVille="Lyon")


def test_invoice_search_criteria_are_honoured(client: ChorusClient) -> None:
    supplier = _supplier(client)
    for number, ht in (("CRIT-1", "100.00"), ("CRIT-2", "900.00")):
        submit_once(
            client,
            soumettre_request(
                number,
                supplier_id=supplier,
                recipient_siret=BREST_SIRET,
                attachment_id=upload_pdf(client),
                service="CULTURE",
                total_ht=ht,
            ),
        )

    def numbers(**criteria: Any) -> set[str]:
        request = f.RechercherFournisseurRequest(idFournisseur=supplier, **criteria)
        return {found.numeroFacture or "" for found in client.iter_factures(request)}

    assert numbers(montantTTCMin=500) == {"CRIT-2"}
    assert numbers(montantHTMax=500) == {"CRIT-1"}
    assert numbers(modeDepot="SAISIE_API") == set()
    assert numbers(modeDepot="DEPOT_PDF_API") == {"CRIT-1", "CRIT-2"}
    assert numbers(periodeDateFactureDu="2026-11-21") == set()
    assert numbers(periodeDateFactureDu="2026-11-20", periodeDateFactureAu="2026-11-20") == {
        "CRIT-1",
        "CRIT-2",
    }


def test_attachment_names_are_made_safe_in_downloads(
    simulator: Simulator, client: ChorusClient
) -> None:
    supplier = _supplier(client)
    evil = upload_pdf(client, "../../x.pdf")
    request = soumettre_request(
        "ZIP-1",
        supplier_id=supplier,
        recipient_siret=BREST_SIRET,
        attachment_id=upload_pdf(client),
        service="CULTURE",
    )
    request.pieceJointeComplementaire = [
        f.PieceJointeComplementaire(
            pieceJointeComplementaireDesignation="annexe", pieceJointeComplementaireId=evil
        )
    ]
    first = submit_once(client, request)
    second = submit_once(
        client,
        soumettre_request(
            "ZIP/2",
            supplier_id=supplier,
            recipient_siret=BREST_SIRET,
            attachment_id=upload_pdf(client),
            service="CULTURE",
        ),
    )
    answer = client.telecharger(
        [first.identifiant_facture_cpp, second.identifiant_facture_cpp], with_attachments=True
    )
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(answer.fichierResultat or "")))
    names = archive.namelist()
    assert len(names) == 3
    for name in names:
        parts = name.split("/")
        assert len(parts) == 2 and ".." not in parts and all(part.strip(". ") for part in parts)


# --- answers that are not the business envelope ----------------------------------------------

NON_ENVELOPES = ["400_sans_enveloppe", "400_html", "400_vide", "415", "422"]


@pytest.mark.parametrize("fault", NON_ENVELOPES)
def test_an_error_without_envelope_is_never_a_success(
    simulator: Simulator, client: ChorusClient, fault: str
) -> None:
    with make_client(simulator) as other:
        story = run_supplier_story(simulator, other)
    new_invoice = f.SoumettreRequest.model_validate(_valid_soumettre(client, "NE-1"))
    actions: list[Callable[[], object]] = [
        lambda: client.recycler(
            f.RecyclerRequest(
                identifiantFactureCPP=story.recycled_id,
                destinataire=f.RecyclerDestinataire(
                    codeDestinataire=STATE_SIRET, codeServiceExecutant="MINARM75"
                ),
            )
        ),
        lambda: client.completer(
            f.CompleterRequest(identifiantFactureCPP=story.paid_id, commentaire="Pièce jointe")
        ),
        lambda: client.historique(story.paid_id),
        lambda: client.soumettre(new_invoice),
    ]
    for action in actions:
        admin(simulator, "pannes", {"prochaines": [fault]})
        with pytest.raises(RequestRejectedError) as caught:
            action()
        assert caught.value.message.startswith("Chorus Pro a refusé la demande")
    assert "NE-1" not in {invoice.number for invoice in simulator.state.invoices.values()}


def test_a_200_that_reports_an_error_is_not_a_success() -> None:
    assert business_error(20000, "GFT_MSG_01.075 Aucun résultat").__class__ is NotFoundError

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        return httpx.Response(200, json={"error": "internal", "message": "NullPointerException"})

    from app.chorus.client import ChorusConfig

    config = ChorusConfig("http://cpro.test", "http://cpro.test/token", "c", "s", "l", "p")
    with (
        ChorusClient(config, transport=httpx.MockTransport(answer)) as client,
        pytest.raises(ProtocolError),
    ):
        client.completer(f.CompleterRequest(identifiantFactureCPP=1))


@pytest.mark.parametrize("operation", ["ajouter/fichier", "soumettre"])
def test_an_outbox_entry_refused_without_envelope_is_set_aside_not_retried(
    services: Any, operation: str
) -> None:
    from tests.integration.test_deposit_facturx import PDF, invoice

    platform = services.context.demo_platform()
    platform.state.faults.configure({"prochaines": ["400_sans_enveloppe"], "chemins": [operation]})
    outcome = services.deposit.submit(invoice("NE-OUTBOX"), PDF)
    assert outcome.state == "blocked"
    assert "HTTP 400" in outcome.message and "ne peut pas partir" in outcome.message
    assert services.deposit.resume_outbox() == []  # set aside: not sent again by itself
    assert platform.state.soumettre_calls.get("NE-OUTBOX") is None  # nothing reached the API
    assert platform.state.faults.describe()["injectees"] == {"400_sans_enveloppe": 1}


def test_main_attachment_as_a_list_when_the_platform_wants_one(
    simulator: Simulator, client: ChorusClient
) -> None:
    admin(simulator, "pieces_jointes", {"principale": "liste"})
    body = _valid_soumettre(client, "PJ-LISTE")
    answer = client.soumettre(f.SoumettreRequest.model_validate(body))
    assert answer.identifiantFactureCPP in simulator.state.invoices
    admin(simulator, "pieces_jointes", {"principale": "objet"})
    answer = client.soumettre(f.SoumettreRequest.model_validate(_valid_soumettre(client, "PJ-OBJ")))
    assert answer.identifiantFactureCPP in simulator.state.invoices


# --- authentication ----------------------------------------------------------------------------


def test_one_call_in_five_refused_with_a_valid_token_hurts_nothing(simulator: Simulator) -> None:
    admin(simulator, "pannes", {"taux": 0.2, "types": ["401_passager"], "graine": 5})
    with make_client(simulator) as client:
        story = run_supplier_story(simulator, client)
        for _ in range(40):
            assert client.historique(story.paid_id).statutCourantCode
    injected = admin(simulator, "etat")["pannes"]["injectees"].get("401_passager", 0)
    assert injected >= 10


def test_credentials_are_blamed_only_when_the_token_endpoint_refuses(
    simulator: Simulator,
) -> None:
    admin(simulator, "pannes", {"taux": 1.0, "types": ["401_passager"]})
    with make_client(simulator) as client, pytest.raises(AccessRefusedError) as caught:
        client.historique(1)
    assert "identifiants sont acceptés" in caught.value.message
    assert not isinstance(caught.value, InvalidClientError)
    admin(simulator, "pannes", {"taux": 0.0})
    wrong = dataclasses.replace(simulator.state.config, client_secret="autre")
    with client_at(simulator.base_url, wrong) as client, pytest.raises(InvalidClientError):
        client.historique(1)


def test_the_token_refresh_margin_follows_its_lifetime() -> None:
    now = [0.0]
    fetched: list[int] = []

    def fetch() -> tuple[str, int]:
        fetched.append(1)
        return f"jeton-{len(fetched)}", 60

    cache = TokenCache(fetch, clock=lambda: now[0])
    for second in range(0, 120, 2):
        now[0] = float(second)
        cache.get()
    assert len(fetched) == 3  # every 54 s, not at every call


# --- no result ----------------------------------------------------------------------------------

NO_RESULT_ANSWERS = [
    (20000, "TRA_MSG_00.015 La recherche n'a retourné aucun résultat"),
    (20000, "GDP_MSG_11.015 La recherche n'a retourné aucun résultat"),
    (20007, "GFT_MSG_01.075 Aucun résultat"),
    (20010, "Aucune facture ne correspond aux critères"),
    (0, ""),
]


@pytest.mark.parametrize(("code", "libelle"), NO_RESULT_ANSWERS)
def test_an_idle_sync_succeeds_whatever_no_result_looks_like(
    simulator: Simulator, client: ChorusClient, tmp_path: Any, code: int, libelle: str
) -> None:
    from datetime import date

    from app.db.engine import Database
    from app.db.migrate import upgrade_database
    from app.sync.invoices import sync_invoices

    admin(simulator, "resultat_vide", {"codeRetour": code, "libelle": libelle})
    database = Database(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    upgrade_database(database, tmp_path / "sauvegardes")
    report = sync_invoices(database, client, "demo", _supplier(client), since=date(2026, 11, 1))
    assert report.seen == 0 and not report.changes
    database.dispose()


def test_the_admin_interface_validates_what_it_is_given(simulator: Simulator) -> None:
    def post(command: str, body: Any) -> httpx.Response:
        return httpx.post(
            f"{simulator.admin_url}/{command}",
            content=json.dumps(body),
            headers={"Content-Type": "application/json"},
        )

    assert post("horloge", {"jours": "NaN"}).status_code == 400
    assert post("horloge", {"jours": 1e308}).status_code == 400
    assert post("horloge", {"jours": [1]}).status_code == 400
    assert post("pannes", {"taux": "nan"}).status_code == 400
    assert post("comportements", {"prochains": "suspendue"}).status_code == 400
    assert post("compte", {"expiration_mot_de_passe": "demain"}).status_code == 400
    with make_client(simulator) as client:
        story = run_supplier_story(simulator, client)
    forced = post(f"factures/{story.paid_id}/action", {"statut": "PAYEE_EN_LIQUIDE"})
    assert forced.status_code == 400 and "statut inconnu" in forced.json()["erreur"]


def test_every_refusal_is_a_chorus_error_with_a_french_message() -> None:
    for error in (
        RequestRejectedError(400, details="x"),
        AccessRefusedError(details="x"),
    ):
        assert isinstance(error, ChorusError)
        assert error.message[0].isupper() and "Chorus Pro" in error.message
