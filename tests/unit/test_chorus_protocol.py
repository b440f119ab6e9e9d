"""Protocol details the client must get right whatever the platform sends."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app.chorus import schemas as s
from app.chorus import schemas_factures as f
from app.chorus.client import business_error
from app.chorus.dates import parse_chorus_date, parse_chorus_datetime
from app.chorus.errors import (
    AmountsIncoherentError,
    BusinessError,
    DuplicateInvoiceError,
    EngagementRequiredError,
    FileTooLargeError,
    NotFoundError,
    RecipientUnknownError,
    ServiceOrEngagementRequiredError,
    ServiceRequiredError,
    ServiceUnknownError,
    StatusNotAllowedError,
)


def test_a_single_object_where_a_list_is_expected_is_read_as_a_list() -> None:
    answer = s.RechercherStructureResponse.model_validate_json(
        '{"codeRetour":0,"libelle":"TRA_MSG_00.000",'
        '"listeStructures":{"idStructureCPP":26073617,"identifiantStructure":"12345678200051"}}'
    )
    assert [item.idStructureCPP for item in answer.listeStructures] == [26073617]
    empty = f.RechercherFournisseurResponse.model_validate_json('{"codeRetour":0,"libelle":"x"}')
    assert empty.listeFactures == []


def test_the_three_date_formats() -> None:
    assert parse_chorus_datetime("2026-04-03") == datetime(2026, 4, 2, 22, tzinfo=UTC)
    # "YYYY-MM-DD HH:MM" is Paris time (winter: UTC+1).
    assert parse_chorus_datetime("2018-01-19 11:08") == datetime(2018, 1, 19, 10, 8, tzinfo=UTC)
    assert parse_chorus_datetime("2026-11-22T07:57:53.744+01:00") == datetime(
        2026, 11, 22, 6, 57, 53, 744000, tzinfo=UTC
    )
    assert parse_chorus_datetime("n'importe quoi") is None
    assert parse_chorus_date("2026-04-03 15:02") == datetime(2026, 4, 3).date()


def test_amounts_travel_as_json_numbers_and_come_back_exact() -> None:
    total = f.SoumettreMontantTotal(
        montantHtTotal=Decimal("990.10"),
        montantTVA=Decimal("198.02"),
        montantTtcTotal=Decimal("1188.12"),
        montantAPayer=Decimal("1188"),
    )
    assert total.to_json() == {
        "montantHtTotal": 990.1,
        "montantTVA": 198.02,
        "montantTtcTotal": 1188.12,
        "montantAPayer": 1188,
    }
    back = f.MontantTotalEmise.model_validate_json('{"montantTtcTotal": 1188.12}')
    assert back.montantTtcTotal == Decimal("1188.12")


def test_requests_refuse_unknown_fields_and_values() -> None:
    with pytest.raises(ValueError):
        f.SoumettreCadre(codeCadreFacturation="A3_MEMOIRE_JUSTICE")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        f.TraiterRejetRequest(listeDemandePaiement=[], motifRejet="x")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("code", "libelle", "expected"),
    [
        (
            20303,
            "GDP_MSG_11.012 Le numéro de facture F1 existe déjà pour ce fournisseur",
            DuplicateInvoiceError,
        ),
        (20304, "GDP_MSG_11.020 Le destinataire 123 est inconnu", RecipientUnknownError),
        (20304, "GDP_MSG_11.021 Le destinataire 123 est inactif", RecipientUnknownError),
        (
            20305,
            "Le code service exécutant est obligatoire pour ce destinataire",
            ServiceRequiredError,
        ),
        (
            20305,
            "Le numéro d'engagement juridique est obligatoire pour ce destinataire",
            EngagementRequiredError,
        ),
        (
            20305,
            "Le code service ou le numéro d'engagement doit être renseigné (obligatoire)",
            ServiceOrEngagementRequiredError,
        ),
        (
            20305,
            "Le service FACTURES_PUBLIQUES est réservé aux factures entre entités publiques",
            ServiceUnknownError,
        ),
        (20305, "Le service X est inactif", ServiceUnknownError),
        (20003, "Le fichier dépasse la taille maximale autorisée (10 Mo)", FileTooLargeError),
        (20001, "GDP_MSG_11.022", FileTooLargeError),
        (20013, "Montants incohérents : HT + TVA ≠ TTC", AmountsIncoherentError),
        (
            20002,
            "GDP_MSG_11.033 Le statut de la facture n'est pas Suspendue",
            StatusNotAllowedError,
        ),
        (20000, "GDP_MSG_11.008 La demande de paiement n'existe pas", NotFoundError),
        (20000, "TRA_MSG_00.015 La recherche n'a retourné aucun résultat", NotFoundError),
        (29999, "GDP_MSG_99.999 Erreur inconnue", BusinessError),
    ],
)
def test_refusals_become_typed_errors_with_french_advice(
    code: int, libelle: str, expected: type[BusinessError]
) -> None:
    error = business_error(code, libelle)
    assert type(error) is expected
    assert error.code == code and error.libelle == libelle
    assert error.message and error.message != libelle
