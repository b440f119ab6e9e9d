"""The client and the simulator over loopback: authentication, faults, the buyer, state."""

from __future__ import annotations

import base64
import subprocess
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from app.chorus import schemas_factures as f
from app.chorus import schemas_transverses as t
from app.chorus.client import ChorusClient, RetryPolicy
from app.chorus.errors import (
    BusinessError,
    DuplicateInvoiceError,
    FileTooLargeError,
    PlatformUnavailableError,
    RateLimitedError,
    SubscriptionMissingError,
    TechnicalAccountError,
)
from app.chorus.submission import submit_once
from app.simulator.buyer import BEHAVIOUR_NAMES
from app.simulator.checks import Submission
from app.simulator.handlers_factures import file_invoice
from app.simulator.server import Simulator, SimulatorConfig
from app.simulator.state import PlannedStep, SimulatorState
from tests.support.chorus import (
    MINIMAL_PDF,
    admin,
    client_at,
    make_client,
    soumettre_request,
    upload_pdf,
)
from tests.support.chorus_story import BREST_SIRET, history_codes


def _submit(client: ChorusClient, number: str) -> int:
    supplier = client.structures_actives_fournisseur().listeStructures[0].idStructureCPP
    request = soumettre_request(
        number,
        supplier_id=supplier,
        recipient_siret=BREST_SIRET,
        attachment_id=upload_pdf(client),
        service="CULTURE",
    )
    return submit_once(client, request).identifiant_facture_cpp


def test_expired_technical_password_is_explained(
    simulator: Simulator, client: ChorusClient
) -> None:
    expired = (simulator.state.clock.now() - timedelta(days=1)).isoformat()
    admin(simulator, "compte", {"expiration_mot_de_passe": expired})
    with pytest.raises(TechnicalAccountError) as caught:
        client.structures_actives_fournisseur()
    assert "expire" in caught.value.message and "Raccordements" in caught.value.message


def test_a_token_revoked_mid_session_is_renewed_once(
    simulator: Simulator, client: ChorusClient
) -> None:
    client.fetch_token()
    admin(simulator, "pannes", {"prochaines": ["401"]})
    assert client.structures_actives_fournisseur().listeStructures


def test_missing_subscription_is_explained(simulator: Simulator, client: ChorusClient) -> None:
    admin(simulator, "pannes", {"prochaines": ["403"]})
    with pytest.raises(SubscriptionMissingError) as caught:
        client.taux_tva()
    assert "piste.gouv.fr" in caught.value.message


def test_reads_retry_429_and_500_then_give_a_typed_error(simulator: Simulator) -> None:
    with make_client(simulator, retry=RetryPolicy(attempts=3, base_delay=0.001)) as client:
        admin(simulator, "pannes", {"prochaines": ["429", "500"]})
        assert client.taux_tva().listeTauxTva
        admin(simulator, "pannes", {"prochaines": ["429", "429", "429"]})
        with pytest.raises(RateLimitedError) as caught:
            client.taux_tva()
    assert "trop de demandes" in caught.value.message


def test_soumettre_is_never_resent_blindly(simulator: Simulator, client: ChorusClient) -> None:
    supplier = client.structures_actives_fournisseur().listeStructures[0].idStructureCPP
    request = soumettre_request(
        "NR-1",
        supplier_id=supplier,
        recipient_siret=BREST_SIRET,
        attachment_id=upload_pdf(client),
        service="CULTURE",
    )
    admin(simulator, "pannes", {"prochaines": ["drop_after"]})
    with pytest.raises(PlatformUnavailableError):
        client.soumettre(request)  # the invoice was recorded, the answer lost
    assert admin(simulator, "etat")["soumissions"] == {"NR-1": 1}
    with pytest.raises(DuplicateInvoiceError):
        submit_once(client, request)  # a first attempt: the number is taken, say so
    recovered = submit_once(client, request, already_attempted=True)  # the outbox's retry
    assert recovered.recovered and recovered.status == "DEPOSEE"
    state = admin(simulator, "etat")
    assert state["soumissions"] == {"NR-1": 2}
    assert state["numeros_renvoyes_apres_enregistrement"] == ["NR-1"]  # only the duplicate


def test_http_400_and_413_answers_are_read(client: ChorusClient) -> None:
    with pytest.raises(BusinessError) as caught:
        client.ajouter_fichier(
            t.AjouterFichierRequest(
                pieceJointeFichier=base64.b64encode(MINIMAL_PDF).decode("ascii"),
                pieceJointeNom="x" * 60 + ".pdf",
                pieceJointeTypeMime="application/pdf",
                pieceJointeExtension="PDF",
            )
        )
    assert caught.value.code == 400 and "50 caractères" in caught.value.libelle
    big = base64.b64encode(b"%PDF" + b"0" * (10 * 1024 * 1024)).decode("ascii")
    with pytest.raises(FileTooLargeError):
        client.deposer_pdf(f.DeposerPdfRequest(fichierFacture=big, nomFichier="gros.pdf"))


