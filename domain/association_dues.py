"""Members' dues (Cotisations) and the AG quorum. Pure: records in, figures out.

The amount a member owes for a year comes from Paramètres: « Cotisation <profession> » when set, else the flat
« Cotisation annuelle ». The association's members are the active rows of Membres; each of them owes dues every
year; the AG's quorum is a share of them (Paramètres « Quorum de l'AG (%) »), rounded up.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.crisis import member_name
from domain.parameters import Parameter, Parameters, parse_amount, whole
from domain.problems import Problem
from schema.association import DUES, Due
from schema.fields import PROFESSIONS
from schema.models import Member

FLAT_DUES = Parameter(
    "Cotisation annuelle",
    parse_amount,
    "un montant en euros",
    "50",
    "Cotisation annuelle d'un membre, en euros (sauf profession ayant sa propre ligne « Cotisation … »).",
)
QUORUM_LIMITS = (1, 100)
QUORUM = Parameter(
    "Quorum de l'AG (%)",
    whole(*QUORUM_LIMITS),
    f"un pourcentage entier entre {QUORUM_LIMITS[0]} et {QUORUM_LIMITS[1]}",
    "25",
    "Part des membres actifs qui doivent être présents ou représentés pour que l'AG délibère (statuts).",
)


def dues_key(profession: str) -> str:
    """ "Cotisation Médecin": the dues of one profession."""
    return f"Cotisation {profession}"


PROFESSION_DUES = tuple(
    Parameter(
        dues_key(profession),
        parse_amount,
        "un montant en euros",
        description=f"Cotisation annuelle d'un membre « {profession} », en euros ; vide : « Cotisation annuelle ».",
        fallback="« Cotisation annuelle » utilisée",
    )
    for profession in PROFESSIONS
)
DUES_PARAMETERS: tuple[Parameter[Any], ...] = (FLAT_DUES, *PROFESSION_DUES, QUORUM)


class DueStatus(StrEnum):
    PAID = "Payée"
    UNPAID = "À payer"
    NOT_CALLED = "Non appelée"  # no Cotisations row for the year yet


@dataclass(frozen=True)
class DueLine:
    """One active member's dues for the year."""

    member: int
    name: str
    profession: str | None
    email: str | None
    expected: float  # from Paramètres
    amount: float | None  # as called in Cotisations (None: not called yet)
    status: DueStatus
    paid_on: date | None
    due_id: int | None  # the Cotisations row


@dataclass(frozen=True)
class DuesSummary:
    year: int
    members: int  # active members
    paid: int
    unpaid: int  # called, not paid
    not_called: int
    expected_total: float
    paid_total: float
    quorum_share: int  # percent
    quorum: int  # members to be present or represented


def expected_amount(parameters: Parameters, profession: str | None) -> float:
    """What a member of this profession owes for a year."""
    own = next((parameters.get(p) for p in PROFESSION_DUES if profession and p.key == dues_key(profession)), None)
    return own if own is not None else parameters.value(FLAT_DUES)


def quorum(members: int, share: int) -> int:
    """Members who must be present or represented: `share` % of `members`, rounded up (0 without members)."""
    return math.ceil(members * share / 100 - 1e-9) if members > 0 else 0


def year_dues(dues: Iterable[Due], year: int) -> dict[int, Due]:
    """Member Id → their Cotisations row for `year` (the latest one when given twice: see `due_problems`)."""
    rows = sorted((row for row in dues if row.year == year and row.member is not None), key=lambda r: r.id or 0)
    return {row.member: row for row in rows if row.member is not None}


def due_lines(members: Sequence[Member], dues: Sequence[Due], year: int, parameters: Parameters) -> list[DueLine]:
    """Every active member's dues for `year`, by name."""
    called = year_dues(dues, year)
    lines = [_line(member, called.get(member.id), parameters) for member in members if member.active and member.id]
    return sorted(lines, key=lambda line: (line.name.casefold(), line.member))


def _line(member: Member, row: Due | None, parameters: Parameters) -> DueLine:
    status = DueStatus.NOT_CALLED if row is None else DueStatus.PAID if row.paid else DueStatus.UNPAID
    return DueLine(
        member=member.id or 0,
        name=member_name(member),
        profession=member.profession,
        email=member.email,
        expected=expected_amount(parameters, member.profession),
        amount=None if row is None or row.amount is None else float(row.amount),
        status=status,
        paid_on=None if row is None else row.paid_on,
        due_id=None if row is None else row.id,
    )


def reminders(lines: Iterable[DueLine]) -> list[DueLine]:
    """The members to remind: their dues are not paid (called or not)."""
    return [line for line in lines if line.status is not DueStatus.PAID]


def summary(lines: Sequence[DueLine], year: int, parameters: Parameters) -> DuesSummary:
    share = parameters.value(QUORUM)
    paid = [line for line in lines if line.status is DueStatus.PAID]
    return DuesSummary(
        year=year,
        members=len(lines),
        paid=len(paid),
        unpaid=sum(line.status is DueStatus.UNPAID for line in lines),
        not_called=sum(line.status is DueStatus.NOT_CALLED for line in lines),
        expected_total=sum(line.expected for line in lines),
        paid_total=sum(line.amount if line.amount is not None else line.expected for line in paid),
        quorum_share=share,
        quorum=quorum(len(lines), share),
    )


def dues_to_call(lines: Iterable[DueLine], year: int) -> list[Due]:
    """The Cotisations rows to add so that every active member is called for `year` (at the expected amount)."""
    return [
        Due(member=line.member, year=year, amount=Decimal(str(line.expected)), paid=False)
        for line in lines
        if line.status is DueStatus.NOT_CALLED
    ]


def due_problems(dues: Sequence[Due]) -> list[Problem]:
    """The rows that call a member twice for the same year (the latest row counts), and a payment without a
    date or a date without the payment ticked."""
    problems = []
    seen: set[tuple[int, int]] = set()
    for row in sorted(dues, key=lambda r: r.id or 0, reverse=True):
        if row.member is None or row.year is None:
            continue
        if (row.member, row.year) in seen:
            reason = f"membre déjà appelé pour {row.year} sur une autre ligne : cette ligne-ci est ignorée"
            problems.append(Problem(DUES.title, row.id, DUES.field("member").title, reason))
        seen.add((row.member, row.year))
    for position, row in enumerate(dues, start=1):
        if row.paid_on is not None and not row.paid:
            reason = f"date de paiement {row.paid_on:%d/%m/%Y} sans « {DUES.field('paid').title} » cochée"
            line = None if row.id is not None else position
            problems.append(Problem(DUES.title, row.id, DUES.field("paid_on").title, reason, line))
    return problems
