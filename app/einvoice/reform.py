"""What the 2026–2027 reform adds to an EN 16931 invoice (norm XP Z12-012, rules BR-FR of
FNFE-MPE), shared by the invoices written here and the Factur-X built for a dropped PDF:

- BT-23, the billing framework (« cadre de facturation »): a letter for what is sold — B
  goods, S services, M both — and a figure for the case: 1 an invoice, 2 already paid,
  4 a final invoice after a deposit, 5 a subcontractor's, 6 a co-contractor's (the last two
  exist for services only). The reform's list also has S3, B7/S7 (already e-reported),
  8 (multi-seller) and 9 (self-billing), which Bordereau never writes.
- the parties' SIREN (BT-30, BT-47, scheme 0002) and SIRET (BT-29, BT-46, scheme 0009);
- the electronic addresses of the directory (BT-34, BT-49, scheme 0225): SIREN,
  SIREN_SIRET or SIREN_SIRET_routing code;
- the processing note (BT-21 « BAR »): B2B for a French business or public buyer, B2BINT
  for a foreign business, B2C for a consumer. The BR-FR rules govern B2B invoices (the
  others are e-reported, not exchanged between platforms).
"""

from __future__ import annotations

import re

SIREN_SCHEME = "0002"  # ISO 6523 ICD of the SIREN (BT-30, BT-47)
SIRET_SCHEME = "0009"  # ISO 6523 ICD of the SIRET (BT-29, BT-46)
DIRECTORY_SCHEME = "0225"  # the reform's directory addresses (BT-34, BT-49)
EMAIL_SCHEME = "EM"
PROCESSING_SUBJECT = "BAR"
B2B = "B2B"
B2B_INTERNATIONAL = "B2BINT"
B2C = "B2C"
# Codes of a Chorus Pro « cadre de facturation » and the reform's case they are.
_CHORUS_CASES = {"A2": "2", "A9": "5", "A12": "6"}
_NOT_IN_ADDRESS = re.compile(r"[^A-Za-z0-9\-_.]")


def billing_framework(
    *,
    goods: bool,
    services: bool,
    already_paid: bool = False,
    after_deposit: bool = False,
    chorus_cadre: str | None = None,
) -> str:
    """BT-23 from what the invoice says: its lines' natures, a payment already received in
    full or in part, and (public buyers) the Chorus Pro cadre the user chose."""
    letter = "M" if goods and services else ("B" if goods else "S")
    case = _CHORUS_CASES.get((chorus_cadre or "").split("_", 1)[0], "1")
    if case in ("5", "6"):
        return f"S{case}"  # subcontracting and co-contracting exist for services only
    if already_paid or case == "2":
        return f"{letter}2"
    if after_deposit:
        return f"{letter}4"
    return f"{letter}1"


def address_part(text: str) -> str:
    """A routing code as an address may carry it (letters, figures, « - », « _ », « . »)."""
    return _NOT_IN_ADDRESS.sub("", text)


def electronic_address(
    siren: str, siret: str | None = None, routing_code: str | None = None
) -> str:
    """The directory address: SIREN, SIREN_SIRET, or SIREN_SIRET_routing code."""
    parts = [siren]
    if siret:
        parts.append(siret)
        if routing_code and address_part(routing_code):
            parts.append(address_part(routing_code))
    return "_".join(parts)


# Peppol's electronic address schemes (EAS) of VAT numbers, by country: where a foreign
# business without a SIREN receives when it gave no other address.
VAT_SCHEMES = {
    "AT": "9914", "BE": "9925", "BG": "9926", "CH": "9927", "CY": "9928", "CZ": "9929",
    "DE": "9930", "EE": "9931", "GB": "9932", "GR": "9933", "EL": "9933", "HR": "9934",
    "IE": "9935", "LI": "9936", "LT": "9937", "LU": "9938", "LV": "9939", "MC": "9940",
    "MT": "9943", "NL": "9944", "PL": "9945", "PT": "9946", "RO": "9947", "SI": "9949",
    "SK": "9950", "SM": "9951", "ES": "9920", "HU": "9910", "FR": "9957", "IT": "0211",
    "FI": "0213",
}  # fmt: skip
_SCHEMED = re.compile(r"^(\d{4}):(.+)$")


def address_scheme(address: str) -> tuple[str, str]:
    """(scheme, identifier) of an address as typed: « 0208:0123456789 » names its scheme,
    an e-mail address is EM, anything else is a directory address (0225)."""
    schemed = _SCHEMED.match(address)
    if schemed:
        return schemed.group(1), schemed.group(2)
    return (EMAIL_SCHEME if "@" in address else DIRECTORY_SCHEME), address


def vat_address(vat_number: str) -> str | None:
    """A foreign business's VAT number as its address, « 9925:BE0123456749 »."""
    scheme = VAT_SCHEMES.get(vat_number[:2].upper())
    return f"{scheme}:{vat_number}" if scheme else None


def processing(*, french: bool, business: bool) -> str:
    if not business:
        return B2C
    return B2B if french else B2B_INTERNATIONAL
