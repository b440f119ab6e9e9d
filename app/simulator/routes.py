"""The simulator's route table and the helpers handlers share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.simulator.state import SimulatorState

OK_FACTURES = "GCU_MSG_01_000"
OK_TRANSVERSES = "TRA_MSG_00.000"
NO_RESULT = "TRA_MSG_00.015 La recherche n'a retourné aucun résultat"

Handler = Callable[["SimulatorState", dict[str, Any]], dict[str, Any]]
ROUTES: dict[str, Handler] = {}
MUTATING: set[str] = set()


class ApiError(Exception):
    """Answer with this HTTP status and body instead of the handler's result."""

    def __init__(
        self, status: int, body: dict[str, Any] | str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(str(body))
        self.status = status
        self.body = body
        self.headers = headers or {}


def route(path: str, *, mutating: bool = False) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        ROUTES[path] = func
        if mutating:
            MUTATING.add(path)
        return func

    return register


def ok(libelle: str = OK_TRANSVERSES, **fields: Any) -> dict[str, Any]:
    return {"codeRetour": 0, "libelle": libelle, **fields}


def refuse(code: int, libelle: str) -> dict[str, Any]:
    return {"codeRetour": code, "libelle": libelle}


def no_result(state: SimulatorState, list_field: str, libelle: str = NO_RESULT) -> dict[str, Any]:
    """An empty search, answered as the platform does by default (codeRetour 20000), or as the
    admin chose: another code or wording, or an empty list with codeRetour 0."""
    code, text = state.no_result_answer or (20000, libelle)
    if code == 0:
        return ok(text or OK_TRANSVERSES, parametresRetour=paging(1, 10, 0), **{list_field: []})
    return refuse(code, text)


def page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def paging(page: int, per_page: int, total: int) -> dict[str, int]:
    return {
        "pageCourante": page,
        "pages": page_count(total, per_page),
        "nbResultatsParPage": per_page,
        "total": total,
    }


def page_of(items: list[Any], page: int, per_page: int) -> list[Any]:
    return items[(page - 1) * per_page : page * per_page]


def as_int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def page_request(params: dict[str, Any], default_per_page: int = 10) -> tuple[int, int]:
    page = max(1, as_int(params.get("pageResultatDemandee"), 1))
    per_page = max(1, min(1000, as_int(params.get("nbResultatsParPage"), default_per_page)))
    return page, per_page
