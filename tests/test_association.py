"""The rules of the association on plain records: a trainee's year, the checks of the rows (in French, naming the
row and the field), the dues per member from Paramètres, the quorum on a table of cases, the AG slide's masking."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from demo.generate import generate
from domain.ag.life import LifeFigures, life_slide
from domain.ag.slides import Hidden
from domain.association import TARGETS, hosted_in, period_problems, trainees_in, year_figures
from domain.association_dues import (
    DUES_PARAMETERS,
    DueStatus,
    due_lines,
    due_problems,
    dues_to_call,
    quorum,
    reminders,
    summary,
)
from domain.meeting_indicators import MeetingFigures
from domain.parameters import read_parameters
from domain.privacy import MASKED
from domain.validation import validate_rows
from schema.association import DUES, MENTORS, TRAINEES, Due, Installation, Trainee
from schema.models import MEMBERS, PARAMETERS, Member, ParameterRow

YEAR = 2026


def settings(**values: str) -> list[ParameterRow]:
    return [ParameterRow(id=i, key=key, value=value) for i, (key, value) in enumerate(values.items(), start=1)]


def read(rows: list[ParameterRow]):  # type: ignore[no-untyped-def]
    return read_parameters(rows, (*TARGETS, *DUES_PARAMETERS))


@pytest.mark.parametrize(
    ("members", "share", "expected"),
    [
        (0, 25, 0),  # no member: nobody to wait for
        (1, 1, 1),  # any share of one member is that member
        (4, 25, 1),  # exactly a quarter
        (5, 25, 2),  # 1.25 rounded up
        (100, 25, 25),
        (101, 25, 26),
        (146, 25, 37),
        (200, 33, 66),
        (3, 50, 2),
        (7, 100, 7),
    ],
)
def test_quorum_is_the_share_of_members_rounded_up(members: int, share: int, expected: int) -> None:
    assert quorum(members, share) == expected


@pytest.mark.parametrize(
    ("start", "end", "counted"),
    [
        (date(YEAR - 1, 9, 1), date(YEAR, 2, 28), True),  # across the new year
        (date(YEAR, 12, 31), None, True),  # started on the last day, still there
        (date(YEAR - 1, 1, 1), date(YEAR - 1, 12, 31), False),  # ended the day before
        (date(YEAR + 1, 1, 1), date(YEAR + 1, 3, 1), False),  # starts after
        (None, date(YEAR, 3, 1), False),  # no start: in no year
        (date(YEAR - 2, 1, 1), None, True),  # open period
    ],
)
def test_a_trainee_counts_in_each_year_their_period_overlaps(start: date, end: date | None, counted: bool) -> None:
    assert hosted_in(Trainee(start=start, end=end), YEAR) is counted


def test_a_period_ending_before_it_starts_is_named_and_left_out() -> None:
    backwards = Trainee(id=12, name="X", start=date(YEAR, 3, 1), end=date(YEAR, 2, 1))
    fine = Trainee(id=13, name="Y", start=date(YEAR, 3, 1), end=date(YEAR, 4, 1))
    [problem] = period_problems([fine, backwards])
    assert str(problem) == "Stagiaires, ligne Id 12, champ « Fin » : 01/02/2026 précède le début du stage (01/03/2026)"
    assert trainees_in([backwards, fine], YEAR) == [fine]
    [new_row] = period_problems([Trainee(name="Z", start=date(YEAR, 3, 1), end=date(YEAR, 1, 1))])
    assert str(new_row).startswith("Stagiaires — Ligne 1, champ « Fin » :")


def test_negative_dues_are_refused_naming_the_row_and_the_field() -> None:
    rows = [{"member": 1, "year": YEAR, "amount": Decimal(50)}, {"member": 2, "year": YEAR, "amount": Decimal(-10)}]
    checked, problems = validate_rows(DUES, rows, date(YEAR, 6, 1), ("member", "year", "amount"))
    assert checked == []
    assert [str(p) for p in problems] == ["Cotisations — Ligne 2, champ « Montant » : « -10 » doit être au moins 0"]


def test_dues_come_from_the_profession_or_the_flat_amount() -> None:
    parameters, problems = read(settings(**{"Cotisation annuelle": "40", "Cotisation Médecin": "90,50"}))
    assert problems == []
    members = [
        Member(id=1, first_name="Ana", last_name="Médecin", profession="Médecin", email="a@x.fr"),
        Member(id=2, first_name="Bo", last_name="Infirmier", profession="Infirmier", email="b@x.fr"),
        Member(id=3, first_name="Cy", last_name="Sans", profession=None),
        Member(id=4, first_name="Dan", last_name="Inactif", profession="Infirmier", active=False),
    ]
    dues = [
        Due(id=1, member=1, year=YEAR, amount=Decimal("90.5"), paid=True, paid_on=date(YEAR, 2, 1)),
        Due(id=2, member=2, year=YEAR, amount=Decimal(40)),
        Due(id=3, member=3, year=YEAR - 1, amount=Decimal(40), paid=True),  # last year: not this year's
        Due(id=4, member=4, year=YEAR, amount=Decimal(40)),  # inactive member: not a member any more
    ]
    lines = due_lines(members, dues, YEAR, parameters)
    assert [(line.name, line.expected, line.status) for line in lines] == [
        ("Ana Médecin", 90.5, DueStatus.PAID),
        ("Bo Infirmier", 40.0, DueStatus.UNPAID),
        ("Cy Sans", 40.0, DueStatus.NOT_CALLED),
    ]
    assert [line.name for line in reminders(lines)] == ["Bo Infirmier", "Cy Sans"]
    [called] = dues_to_call(lines, YEAR)
    assert (called.member, called.year, called.amount, called.paid) == (3, YEAR, Decimal(40), False)
    found = summary(lines, YEAR, parameters)
    assert (found.members, found.paid, found.unpaid, found.not_called) == (3, 1, 1, 1)
    assert (found.expected_total, found.paid_total, found.quorum_share, found.quorum) == (170.5, 90.5, 25, 1)


def test_an_unreadable_amount_or_quorum_takes_its_default_and_is_reported() -> None:
    parameters, problems = read(settings(**{"Cotisation annuelle": "-50", "Quorum de l'AG (%)": "150"}))
    assert [problem.id for problem in problems] == [1, 2]
    assert "« -50 » n'est pas un montant en euros" in str(problems[0])
    assert "valeur par défaut 50 utilisée" in str(problems[0])
    lines = due_lines([Member(id=1, first_name="A", profession="Infirmier")], [], YEAR, parameters)
    assert lines[0].expected == 50.0 and summary(lines, YEAR, parameters).quorum_share == 25


def test_a_member_called_twice_and_a_date_without_payment_are_reported() -> None:
    dues = [
        Due(id=1, member=1, year=YEAR, amount=Decimal(50)),
        Due(id=2, member=1, year=YEAR, amount=Decimal(50), paid=True, paid_on=date(YEAR, 3, 1)),
        Due(id=3, member=2, year=YEAR, amount=Decimal(50), paid_on=date(YEAR, 3, 1)),
    ]
    assert [(p.id, p.field) for p in due_problems(dues)] == [(1, "Membre"), (3, "Payée le")]
    parameters, _ = read([])
    lines = due_lines([Member(id=1, first_name="A")], dues, YEAR, parameters)
    assert lines[0].status is DueStatus.PAID  # the latest row counts


def test_the_slide_masks_small_trainee_counts_and_takes_meeting_figures() -> None:
    parameters, _ = read([])
    trainees = [Trainee(name=f"T{i}", profession="Infirmier", level="Étudiant en soins infirmiers",
                        host=1, start=date(YEAR, 1, 1)) for i in range(3)]  # fmt: skip
    installations = [Installation(name="I", on=date(YEAR, 5, 1), profession="Médecin", help_given=["Locaux"])]
    figures = year_figures([], trainees, installations, YEAR, parameters)
    dues = summary(due_lines([Member(id=1, first_name="A")], [], YEAR, parameters), YEAR, parameters)
    hidden = Hidden()
    met = MeetingFigures(held=4, trainings=1, training_hours=3.5, members=3, satisfaction=4.2)
    slide = life_slide(LifeFigures(figures, dues, meetings=met), hidden)
    assert slide.title == "La vie de la CPTS"
    assert (slide.figures[0].label, slide.figures[0].value) == (f"Rencontres en {YEAR}", "4")
    assert "1 formations (3,5 h)" in slide.figures[0].detail
    assert slide.figures[1].value == MASKED and "4,2 / 5" in slide.figures[1].detail  # 3 members came
    assert slide.figures[2].value == f"{MASKED} / 6"  # 3 trainees, target 6 (the default)
    assert slide.figures[3].value == "1 / 3" and slide.figures[4].value == "0 / 1"
    assert ("Étudiant en soins infirmiers", MASKED) in (slide.table.rows if slide.table else ())
    assert "3" not in slide.notes.split("stagiaires")[0]  # the masked count is not in the notes either
    assert {"stagiaires_annee", "participants_rencontres_annee"} <= hidden.keys


def test_the_demo_association_is_consistent() -> None:
    today = date.today()
    demo = generate("small", today=today)
    members = {member.id: member for member in demo[MEMBERS.key]}
    mentors = {row.member for row in demo[MENTORS.key]}
    assert all(trainee.host in mentors for trainee in demo[TRAINEES.key])
    assert period_problems(demo[TRAINEES.key]) == [] and due_problems(demo[DUES.key]) == []
    assert len(trainees_in(demo[TRAINEES.key], today.year)) >= 5  # enough to show, not masked
    for due in demo[DUES.key]:
        assert due.paid == ((members[due.member].dues_paid_year or 0) >= (due.year or 0)), due
    active = {member.id for member in members.values() if member.active}
    assert {due.member for due in demo[DUES.key] if due.year == today.year} == active
    keys = {row.key for row in demo[PARAMETERS.key]}
    assert {parameter.key for parameter in (*TARGETS, *DUES_PARAMETERS)} <= keys
