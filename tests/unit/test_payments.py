"""Payment deadlines and late interest (domain.md §1.5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.payments.deadline import default_deadline_days, late_interest, payment_schedule
from app.payments.rates import RateTable, half_year

TODAY = date(2026, 11, 22)


def test_the_worked_example_of_domain_md() -> None:
    """1 200 € TTC to a commune, made available 2024-07-01, paid 2024-08-30 at 12.25 %."""
    schedule = payment_schedule(
        [
            ("DEPOSEE", date(2024, 6, 28)),
            ("MISE_A_DISPOSITION", date(2024, 7, 1)),
            ("MISE_EN_PAIEMENT", date(2024, 8, 30)),
        ],
        Decimal("1200.00"),
        deadline_days=30,
        today=TODAY,
    )
    assert schedule.due_on == date(2024, 7, 31)
    assert schedule.days_late == 30
    assert schedule.rate is not None and schedule.rate.percent == Decimal("12.25")
    assert schedule.interest == Decimal("12.08")
    assert schedule.indemnity == Decimal("40.00") and schedule.owed == Decimal("52.08")


def test_paid_in_time_owes_nothing() -> None:
    schedule = payment_schedule(
        [("MISE_A_DISPOSITION", date(2026, 3, 2)), ("MISE_EN_PAIEMENT", date(2026, 3, 30))],
        Decimal("500.00"),
        deadline_days=30,
        today=TODAY,
    )
    assert schedule.due_on == date(2026, 4, 1) and schedule.days_late == 0
    assert schedule.owed == Decimal("0.00") and not schedule.is_late


def test_unpaid_runs_until_today_and_statuses_in_any_order() -> None:
    history = [("MISE_A_DISPOSITION", date(2026, 9, 1)), ("DEPOSEE", date(2026, 8, 30))]
    schedule = payment_schedule(history, Decimal("3650.00"), deadline_days=30, today=TODAY)
    assert schedule.due_on == date(2026, 10, 1)
    assert schedule.days_late == 52
    # 2026-S2 is not in the default table: the latest known rate (10.15 %) is used, and said.
    assert schedule.rate is not None and not schedule.rate.known
    assert schedule.interest == Decimal("52.78")  # 3650 × 10.15 % × 52 / 365


def test_a_suspension_restarts_with_thirty_days_or_the_balance() -> None:
    history = [
        ("MISE_A_DISPOSITION", date(2026, 1, 5)),
        ("SUSPENDUE", date(2026, 1, 15)),  # 20 days were left
        ("COMPLETEE", date(2026, 2, 1)),
    ]
    schedule = payment_schedule(
        history, Decimal("100.00"), deadline_days=30, today=date(2026, 2, 10)
    )
    assert schedule.due_on == date(2026, 3, 3)  # max(30, 20) days from the completion
    hospital = payment_schedule(
        [
            ("MISE_A_DISPOSITION", date(2026, 1, 5)),
            ("SUSPENDUE", date(2026, 1, 10)),
            ("COMPLETEE", date(2026, 1, 20)),
        ],
        Decimal("100.00"),
        deadline_days=50,
        today=date(2026, 1, 21),
    )
    assert hospital.due_on == date(2026, 3, 6)  # 45 days were left: more than 30
    frozen = payment_schedule(history[:2], Decimal("100.00"), deadline_days=30, today=TODAY)
    assert frozen.suspended and frozen.due_on is None and frozen.days_late == 0


def test_a_rejection_ends_the_clock() -> None:
    history = [("MISE_A_DISPOSITION", date(2026, 1, 5)), ("REJETEE", date(2026, 1, 20))]
    schedule = payment_schedule(history, Decimal("100.00"), deadline_days=30, today=TODAY)
    assert schedule.rejected and schedule.due_on is None and schedule.owed == Decimal("0.00")


def test_a_recycled_invoice_starts_again_when_made_available_again() -> None:
    history = [
        ("MISE_A_DISPOSITION", date(2026, 1, 5)),
        ("A_RECYCLER", date(2026, 1, 8)),
        ("MISE_A_DISPOSITION", date(2026, 1, 20)),
    ]
    schedule = payment_schedule(
        history, Decimal("100.00"), deadline_days=30, today=date(2026, 1, 25)
    )
    assert schedule.started_on == date(2026, 1, 20) and schedule.due_on == date(2026, 2, 19)


def test_deadline_by_kind_of_buyer_and_configurable_rates() -> None:
    assert default_deadline_days("COMMUNE DE BREST") == 30
    assert default_deadline_days("CENTRE HOSPITALIER DE LIBOURNE") == 50
    assert default_deadline_days("HOSPICES CIVILS DE LYON") == 50
    table = RateTable({"2026-S2": "10.40"})
    assert table.rate_on(date(2026, 10, 2)).percent == Decimal("10.40")
    assert table.rate_on(date(2026, 10, 2)).known
    assert half_year(date(2026, 6, 30)) == "2026-S1" and half_year(date(2026, 7, 1)) == "2026-S2"
    assert late_interest(Decimal("1000.00"), Decimal("12"), 0) == Decimal("0.00")
