"""Constants of the formats and rules both sides of Chorus Pro share: the CII syntax of
EN 16931 (Factur-X) and the platform's reserved service code. The client's readers and
writers and the simulator take them from here, and each parses on its own, so that a
parsing bug cannot hide on both sides at once."""

from __future__ import annotations

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
CII_NAMESPACES = {"rsm": RSM, "ram": RAM, "udt": UDT}
CII_AGREEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
CII_SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
CII_SUMMATION = f"{CII_SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
# UNTDID 1001 codes of credit notes (a credit note's amounts are positive: the type says it).
CREDIT_NOTE_CODES = frozenset({"381", "261", "262", "296", "308", "396", "420", "458"})

# The service of a public structure reserved to invoices between public entities.
PUBLIC_ONLY_SERVICE = "FACTURES_PUBLIQUES"
