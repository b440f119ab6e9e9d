"""What the platform refuses before any business check: a request that does not fit the
official swagger (a wrong JSON type, a value outside an enum, an impossible date) or a text
longer than its documented limit (chorus-api.md §4).

The swaggers (``swagger/``) type the request bodies of the Factures and Structures APIs; the
Transverses API has none, so its handlers check their few fields themselves. Unknown fields
are let through, as a Java backend that ignores them would.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

SWAGGER_DIR = Path(__file__).with_name("swagger")
SWAGGERS = ("swagger-factures.json", "swagger-structures.json")

# chorus-api.md §4 (spec comments, C# client, Pastell); rejection or suspension reasons ≤ 255.
MAX_LENGTHS = {
    "numeroBonCommande": 50,
    "pieceJointeNom": 50,
    "nomFichier": 200,
    "pieceJointeComplementaireDesignation": 100,
    "pieceJointeComplementaireType": 30,
    "codeServiceExecutant": 100,
    "commentaire": 255,
    "motifRemiseGlobaleTTC": 255,
}
# The swagger says object; the swagger's own example and production clients send a one-item
# list, which the platform takes (chorus-api.md §2.6).
OBJECT_OR_ONE_ITEM_LIST = frozenset({"pieceJointePrincipale"})
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M")

_TEXT: dict[str, Any] = {"type": "string"}
_LANGUAGE: dict[str, Any] = {"type": "string", "enum": ["FR", "EN"]}
_PAGING: dict[str, Any] = {
    "type": "object",
    "properties": {
        "nbResultatsParPage": {"type": "integer"},
        "pageResultatDemandee": {"type": "integer"},
        "triColonne": _TEXT,
        "triSens": {"type": "string", "enum": ["Ascendant", "Descendant"]},
    },
}
# The Transverses API has no swagger here: its request bodies as the documentation gives
# them (chorus-api.md §2.4–2.5), in the swagger's own dialect.
TRANSVERSES_REQUESTS: dict[str, dict[str, Any]] = {
    "/cpro/transverses/v1/ajouter/fichier": {
        "properties": {
            key: _TEXT
            for key in (
                "pieceJointeFichier",
                "pieceJointeNom",
                "pieceJointeTypeMime",
                "pieceJointeExtension",
            )
        }
    },
    "/cpro/transverses/v1/consulterCRDetaille": {
        "properties": {"numeroFluxDepot": _TEXT, "syntaxeFlux": _TEXT}
    },
    "/cpro/transverses/v1/rechercher/destinataire": {
        "properties": {
            "identifiant": _TEXT,
            "nomVilleCodePostal": _TEXT,
            "typeStructure": {"type": "string", "enum": ["PRIVEE", "PUBLIQUE"]},
            "parametresRecherche": _PAGING,
        }
    },
    "/cpro/transverses/v1/recuperer/coordbanc/valides": {
        "properties": {"idStructure": {"type": "integer"}}
    },
    "/cpro/transverses/v1/recuperer/typespj": {
        "properties": {"codeLangue": _LANGUAGE, "typeObjet": _TEXT}
    },
    "/cpro/transverses/v1/recuperer/cadrefacturation": {
        "properties": {"typeDemandePaiement": _TEXT}
    },
    **{
        f"/cpro/transverses/v1/recuperer/{name}": {"properties": {"codeLangue": _LANGUAGE}}
        for name in ("tauxtva", "motifs/exonerationtva", "devises")
    },
}


class ContractViolation(Exception):
    """The request does not fit the contract; ``message`` says where, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@cache
def _swaggers() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads((SWAGGER_DIR / name).read_text(encoding="utf-8")) for name in SWAGGERS)


