"""Identifier checks (SIRET, SIREN, VAT) through python-stdnum."""

from __future__ import annotations

from stdnum.fr import siret as _siret
from stdnum.fr import tva as _tva

STATE_SIRET = "11000201100044"


def normalize_siret(value: str | int) -> str:
    """Digits only, re-padded to 14 (exports store SIRETs as numbers and lose leading zeros)."""
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    return digits.zfill(14) if 0 < len(digits) <= 14 else digits


def is_valid_siret(value: str) -> bool:
    return bool(_siret.is_valid(normalize_siret(value)))


def siret_problem(value: str) -> str | None:
    """A French sentence saying what is wrong with a SIRET, or None when it is valid."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if not value.strip():
        return "Le SIRET est vide."
    if len(digits) != len(value.replace(" ", "")):
        return "Le SIRET ne doit contenir que des chiffres."
    if len(digits) != 14:
        return f"Un SIRET compte 14 chiffres ; celui-ci en a {len(digits)}."
    if not _siret.is_valid(digits):
        return "Ce SIRET n'existe pas : sa clé de contrôle est fausse (vérifiez les chiffres)."
    return None


def is_valid_vat(value: str) -> bool:
    return bool(_tva.is_valid(value))


def vat_number_of(siret: str) -> str | None:
    """The French intra-community VAT number derived from a SIRET's SIREN (FR + key + SIREN),
    or None when the SIRET is not valid."""
    if not is_valid_siret(siret):
        return None
    return f"FR{_siret.to_tva(normalize_siret(siret))}"
