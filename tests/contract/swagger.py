"""Validate JSON against the official swagger 2.0 files, converted to JSON Schema.

Swagger 2.0 schemas are a dialect of JSON Schema draft 4: the definitions are reused as they
are, with two tightenings so that a typo cannot pass: objects refuse unknown properties, and
each operation's request and response schemas are reached through their ``$ref``. Formats
(``date-time``) are not enforced: the platform itself takes and returns ``YYYY-MM-DD`` where
the swagger says date-time (chorus-api.md §4).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from jsonschema import Draft4Validator

from tests.conftest import SWAGGER_DIR

SWAGGERS = {"factures": "swagger-factures.json", "structures": "swagger-structures.json"}
ENVELOPE = ("codeRetour", "libelle")


@cache
def load_swagger(name: str) -> dict[str, Any]:
    return json.loads((SWAGGER_DIR / SWAGGERS[name]).read_text(encoding="utf-8"))


def _closed(schema: Any) -> Any:
    if isinstance(schema, dict):
        schema = {key: _closed(value) for key, value in schema.items()}
        if "properties" in schema:
            schema.setdefault("additionalProperties", False)
        return schema
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    return schema


def operation_for(path: str) -> tuple[str, dict[str, Any]] | None:
    """The swagger and operation describing ``path`` (e.g. /cpro/factures/v1/soumettre)."""
    for name in SWAGGERS:
        swagger = load_swagger(name)
        base = swagger["basePath"]
        if path.startswith(base + "/"):
            operation = swagger["paths"].get(path.removeprefix(base), {}).get("post")
            if operation is not None:
                return name, operation
    return None


@cache
def _validator(name: str, reference: str, allow_envelope: bool) -> Draft4Validator:
    swagger = load_swagger(name)
    definitions = _closed(copy.deepcopy(swagger["definitions"]))
    target = reference.split("/")[-1]
    if allow_envelope:
        # deposer/pdf's response schema omits the envelope every answer carries (§2.5).
        properties = definitions[target].setdefault("properties", {})
        properties.setdefault("codeRetour", {"type": "integer"})
        properties.setdefault("libelle", {"type": "string"})
    return Draft4Validator({"$ref": reference, "definitions": definitions})


def request_errors(path: str, body: Any) -> list[str]:
    found = operation_for(path)
    assert found is not None, f"{path} is not in the official swaggers"
    name, operation = found
    parameter = next(p for p in operation["parameters"] if p.get("in") == "body")
    validator = _validator(name, parameter["schema"]["$ref"], False)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]


def response_errors(path: str, body: Any) -> list[str]:
    found = operation_for(path)
    assert found is not None, f"{path} is not in the official swaggers"
    name, operation = found
    validator = _validator(name, operation["responses"]["200"]["schema"]["$ref"], True)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]


def has_path(document: Any, pointer: str) -> bool:
    """``a.b[].c``: every element of list ``b`` has ``c`` (vacuous for an empty list)."""
    parts = pointer.split(".")

    def walk(node: Any, index: int) -> bool:
        if index == len(parts):
            return node is not None
        part = parts[index]
        if part.endswith("[]"):
            items = node.get(part[:-2]) if isinstance(node, dict) else None
            if not isinstance(items, list):
                return False
            return all(walk(item, index + 1) for item in items)
        return isinstance(node, dict) and part in node and walk(node[part], index + 1)

    return walk(document, 0)
