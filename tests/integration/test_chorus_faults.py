"""With one call in five failing, reads end answered or with a typed error, and no invoice is
ever filed twice."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from app.chorus import schemas_factures as f
from app.chorus.client import ChorusClient, RetryPolicy
from app.chorus.errors import ChorusError, DuplicateInvoiceError, PlatformUnavailableError
from app.chorus.submission import submit_once
from app.domain.identifiers import STATE_SIRET
from app.simulator.server import Simulator
from tests.support.chorus import admin, make_client, soumettre_request, upload_pdf
from tests.support.chorus_story import BREST_SIRET

OPERATIONS = 200
SUBMISSIONS = 40


def _faulty_client(simulator: Simulator) -> ChorusClient:
    # The simulator's "timeout" fault answers after 0.3 s; the client gives up after 0.15 s.
    return make_client(
        simulator,
        read_timeout=0.15,
        retry=RetryPolicy(attempts=6, base_delay=0.005, max_delay=0.02),
    )


def test_twenty_percent_faults_never_double_file(simulator: Simulator) -> None:
    rng = random.Random(7)
    with make_client(simulator) as setup:
        supplier_id = setup.structures_actives_fournisseur().listeStructures[0].idStructureCPP
        state_id = setup.find_structure_by_siret(STATE_SIRET)
        assert state_id is not None
        pdf_ids = [upload_pdf(setup, f"F-{index}.pdf") for index in range(SUBMISSIONS)]
    admin(
        simulator,
        "pannes",
        {"taux": 0.2, "graine": 3, "delai_expiration_s": 0.3},
    )
    outcomes: dict[str, int] = {"answered": 0, "typed_error": 0}
    submitted: dict[str, int] = {}
    recovered: list[str] = []
    pending: list[f.SoumettreRequest] = []

    def read_operation(client: ChorusClient) -> Callable[[], Any]:
        choice = rng.randrange(4)
        if choice == 0:
            return lambda: client.consulter_structure(state_id.idStructureCPP)
        if choice == 1:
            return lambda: list(client.iter_factures(per_page=10))
        if choice == 2 and submitted:
            invoice_id = rng.choice(list(submitted.values()))
            return lambda: client.historique(invoice_id)
        return lambda: client.all_services(state_id.idStructureCPP)

    with _faulty_client(simulator) as client:
        submission_slots = set(rng.sample(range(OPERATIONS), SUBMISSIONS))
        for index in range(OPERATIONS):
            if index in submission_slots:
                number = f"FLT-{len(submitted) + len(pending):03d}"
                request = soumettre_request(
                    number,
                    supplier_id=supplier_id,
                    recipient_siret=BREST_SIRET,
                    attachment_id=pdf_ids[len(submitted) + len(pending)],
                    service="CULTURE",
                )
                try:
                    result = submit_once(client, request)
                    submitted[number] = result.identifiant_facture_cpp
                    if result.recovered:
                        recovered.append(number)
                    outcomes["answered"] += 1
                except PlatformUnavailableError:
                    pending.append(request)  # stays in the outbox
                    outcomes["typed_error"] += 1
                continue
            try:
                read_operation(client)()
                outcomes["answered"] += 1
            except ChorusError:
                outcomes["typed_error"] += 1

    injected = admin(simulator, "etat")["pannes"]["injectees"]
    assert sum(injected.values()) >= OPERATIONS * 0.15, injected
    assert set(injected) >= {"timeout", "429", "500", "drop", "drop_after", "401"}
    assert outcomes["answered"] + outcomes["typed_error"] == OPERATIONS
    assert outcomes["answered"] >= OPERATIONS * 0.9

    # The outbox retries once the platform is healthy again: reconciliation, no duplicate.
    admin(simulator, "pannes", {"taux": 0})
    with make_client(simulator) as client:
        for request in pending:
            try:
                result = submit_once(client, request, already_attempted=True)
            except DuplicateInvoiceError:  # pragma: no cover - the failure this test is for
                pytest.fail(f"{request.numeroFactureSaisi} was filed twice")
            submitted[request.numeroFactureSaisi] = result.identifiant_facture_cpp
            if result.recovered:
                recovered.append(request.numeroFactureSaisi)

    report = admin(simulator, "etat")
    state = simulator.state
    with state.lock:
        numbers = [invoice.number for invoice in state.invoices.values() if invoice.number]
    assert sorted(numbers) == sorted(submitted) and len(numbers) == SUBMISSIONS
    assert len(set(submitted.values())) == SUBMISSIONS
    # soumettre was sent again only when the platform had recorded nothing.
    assert report["numeros_renvoyes_apres_enregistrement"] == []
    assert recovered, "some answers to soumettre were lost and settled by reconciliation"
