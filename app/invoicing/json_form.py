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

    try:
        value: T = _adapter(kind).validate_python(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])} : {error['msg']}"
            for error in exc.errors()[:MAX_REPORTED_ERRORS]
        )
        raise ValidationProblem(f"{what} illisible — {problems}") from exc
    return value
