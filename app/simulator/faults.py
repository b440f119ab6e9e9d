"""Faults the simulator can inject on ``/cpro/...`` calls, for tests and demos."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

FAULT_KINDS = (
    "timeout",
    "429",
    "500",
    "drop",
    "drop_after",
    "401",
    "401_passager",
    "403",
    "400_sans_enveloppe",
    "400_html",
    "400_vide",
    "415",
    "422",
)
TRANSIENT_KINDS = ("timeout", "429", "500", "drop", "drop_after", "401")


@dataclass(slots=True)
class FaultPlan:
    """``rate`` of calls fail with one of ``kinds``; ``queued`` faults hit the next calls
    first, in order. ``latency_ms`` delays every call; a ``timeout`` waits ``timeout_s``
    before answering (after doing the work, so a write may be recorded)."""

    rate: float = 0.0
    kinds: tuple[str, ...] = TRANSIENT_KINDS
    latency_ms: int = 0
    timeout_s: float = 2.0
    queued: list[str] = field(default_factory=list)
    paths: tuple[str, ...] = ()  # when set, only calls whose path contains one of these fail
    seed: int = 0
    injected: dict[str, int] = field(default_factory=dict)
    _rng: random.Random = field(default_factory=random.Random)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def configure(self, options: dict[str, Any]) -> None:
        with self._lock:
            if "taux" in options:
                rate = float(options["taux"])
                if rate != rate:  # NaN
                    raise ValueError("taux : nombre entre 0 et 1 attendu")
                self.rate = max(0.0, min(1.0, rate))
            if "types" in options:
                kinds = tuple(str(kind) for kind in options["types"])
                unknown = [kind for kind in kinds if kind not in FAULT_KINDS]
                if unknown:
                    raise ValueError(f"panne inconnue : {unknown[0]} (connues : {FAULT_KINDS})")
                self.kinds = kinds or TRANSIENT_KINDS
            if "latence_ms" in options:
                self.latency_ms = max(0, min(60_000, int(options["latence_ms"])))
            if "delai_expiration_s" in options:
                self.timeout_s = max(0.0, min(120.0, float(options["delai_expiration_s"])))
            if "prochaines" in options:
                queued = [str(kind) for kind in options["prochaines"]]
                unknown = [kind for kind in queued if kind not in FAULT_KINDS]
                if unknown:
                    raise ValueError(f"panne inconnue : {unknown[0]}")
                self.queued = queued
            if "chemins" in options:
                self.paths = tuple(str(path) for path in options["chemins"])
            if "graine" in options:
                self.seed = int(options["graine"])
                self._rng = random.Random(self.seed)

    def draw(self, path: str = "") -> str | None:
        with self._lock:
            if self.paths and not any(part in path for part in self.paths):
                return None
            if self.queued:
                kind: str | None = self.queued.pop(0)
            elif self.rate and self._rng.random() < self.rate:
                kind = self._rng.choice(self.kinds)
            else:
                kind = None
            if kind is not None:
                self.injected[kind] = self.injected.get(kind, 0) + 1
            return kind

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return {
                "taux": self.rate,
                "types": list(self.kinds),
                "latence_ms": self.latency_ms,
                "delai_expiration_s": self.timeout_s,
                "prochaines": list(self.queued),
                "chemins": list(self.paths),
                "injectees": dict(self.injected),
            }
