"""The JSON form of the invoicing model's values — stored drafts, issued invoices, the
seller's profile, customers and catalogue lines, the command line's input — through one
cached pydantic adapter per type, with a French message naming each wrong field."""

from __future__ import annotations

from typing import Any, TypeVar

from app.errors import ValidationProblem

T = TypeVar("T")
MAX_REPORTED_ERRORS = 8


_ADAPTERS: dict[type[Any], Any] = {}  # built once per type (a race builds it twice: harmless)


def _adapter(kind: type[Any]) -> Any:
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        from pydantic import TypeAdapter

        adapter = _ADAPTERS[kind] = TypeAdapter(kind)
    return adapter


def to_json(value: Any) -> dict[str, Any]:
    data: dict[str, Any] = _adapter(type(value)).dump_python(value, mode="json")
    return data


def from_json(kind: type[T], data: object, what: str) -> T:
    """``data`` as a ``kind``; ``what`` names it in the French message (« Facture »…)."""
    from pydantic import ValidationError

    from app.invoicing.values import cleaned

    try:
        value: T = _adapter(kind).validate_python(cleaned(data))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'valeur'} : {_french(error)}"
            for error in exc.errors()[:MAX_REPORTED_ERRORS]
        )
        raise ValidationProblem(f"{what} illisible — {problems}") from exc
    return value


# pydantic's error types, said in French (its own messages are English).
_FRENCH = {
    "missing": "obligatoire",
    "string_type": "un texte est attendu",
    "decimal_parsing": "un nombre est attendu (ex. 12.50)",
    "decimal_type": "un nombre est attendu (ex. 12.50)",
    "decimal_max_digits": "nombre trop long",
    "finite_number": "un nombre fini est attendu",
    "date_from_datetime_parsing": "une date réelle au format AAAA-MM-JJ est attendue",
    "date_parsing": "une date réelle au format AAAA-MM-JJ est attendue",
    "date_type": "une date au format AAAA-MM-JJ est attendue",
    "bool_parsing": "vrai ou faux (true / false) est attendu",
    "bool_type": "vrai ou faux (true / false) est attendu",
    "dataclass_type": "un objet JSON est attendu",
    "dict_type": "un objet JSON est attendu",
    "model_type": "un objet JSON est attendu",
    "tuple_type": "une liste est attendue",
    "list_type": "une liste est attendue",
    "unexpected_keyword_argument": "champ inconnu",
    "int_parsing": "un nombre entier est attendu",
    "int_type": "un nombre entier est attendu",
}


def _french(error: Any) -> str:
    kind = str(error.get("type", ""))
    if kind == "enum":
        expected = (error.get("ctx") or {}).get("expected", "")
        return f"valeur inconnue (valeurs possibles : {expected})"
    return _FRENCH.get(kind, "valeur invalide")
