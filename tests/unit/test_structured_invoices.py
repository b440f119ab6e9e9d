"""Structured invoices read exactly: ZUGFeRD 1.0 and UBL (Invoice, CreditNote), from the
XML and from a PDF that embeds it under any name."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from app.prefill.engine import prefill
from app.prefill.facturx_reader import embedded_xml, read_facturx

ZUGFERD1 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
 <rsm:HeaderExchangedDocument>
  <ram:ID>Z1-2019-0042</ram:ID><ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime>
   <udt:DateTimeString format="102">20190315</udt:DateTimeString>
   </ram:IssueDateTime>
 </rsm:HeaderExchangedDocument>
 <rsm:SpecifiedSupplyChainTradeTransaction>
  <ram:ApplicableSupplyChainTradeAgreement>
   <ram:SellerTradeParty><ram:GlobalID schemeID="0009">73282932000074</ram:GlobalID>
    <ram:SpecifiedTaxRegistration>
     <ram:ID schemeID="VA">FR44732829320</ram:ID>
     </ram:SpecifiedTaxRegistration>
   </ram:SellerTradeParty>
   <ram:BuyerTradeParty>
    <ram:GlobalID schemeID="0009">21750001600019</ram:GlobalID>
    </ram:BuyerTradeParty>
   <ram:BuyerOrderReferencedDocument><ram:ID>EJ-77</ram:ID></ram:BuyerOrderReferencedDocument>
  </ram:ApplicableSupplyChainTradeAgreement>
  <ram:ApplicableSupplyChainTradeSettlement>
   <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:SpecifiedTradeSettlementMonetarySummation>
    <ram:LineTotalAmount currencyID="EUR">100.00</ram:LineTotalAmount>
    <ram:TaxBasisTotalAmount currencyID="EUR">100.00</ram:TaxBasisTotalAmount>
    <ram:TaxTotalAmount currencyID="EUR">20.00</ram:TaxTotalAmount>
    <ram:GrandTotalAmount currencyID="EUR">120.00</ram:GrandTotalAmount>
    <ram:DuePayableAmount currencyID="EUR">70.00</ram:DuePayableAmount>
   </ram:SpecifiedTradeSettlementMonetarySummation>
  </ram:ApplicableSupplyChainTradeSettlement>
 </rsm:SpecifiedSupplyChainTradeTransaction>
</rsm:CrossIndustryDocument>
"""

UBL_CREDIT_NOTE = b"""<?xml version="1.0" encoding="UTF-8"?>
<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:ID>AV-2026-003</cbc:ID><cbc:IssueDate>2026-03-12</cbc:IssueDate>
 <cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>
 <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
 <cac:OrderReference><cbc:ID>1300123456</cbc:ID></cac:OrderReference>
 <cac:AccountingSupplierParty><cac:Party>
  <cac:PartyTaxScheme><cbc:CompanyID>FR44732829320</cbc:CompanyID>
   <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
  <cac:PartyLegalEntity>
   <cbc:CompanyID schemeID="0009">73282932000074</cbc:CompanyID>
   </cac:PartyLegalEntity>
 </cac:Party></cac:AccountingSupplierParty>
 <cac:AccountingCustomerParty><cac:Party>
  <cac:PartyIdentification><cbc:ID schemeID="0009">21750001600019</cbc:ID></cac:PartyIdentification>
 </cac:Party></cac:AccountingCustomerParty>
 <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">20.00</cbc:TaxAmount></cac:TaxTotal>
 <cac:LegalMonetaryTotal>
  <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
  <cbc:TaxExclusiveAmount currencyID="EUR">100.00</cbc:TaxExclusiveAmount>
  <cbc:TaxInclusiveAmount currencyID="EUR">120.00</cbc:TaxInclusiveAmount>
  <cbc:PayableAmount currencyID="EUR">120.00</cbc:PayableAmount>
 </cac:LegalMonetaryTotal>
</CreditNote>
"""


def test_zugferd_one_is_read_exactly() -> None:
    result = read_facturx(ZUGFERD1)
    assert result is not None
    assert {name: field.value for name, field in result.fields.items()} == {
        "invoice_number": "Z1-2019-0042",
        "issue_date": "2019-03-15",
        "invoice_type": "facture",
        "seller_siret": "73282932000074",
        "seller_vat": "FR44732829320",
        "buyer_siret": "21750001600019",
        "order_reference": "EJ-77",
        "total_ht": "100.00",
        "total_tva": "20.00",
        "total_ttc": "120.00",
        "amount_due": "70.00",
        "currency": "EUR",
    }


def test_a_ubl_credit_note_is_read_exactly() -> None:
    result = read_facturx(UBL_CREDIT_NOTE)
    assert result is not None
    values = {name: field.value for name, field in result.fields.items()}
    assert values["invoice_type"] == "avoir" and values["invoice_number"] == "AV-2026-003"
    assert (values["seller_siret"], values["buyer_siret"]) == ("73282932000074", "21750001600019")
    assert (values["total_ht"], values["total_tva"], values["total_ttc"]) == (
        "100.00",
        "20.00",
        "120.00",
    )
    assert (values["order_reference"], values["seller_vat"]) == ("1300123456", "FR44732829320")
    assert all(
        field.confidence == 1.0 and field.source == "facturx" for field in result.fields.values()
    )


def test_a_ubl_file_embedded_under_any_name_is_found(tmp_path: Path) -> None:
    document = pymupdf.open()
    page = document.new_page()
    page.insert_text((72, 72), "Avoir AV-2026-003 (voir le fichier joint)")
    document.embfile_add("avoir-ubl.xml", UBL_CREDIT_NOTE)
    pdf = tmp_path / "avoir.pdf"
    document.save(pdf)
    document.close()
    assert embedded_xml(pdf.read_bytes()) == UBL_CREDIT_NOTE
    result = prefill(pdf)
    assert result.value("invoice_type") == "avoir" and result.value("total_ttc") == "120.00"
    assert result.fields["total_ttc"].source == "facturx"


def test_xml_that_is_no_invoice_is_not_read() -> None:
    assert read_facturx(b"<rss><channel/></rss>") is None
    assert read_facturx(b"not xml at all") is None