def test_a_date_time_as_invoice_date_gets_the_platforms_500(client: ChorusClient) -> None:
    supplier = client.structures_actives_fournisseur().listeStructures[0].idStructureCPP
    request = soumettre_request(
        "DT-1",
        supplier_id=supplier,
        recipient_siret=BREST_SIRET,
        attachment_id=upload_pdf(client),
        service="CULTURE",
    )
    request.dateFacture = "2026-11-20T00:00:00"
    with pytest.raises(PlatformUnavailableError):
        client.soumettre(request)


def test_late_statuses_arrive_dated_in_the_past(simulator: Simulator, client: ChorusClient) -> None:
    invoice_id = _submit(client, "OOO-1")
    state = simulator.state
    with state.lock:
        invoice = state.invoices[invoice_id]
        state.schedule(
            invoice,
            [
                PlannedStep(60, "COMPTABILISEE"),
                PlannedStep(3600, "MISE_A_DISPOSITION_COMPTABLE", backdate_seconds=7200),
            ],
        )
    admin(simulator, "horloge", {"heures": 3})
    answer = client.historique(invoice_id)
    assert answer.statutCourantCode == "MISE_A_DISPOSITION_COMPTABLE"
    assert answer.historiquesDesStatuts is not None
    # Newest by date first: the current status is not at the top.
    assert answer.historiquesDesStatuts.histoStatut[0].histoStatutCode == "COMPTABILISEE"


def test_admin_forces_the_next_buyer_action(simulator: Simulator, client: ChorusClient) -> None:
    invoice_id = _submit(client, "ADM-1")
    step = admin(simulator, f"factures/{invoice_id}/action", {})
    assert step["statut"] == "EN_COURS_ACHEMINEMENT"
    forced = admin(
        simulator, f"factures/{invoice_id}/action", {"statut": "SUSPENDUE", "commentaire": "PV ?"}
    )
    assert forced["statut"] == "SUSPENDUE" and forced["prochaines_etapes"] == []
    assert history_codes(client, invoice_id)[0] == "SUSPENDUE"


def test_buyers_follow_every_weighted_behaviour() -> None:
    state = SimulatorState(SimulatorConfig(seed=11))
    with state.lock:
        for index in range(200):
            file_invoice(
                state,
                Submission.entered(
                    f"W{index:03d}", BREST_SIRET, Decimal(100), service_code="CULTURE"
                ),
            )
        state.clock.advance(timedelta(days=200))
        state.catch_up()
        behaviours = Counter(invoice.behaviour for invoice in state.invoices.values())
        finals = Counter(invoice.status for invoice in state.invoices.values())
        out_of_order = sum(
            any(b.at < a.at for a, b in zip(inv.history, inv.history[1:], strict=False))
            for inv in state.invoices.values()
        )
    assert set(behaviours) == set(BEHAVIOUR_NAMES)
    assert behaviours["payee"] > behaviours["rejetee"]
    for status in ("MISE_EN_PAIEMENT", "SUSPENDUE", "A_RECYCLER", "REJETEE"):
        assert finals[status] > 0, finals
    assert finals["MISE_A_DISPOSITION_COMPTABLE"] + finals["COMPTABILISEE"] > 0, finals
    assert out_of_order > 0


def test_state_file_survives_a_restart(
    tmp_path: Path, bordereau_cmd: list[str], subprocess_env: dict[str, str]
) -> None:
    state_file = tmp_path / "simulateur.json"
    command = [*bordereau_cmd, "simulator", "--state", str(state_file), "--seed", "3"]

    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=subprocess_env) as first:
        assert first.stdout is not None
        with client_at(first.stdout.readline().strip()) as chorus:
            invoice_id = _submit(chorus, "PERSIST-1")
        first.kill()  # no clean shutdown: what was answered is already on disk

    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=subprocess_env) as second:
        assert second.stdout is not None
        try:
            with client_at(second.stdout.readline().strip()) as chorus:
                criteria = f.RechercherFournisseurRequest(numeroFacture="PERSIST-1")
                rows = list(chorus.iter_factures(criteria))
                assert [row.identifiantFactureCPP for row in rows] == [invoice_id]
                assert history_codes(chorus, invoice_id)[-1] == "DEPOSEE"
        finally:
            second.terminate()


def test_an_unreadable_state_file_is_set_aside(tmp_path: Path) -> None:
    state_file = tmp_path / "simulateur.json"
    state_file.write_text("{ pas du json", encoding="utf-8")
    with Simulator(SimulatorConfig(state_file=state_file)) as simulator:
        assert simulator.state.invoices == {}
        with make_client(simulator) as client:
            _submit(client, "NEUF-1")
    assert (tmp_path / "simulateur.json.illisible").read_text(encoding="utf-8") == "{ pas du json"
    assert "NEUF-1" in state_file.read_text(encoding="utf-8")
