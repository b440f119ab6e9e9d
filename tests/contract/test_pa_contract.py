"""The Plateforme Agréée's common API (issue 34, first slice): Bordereau's client and its PA
simulator hold to the official OpenAPI files of XP Z12-013 — every request the client sends
fits them, every answer the simulator gives fits them, and the simulator refuses what they
refuse (the table below). A lost answer after a flow is recorded is recovered by its
trackingId, never by sending again."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from functools import cache
from typing import Any

import httpx
import pytest

from app.contracts.openapi import directory_service, flow_service
from app.pa.client import PaClient, PaEndpoints, PaError
from app.settings import load_settings
from app.simulator.pa import ADMIN_HEADER, PaSimulator, seed_demo_directory
from tests.support.written_invoices import written_invoice

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@cache
def facturx_pdf() -> bytes:
    """A Factur-X written by Bordereau."""
    from dataclasses import replace

    from app.invoicing.cii_writer import written_cii
    from app.invoicing.pdf import invoice_pdf

    invoice = replace(written_invoice(0), number="2026-0001")
    return invoice_pdf(invoice, written_cii(invoice))


@pytest.fixture
def pa() -> Iterator[PaSimulator]:
    simulator = PaSimulator().start()
    seed_demo_directory(simulator.state)
    yield simulator
    simulator.stop()


@pytest.fixture
def client(pa: PaSimulator) -> Iterator[PaClient]:
    config = pa.state.config
    endpoints = PaEndpoints(pa.flow_url, pa.directory_url, pa.token_url)
    with PaClient(endpoints, config.client_id, config.client_secret) as made:
        yield made


def _token(pa: PaSimulator) -> str:
    config = pa.state.config
    answer = httpx.post(
        pa.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": config.client_id,
            "client_secret": config.client_secret,
        },
    )
    return str(answer.json()["access_token"])


def test_every_operation_of_the_client_fits_the_contract_both_ways(
    pa: PaSimulator, client: PaClient
) -> None:
    invoice = facturx_pdf()
    assert client.health()
    lines = client.directory_lines(siren="443061841")
    assert {line.address for line in lines} == {"443061841", "443061841_44306184100015_COMPTA"}
    assert client.directory_lines(siret="44306184100015", routing="COMPTA")[0].routing == "COMPTA"
    made = [
        client.submit(invoice, f"Facture 2026-000{n}.pdf", tracking_id=f"bordereau-{n}")
        for n in range(1, 4)
    ]
    found = client.search({"flowDirection": ["Out"], "flowType": ["CustomerInvoice"]}, limit=2)
    assert [flow["flowId"] for flow in found] == [flow["flowId"] for flow in made]  # 2 pages
    metadata = client.flow(made[0]["flowId"])
    assert metadata["acknowledgement"]["status"] == "Ok"
    assert client.flow_file(made[0]["flowId"]) == invoice
    operations = {operation for operation, _path in client.sent}
    assert operations == {
        "getHealth",
        "searchDirectoryLine",
        "createFlow",
        "searchFlows",
        "getFlow",
    }
    # the simulator's answers, read back raw, fit the contract too
    headers = {"Authorization": f"Bearer {_token(pa)}"}
    flows = flow_service()
    answers: list[tuple[str, int, Any]] = [
        (
            "searchFlows",
            *_raw(
                httpx.post(pa.flow_url + "/v1/flows/search", json={"where": {}}, headers=headers)
            ),
        ),
        (
            "getFlow",
            *_raw(httpx.get(f"{pa.flow_url}/v1/flows/{made[1]['flowId']}", headers=headers)),
        ),
    ]
    for operation_id, status, body in answers:
        assert flows.check_response(flows.by_id(operation_id), status, body) == []
    directory = directory_service()
    status, body = _raw(
        httpx.post(
            pa.directory_url + "/v1/directory-line/search",
            json={"filters": {"siren": {"op": "strict", "value": "443061841"}}},
            headers=headers,
        )
    )
    assert directory.check_response(directory.by_id("searchDirectoryLine"), status, body) == []
    for answer in made:
        assert flows.validate({"$ref": "#/components/schemas/FullFlowInfo"}, answer, "r") == []


def _raw(answer: httpx.Response) -> tuple[int, Any]:
    return answer.status_code, answer.json()


def _multipart(info: object, content: bytes | None = b"%PDF-1.7") -> dict[str, Any]:
    files: dict[str, Any] = {}
    if info is not None:
        files["flowInfo"] = (None, json.dumps(info), "application/json")
    if content is not None:
        files["file"] = ("f.pdf", content, "application/pdf")
    return files


GOOD_INFO = {"name": "Facture 1.pdf", "flowSyntax": "Factur-X", "trackingId": "t-1"}
# What was tried, and the word of the contract's refusal it must carry.
REFUSED = [
    ("flowInfo absent", "POST", "/v1/flows", {"files": _multipart(None)}, "flowInfo"),
    ("fichier absent", "POST", "/v1/flows", {"files": _multipart(GOOD_INFO, None)}, "file"),
    (
        "flowSyntax hors liste",
        "POST",
        "/v1/flows",
        {"files": _multipart({**GOOD_INFO, "flowSyntax": "PDF"})},
        "flowSyntax",
    ),
    (
        "sha256 mal formé",
        "POST",
        "/v1/flows",
        {"files": _multipart({**GOOD_INFO, "sha256": "XYZ"})},
        "sha256",
    ),
    (
        "trackingId de 65 caractères",
        "POST",
        "/v1/flows",
        {"files": _multipart({**GOOD_INFO, "trackingId": "x" * 65})},
        "trackingId",
    ),
    (
        "processingRule inconnue",
        "POST",
        "/v1/flows",
        {"files": _multipart({**GOOD_INFO, "processingRule": "B2X"})},
        "processingRule",
    ),
    ("nom absent", "POST", "/v1/flows", {"files": _multipart({"flowSyntax": "CII"})}, "name"),
    ("recherche sans where", "POST", "/v1/flows/search", {"json": {"limit": 5}}, "where"),
    (
        "limite de 101",
        "POST",
        "/v1/flows/search",
        {"json": {"where": {}, "limit": 101}},
        "limit",
    ),
    (
        "date mal formée",
        "POST",
        "/v1/flows/search",
        {"json": {"where": {"updatedAfter": "hier"}}},
        "updatedAfter",
    ),
    ("docType inconnu", "GET", "/v1/flows/abc?docType=PDF", {}, "docType"),
    (
        "JSON illisible",
        "POST",
        "/v1/flows/search",
        {"content": b"{where", "headers": {"Content-Type": "application/json"}},
        "JSON",
    ),
]


@pytest.mark.parametrize(
    ("label", "method", "path", "sent", "word"), REFUSED, ids=[r[0] for r in REFUSED]
)
def test_the_simulator_refuses_what_the_contract_refuses(
    pa: PaSimulator, label: str, method: str, path: str, sent: dict[str, Any], word: str
) -> None:
    sent = dict(sent)
    headers = {"Authorization": f"Bearer {_token(pa)}", **sent.pop("headers", {})}
    answer = httpx.request(method, pa.flow_url + path, headers=headers, **sent)
    assert answer.status_code == 400, (label, answer.text)
    body = answer.json()
    assert body["errorCode"] in ("INVALID_REQUEST", "INVALID_JSON") and word in body["errorMessage"]
    assert pa.state.flows == {}  # nothing recorded


@pytest.mark.parametrize(
    ("label", "path", "body"),
    [
        ("SIREN de 8 chiffres", "/v1/siren/code-insee:12345678", None),
        (
            "opérateur inconnu",
            "/v1/directory-line/search",
            {"filters": {"siren": {"op": "like", "value": "1"}}},
        ),
    ],
)  # fmt: skip
def test_the_directory_refuses_what_its_contract_refuses(
    pa: PaSimulator, label: str, path: str, body: object
) -> None:
    headers = {"Authorization": f"Bearer {_token(pa)}"}
    method = "GET" if body is None else "POST"
    answer = httpx.request(method, pa.directory_url + path, json=body, headers=headers)
    assert answer.status_code == 400, label


def test_the_client_never_sends_what_the_contract_refuses(client: PaClient) -> None:
    from app.contracts.openapi import ContractViolation

    with pytest.raises(ContractViolation) as refused:
        client.submit(b"%PDF", "f.pdf", tracking_id="x" * 65)
    assert "trackingId" in str(refused.value)
    assert ("createFlow", "/v1/flows") not in client.sent


def test_a_lost_answer_is_recovered_by_its_tracking_id_never_by_sending_again(
    pa: PaSimulator, client: PaClient
) -> None:
    pa.state.faults["lose_after_record"] = 1
    with pytest.raises(PaError) as lost:
        client.submit(facturx_pdf(), "Facture 2026-0007.pdf", tracking_id="bordereau-7")
    assert lost.value.answer_lost
    recorded = client.by_tracking_id("bordereau-7")
    assert len(recorded) == 1 and recorded[0]["acknowledgement"]["status"] == "Ok"
    # sent again anyway, the platform keeps the first and flags the second
    client.submit(facturx_pdf(), "Facture 2026-0007.pdf", tracking_id="bordereau-7")
    statuses = sorted(
        flow["acknowledgement"]["status"] for flow in client.by_tracking_id("bordereau-7")
    )
    assert statuses == ["Error", "Ok"]


def test_a_wrong_checksum_or_an_empty_file_is_acknowledged_in_error(
    pa: PaSimulator, client: PaClient
) -> None:
    token = _token(pa)
    info = {**GOOD_INFO, "trackingId": "t-sha", "sha256": "0" * 64}
    httpx.post(
        pa.flow_url + "/v1/flows",
        files=_multipart(info),
        headers={"Authorization": f"Bearer {token}"},
    )
    flow = client.by_tracking_id("t-sha")[0]
    assert flow["acknowledgement"]["status"] == "Error"
    assert flow["acknowledgement"]["details"][0]["reasonCode"] == "ChecksumMismatch"


def test_tokens_secrets_and_the_admin_are_guarded(pa: PaSimulator) -> None:
    assert httpx.post(pa.flow_url + "/v1/flows/search", json={"where": {}}).status_code == 401
    endpoints = PaEndpoints(pa.flow_url, pa.directory_url, pa.token_url)
    with (
        PaClient(endpoints, pa.state.config.client_id, "mauvais-secret") as wrong,
        pytest.raises(PaError) as refused,
    ):
        wrong.search({})
    assert refused.value.status == 401 and "secret" in refused.value.message
    admin = pa.base_url + "/_pa/faults"
    assert httpx.post(admin, json={"503": 1}).status_code == 403
    token = {ADMIN_HEADER: pa.state.config.admin_token}
    assert (
        httpx.post(admin, json={"503": 1}, headers={**token, "Origin": "http://x"}).status_code
        == 403
    )
    assert httpx.post(admin, json={"503": 1}, headers=token).status_code == 200


def test_pa_set_then_test_from_the_command_line(
    pa: PaSimulator,
    bordereau_cmd: list[str],
    subprocess_env: dict[str, str],
    isolated_environment: Any,
) -> None:
    """The secret goes to the keyring only; « pa test » says each step, in French."""
    from app.paths import resolve_paths

    config = pa.state.config
    set_up = subprocess.run(
        [*bordereau_cmd, "pa", "set", "--name", "Ma PA", "--flow-url", pa.flow_url,
         "--directory-url", pa.directory_url, "--token-url", pa.token_url,
         "--client-id", config.client_id],
        input=config.client_secret + "\n", env=subprocess_env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert set_up.returncode == 0, set_up.stderr
    settings_file = resolve_paths(isolated_environment).settings_file
    assert config.client_secret not in settings_file.read_text("utf-8")
    assert load_settings(settings_file).pa_name == "Ma PA"
    tested = subprocess.run(
        [*bordereau_cmd, "pa", "test", "--json"],
        env=subprocess_env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert tested.returncode == 0, tested.stderr
    report = json.loads(tested.stdout)
    assert report["ok"] and report["health"] and report["token"] and not report["demo"]
    assert config.client_secret not in tested.stdout + tested.stderr
    config.client_secret = "changé-sur-la-plateforme"
    failed = subprocess.run(
        [*bordereau_cmd, "pa", "test", "--json"],
        env=subprocess_env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert failed.returncode == 3 and json.loads(failed.stdout)["failed"] == "jeton"
