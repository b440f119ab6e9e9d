"""A whole supplier story against the simulator over real loopback HTTP."""

from __future__ import annotations

from app.chorus import schemas_factures as f
from app.chorus.client import ChorusClient
from app.simulator.server import Simulator
from tests.support.chorus_story import history_codes, run_supplier_story


def test_suspended_then_completed_then_paid(simulator: Simulator, client: ChorusClient) -> None:
    story = run_supplier_story(simulator, client)

    codes = history_codes(client, story.paid_id)
    assert codes[0] == "MISE_EN_PAIEMENT"
    for expected in ("DEPOSEE", "MISE_A_DISPOSITION", "SUSPENDUE", "COMPLETEE", "MANDATEE"):
        assert expected in codes
    detail = client.consulter_facture(story.paid_id).facture
    assert detail is not None and detail.listeDesPiecesJointes is not None
    names = {piece.pieceJointeDesignation for piece in detail.listeDesPiecesJointes.pieceJointe}
    assert names == {"F2026-0101.pdf", "bon-livraison.pdf"}


def test_recycled_invoice_reaches_the_corrected_service(
    simulator: Simulator, client: ChorusClient
) -> None:
    story = run_supplier_story(simulator, client)

    detail = client.consulter_facture(story.recycled_id).facture
    assert detail is not None and detail.destinataire is not None
    assert detail.destinataire.codeServiceExecutant == "ENFANCE"
    codes = history_codes(client, story.recycled_id)
    assert codes.count("DEPOSEE") == 2 and "A_RECYCLER" in codes
    assert detail.statutFacture == "MISE_EN_PAIEMENT"


def test_rejected_invoice_is_acknowledged(simulator: Simulator, client: ChorusClient) -> None:
    story = run_supplier_story(simulator, client)

    rows = list(client.iter_factures(f.RechercherFournisseurRequest(statutCourant=["REJETEE"])))
    assert [row.identifiantFactureCPP for row in rows] == [story.rejected_id]
    assert rows[0].rejetTraite is True
    assert rows[0].commentaireEtatCourant
    pdf = client.telecharger([story.rejected_id]).fichierResultat
    assert pdf is not None
    import base64

    assert base64.b64decode(pdf).startswith(b"%PDF")
