"""A small but real Factur-X invoice (CII XML embedded in a PDF) built with factur-x."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.domain.enums import TypeTva
from app.domain.invoice import Invoice, Recipient, References, Totals, VatLine
from app.simulator.seed import siret_for

CII_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice
  xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter>
      <ram:ID>urn:cen.eu:en16931:2017</ram:ID>
    </ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>{number}</ram:ID>
    <ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime>
      <udt:DateTimeString format="102">{issued}</udt:DateTimeString>
    </ram:IssueDateTime>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:ApplicableHeaderTradeAgreement>
      {buyer_reference}
      <ram:SellerTradeParty>
        <ram:Name>Atelier Martin</ram:Name>
        <ram:SpecifiedLegalOrganization>
          <ram:ID schemeID="0002">{seller}</ram:ID>
        </ram:SpecifiedLegalOrganization>
        {seller_vat}
      </ram:SellerTradeParty>
      <ram:BuyerTradeParty>
        <ram:Name>Acheteur public</ram:Name>
        <ram:SpecifiedLegalOrganization>
          <ram:ID schemeID="0002">{buyer}</ram:ID>
        </ram:SpecifiedLegalOrganization>
      </ram:BuyerTradeParty>
      {order}
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      {payment_means}
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:LineTotalAmount>{ht}</ram:LineTotalAmount>
        <ram:TaxBasisTotalAmount>{ht}</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">{tva}</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>{ttc}</ram:GrandTotalAmount>
        <ram:DuePayableAmount>{ttc}</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
"""


def cii_xml(
    number: str,
    *,
    seller: str,
    buyer: str,
    service: str | None = None,
    engagement: str | None = None,
    total_ht: str = "500.00",
    vat_rate: str = "20",
    with_payment_means: bool = True,
    seller_vat: str | None = None,
    issued: str = "20261120",
) -> bytes:
    ht = Decimal(total_ht)
    tva = (ht * Decimal(vat_rate) / 100).quantize(Decimal("0.01"))
    return CII_TEMPLATE.format(
        number=number,
        issued=issued,
        seller=seller,
        buyer=buyer,
        seller_vat=(
            "<ram:SpecifiedTaxRegistration>"
            f'<ram:ID schemeID="VA">{seller_vat}</ram:ID></ram:SpecifiedTaxRegistration>'
            if seller_vat
            else ""
        ),
        buyer_reference=f"<ram:BuyerReference>{service}</ram:BuyerReference>" if service else "",
        order=(
            "<ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>"
            f"{engagement}</ram:IssuerAssignedID></ram:BuyerOrderReferencedDocument>"
            if engagement
            else ""
        ),
        payment_means=(
            "<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>30</ram:TypeCode>"
            "</ram:SpecifiedTradeSettlementPaymentMeans>"
            if with_payment_means
            else ""
        ),
        ht=ht,
        tva=tva,
        ttc=ht + tva,
    ).encode("utf-8")


def facturx_pdf(xml: bytes) -> bytes:
    """A one-page PDF with ``xml`` embedded as Factur-X (EN 16931 profile)."""
    import pymupdf
    from facturx import generate_from_binary

    document = pymupdf.open()  # type: ignore[no-untyped-call]
    page = document.new_page()
    page.insert_text((72, 72), "Facture (Factur-X)", fontsize=14)
    pdf: bytes = document.tobytes()  # type: ignore[no-untyped-call]
    document.close()  # type: ignore[no-untyped-call]
    result: bytes = generate_from_binary(
        pdf, xml, flavor="factur-x", level="en16931", check_xsd=False
    )
    return result


def sample_invoice(number: str, **changes: object) -> Invoice:
    """An invoice to Brest's culture service: 1 000,00 € HT at 20 %, engagement EJ-77; the
    keyword arguments replace any of its parts."""
    made = Invoice(
        number=number,
        issue_date=date(2026, 11, 20),
        recipient=Recipient(siret_for(4, "2129"), "CULTURE", "COMMUNE DE BREST"),
        references=References(vat_type=TypeTva.TVA_SUR_DEBIT, engagement_number="EJ-77"),
        totals=Totals(
            Decimal("1000.00"), Decimal("200.00"), Decimal("1200.00"), amount_due=Decimal("1200.00")
        ),
        vat_lines=[VatLine(Decimal("20"), Decimal("1000.00"), Decimal("200.00"))],
    )
    for name, value in changes.items():
        setattr(made, name, value)
    return made
