"""The official OpenAPI files of XP Z12-013, read by Bordereau: the operations by method and
path, and a validator of the part of OpenAPI 3.0 they use ($ref, allOf, oneOf, type, enum,
required, properties, items, pattern, maxLength, minimum/maximum, minItems, formats
date-time, uuid and binary). The client checks what it sends with it, the simulator what it
receives: both hold to the same contract.

Unknown properties are let through, as the files do not forbid them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

OPENAPI_DIR = Path(__file__).resolve().parent / "xp-z12-013"
FLOW_SERVICE = "flow-service-1.3.0.json"
DIRECTORY_SERVICE = "directory-service-1.3.0.json"
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


class ContractViolation(ValueError):
    """A request or an answer the official OpenAPI refuses; ``problems`` say where."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    template: str  # « /v1/flows/{flowId} »
    spec: dict[str, Any]
    pattern: re.Pattern[str]

    @property
    def operation_id(self) -> str:
        return str(self.spec.get("operationId", ""))

    def parameters(self, where: str) -> list[dict[str, Any]]:
        return [p for p in self.spec.get("parameters", []) if p.get("in") == where]


class OpenApi:
    def __init__(self, name: str) -> None:
        self.name = name
        self.document: dict[str, Any] = json.loads((OPENAPI_DIR / name).read_text("utf-8"))
        self.operations = [
            Operation(method.upper(), template, spec, _template_pattern(template))
            for template, item in self.document["paths"].items()
            for method, spec in item.items()
            if isinstance(spec, dict) and method in ("get", "post", "put", "delete", "patch")
        ]

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target: Any = self.document
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    def operation(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The operation a request is for, with its path parameters."""
        for operation in self.operations:
            if operation.method != method.upper():
                continue
            found = operation.pattern.match(path)
            if found:
                return operation, found.groupdict()
        return None

    def by_id(self, operation_id: str) -> Operation:
        return next(op for op in self.operations if op.operation_id == operation_id)

    def body_schema(self, operation: Operation, content_type: str) -> dict[str, Any] | None:
        body = operation.spec.get("requestBody")
        if body is None:
            return None
        content = self.resolve(body).get("content", {})
        media = content.get(content_type)
        return None if media is None else self.resolve(media.get("schema", {}))

    def check_request(
        self,
        operation: Operation,
        *,
        path_params: dict[str, str],
        query: dict[str, str],
        body: object = None,
        content_type: str | None = None,
    ) -> list[str]:
        """What the contract refuses in a request: parameters, then the body."""
        problems: list[str] = []
        for where, given in (("path", path_params), ("query", query)):
            for parameter in operation.parameters(where):
                name = parameter["name"]
                value = given.get(_group_name(name)) if where == "path" else given.get(name)
                if value is None:
                    if parameter.get("required"):
                        problems.append(f"{name} : paramètre obligatoire")
                    continue
                schema = self.resolve(parameter.get("schema", {}))
                if schema.get("type") == "array":
                    problems += self.validate(
                        schema, value.split(",") if isinstance(value, str) else value, name
                    )
                else:
                    problems += self.validate(schema, value, name)
        if content_type is not None:
            body_schema = self.body_schema(operation, content_type)
            if body_schema is None:
                problems.append(f"type de contenu {content_type} non prévu par le contrat")
            else:
                problems += self.validate(body_schema, body, "corps")
        elif operation.spec.get("requestBody") is not None:
            problems.append("corps de requête obligatoire")
        return problems

    def check_response(self, operation: Operation, status: int, body: object) -> list[str]:
        """What the contract refuses in an answer (its JSON body, for the status given)."""
        response = operation.spec.get("responses", {}).get(str(status))
        if response is None:
            return [f"statut {status} non prévu par le contrat pour {operation.operation_id}"]
        media = self.resolve(response).get("content", {}).get("application/json")
        if media is None or "schema" not in media:
            return []
        return self.validate(media["schema"], body, "réponse")

    def validate(self, schema: dict[str, Any], value: object, where: str) -> list[str]:
        schema = self.resolve(schema)
        problems: list[str] = []
        for part in schema.get("allOf", []):
            problems += self.validate(part, value, where)
        one_of = schema.get("oneOf", [])
        if one_of and all(self.validate(part, value, where) for part in one_of):
            problems.append(f"{where} : ne correspond à aucune forme permise")
        kind = schema.get("type")
        if kind is not None:
            wrong = not isinstance(value, _TYPES.get(kind, (object,)))
            if wrong or (kind in ("integer", "number") and isinstance(value, bool)):
                return [*problems, f"{where} : {kind} attendu"]
        if "enum" in schema and value not in schema["enum"]:
            problems.append(f"{where} : « {value} » n'est pas une valeur permise")
        if isinstance(value, str):
            problems += _check_string(schema, value, where)
        if isinstance(value, int | float) and not isinstance(value, bool):
            if "maximum" in schema and value > schema["maximum"]:
                problems.append(f"{where} : au plus {schema['maximum']}")
            if "minimum" in schema and value < schema["minimum"]:
                problems.append(f"{where} : au moins {schema['minimum']}")
        if isinstance(value, dict):
            for name in schema.get("required", []):
                if name not in value:
                    problems.append(f"{where}.{name} : obligatoire")
            for name, child in schema.get("properties", {}).items():
                if name in value:
                    problems += self.validate(child, value[name], f"{where}.{name}")
        if isinstance(value, list):
            if len(value) < schema.get("minItems", 0):
                problems.append(f"{where} : au moins {schema['minItems']} élément(s)")
            items = schema.get("items")
            if items is not None:
                for index, item in enumerate(value):
                    problems += self.validate(items, item, f"{where}[{index}]")
        return problems


def _check_string(schema: dict[str, Any], value: str, where: str) -> list[str]:
    problems = []
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        problems.append(f"{where} : {schema['maxLength']} caractères au plus")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        problems.append(f"{where} : forme non permise")
    kind = schema.get("format")
    if kind == "date-time":
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            problems.append(f"{where} : date et heure ISO 8601 attendues")
    elif kind == "uuid" and not _UUID.match(value):
        problems.append(f"{where} : UUID attendu")
    return problems


def _group_name(name: str) -> str:
    return re.sub(r"\W", "_", name)


def _template_pattern(template: str) -> re.Pattern[str]:
    """« /v1/siren/code-insee:{siren} » → a pattern with one named group per parameter."""
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join(
        f"(?P<{_group_name(part[1:-1])}>[^/]+)" if part.startswith("{") else re.escape(part)
        for part in parts
    )
    return re.compile(f"^{regex}$")


@cache
def flow_service() -> OpenApi:
    return OpenApi(FLOW_SERVICE)


@cache
def directory_service() -> OpenApi:
    return OpenApi(DIRECTORY_SERVICE)
