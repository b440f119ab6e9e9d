from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.cadres import SUBMITTABLE_CADRES, CadreFacturation
from app.domain.enums import ModeDepot, ModePaiement, TypeIdentifiant, TypeTva
from app.domain.identifiers import (
    STATE_SIRET,
    is_valid_siret,
    is_valid_vat,
    normalize_siret,
    siret_problem,
    vat_number_of,
)
from app.domain.money import MoneyError, format_eur, from_cents, to_cents, to_money
from app.domain.statuses import InvoiceStatus, StatusGroup
from tests.conftest import SWAGGER_DIR

SWAGGER = SWAGGER_DIR / "swagger-factures.json"


def swagger_enum(definition: str, prop: str) -> list[str]:
    spec = json.loads(Path(SWAGGER).read_text("utf-8"))
    return list(spec["definitions"][definition]["properties"][prop]["enum"])


def test_every_swagger_status_is_known_with_label_and_group() -> None:
    official = swagger_enum("HistoriqueStatus", "histoStatutCode")
    assert len(official) == 56
    assert {status.value for status in InvoiceStatus} == set(official)
    for status in InvoiceStatus:
        assert status.label and status.label[0].isupper()
        assert isinstance(status.group, StatusGroup)


@pytest.mark.parametrize(
    ("status", "group", "must_act"),
    [
        (InvoiceStatus.BROUILLON, StatusGroup.BROUILLON, True),
        (InvoiceStatus.DEPOSEE, StatusGroup.EN_COURS, False),
        (InvoiceStatus.MISE_A_DISPOSITION, StatusGroup.EN_COURS, False),
        (InvoiceStatus.A_RECYCLER, StatusGroup.A_TRAITER, True),
        (InvoiceStatus.SUSPENDUE, StatusGroup.A_TRAITER, True),
        (InvoiceStatus.REJETEE, StatusGroup.A_TRAITER, True),
        (InvoiceStatus.MISE_EN_PAIEMENT, StatusGroup.PAYEE, False),
        (InvoiceStatus.SUPPRIMEE, StatusGroup.TERMINEE, False),
    ],
)
def test_status_groups_and_actions(
    status: InvoiceStatus, group: StatusGroup, must_act: bool
) -> None:
    assert status.group is group
    assert status.supplier_must_act is must_act


def test_status_labels_use_portal_wording() -> None:
    assert InvoiceStatus.A_RECYCLER.label == "À recycler"
    assert InvoiceStatus.MISE_EN_PAIEMENT.label == "Mise en paiement"


def test_cadres_match_swagger_and_only_four_are_submittable() -> None:
    every = swagger_enum("CadreDeFacturationOutput", "codeCadreFacturation")
    assert {cadre.value for cadre in CadreFacturation} == set(every) | {
        "A3_MEMOIRE_JUSTICE",
        "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT",
        "A21_DEMANDE_REMBOURSEMENT_TIC",
    }
    submittable = swagger_enum("SoumettreFactureCadreDeFacturation", "codeCadreFacturation")
    assert [cadre.value for cadre in SUBMITTABLE_CADRES] == submittable
    assert CadreFacturation.A1.label == "Dépôt par un fournisseur d'une facture"
    assert CadreFacturation.A9.needs_validator and not CadreFacturation.A1.needs_validator
    assert all(cadre.label for cadre in CadreFacturation)


def test_small_enums_match_swagger() -> None:
    assert [m.value for m in ModePaiement] == swagger_enum(
        "SoumettreFactureReferences", "modePaiement"
    )
    assert [t.value for t in TypeTva] == swagger_enum("SoumettreFactureReferences", "typeTva")
    assert [m.value for m in ModeDepot] == swagger_enum("FactureCpp", "modeDepot")
    assert [t.value for t in TypeIdentifiant] == swagger_enum(
        "Fournisseur", "typeIdentifiantFournisseur"
    )
    assert all(item.label for item in (*ModePaiement, *TypeTva, *TypeIdentifiant))


def test_money_is_decimal_rounded_half_up_and_never_float() -> None:
    assert to_money("1188.005") == Decimal("1188.01")
    assert to_money(Decimal("2.5")) == Decimal("2.50")
    with pytest.raises(MoneyError):
        to_money(1.5)  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        to_money("abc")
    assert to_cents(Decimal("1234.56")) == 123456
    assert from_cents(123456) == Decimal("1234.56")


def test_french_amount_display() -> None:
    assert format_eur(Decimal("1188")) == "1\u202f188,00\u00a0€"
    assert format_eur(Decimal("1234567.8")) == "1\u202f234\u202f567,80\u00a0€"
    assert format_eur(Decimal("-40")) == "-40,00\u00a0€"


def test_siret_checks_say_what_is_wrong() -> None:
    assert is_valid_siret(STATE_SIRET)
    assert normalize_siret(1234567800013) == "01234567800013"
    assert siret_problem(STATE_SIRET) is None
    assert siret_problem("") == "Le SIRET est vide."
    assert siret_problem("1100020110004") == "Un SIRET compte 14 chiffres ; celui-ci en a 13."
    assert "clé de contrôle" in (siret_problem("11000201100045") or "")
    assert "chiffres" in (siret_problem("1100020110004A") or "")


def test_the_vat_number_derived_from_a_siret() -> None:
    derived = vat_number_of("81234567600017")
    assert derived == "FR19812345676" and is_valid_vat(derived)
    assert vat_number_of("81234567600018") is None  # wrong key: nothing is invented


def test_counts_are_said_in_french() -> None:
    from app.domain.text import counted

    assert counted(0, "facture") == "0 facture"
    assert counted(1, "structure") == "1 structure"
    assert counted(3, "facture exportée") == "3 factures exportées"
    assert counted(2, "jour") == "2 jours"
    assert counted(2, "prix") == "2 prix"
