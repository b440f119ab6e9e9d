"""What a recipient requires, on every combination of its flags."""

from __future__ import annotations

import itertools

import pytest

from app.directory.rules import (
    Requirement,
    ServiceFlags,
    StructureFlags,
    recipient_rules,
    structure_requirement,
)
from app.domain.identifiers import STATE_SIRET

COMMUNE = "21690259400019"


@pytest.mark.parametrize(
    ("service", "engagement", "either", "expected"),
    [
        (False, False, False, Requirement.NONE),
        (True, False, False, Requirement.SERVICE),
        (False, True, False, Requirement.ENGAGEMENT),
        (True, True, False, Requirement.BOTH),
        (False, False, True, Requirement.EITHER),
        (True, False, True, Requirement.EITHER),
        (False, True, True, Requirement.EITHER),
        (True, True, True, Requirement.BOTH),
    ],
)
def test_every_flag_combination(
    service: bool, engagement: bool, either: bool, expected: Requirement
) -> None:
    flags = StructureFlags(COMMUNE, True, service, engagement, either)
    assert structure_requirement(flags) is expected
    assert expected.label


def test_the_state_always_needs_both() -> None:
    for flags in itertools.product((False, True), repeat=3):
        assert structure_requirement(StructureFlags(STATE_SIRET, True, *flags)) is Requirement.BOTH


@pytest.mark.parametrize(
    ("requirement_flags", "code", "engagement", "problem"),
    [
        ((True, False, False), None, "EJ1", "exige un code service"),
        ((False, True, False), "SERV", None, "exige un numéro d'engagement"),
        ((False, False, True), None, None, "code service ou un numéro d'engagement"),
        ((True, True, False), "SERV", None, "exige un numéro d'engagement"),
    ],
)
def test_missing_values_are_named(
    requirement_flags: tuple[bool, bool, bool],
    code: str | None,
    engagement: str | None,
    problem: str,
) -> None:
    flags = StructureFlags(COMMUNE, True, *requirement_flags)
    rules = recipient_rules(flags, service_code=code or "", engagement=engagement or "")
    assert not rules.accepted
    assert any(problem in text for text in rules.problems), rules.problems


def test_satisfied_requirements_pass() -> None:
    flags = StructureFlags(COMMUNE, True, False, False, True)
    assert recipient_rules(flags, service_code="", engagement="EJ-1").accepted
    assert recipient_rules(flags, service_code="SERV", engagement="").accepted
    assert recipient_rules(StructureFlags(COMMUNE)).accepted


def test_a_service_can_add_the_engagement_requirement() -> None:
    flags = StructureFlags(COMMUNE, True, True, False, False)
    rules = recipient_rules(flags, ServiceFlags("PORT", engagement_required=True))
    assert rules.requirement is Requirement.BOTH and rules.engagement_required


def test_inactive_structures_and_services_and_factures_publiques_are_refused() -> None:
    inactive = recipient_rules(StructureFlags(COMMUNE, active=False))
    assert not inactive.accepted and "inactive" in inactive.problems[0]
    closed = recipient_rules(StructureFlags(COMMUNE), ServiceFlags("ANCIEN", active=False))
    assert not closed.accepted and "fermé" in closed.problems[0]
    public = recipient_rules(StructureFlags(COMMUNE), ServiceFlags("FACTURES_PUBLIQUES"))
    assert not public.accepted and "entre entités publiques" in public.problems[0]


def test_payment_status_not_reported_is_a_note_not_a_refusal() -> None:
    rules = recipient_rules(StructureFlags(COMMUNE, payment_status_not_reported=True))
    assert rules.accepted and "Mise en paiement" in rules.notes[0]
