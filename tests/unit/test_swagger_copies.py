"""The swaggers kept in tests/fixtures are the shared official ones, byte for byte."""

from __future__ import annotations

import pytest

from tests.conftest import SHARED, SWAGGER_DIR

NAMES = ("swagger-factures.json", "swagger-structures.json")


@pytest.mark.parametrize("name", NAMES)
def test_copy_matches_the_shared_original(name: str) -> None:
    original = SHARED / "chorus-api" / name
    if not original.exists():
        pytest.skip("the shared folder is not next to this clone")
    assert (SWAGGER_DIR / name).read_bytes() == original.read_bytes()
