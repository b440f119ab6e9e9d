"""The whole supplier story, over real HTTP, shared by the story and contract tests."""

from __future__ import annotations

from dataclasses import dataclass

from app.chorus import schemas_factures as f
from app.chorus.client import ChorusClient
from app.chorus.submission import submit_once
from app.domain.identifiers import STATE_SIRET
from app.simulator.seed import siret_for
from app.simulator.server import Simulator
from tests.support.chorus import admin, soumettre_request, upload_pdf

PESSAC_SIRET = siret_for(2, "2133")  # service required
BREST_SIRET = siret_for(4, "2129")  # service or engagement


@dataclass(slots=True)
class StoryResult:
    supplier_id: int
    paid_id: int
    recycled_id: int
    rejected_id: int


def history_codes(client: ChorusClient, invoice_id: int) -> list[str]:
    answer = client.historique(invoice_id)
    assert answer.historiquesDesStatuts is not None
    return [entry.histoStatutCode for entry in answer.historiquesDesStatuts.histoStatut]


def run_supplier_story(simulator: Simulator, client: ChorusClient) -> StoryResult:
    assert client.fetch_token()
    supplier = client.structures_actives_fournisseur().listeStructures[0]
    state = client.find_structure_by_siret(STATE_SIRET)
    assert state is not None and state.statut == "ACTIVE"
    details = client.consulter_structure(state.idStructureCPP)
    assert details.parametres is not None
    assert details.parametres.codeServiceDoitEtreRenseigne
    assert details.parametres.numeroEJDoitEtreRenseigne
    services = client.all_services(state.idStructureCPP)
    codes = {service.codeService: service for service in services}
    assert {"FACTURES_PUBLIQUES", "MINARM75"} <= set(codes)
    minarm = client.consulter_service(state.idStructureCPP, codes["MINARM75"].idService)
    assert minarm.parametres is not None and minarm.parametres.numeroEngagement

    # 1. Suspended, completed, then paid.
    admin(simulator, "comportements", {"prochains": ["suspendue", "a_recycler", "rejetee"]})
    pdf_id = upload_pdf(client, "F2026-0101.pdf")
    submitted = submit_once(
        client,
        soumettre_request(
            "F2026-0101",
            supplier_id=supplier.idStructureCPP,
            recipient_siret=STATE_SIRET,
            attachment_id=pdf_id,
            service="MINARM75",
            engagement="1300012345",
        ),
    )
    assert submitted.status == "DEPOSEE" and not submitted.recovered
    paid_id = submitted.identifiant_facture_cpp
    found = list(client.iter_factures(f.RechercherFournisseurRequest(numeroFacture="F2026-0101")))
    assert [item.identifiantFactureCPP for item in found] == [paid_id]

    # 2. Sent to the wrong service: to be recycled.
    recycled_id = submit_once(
        client,
        soumettre_request(
            "F2026-0102",
            supplier_id=supplier.idStructureCPP,
            recipient_siret=PESSAC_SIRET,
            attachment_id=upload_pdf(client, "F2026-0102.pdf"),
            service="SERV_TECH",
            total_ht="1250.00",
            vat_rate="20",
        ),
    ).identifiant_facture_cpp

    # 3. Rejected by the buyer.
    rejected_id = submit_once(
        client,
        soumettre_request(
            "F2026-0103",
            supplier_id=supplier.idStructureCPP,
            recipient_siret=BREST_SIRET,
            attachment_id=None,  # entered data, no PDF (SAISIE_API)
            engagement="BC-2026-77",
        ),
    ).identifiant_facture_cpp

    admin(simulator, "horloge", {"jours": 15})
    assert history_codes(client, paid_id)[0] == "SUSPENDUE"
    suspended = next(
        client.iter_factures(f.RechercherFournisseurRequest(numeroFacture="F2026-0101"))
    )
    assert suspended.statut == "SUSPENDUE" and suspended.commentaireEtatCourant

    delivery_note = upload_pdf(client, "bon-livraison.pdf")
    completed = client.completer(
        f.CompleterRequest(
            identifiantFactureCPP=paid_id,
            pieceJointeComplementaire=[
                f.PieceJointeComplementaire(
                    pieceJointeComplementaireDesignation="Bon de livraison signé",
                    pieceJointeComplementaireType="02",
                    pieceJointeComplementaireId=delivery_note,
                )
            ],
            commentaire="Bon de livraison joint.",
        )
    )
    assert completed.identifiantFactureCPP == paid_id

    recycling = client.consulter_facture(recycled_id).facture
    assert recycling is not None and recycling.statutFacture == "A_RECYCLER"
    recycled = client.recycler(
        f.RecyclerRequest(
            identifiantFactureCPP=recycled_id,
            destinataire=f.RecyclerDestinataire(
                codeDestinataire=PESSAC_SIRET, codeServiceExecutant="ENFANCE"
            ),
            commentaire="Service corrigé : Direction de l'enfance.",
        )
    )
    assert recycled.statutFacture == "DEPOSEE"

    assert client.consulter_facture(rejected_id).facture.statutFacture == "REJETEE"  # type: ignore[union-attr]
    client.traiter_rejet([rejected_id])

    admin(simulator, "horloge", {"jours": 120})
    return StoryResult(supplier.idStructureCPP, paid_id, recycled_id, rejected_id)
