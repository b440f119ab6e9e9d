"""A simulator on loopback with its default account, and a client for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.chorus.client import ChorusClient
from app.simulator.server import Simulator
from tests.support.chorus import make_client


@pytest.fixture
def simulator() -> Iterator[Simulator]:
    with Simulator() as running:
        yield running


@pytest.fixture
def client(simulator: Simulator) -> Iterator[ChorusClient]:
    with make_client(simulator) as chorus:
        yield chorus
