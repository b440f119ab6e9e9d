"""Suppliers' invoices the simulated PA delivers to the user (``flowDirection`` In,
``flowType`` SupplierInvoice), written here in each syntax a platform passes on — CII D16B,
UBL 2.1 Invoice and CreditNote, Factur-X (a PDF page with its CII) — from a few facts. The
simulator shares no code with Bordereau's reader: a reading bug cannot hide on both sides.

The demo's set: a phone operator's Factur-X, a software subscription in CII, a
subcontractor's UBL invoice and its UBL credit note, an invoice whose arithmetic is wrong,
the same invoice sent twice, and a supplier whose bank details changed."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from xml.sax.saxutils import escape


@dataclass(frozen=True, slots=True)
class IncomingLine:
    name: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal = Decimal("20")
    unit: str = "C62"

    @property
    def net(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class IncomingInvoice:
    number: str
    issue_date: date
    seller_name: str
    seller_siren: str
    seller_vat: str
    seller_city: str
    buyer_name: str
    buyer_siren: str
    iban: str
    lines: tuple[IncomingLine, ...]
    credit_note: bool = False
    preceding: str | None = None  # the invoice a credit note corrects
    due_days: int = 30
    vat_total_offset: Decimal = Decimal(0)  # a wrong VAT total, on purpose
    notes: tuple[str, ...] = field(
        default=(
            "Pénalités de retard : trois fois le taux d'intérêt légal. Indemnité forfaitaire "
            "pour frais de recouvrement : 40 €.",
        )
    )

    @property
    def due_date(self) -> date:
        return self.issue_date + timedelta(days=self.due_days)

    def vat_parts(self) -> list[tuple[Decimal, Decimal, Decimal]]:
        """(rate, basis, tax) per rate."""
        rates: dict[Decimal, Decimal] = {}
        for line in self.lines:
            rates[line.vat_rate] = rates.get(line.vat_rate, Decimal(0)) + line.net
        return [
            (rate, basis, (basis * rate / 100).quantize(Decimal("0.01")))
            for rate, basis in sorted(rates.items())
        ]

    @property
    def net_total(self) -> Decimal:
        return sum((line.net for line in self.lines), Decimal(0))

    @property
    def vat_total(self) -> Decimal:
        return sum((tax for _r, _b, tax in self.vat_parts()), Decimal(0)) + self.vat_total_offset

    @property
    def grand_total(self) -> Decimal:
        return self.net_total + self.vat_total

    @property
    def type_code(self) -> str:
        return "381" if self.credit_note else "380"


def _d(value: Decimal) -> str:
    return f"{value:.2f}"


def _ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


def write_cii(invoice: IncomingInvoice) -> bytes:
    ram = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
    lines = "".join(
        "<ram:IncludedSupplyChainTradeLineItem>"
        f"<ram:AssociatedDocumentLineDocument><ram:LineID>{index}</ram:LineID>"
        "</ram:AssociatedDocumentLineDocument>"
        f"<ram:SpecifiedTradeProduct><ram:Name>{escape(line.name)}</ram:Name>"
        "</ram:SpecifiedTradeProduct>"
        "<ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice>"
        f"<ram:ChargeAmount>{line.unit_price}</ram:ChargeAmount>"
        "</ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>"
        "<ram:SpecifiedLineTradeDelivery>"
        f'<ram:BilledQuantity unitCode="{line.unit}">{line.quantity}</ram:BilledQuantity>'
        "</ram:SpecifiedLineTradeDelivery>"
        "<ram:SpecifiedLineTradeSettlement><ram:ApplicableTradeTax><ram:TypeCode>VAT"
        "</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode>"
        f"<ram:RateApplicablePercent>{line.vat_rate}</ram:RateApplicablePercent>"
        "</ram:ApplicableTradeTax><ram:SpecifiedTradeSettlementLineMonetarySummation>"
        f"<ram:LineTotalAmount>{_d(line.net)}</ram:LineTotalAmount>"
        "</ram:SpecifiedTradeSettlementLineMonetarySummation>"
        "</ram:SpecifiedLineTradeSettlement></ram:IncludedSupplyChainTradeLineItem>"
        for index, line in enumerate(invoice.lines, start=1)
    )
    taxes = "".join(
        "<ram:ApplicableTradeTax>"
        f"<ram:CalculatedAmount>{_d(tax)}</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode>"
        f"<ram:BasisAmount>{_d(basis)}</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode>"
        f"<ram:RateApplicablePercent>{rate}</ram:RateApplicablePercent></ram:ApplicableTradeTax>"
        for rate, basis, tax in invoice.vat_parts()
    )
    notes = "".join(
        f"<ram:IncludedNote><ram:Content>{escape(note)}</ram:Content>"
        "<ram:SubjectCode>PMT</ram:SubjectCode></ram:IncludedNote>"
        for note in invoice.notes
    )
    preceding = (
        "<ram:InvoiceReferencedDocument>"
        f"<ram:IssuerAssignedID>{escape(invoice.preceding)}</ram:IssuerAssignedID>"
        "</ram:InvoiceReferencedDocument>"
        if invoice.preceding
        else ""
    )

    def party(tag: str, name: str, siren: str, vat: str | None, city: str) -> str:
        tax = (
            f'<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">{vat}</ram:ID>'
            "</ram:SpecifiedTaxRegistration>"
            if vat
            else ""
        )
        return (
            f"<ram:{tag}><ram:Name>{escape(name)}</ram:Name>"
            f'<ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">{siren}</ram:ID>'
            "</ram:SpecifiedLegalOrganization>"
            f"<ram:PostalTradeAddress><ram:CityName>{escape(city)}</ram:CityName>"
            "<ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>"
            '<ram:URIUniversalCommunication><ram:URIID schemeID="0225">'
            f"{siren}</ram:URIID></ram:URIUniversalCommunication>{tax}</ram:{tag}>"
        )

    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:'
        f'CrossIndustryInvoice:100" xmlns:ram="{ram}" xmlns:udt="urn:un:unece:uncefact:data:'
        'standard:UnqualifiedDataType:100">'
        "<rsm:ExchangedDocumentContext><ram:BusinessProcessSpecifiedDocumentContextParameter>"
        "<ram:ID>S1</ram:ID></ram:BusinessProcessSpecifiedDocumentContextParameter>"
        "<ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017"
        "</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>"
        f"<rsm:ExchangedDocument><ram:ID>{escape(invoice.number)}</ram:ID>"
        f"<ram:TypeCode>{invoice.type_code}</ram:TypeCode>"
        f'<ram:IssueDateTime><udt:DateTimeString format="102">{_ymd(invoice.issue_date)}'
        f"</udt:DateTimeString></ram:IssueDateTime>{notes}</rsm:ExchangedDocument>"
        f"<rsm:SupplyChainTradeTransaction>{lines}"
        "<ram:ApplicableHeaderTradeAgreement>"
        + party(
            "SellerTradeParty",
            invoice.seller_name,
            invoice.seller_siren,
            invoice.seller_vat,
            invoice.seller_city,
        )
        + party("BuyerTradeParty", invoice.buyer_name, invoice.buyer_siren, None, "Brest")
        + "</ram:ApplicableHeaderTradeAgreement><ram:ApplicableHeaderTradeDelivery/>"
        "<ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>EUR"
        "</ram:InvoiceCurrencyCode><ram:SpecifiedTradeSettlementPaymentMeans>"
        "<ram:TypeCode>58</ram:TypeCode><ram:PayeePartyCreditorFinancialAccount>"
        f"<ram:IBANID>{invoice.iban}</ram:IBANID></ram:PayeePartyCreditorFinancialAccount>"
        f"</ram:SpecifiedTradeSettlementPaymentMeans>{taxes}"
        "<ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime>"
        f'<udt:DateTimeString format="102">{_ymd(invoice.due_date)}</udt:DateTimeString>'
        "</ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>"
        "<ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
        f"<ram:LineTotalAmount>{_d(invoice.net_total)}</ram:LineTotalAmount>"
        f"<ram:TaxBasisTotalAmount>{_d(invoice.net_total)}</ram:TaxBasisTotalAmount>"
        f'<ram:TaxTotalAmount currencyID="EUR">{_d(invoice.vat_total)}</ram:TaxTotalAmount>'
        f"<ram:GrandTotalAmount>{_d(invoice.grand_total)}</ram:GrandTotalAmount>"
        f"<ram:DuePayableAmount>{_d(invoice.grand_total)}</ram:DuePayableAmount>"
        f"</ram:SpecifiedTradeSettlementHeaderMonetarySummation>{preceding}"
        "</ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction>"
        "</rsm:CrossIndustryInvoice>"
    )
    return xml.encode("utf-8")


def write_ubl(invoice: IncomingInvoice) -> bytes:
    root = "CreditNote" if invoice.credit_note else "Invoice"
    line_tag = "CreditNoteLine" if invoice.credit_note else "InvoiceLine"
    quantity_tag = "CreditedQuantity" if invoice.credit_note else "InvoicedQuantity"
    type_tag = "CreditNoteTypeCode" if invoice.credit_note else "InvoiceTypeCode"
    lines = "".join(
        f"<cac:{line_tag}><cbc:ID>{index}</cbc:ID>"
        f'<cbc:{quantity_tag} unitCode="{line.unit}">{line.quantity}</cbc:{quantity_tag}>'
        f'<cbc:LineExtensionAmount currencyID="EUR">{_d(line.net)}</cbc:LineExtensionAmount>'
        f"<cac:Item><cbc:Name>{escape(line.name)}</cbc:Name><cac:ClassifiedTaxCategory>"
        f"<cbc:ID>S</cbc:ID><cbc:Percent>{line.vat_rate}</cbc:Percent><cac:TaxScheme>"
        "<cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>"
        f'<cac:Price><cbc:PriceAmount currencyID="EUR">{line.unit_price}</cbc:PriceAmount>'
        f"</cac:Price></cac:{line_tag}>"
        for index, line in enumerate(invoice.lines, start=1)
    )
    subtotals = "".join(
        f'<cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">{_d(basis)}</cbc:TaxableAmount>'
        f'<cbc:TaxAmount currencyID="EUR">{_d(tax)}</cbc:TaxAmount><cac:TaxCategory>'
        f"<cbc:ID>S</cbc:ID><cbc:Percent>{rate}</cbc:Percent><cac:TaxScheme><cbc:ID>VAT"
        "</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>"
        for rate, basis, tax in invoice.vat_parts()
    )

    def party(name: str, siren: str, vat: str | None, city: str) -> str:
        tax = (
            f"<cac:PartyTaxScheme><cbc:CompanyID>{vat}</cbc:CompanyID><cac:TaxScheme>"
            "<cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"
            if vat
            else ""
        )
        return (
            f'<cac:Party><cbc:EndpointID schemeID="0225">{siren}</cbc:EndpointID>'
            f"<cac:PostalAddress><cbc:CityName>{escape(city)}</cbc:CityName><cac:Country>"
            f"<cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country>"
            f"</cac:PostalAddress>{tax}<cac:PartyLegalEntity><cbc:RegistrationName>"
            f"{escape(name)}</cbc:RegistrationName>"
            f'<cbc:CompanyID schemeID="0002">{siren}</cbc:CompanyID>'
            "</cac:PartyLegalEntity></cac:Party>"
        )

    due = (
        "" if invoice.credit_note else f"<cbc:DueDate>{invoice.due_date.isoformat()}</cbc:DueDate>"
    )
    credit_due = (
        f"<cbc:PaymentDueDate>{invoice.due_date.isoformat()}</cbc:PaymentDueDate>"
        if invoice.credit_note
        else ""
    )
    billing = (
        "<cac:BillingReference><cac:InvoiceDocumentReference>"
        f"<cbc:ID>{escape(invoice.preceding)}</cbc:ID></cac:InvoiceDocumentReference>"
        "</cac:BillingReference>"
        if invoice.preceding
        else ""
    )
    notes = "".join(f"<cbc:Note>{escape(note)}</cbc:Note>" for note in invoice.notes)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<{root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:{root}-2" '
        'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
        'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        "<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>"
        "<cbc:ProfileID>S1</cbc:ProfileID>"
        f"<cbc:ID>{escape(invoice.number)}</cbc:ID>"
        f"<cbc:IssueDate>{invoice.issue_date.isoformat()}</cbc:IssueDate>{due}"
        f"<cbc:{type_tag}>{invoice.type_code}</cbc:{type_tag}>{notes}"
        f"<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>{billing}"
        "<cac:AccountingSupplierParty>"
        + party(invoice.seller_name, invoice.seller_siren, invoice.seller_vat, invoice.seller_city)
        + "</cac:AccountingSupplierParty><cac:AccountingCustomerParty>"
        + party(invoice.buyer_name, invoice.buyer_siren, None, "Brest")
        + "</cac:AccountingCustomerParty>"
        f"<cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>{credit_due}"
        f"<cac:PayeeFinancialAccount><cbc:ID>{invoice.iban}</cbc:ID></cac:PayeeFinancialAccount>"
        "</cac:PaymentMeans>"
        f'<cac:TaxTotal><cbc:TaxAmount currencyID="EUR">{_d(invoice.vat_total)}</cbc:TaxAmount>'
        f"{subtotals}</cac:TaxTotal><cac:LegalMonetaryTotal>"
        f'<cbc:LineExtensionAmount currencyID="EUR">{_d(invoice.net_total)}'
        "</cbc:LineExtensionAmount>"
        f'<cbc:TaxExclusiveAmount currencyID="EUR">{_d(invoice.net_total)}'
        "</cbc:TaxExclusiveAmount>"
        f'<cbc:TaxInclusiveAmount currencyID="EUR">{_d(invoice.grand_total)}'
        "</cbc:TaxInclusiveAmount>"
        f'<cbc:PayableAmount currencyID="EUR">{_d(invoice.grand_total)}</cbc:PayableAmount>'
        f"</cac:LegalMonetaryTotal>{lines}</{root}>"
    )
    return xml.encode("utf-8")


def write_facturx(invoice: IncomingInvoice) -> bytes:
    """A one-page PDF with the invoice printed, its CII embedded as Factur-X."""
    import pymupdf
    from facturx import generate_from_binary

    with pymupdf.open() as document:  # type: ignore[no-untyped-call]
        page = document.new_page(width=595, height=842)
        text = [
            invoice.seller_name,
            f"SIREN {invoice.seller_siren} — TVA {invoice.seller_vat}",
            "",
            f"{'AVOIR' if invoice.credit_note else 'FACTURE'} N° {invoice.number}",
            f"Date : {invoice.issue_date:%d/%m/%Y} — Échéance : {invoice.due_date:%d/%m/%Y}",
            f"Client : {invoice.buyer_name} (SIREN {invoice.buyer_siren})",
            "",
            *(f"{line.name} : {line.quantity} × {line.unit_price} € HT" for line in invoice.lines),
            "",
            f"Total HT : {_d(invoice.net_total)} €",
            f"TVA : {_d(invoice.vat_total)} €",
            f"Total TTC : {_d(invoice.grand_total)} €",
            f"IBAN : {invoice.iban}",
            *invoice.notes,
        ]
        page.insert_textbox((50, 50, 545, 800), "\n".join(text), fontsize=10)
        pdf = document.tobytes()
    return bytes(
        generate_from_binary(pdf, write_cii(invoice), flavor="factur-x", level="en16931",
                             check_xsd=False)
    )  # fmt: skip


def demo_invoices(buyer_name: str, buyer_siren: str, today: date) -> list[tuple[str, str, bytes]]:
    """The demo's incoming invoices: (file name, flowSyntax, content)."""
    base = today - timedelta(days=20)
    phone = IncomingInvoice(
        number="FM-2026-118842",
        issue_date=base,
        seller_name="Orange SA",
        seller_siren="380129866",
        seller_vat="FR89380129866",
        seller_city="Issy-les-Moulineaux",
        buyer_name=buyer_name,
        buyer_siren=buyer_siren,
        iban="FR7630004000031234567890143",
        lines=(IncomingLine("Forfait mobile Pro 100 Go", Decimal(1), Decimal("24.99")),),
    )
    software = IncomingInvoice(
        number="ABO-2026-0457",
        issue_date=base + timedelta(days=2),
        seller_name="Logiciels Bretons SAS",
        seller_siren="443061841",
        seller_vat="FR64443061841",
        seller_city="Rennes",
        buyer_name=buyer_name,
        buyer_siren=buyer_siren,
        iban="FR2314505000010412345678954",
        lines=(
            IncomingLine("Abonnement logiciel de devis — mois", Decimal(1), Decimal("19.00")),
            IncomingLine("Option signature électronique", Decimal(1), Decimal("5.00")),
        ),
    )
    subcontractor = IncomingInvoice(
        number="2026-031",
        issue_date=base + timedelta(days=4),
        seller_name="Menuiserie Le Goff",
        seller_siren="732829320",
        seller_vat="FR44732829320",
        seller_city="Quimper",
        buyer_name=buyer_name,
        buyer_siren=buyer_siren,
        iban="FR7612548029981234567890161",
        lines=(
            IncomingLine("Pose de rayonnages (sous-traitance)", Decimal(8), Decimal("45.00")),
            IncomingLine("Tasseaux chêne", Decimal(12), Decimal("6.50")),
        ),
    )
    credit = replace(
        subcontractor,
        number="AV-2026-004",
        issue_date=base + timedelta(days=9),
        credit_note=True,
        preceding="2026-031",
        lines=(IncomingLine("Tasseaux chêne non livrés", Decimal(4), Decimal("6.50")),),
    )
    wrong = replace(
        software,
        number="ABO-2026-0512",
        issue_date=base + timedelta(days=12),
        vat_total_offset=Decimal("1.20"),
    )
    duplicate = replace(phone)  # the same invoice, sent again
    changed_bank = replace(
        subcontractor,
        number="2026-044",
        issue_date=base + timedelta(days=15),
        iban="FR7610107001011234567890129",
        lines=(IncomingLine("Pose de plinthes", Decimal(6), Decimal("38.00")),),
    )
    return [
        ("FM-2026-118842.pdf", "Factur-X", write_facturx(phone)),
        ("ABO-2026-0457.xml", "CII", write_cii(software)),
        ("2026-031.xml", "UBL", write_ubl(subcontractor)),
        ("AV-2026-004.xml", "UBL", write_ubl(credit)),
        ("ABO-2026-0512.xml", "CII", write_cii(wrong)),
        ("FM-2026-118842-bis.pdf", "Factur-X", write_facturx(duplicate)),
        ("2026-044.xml", "UBL", write_ubl(changed_bank)),
    ]
