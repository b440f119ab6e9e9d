"""Identifier checks (SIRET, SIREN, VAT) through python-stdnum."""

from __future__ import annotations

from stdnum.fr import siren as _siren
from stdnum.fr import siret as _siret
from stdnum.fr import tva as _tva

STATE_SIRET = "11000201100044"


def normalize_siret(value: str | int) -> str:
    """Digits only, re-padded to 14 (exports store SIRETs as numbers and lose leading zeros)."""
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    return digits.zfill(14) if 0 < len(digits) <= 14 else digits


def is_valid_siret(value: str) -> bool:
    return bool(_siret.is_valid(normalize_siret(value)))


def identifier_problem(value: str, kind: str = "SIRET") -> str | None:
    """A French sentence saying what is wrong with a SIRET or a SIREN (``kind``), or None
    when it is valid: its length, its check digit (Luhn), and not made of zeros only —
    which Luhn accepts."""
    module, length = (_siret, 14) if kind == "SIRET" else (_siren, 9)
    digits = "".join(ch for ch in value if ch.isdigit())
    if not value.strip():
        return f"Le {kind} est vide."
    if len(digits) != len(value.replace(" ", "")):
        return f"Le {kind} ne doit contenir que des chiffres."
    if len(digits) != length:
        return f"Un {kind} compte {length} chiffres ; celui-ci en a {len(digits)}."
    if not digits.strip("0") or not module.is_valid(digits):
        return f"Ce {kind} n'existe pas : sa clé de contrôle est fausse (vérifiez les chiffres)."
    return None


def siret_problem(value: str) -> str | None:
    return identifier_problem(value, "SIRET")


def is_valid_vat(value: str) -> bool:
    return bool(_tva.is_valid(value))


def vat_number_of(siret: str) -> str | None:
    """The French intra-community VAT number derived from a SIRET's SIREN (FR + key + SIREN),
    or None when the SIRET is not valid."""
    if not is_valid_siret(siret):
        return None
    return f"FR{_siret.to_tva(normalize_siret(siret))}"
