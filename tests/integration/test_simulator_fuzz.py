"""Random JSON shapes posted to every endpoint of the simulator get a 2xx or a 4xx business
answer, never a 500 (which makes a client retry five times) and never a hang (issue 22)."""

from __future__ import annotations

import json
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.simulator.contract import TRANSVERSES_REQUESTS, _swaggers
from app.simulator.routes import ROUTES
from app.simulator.server import Simulator
from tests.support.chorus import api_headers


def _field_names() -> list[str]:
    names: set[str] = set()
    for swagger in _swaggers():
        for definition in swagger["definitions"].values():
            names.update(definition.get("properties", {}))
    for schema in TRANSVERSES_REQUESTS.values():
        names.update(schema["properties"])
    return sorted(names)


FIELDS = _field_names()
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["2026-02-30", "2026-11-20", "FACTURE", "SIRET", "PUBLIQUE", "EUR", "ACTIF"]),
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), children, max_size=6),
    ),
    max_leaves=25,
)
BODIES = st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=8)


def _session(simulator: Simulator) -> httpx.Client:
    return httpx.Client(
        base_url=simulator.base_url,
        headers={**api_headers(simulator), "Content-Type": "application/json;charset=utf-8"},
        timeout=10,  # a hang fails the test
    )


def test_random_json_never_gets_a_500() -> None:
    paths = sorted(ROUTES)
    with Simulator() as simulator, _session(simulator) as session:

        @settings(
            max_examples=400,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(path=st.sampled_from(paths), body=BODIES)
        def post(path: str, body: dict[str, Any]) -> None:
            answer = session.post(path, content=json.dumps(body).encode("utf-8"))
            assert answer.status_code < 500, (path, body, answer.text[:300])
            if answer.status_code in (200, 400):
                envelope = answer.json()
                assert isinstance(envelope.get("codeRetour"), int), (path, body, envelope)
                assert answer.status_code == 200 or envelope["codeRetour"] != 0
            else:
                assert answer.status_code in (413,), (path, body, answer.status_code)

        post()
