"""Every request the client sends and every answer the simulator gives, checked against the
official swaggers (and, for the Transverses API that has none here, against chorus-api.md)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.chorus import schemas_factures as f
from app.chorus import schemas_transverses as t
from app.chorus.client import ChorusClient
from app.chorus.errors import (
    AmountsIncoherentError,
    AttachmentMissingError,
    BusinessError,
    DuplicateInvoiceError,
    EngagementRequiredError,
    FileTooLargeError,
    RecipientUnknownError,
    ServiceOrEngagementRequiredError,
    ServiceRequiredError,
    ServiceUnknownError,
    StatusNotAllowedError,
)
from app.domain.identifiers import STATE_SIRET
from app.simulator.seed import DEMO_SUPPLIER_SIRET, siret_for
from app.simulator.server import Simulator
from tests.contract.swagger import has_path, operation_for, request_errors, response_errors
from tests.support.chorus import (
    MINIMAL_PDF,
    Exchange,
    RecordingTransport,
    make_client,
    raw_post,
    soumettre_request,
    upload_pdf,
)
from tests.support.chorus_story import BREST_SIRET, PESSAC_SIRET, run_supplier_story
from tests.support.facturx_sample import cii_xml, facturx_pdf

ANNECY_SIRET = siret_for(3, "2174")  # engagement required
INACTIVE_SIRET = siret_for(9, "2159")

# Fields chorus-api.md says a request needs, though the swagger marks none required.
NEEDED_IN_REQUEST = {
    "/cpro/factures/v1/soumettre": [
        "modeDepot",
        "numeroFactureSaisi",
        "dateFacture",
        "destinataire.codeDestinataire",
        "fournisseur.idFournisseur",
        "cadreDeFacturation.codeCadreFacturation",
        "references.deviseFacture",
        "references.typeFacture",
        "references.typeTva",
        "references.modePaiement",
        "ligneTva",
        "montantTotal.montantHtTotal",
        "montantTotal.montantTVA",
        "montantTotal.montantTtcTotal",
        "montantTotal.montantAPayer",
    ],
    "/cpro/factures/v1/consulter/historique": ["idFacture"],
    "/cpro/factures/v1/consulter/fournisseur": ["identifiantFactureCPP"],
    "/cpro/factures/v1/completer": ["identifiantFactureCPP"],
    "/cpro/factures/v1/recycler": ["identifiantFactureCPP", "destinataire.codeDestinataire"],
    "/cpro/factures/v1/traiterRejet": ["listeDemandePaiement[].idDemandePaiement"],
    "/cpro/factures/v1/telecharger/groupe": ["listeFacture[].idFacture", "format"],
    "/cpro/factures/v1/deposer/pdf": ["fichierFacture", "nomFichier", "formatDepot"],
    "/cpro/factures/v1/deposer/flux": ["fichierFlux", "nomFichier", "syntaxeFlux"],
    "/cpro/structures/v1/consulter": ["idStructureCPP"],
    "/cpro/structures/v1/rechercher/services": ["idStructure"],
    "/cpro/structures/v1/consulter/service": ["idStructure", "idService"],
    "/cpro/transverses/v1/ajouter/fichier": [
        "pieceJointeFichier",
        "pieceJointeNom",
        "pieceJointeTypeMime",
        "pieceJointeExtension",
    ],
    "/cpro/transverses/v1/consulterCRDetaille": ["numeroFluxDepot"],
}

# Fields a successful answer must carry for Bordereau to work (chorus-api.md §2).
NEEDED_IN_ANSWER = {
    "/cpro/factures/v1/soumettre": [
        "identifiantFactureCPP",
        "numeroFacture",
        "statutFacture",
        "dateDepot",
        "identifiantStructure",
        "empreinteCertificatDepot",
    ],
    "/cpro/factures/v1/rechercher/fournisseur": [
        "parametresRetour.pages",
        "parametresRetour.total",
        "listeFactures[].identifiantFactureCPP",
        "listeFactures[].numeroFacture",
        "listeFactures[].statut",
        "listeFactures[].dateHeureEtatCourant",
        "listeFactures[].codeDestinataire",
        "listeFactures[].montantTTC",
        "listeFactures[].montantAPayer",
    ],
    "/cpro/factures/v1/consulter/fournisseur": [
        "facture.identifiantFactureCPP",
        "facture.statutFacture",
        "facture.destinataire.codeDestinataire",
        "facture.references.dateFacture",
        "facture.montantTotal.montantTtcTotal",
    ],
    "/cpro/factures/v1/consulter/historique": [
        "statutCourantCode",
        "historiquesDesStatuts.histoStatut[].histoStatutCode",
        "historiquesDesStatuts.histoStatut[].histoStatutDatePassage",
    ],
    "/cpro/factures/v1/completer": ["identifiantFactureCPP", "dateTraitement"],
    "/cpro/factures/v1/recycler": ["identifiantFactureCPP", "statutFacture", "dateDepot"],
    "/cpro/factures/v1/telecharger/groupe": ["fichierResultat"],
    "/cpro/factures/v1/deposer/pdf": ["pieceJointeId"],
    "/cpro/factures/v1/deposer/flux": ["numeroFluxDepot", "dateDepot", "syntaxeFlux"],
    "/cpro/structures/v1/rechercher": [
        "listeStructures[].idStructureCPP",
        "listeStructures[].identifiantStructure",
        "listeStructures[].statut",
    ],
    "/cpro/structures/v1/consulter": [
        "informationGenerales.idStructureCPP",
        "parametres.codeServiceDoitEtreRenseigne",
        "parametres.numeroEJDoitEtreRenseigne",
        "parametres.gestionNumeroEJOuCodeService",
    ],
    "/cpro/structures/v1/rechercher/services": [
        "listeServices[].idService",
        "listeServices[].codeService",
        "listeServices[].estActif",
    ],
    "/cpro/structures/v1/consulter/service": ["parametres.numeroEngagement"],
    "/cpro/transverses/v1/ajouter/fichier": ["pieceJointeId"],
    "/cpro/transverses/v1/recuperer/structures/actives/fournisseur": [
        "listeStructures[].idStructureCPP",
        "listeStructures[].identifiant",
    ],
    "/cpro/transverses/v1/rechercher/destinataire": [
        "listeDestinataires[].idStructureCPP",
        "listeDestinataires[].siret",
    ],
    "/cpro/transverses/v1/consulterCRDetaille": ["etatCourantDepotFlux", "nomFichier"],
    "/cpro/transverses/v1/recuperer/tauxtva": ["listeTauxTva[].codeTauxTva"],
}

SUPPLIER_OPERATIONS = {
    "/cpro/structures/v1/rechercher",
    "/cpro/structures/v1/consulter",
    "/cpro/structures/v1/rechercher/services",
    "/cpro/structures/v1/consulter/service",
    "/cpro/transverses/v1/ajouter/fichier",
    "/cpro/transverses/v1/rechercher/destinataire",
    "/cpro/transverses/v1/consulterCRDetaille",
    "/cpro/factures/v1/deposer/pdf",
    "/cpro/factures/v1/soumettre",
    "/cpro/factures/v1/deposer/flux",
    "/cpro/factures/v1/rechercher/fournisseur",
    "/cpro/factures/v1/consulter/fournisseur",
    "/cpro/factures/v1/consulter/historique",
    "/cpro/factures/v1/telecharger/groupe",
    "/cpro/factures/v1/completer",
    "/cpro/factures/v1/recycler",
    "/cpro/factures/v1/traiterRejet",
}


def _expect(error: type[BusinessError], call: Callable[[], Any]) -> BusinessError:
    with pytest.raises(error) as caught:
        call()
    assert caught.value.message and caught.value.libelle
    return caught.value


def _exercise_everything(simulator: Simulator, client: ChorusClient) -> None:
    story = run_supplier_story(simulator, client)
    supplier_id = story.supplier_id
    pdf_id = upload_pdf(client, "autre.pdf")

    def submit(number: str, **options: Any) -> Callable[[], Any]:
        options.setdefault("attachment_id", pdf_id)
        options.setdefault("recipient_siret", STATE_SIRET)
        request = soumettre_request(number, supplier_id=supplier_id, **options)
        return lambda: client.soumettre(request)

    _expect(DuplicateInvoiceError, submit("F2026-0101", service="MINARM75", engagement="EJ1"))
    _expect(RecipientUnknownError, submit("E-1", recipient_siret="12345678200051"))
    _expect(RecipientUnknownError, submit("E-2", recipient_siret=INACTIVE_SIRET))
    _expect(ServiceRequiredError, submit("E-3", recipient_siret=PESSAC_SIRET))
    _expect(EngagementRequiredError, submit("E-4", recipient_siret=ANNECY_SIRET))
    _expect(ServiceOrEngagementRequiredError, submit("E-5", recipient_siret=BREST_SIRET))
    _expect(ServiceUnknownError, submit("E-6", recipient_siret=PESSAC_SIRET, service="ANCIEN_CCAS"))
    _expect(
        ServiceUnknownError,
        submit("E-7", recipient_siret=PESSAC_SIRET, service="FACTURES_PUBLIQUES"),
    )
    _expect(ServiceUnknownError, submit("E-8", recipient_siret=PESSAC_SIRET, service="NOPE"))
    _expect(
        AttachmentMissingError,
        submit("E-9", service="MINARM75", engagement="EJ1", attachment_id=987654321),
    )
    works = soumettre_request(
        "E-10",
        supplier_id=supplier_id,
        recipient_siret=BREST_SIRET,
        attachment_id=pdf_id,
        engagement="X",
    ).to_json()
    works["cadreDeFacturation"]["codeCadreFacturation"] = "A3_MEMOIRE_JUSTICE"
    answer = raw_post(simulator, "/cpro/factures/v1/soumettre", works).json()
    assert answer["codeRetour"] != 0 and "codeCadreFacturation" in answer["libelle"]
    as_datetime = {**works, "dateFacture": "2026-11-20T00:00:00"}
    as_datetime["cadreDeFacturation"] = {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"}
    assert raw_post(simulator, "/cpro/factures/v1/soumettre", as_datetime).status_code == 500
    incoherent = soumettre_request(
        "E-11",
        supplier_id=supplier_id,
        recipient_siret=BREST_SIRET,
        attachment_id=pdf_id,
        engagement="X",
    )
    incoherent.montantTotal.montantTtcTotal += 1
    _expect(AmountsIncoherentError, lambda: client.soumettre(incoherent))
    _expect(
        StatusNotAllowedError,
        lambda: client.completer(
            f.CompleterRequest(identifiantFactureCPP=story.paid_id, commentaire="encore")
        ),
    )
    _expect(
        StatusNotAllowedError,
        lambda: client.recycler(
            f.RecyclerRequest(
                identifiantFactureCPP=story.paid_id,
                destinataire=f.RecyclerDestinataire(codeDestinataire=STATE_SIRET),
            )
        ),
    )
    huge = base64.b64encode(b"%PDF" + b"0" * (10 * 1024 * 1024)).decode("ascii")
    _expect(
        FileTooLargeError,
        lambda: client.ajouter_fichier(
            t.AjouterFichierRequest(
                pieceJointeFichier=huge,
                pieceJointeNom="gros.pdf",
                pieceJointeTypeMime="application/pdf",
                pieceJointeExtension="PDF",
            )
        ),
    )

    # deposer/pdf, then soumettre on the OCR draft.
    ocr = client.deposer_pdf(
        f.DeposerPdfRequest(
            fichierFacture=base64.b64encode(MINIMAL_PDF).decode("ascii"), nomFichier="F-OCR.pdf"
        )
    )
    assert ocr.pieceJointeId is not None
    client.soumettre(
        soumettre_request(
            "F-OCR",
            supplier_id=supplier_id,
            recipient_siret=BREST_SIRET,
            attachment_id=ocr.pieceJointeId,
            service="CULTURE",
        )
    )

    # deposer/flux with a real Factur-X file, then its report.
    xml = cii_xml(
        "FX-2026-1",
        seller=DEMO_SUPPLIER_SIRET,
        buyer=STATE_SIRET,
        service="DRFIP69",
        engagement="1300099999",
    )
    flux = client.deposer_flux(
        f.DeposerFluxRequest(
            fichierFlux=base64.b64encode(facturx_pdf(xml)).decode("ascii"),
            nomFichier="FX-2026-1.pdf",
            syntaxeFlux="IN_DP_E2_CII_FACTURX",
        )
    )
    assert flux.numeroFluxDepot
    from tests.support.chorus import admin

    admin(simulator, "horloge", {"minutes": 1})
    report = client.consulter_cr_detaille(flux.numeroFluxDepot, "IN_DP_E2_CII_FACTURX")
    assert report.etatCourantDepotFlux == "IN_INTEGRE"
    by_flux = list(
        client.iter_factures(f.RechercherFournisseurRequest(numeroFluxDepot=flux.numeroFluxDepot))
    )
    assert [row.numeroFacture for row in by_flux] == ["FX-2026-1"]

    # A flux without payment means is refused at integration, as on the real platform.
    bad = client.deposer_flux(
        f.DeposerFluxRequest(
            fichierFlux=base64.b64encode(
                cii_xml(
                    "FX-2026-2",
                    seller=DEMO_SUPPLIER_SIRET,
                    buyer=STATE_SIRET,
                    with_payment_means=False,
                )
            ).decode("ascii"),
            nomFichier="FX-2026-2.xml",
            syntaxeFlux="IN_DP_E1_CII_16B",
        )
    )
    admin(simulator, "horloge", {"minutes": 1})
    refused = client.consulter_cr_detaille(bad.numeroFluxDepot or "")
    assert refused.etatCourantDepotFlux == "IN_REJETE"
    assert "TypeCode" in (refused.listeErreurTechnique[0].libelleErreur or "")

    # Reference lists and the recipient directory.
    assert {rate.codeTauxTva for rate in client.taux_tva().listeTauxTva} >= {"TVA20", "TVA10"}
    assert client.motifs_exoneration_tva().listeMotifsExonerationTva
    assert client.types_piece_jointe().listeTypePieceJointe
    assert client.devises().listeDevises[0].codeDevise == "EUR"
    assert "VIREMENT" in {m.modePaiement for m in client.modes_paiement().listeModePaiement}
    assert len(client.cadres_facturation().listeCadreFacturation) == 4
    assert client.coordonnees_bancaires(supplier_id).listeCoordonneeBancaire
    found = client.rechercher_destinataire(
        t.RechercherDestinataireRequest(nomVilleCodePostal="lyon")
    )
    assert any(
        item.nomDestinataire == "HOSPICES CIVILS DE LYON" for item in found.listeDestinataires
    )
    assert client.healthcheck().statusCode == "OK"

    zipped = client.telecharger([story.paid_id, story.recycled_id], with_attachments=True)
    assert base64.b64decode(zipped.fichierResultat or "").startswith(b"PK")


@pytest.fixture(scope="module")
def exchanges() -> Iterator[list[Exchange]]:
    recorder = RecordingTransport()
    with Simulator() as simulator, make_client(simulator, transport=recorder) as client:
        _exercise_everything(simulator, client)
    yield recorder.exchanges


def test_every_supplier_operation_was_exercised(exchanges: list[Exchange]) -> None:
    assert {exchange.path for exchange in exchanges} >= SUPPLIER_OPERATIONS


def test_client_requests_match_the_swagger_request_schemas(exchanges: list[Exchange]) -> None:
    checked = 0
    for exchange in exchanges:
        if exchange.method == "POST" and operation_for(exchange.path) is not None:
            assert request_errors(exchange.path, exchange.request) == [], exchange.path
            checked += 1
    assert checked > 30


def test_simulator_answers_match_the_swagger_response_schemas(exchanges: list[Exchange]) -> None:
    checked = 0
    for exchange in exchanges:
        if exchange.status == 200 and operation_for(exchange.path) is not None:
            assert response_errors(exchange.path, exchange.response) == [], exchange.path
            checked += 1
    assert checked > 30


def test_fields_the_documentation_requires_are_present(exchanges: list[Exchange]) -> None:
    for exchange in exchanges:
        for pointer in NEEDED_IN_REQUEST.get(exchange.path, []):
            assert has_path(exchange.request, pointer), (exchange.path, pointer)
        if exchange.status == 200 and exchange.response.get("codeRetour") == 0:
            for pointer in NEEDED_IN_ANSWER.get(exchange.path, []):
                assert has_path(exchange.response, pointer), (exchange.path, pointer)


def test_every_answer_carries_the_envelope(exchanges: list[Exchange]) -> None:
    assert any(e.status == 401 for e in exchanges), "the token expired with the clock: renewed"
    for exchange in exchanges:
        answered = exchange.status in (200, 400)
        if exchange.path.startswith("/cpro") and exchange.method == "POST" and answered:
            assert isinstance(exchange.response.get("codeRetour"), int), exchange.path
            assert isinstance(exchange.response.get("libelle"), str), exchange.path
            if exchange.response["codeRetour"] != 0:
                assert " " in exchange.response["libelle"], "a refusal explains itself"


def test_the_validator_catches_a_wrong_field() -> None:
    """The contract check itself can fail: a typo or a wrong enum value is reported."""
    assert request_errors("/cpro/factures/v1/soumettre", {"numeroFacture": "F1"})
    assert request_errors("/cpro/factures/v1/soumettre", {"modeDepot": "PDF"})
    assert response_errors("/cpro/factures/v1/consulter/historique", {"codeRetour": 0})
    assert not response_errors(
        "/cpro/factures/v1/consulter/historique", {"codeRetour": 0, "libelle": "ok"}
    )