@cache
def request_schema(path: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(schema, definitions) of the body ``path`` takes, when a swagger describes it."""
    if path in TRANSVERSES_REQUESTS:
        return {"type": "object", **TRANSVERSES_REQUESTS[path]}, {}
    for swagger in _swaggers():
        base = swagger["basePath"]
        if not path.startswith(base + "/"):
            continue
        operation = swagger["paths"].get(path.removeprefix(base), {}).get("post") or {}
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "body":
                return parameter["schema"], swagger["definitions"]
    return None


def check_request(path: str, body: dict[str, Any]) -> None:
    """Raise :class:`ContractViolation` when ``body`` is not what ``path`` takes."""
    found = request_schema(path)
    if found is not None:
        schema, definitions = found
        _check(body, schema, definitions, "requête")
    _check_lengths(body, "requête")


def _resolve(schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = definitions[schema["$ref"].split("/")[-1]]
    return schema


def _check(value: Any, schema: dict[str, Any], definitions: dict[str, Any], where: str) -> None:
    if value is None:
        return  # JSON null is "absent" for the platform's deserialiser
    schema = _resolve(schema, definitions)
    kind = schema.get("type") or ("object" if "properties" in schema else None)
    if kind == "object":
        if not isinstance(value, dict):
            raise ContractViolation(f"{where} : un objet est attendu")
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if value.get(name) is None:
                raise ContractViolation(f"{where}.{name} : champ obligatoire absent")
        for name, item in value.items():
            if name not in properties:
                continue
            if name in OBJECT_OR_ONE_ITEM_LIST and isinstance(item, list) and len(item) == 1:
                item = item[0]
            _check(item, properties[name], definitions, f"{where}.{name}")
    elif kind == "array":
        if not isinstance(value, list):
            raise ContractViolation(f"{where} : une liste est attendue")
        for index, item in enumerate(value):
            _check(item, schema.get("items", {}), definitions, f"{where}[{index}]")
    elif kind is not None:
        _check_scalar(value, kind, schema, where)


def _check_scalar(value: Any, kind: str, schema: dict[str, Any], where: str) -> None:
    if kind == "string":
        if not isinstance(value, str):
            raise ContractViolation(f"{where} : un texte est attendu")
        if "enum" in schema and value not in schema["enum"]:
            allowed = ", ".join(schema["enum"])
            raise ContractViolation(f"{where} : valeur {value!r} inconnue (attendu : {allowed})")
        if schema.get("format") in ("date-time", "date") and not _readable_date(value):
            raise ContractViolation(f"{where} : date illisible ou impossible ({value!r})")
    elif kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ContractViolation(f"{where} : un nombre entier est attendu")
        if abs(value) >= 2**63:
            raise ContractViolation(f"{where} : nombre hors limites")
    elif kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise ContractViolation(f"{where} : un nombre est attendu")
        if not _finite(value):
            raise ContractViolation(f"{where} : nombre hors limites")
    elif kind == "boolean" and not isinstance(value, bool):
        raise ContractViolation(f"{where} : vrai ou faux est attendu")


def _finite(value: int | float | Decimal) -> bool:
    if isinstance(value, Decimal):
        return value.is_finite() and abs(value) < Decimal("1e13")
    return math.isfinite(value) and abs(value) < 1e13


def _readable_date(text: str) -> bool:
    """``YYYY-MM-DD`` (what clients send), with a time or ISO 8601 offset; a real calendar
    day (``2026-02-30`` is refused)."""
    for pattern in DATE_FORMATS:
        try:
            datetime.strptime(text, pattern)
            return True
        except ValueError:
            continue
    try:
        if len(text) > 10:
            datetime.fromisoformat(text)
        else:
            date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _check_lengths(value: Any, where: str) -> None:
    if isinstance(value, dict):
        for name, item in value.items():
            limit = MAX_LENGTHS.get(name)
            if limit is not None and isinstance(item, str) and len(item) > limit:
                raise ContractViolation(
                    f"{where}.{name} : {limit} caractères au plus ({len(item)} reçus)"
                )
            _check_lengths(item, f"{where}.{name}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_lengths(item, f"{where}[{index}]")
