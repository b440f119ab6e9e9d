"""What a credit note corrects: the whole invoice, whole lines, or part of a line — a quantity
(« 2 heures sur 8 ») or an amount (a price corrected) — and never more than was invoiced,
whatever the credit notes already issued.

A credit note's ``credited_lines`` record says what it took: None for the whole invoice, a
line number for a whole line (as the first credit notes were recorded), or
``{"line": n, "amount": "…"}``: that much of the line, HT."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.money import format_amount
from app.errors import ValidationProblem
from app.invoicing.model import Line
from app.invoicing.totals import line_net, to_cent

CreditRecord = list[Any] | None


@dataclass(frozen=True, slots=True)
class CreditPart:
    """Part of one line (numbered from 1): a ``quantity`` of it, or an ``amount`` HT; neither:
    all of it."""

    line: int
    quantity: Decimal | None = None
    amount: Decimal | None = None


def _euros(value: Decimal) -> str:
    return f"{format_amount(value)} €"


def credited_line(original: Line, part: CreditPart) -> Line:
    """The credit note's line for ``part`` of ``original``."""
    if part.quantity is not None:
        if not Decimal(0) < part.quantity <= original.quantity:
            raise ValidationProblem(
                f"Ligne {part.line} : la quantité à créditer doit être entre 0 et "
                f"{format_amount(original.quantity)} (quantité facturée)."
            )
        share = part.quantity / original.quantity
        return replace(
            original, quantity=part.quantity, discount=to_cent(original.discount * share)
        )
    if part.amount is not None:
        net = line_net(original)
        if not Decimal(0) < part.amount <= net:
            raise ValidationProblem(
                f"Ligne {part.line} : le montant à créditer doit être entre 0 et "
                f"{_euros(net)} HT (montant de la ligne)."
            )
        if to_cent(part.amount) == net:
            return original
        return replace(
            original,
            description=f"{original.description} — correction du montant",
            quantity=Decimal(1),
            unit="LS",
            unit_price=to_cent(part.amount),
            discount=Decimal(0),
        )
    return original


def record_of(lines: Sequence[Line], parts: Sequence[CreditPart]) -> list[Any]:
    """What the credit note takes of each line, as stored: a line number when all of it."""
    record: list[Any] = []
    for part in parts:
        original = lines[part.line - 1]
        amount = line_net(credited_line(original, part))
        record.append(
            part.line
            if amount == line_net(original)
            else {"line": part.line, "amount": format(amount, "f")}
        )
    return record


def _taken(record: Iterable[Any], lines: Sequence[Line]) -> dict[int, Decimal]:
    taken: dict[int, Decimal] = {}
    for item in record:
        if isinstance(item, int):
            number, amount = item, line_net(lines[item - 1]) if 0 < item <= len(lines) else 0
        else:
            number, amount = int(item["line"]), Decimal(str(item["amount"]))
        taken[number] = taken.get(number, Decimal(0)) + Decimal(amount)
    return taken


def refuse_beyond_invoiced(
    lines: Sequence[Line],
    earlier: Iterable[tuple[str, CreditRecord]],
    wanted: CreditRecord,
) -> None:
    """A credit note is refused when, with those already issued (``earlier``: their number
    and record), it would credit more of a line — or of the invoice — than was invoiced."""
    earlier = list(earlier)
    for number, record in earlier:
        if record is None:
            raise CreditExceeded(
                f"L'avoir {number} corrige déjà toute cette facture : un autre avoir la "
                "créditerait deux fois."
            )
    if wanted is None:
        if earlier:
            numbers = ", ".join(number for number, _record in earlier)
            raise CreditExceeded(
                f"L'avoir {numbers} corrige déjà une partie de cette facture : un avoir de toute "
                "la facture la créditerait deux fois. Créditez ce qui reste, ligne par ligne."
            )
        return
    already = _taken((item for _n, record in earlier for item in record or []), lines)
    for line, amount in _taken(wanted, lines).items():
        invoiced = line_net(lines[line - 1])
        before = already.get(line, Decimal(0))
        if before + amount > invoiced:
            left = max(invoiced - before, Decimal(0))
            raise CreditExceeded(
                f"La ligne {line} a déjà été créditée de {_euros(before)} HT sur "
                f"{_euros(invoiced)} : il reste {_euros(left)} à créditer."
            )


class CreditExceeded(ValidationProblem):
    """More would be credited than was invoiced."""


def parse_parts(text: str) -> list[CreditPart]:
    """``--lines`` of the command line: « 1,3 » (whole lines), « 2:1.5 » (a quantity),
    « 4:=120,50 » (an amount HT)."""
    parts: list[CreditPart] = []
    for chunk in (piece.strip() for piece in text.split(";" if ";" in text else ",")):
        if not chunk:
            continue
        line, _colon, rest = chunk.partition(":")
        try:
            number = int(line)
            if not rest:
                parts.append(CreditPart(number))
            elif rest.startswith("="):
                parts.append(CreditPart(number, amount=Decimal(rest[1:].replace(",", "."))))
            else:
                parts.append(CreditPart(number, quantity=Decimal(rest.replace(",", "."))))
        except (ValueError, InvalidOperation) as exc:
            raise ValidationProblem(
                "--lines attend des lignes séparées par des virgules : « 1,3 » (lignes "
                "entières), « 2:1.5 » (une quantité), « 4:=120.50 » (un montant HT) ; reçu : "
                f"« {text} »."
            ) from exc
    if not parts:
        raise ValidationProblem("--lines ne nomme aucune ligne.")
    return parts
