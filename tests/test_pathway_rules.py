"""The due-date rules of the care pathways, as tables of cases (pure logic, no server).

The steps below are the rows a coordinator finds in NocoDB (Étapes de parcours), written from DOMAIN.md;
the demo must seed the same ones (last test)."""

from __future__ import annotations

from datetime import date

import pytest

from demo.generate import generate
from domain.communes import commune_closeness
from domain.pathway_tables import schedules, steps_from_frame
from domain.pathways import (
    DONE,
    ENDED,
    ON_INDICATION,
    OVERDUE,
    UP_TO_DATE,
    UPCOMING,
    WAITING,
    EnrolmentFacts,
    PathwayFacts,
    Person,
    add_months,
    birthday,
    eligibility_warnings,
    schedule,
)
from domain.referral import teams
from domain.step_conditions import ConditionError, Rule, parse_condition
from domain.worklist import outside_public, overdue_worklist
from schema.models import (
    ENROLMENTS,
    PATHWAY_STEPS,
    PATHWAYS,
    PATIENTS,
    Enrolment,
    EnrolmentStatus,
    Pathway,
    PathwayStep,
    Patient,
    Sex,
    table,
)
from store.records import to_frame

TODAY = date(2026, 5, 10)
ENDO, DIABETES, CERVICAL, COLORECTAL, BREAST = 1, 2, 3, 4, 5
WOMEN, ALL = "Femmes", "Tous"

# (pathway, title, interval, min age, max age, public, condition)
STEP_ROWS: tuple[tuple[int, str, int | None, int | None, int | None, str, str | None], ...] = (
    (ENDO, "Consultation de premier recours", None, 15, 50, WOMEN, None),
    (ENDO, "Échographie pelvienne", None, 15, 50, WOMEN, "1 mois après Consultation de premier recours"),
    (ENDO, "Traitement hormonal de première intention", None, 15, 50, WOMEN, None),
    (ENDO, "Réévaluation", None, 15, 50, WOMEN, "3 mois après Traitement hormonal de première intention"),
    (
        ENDO,
        "Échographie endovaginale par un échographiste référent",
        None,
        15,
        50,
        WOMEN,
        "sur indication : échec du traitement de première intention",
    ),
    (ENDO, "IRM pelvienne", None, 15, 50, WOMEN, "1 mois après Échographie endovaginale par un échographiste référent"),
    (ENDO, "Consultation en centre expert", None, 15, 50, WOMEN, "sur indication : forme complexe"),
    (DIABETES, "Dosage de l'HbA1c", 3, 18, None, ALL, None),
    (DIABETES, "Fond d'œil ou rétinographie", 12, 18, None, ALL, "24 mois si risque faible"),
    (DIABETES, "ECG de repos", 12, 18, None, ALL, None),
    (DIABETES, "Bilan lipidique", 12, 18, None, ALL, None),
    (DIABETES, "Microalbuminurie et créatininémie (DFG)", 12, 18, None, ALL, None),
    (DIABETES, "Gradation du risque podologique", 12, 18, None, ALL, None),
    (DIABETES, "Soins de pédicurie-podologie (grade 2)", None, 18, None, ALL, "grade podologique 2 ; 5 par an"),
    (DIABETES, "Soins de pédicurie-podologie (grade 3)", None, 18, None, ALL, "grade podologique 3 ; 8 par an"),
    (DIABETES, "Consultation diététique", 12, 18, None, ALL, None),
    (CERVICAL, "Examen cytologique", 36, 25, 29, WOMEN, "2 premiers à 12 mois"),
    (CERVICAL, "Test HPV-HR", 60, 30, 65, WOMEN, "36 mois après Examen cytologique"),
    (COLORECTAL, "Test immunologique fécal", 24, 50, 74, ALL, None),
    (COLORECTAL, "Coloscopie", None, 50, 74, ALL, "sur indication : test immunologique positif"),
    (BREAST, "Mammographie et examen clinique des seins", 24, 50, 74, WOMEN, None),
)


def step_records() -> list[PathwayStep]:
    records = []
    for position, (pathway, title, interval, low, high, public, condition) in enumerate(STEP_ROWS, start=1):
        order = sum(1 for row in STEP_ROWS[:position] if row[0] == pathway)
        records.append(
            PathwayStep(
                id=position,
                title=title,
                pathway=pathway,
                order=order,
                interval_months=interval,
                min_age=low,
                max_age=high,
                sex=public,
                condition=condition,
            )
        )
    return records


STEPS, PROBLEMS = steps_from_frame(to_frame(PATHWAY_STEPS, step_records()))
ID_OF = {step.title: step.id for step in STEPS}


def d(text: str) -> date:
    return date.fromisoformat(text)


def states(
    pathway: int,
    birth: str | None,
    sex: str | None,
    history: dict[str, list[str]],
    *,
    enrolled: str = "2026-01-05",
    foot_grade: int | None = None,
    low_risk: bool = False,
    today: date = TODAY,
    steps: list | None = None,
) -> dict[str, tuple[str, date | None]]:
    """{step title: (status, due date)} for one enrolment."""
    done = {ID_OF[title]: [d(day) for day in days] for title, days in history.items()}
    person = Person(d(birth) if birth else None, sex)
    facts = EnrolmentFacts(d(enrolled), foot_grade, low_risk)
    chosen = [s for s in (steps or STEPS) if s.pathway == pathway]
    return {s.step.title: (s.status, s.due_on) for s in schedule(chosen, person, facts, done, today)}


def test_the_steps_table_is_understood() -> None:
    assert PROBLEMS == []
    hpv = next(s for s in STEPS if s.title == "Test HPV-HR")
    assert hpv.after_step == ID_OF["Examen cytologique"] and hpv.rule.after_months == 36


CYTOLOGY, HPV = "Examen cytologique", "Test HPV-HR"

# (case, birth date, history, expected {step: (status, due)}, today)
CERVICAL_CASES = (
    (
        "27 ans, jamais dépistée : cytologie due à l'inscription, HPV à 30 ans",
        "1999-01-15",
        {},
        {CYTOLOGY: (OVERDUE, "2026-01-05"), HPV: (UPCOMING, "2029-01-15")},
        TODAY,
    ),
    (
        "une cytologie : la deuxième un an après",
        "1999-01-15",
        {CYTOLOGY: ["2025-09-01"]},
        {CYTOLOGY: (UP_TO_DATE, "2026-09-01"), HPV: (UPCOMING, "2029-01-15")},
        TODAY,
    ),
    (
        "deux cytologies à un an : la suivante 3 ans après",
        "1999-01-15",
        {CYTOLOGY: ["2024-03-01", "2025-03-01"]},
        {CYTOLOGY: (UP_TO_DATE, "2028-03-01"), HPV: (UPCOMING, "2029-01-15")},
        TODAY,
    ),
    (
        "deux cytologies, 2e il y a plus d'un an de retard",
        "1999-01-15",
        {CYTOLOGY: ["2024-03-01"]},
        {CYTOLOGY: (OVERDUE, "2025-03-01"), HPV: (UPCOMING, "2029-01-15")},
        TODAY,
    ),
    (
        "29 → 30 ans : la cytologie suivante tomberait à 30 ans, le test HPV la remplace 3 ans après",
        "1997-06-20",
        {CYTOLOGY: ["2023-07-01", "2024-07-01"]},
        {CYTOLOGY: (ENDED, None), HPV: (UPCOMING, "2027-07-01")},
        TODAY,
    ),
    (
        "31 ans, dernière cytologie à 27 ans : test HPV en retard depuis 3 ans après",
        "1995-02-01",
        {CYTOLOGY: ["2022-01-10", "2023-01-10"]},
        {CYTOLOGY: (ENDED, None), HPV: (OVERDUE, "2026-01-10")},
        TODAY,
    ),
    (
        "40 ans, test HPV à jour : tous les 5 ans",
        "1986-03-03",
        {HPV: ["2022-03-01"]},
        {CYTOLOGY: (ENDED, None), HPV: (UP_TO_DATE, "2027-03-01")},
        TODAY,
    ),
    (
        "40 ans, jamais dépistée : test HPV dû à l'inscription",
        "1986-03-03",
        {},
        {CYTOLOGY: (ENDED, None), HPV: (OVERDUE, "2026-01-05")},
        TODAY,
    ),
    (
        "65 ans : encore concernée, en retard",
        "1960-09-01",
        {HPV: ["2021-03-01"]},
        {CYTOLOGY: (ENDED, None), HPV: (OVERDUE, "2026-03-01")},
        TODAY,
    ),
    (
        "66 ans : fin du dépistage",
        "1960-09-01",
        {HPV: ["2021-03-01"]},
        {CYTOLOGY: (ENDED, None), HPV: (ENDED, None)},
        date(2026, 9, 1),
    ),
    (
        "24 ans : cytologie à 25 ans",
        "2001-11-30",
        {},
        {CYTOLOGY: (UPCOMING, "2026-11-30"), HPV: (UPCOMING, "2031-11-30")},
        TODAY,
    ),
)


@pytest.mark.parametrize(
    ("birth", "history", "expected", "today"),
    [case[1:] for case in CERVICAL_CASES],
    ids=[case[0] for case in CERVICAL_CASES],
)
def test_cervical(birth: str, history: dict, expected: dict, today: date) -> None:
    wanted = {title: (status, d(due) if due else None) for title, (status, due) in expected.items()}
    assert states(CERVICAL, birth, "Femme", history, today=today) == wanted


FIT, COLONOSCOPY, MAMMOGRAPHY = "Test immunologique fécal", "Coloscopie", "Mammographie et examen clinique des seins"

# (case, pathway, birth, sex, history, expected)
SCREENING_CASES = (
    (
        "colorectal, 60 ans sans antécédent",
        COLORECTAL,
        "1966-02-02",
        "Homme",
        {},
        {FIT: (OVERDUE, "2026-01-05"), COLONOSCOPY: (ON_INDICATION, None)},
    ),
    (
        "colorectal, test il y a 23 mois",
        COLORECTAL,
        "1966-02-02",
        "Homme",
        {FIT: ["2024-06-01"]},
        {FIT: (UP_TO_DATE, "2026-06-01"), COLONOSCOPY: (ON_INDICATION, None)},
    ),
    (
        "colorectal, 74 ans : le prochain test tombe encore à 74 ans",
        COLORECTAL,
        "1951-12-01",
        "Femme",
        {FIT: ["2024-06-01"]},
        {FIT: (UP_TO_DATE, "2026-06-01"), COLONOSCOPY: (ON_INDICATION, None)},
    ),
    (
        "colorectal, 75 ans : fin du dépistage",
        COLORECTAL,
        "1951-05-01",
        "Homme",
        {FIT: ["2024-06-01"]},
        {FIT: (ENDED, None), COLONOSCOPY: (ENDED, None)},
    ),
    (
        "colorectal, 48 ans : premier test à 50 ans",
        COLORECTAL,
        "1978-01-01",
        "Homme",
        {},
        {FIT: (UPCOMING, "2028-01-01"), COLONOSCOPY: (ON_INDICATION, None)},
    ),
    (
        "colorectal, coloscopie faite après un test positif",
        COLORECTAL,
        "1966-02-02",
        "Homme",
        {FIT: ["2025-10-01"], COLONOSCOPY: ["2025-11-02"]},
        {FIT: (UP_TO_DATE, "2027-10-01"), COLONOSCOPY: (DONE, None)},
    ),
    (
        "sein, 52 ans, mammographie il y a 3 ans",
        BREAST,
        "1974-04-04",
        "Femme",
        {MAMMOGRAPHY: ["2023-04-01"]},
        {MAMMOGRAPHY: (OVERDUE, "2025-04-01")},
    ),
    ("sein, un homme n'est pas concerné", BREAST, "1960-04-04", "Homme", {}, {}),
    (
        "sein, sexe non renseigné : l'étape reste suivie",
        BREAST,
        "1960-04-04",
        None,
        {},
        {MAMMOGRAPHY: (OVERDUE, "2026-01-05")},
    ),
    (
        "sein, date de naissance inconnue : pas de limite d'âge appliquée",
        BREAST,
        None,
        "Femme",
        {MAMMOGRAPHY: ["2025-01-01"]},
        {MAMMOGRAPHY: (UP_TO_DATE, "2027-01-01")},
    ),
)


@pytest.mark.parametrize(
    ("pathway", "birth", "sex", "history", "expected"),
    [case[1:] for case in SCREENING_CASES],
    ids=[case[0] for case in SCREENING_CASES],
)
def test_colorectal_and_breast(pathway: int, birth: str, sex: str, history: dict, expected: dict) -> None:
    wanted = {title: (status, d(due) if due else None) for title, (status, due) in expected.items()}
    assert states(pathway, birth, sex, history) == wanted


HBA1C, EYE = "Dosage de l'HbA1c", "Fond d'œil ou rétinographie"
FOOT_2, FOOT_3 = "Soins de pédicurie-podologie (grade 2)", "Soins de pédicurie-podologie (grade 3)"

# (case, history, foot grade, low risk, expected for the named steps, steps that must be absent)
DIABETES_CASES = (
    ("HbA1c trimestrielle en retard", {HBA1C: ["2026-01-15"]}, 0, False, {HBA1C: (OVERDUE, "2026-04-15")}, ()),
    ("HbA1c trimestrielle à jour", {HBA1C: ["2026-03-01"]}, 0, False, {HBA1C: (UP_TO_DATE, "2026-06-01")}, ()),
    (
        "quatre HbA1c par an : la prochaine 3 mois après la dernière",
        {HBA1C: ["2025-05-01", "2025-08-01", "2025-11-01", "2026-02-01"]},
        0,
        False,
        {HBA1C: (OVERDUE, "2026-05-01")},
        (),
    ),
    ("fond d'œil annuel", {EYE: ["2025-03-01"]}, 0, False, {EYE: (OVERDUE, "2026-03-01")}, ()),
    (
        "fond d'œil tous les 2 ans si risque faible",
        {EYE: ["2025-03-01"]},
        0,
        True,
        {EYE: (UP_TO_DATE, "2027-03-01")},
        (),
    ),
    ("grade 2 : 5 séances par an", {FOOT_2: ["2026-03-01"]}, 2, False, {FOOT_2: (UP_TO_DATE, "2026-05-13")}, (FOOT_3,)),
    ("grade 3 : 8 séances par an", {FOOT_3: ["2026-03-01"]}, 3, False, {FOOT_3: (OVERDUE, "2026-04-16")}, (FOOT_2,)),
    ("grade 0 : pas de soins de podologie", {}, 0, False, {HBA1C: (OVERDUE, "2026-01-05")}, (FOOT_2, FOOT_3)),
    ("grade non renseigné : pas de soins de podologie", {}, None, False, {}, (FOOT_2, FOOT_3)),
)


@pytest.mark.parametrize(
    ("history", "foot_grade", "low_risk", "expected", "absent"),
    [case[1:] for case in DIABETES_CASES],
    ids=[case[0] for case in DIABETES_CASES],
)
def test_diabetes(history: dict, foot_grade: int | None, low_risk: bool, expected: dict, absent: tuple) -> None:
    found = states(DIABETES, "1958-07-07", "Homme", history, foot_grade=foot_grade, low_risk=low_risk)
    for title, (status, due) in expected.items():
        assert found[title] == (status, d(due)), title
    for title in absent:
        assert title not in found
    assert len(found) == 9 - 2 + (foot_grade in (2, 3))


def test_new_diabetic_with_no_history_has_every_yearly_step_due_at_enrolment() -> None:
    found = states(DIABETES, "1958-07-07", "Femme", {}, enrolled="2026-05-10", foot_grade=1)
    assert set(found.values()) == {(UPCOMING, TODAY)}
    assert len(found) == 7


def test_an_edited_interval_changes_the_due_date() -> None:
    rows = [r.model_copy(update={"interval_months": 6}) if r.title == HBA1C else r for r in step_records()]
    edited, _ = steps_from_frame(to_frame(PATHWAY_STEPS, rows))
    found = states(DIABETES, "1958-07-07", "Homme", {HBA1C: ["2026-01-15"]}, steps=edited)
    assert found[HBA1C] == (UP_TO_DATE, date(2026, 7, 15))


ENDO_TITLES = [row[1] for row in STEP_ROWS if row[0] == ENDO]

# (case, history, expected status and due date of each endometriosis step, in order)
ENDO_CASES = (
    (
        "inscrite, rien de fait : consultation due à l'inscription",
        {},
        [
            (OVERDUE, "2026-01-05"),
            (WAITING, None),
            (WAITING, None),
            (WAITING, None),
            (ON_INDICATION, None),
            (WAITING, None),
            (ON_INDICATION, None),
        ],
    ),
    (
        "consultation faite : échographie un mois après",
        {ENDO_TITLES[0]: ["2026-04-20"]},
        [
            (DONE, None),
            (UPCOMING, "2026-05-20"),
            (WAITING, None),
            (WAITING, None),
            (ON_INDICATION, None),
            (WAITING, None),
            (ON_INDICATION, None),
        ],
    ),
    (
        "niveau 1 fait sauf réévaluation, 4 mois après le traitement",
        {ENDO_TITLES[0]: ["2025-12-01"], ENDO_TITLES[1]: ["2025-12-20"], ENDO_TITLES[2]: ["2026-01-10"]},
        [
            (DONE, None),
            (DONE, None),
            (DONE, None),
            (OVERDUE, "2026-04-10"),
            (ON_INDICATION, None),
            (WAITING, None),
            (ON_INDICATION, None),
        ],
    ),
    (
        "orientée en niveau 2 : IRM un mois après l'échographie endovaginale",
        {title: ["2025-11-01"] for title in ENDO_TITLES[:4]} | {ENDO_TITLES[4]: ["2026-03-01"]},
        [
            (DONE, None),
            (DONE, None),
            (DONE, None),
            (DONE, None),
            (DONE, None),
            (OVERDUE, "2026-04-01"),
            (ON_INDICATION, None),
        ],
    ),
)


@pytest.mark.parametrize(("history", "expected"), [case[1:] for case in ENDO_CASES], ids=[c[0] for c in ENDO_CASES])
def test_endometriosis_levels(history: dict, expected: list) -> None:
    found = states(ENDO, "1996-10-10", "Femme", history)
    assert list(found) == ENDO_TITLES
    assert list(found.values()) == [(status, d(due) if due else None) for status, due in expected]


# --- the condition vocabulary --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        (None, Rule()),
        ("", Rule()),
        ("Grade podologique 2 ; 5 par an", Rule(foot_grade=2, per_year=5)),
        ("8 séances par an", Rule(per_year=8)),
        ("2 premiers à 12 mois", Rule(first_count=2, first_months=12)),
        ("24 mois si risque faible", Rule(low_risk_months=24)),
        ("36 mois après Examen cytologique", Rule(after_title="examen cytologique", after_months=36)),
        ("après « Consultation »", Rule(after_title="consultation")),
        ("Sur indication : forme complexe", Rule(on_indication=True)),
        ("sur indication", Rule(on_indication=True)),
    ],
)
def test_conditions_are_parsed(text: str | None, rule: Rule) -> None:
    assert parse_condition(text) == rule


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("si besoin", "« si besoin » n'est pas compris"),
        ("grade podologique 4", "« grade podologique 4 » n'est pas compris"),
        ("5 par an ; tous les mois", "« tous les mois » n'est pas compris"),
    ],
)
def test_unknown_conditions_are_refused_in_french(text: str, message: str) -> None:
    with pytest.raises(ConditionError, match=message) as error:
        parse_condition(text)
    assert "grade podologique N" in str(error.value)  # the vocabulary is recalled


def test_zero_times_a_year_is_refused() -> None:
    with pytest.raises(ConditionError, match="« 0 par an » : le nombre doit être au moins 1"):
        parse_condition("0 par an")


def test_bad_conditions_are_reported_with_the_step_id_and_ignored() -> None:
    rows = step_records()
    rows[17] = rows[17].model_copy(update={"condition": "36 mois après Frottis"})  # Test HPV-HR, Id 18
    rows[7] = rows[7].model_copy(update={"condition": "quand il faut"})  # Dosage de l'HbA1c, Id 8
    steps, problems = steps_from_frame(to_frame(PATHWAY_STEPS, rows))
    assert [(p.table, p.id, p.field) for p in problems] == [
        (PATHWAY_STEPS.title, 8, "Condition"),
        (PATHWAY_STEPS.title, 18, "Condition"),
    ]
    assert problems[0].reason.startswith("« quand il faut » n'est pas compris")
    assert problems[1].reason == "« après frottis » : aucune étape de ce titre dans le même parcours"
    hpv = next(s for s in steps if s.id == 18)
    assert hpv.after_step is None and hpv.interval_months == 60
    assert len(steps) == len(rows)


# --- dates and enrolment checks ------------------------------------------------------------------


def test_month_arithmetic() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 11, 15), 3) == date(2026, 2, 15)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert birthday(date(2000, 2, 29), 26) == date(2026, 2, 28)


BREAST_FACTS = PathwayFacts("Dépistage du cancer du sein", "Femmes", 50, 74)


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        (Person(date(1970, 1, 1), "Femme"), []),
        (
            Person(date(1981, 1, 1), "Femme"),
            ["45 ans le 10/05/2026 ; le parcours « Dépistage du cancer du sein » concerne les 50–74 ans"],
        ),
        (
            Person(date(1950, 1, 1), "Femme"),
            ["76 ans le 10/05/2026 ; le parcours « Dépistage du cancer du sein » concerne les 50–74 ans"],
        ),
        (Person(date(1970, 1, 1), "Homme"), ["le parcours « Dépistage du cancer du sein » concerne les femmes"]),
        (Person(None, "Femme"), ["date de naissance manquante : l'âge ne peut pas être vérifié"]),
    ],
)
def test_enrolment_outside_the_public_is_warned_in_french(person: Person, expected: list[str]) -> None:
    assert eligibility_warnings(BREAST_FACTS, person, TODAY) == expected


def test_open_ended_age_ranges() -> None:
    diabetes = PathwayFacts("Diabète de type 2", "Tous", 18, None)
    assert eligibility_warnings(diabetes, Person(date(2010, 1, 1), "Homme"), TODAY) == [
        "16 ans le 10/05/2026 ; le parcours « Diabète de type 2 » concerne les 18 ans et plus"
    ]
    assert eligibility_warnings(diabetes, Person(date(1930, 1, 1), "Homme"), TODAY) == []


# --- the demo seeds the same steps ---------------------------------------------------------------


def test_demo_steps_follow_domain_md() -> None:
    tables = generate("small", today=TODAY)
    names = {p.id: p.name for p in tables["pathways"]}
    demo = [
        (names[s.pathway], s.title, s.interval_months, s.min_age, s.max_age, s.sex, s.condition)
        for s in tables["pathway_steps"]
    ]
    here_names = {ENDO: names[1], DIABETES: names[2], CERVICAL: names[3], COLORECTAL: names[4], BREAST: names[5]}
    assert demo == [(here_names[row[0]], *row[1:]) for row in STEP_ROWS]
    _, problems = steps_from_frame(to_frame(PATHWAY_STEPS, tables["pathway_steps"]))
    assert problems == []


def test_demo_has_enrolments_up_to_date_and_overdue_in_every_pathway() -> None:
    tables = generate("small", today=TODAY)
    frames = {key: to_frame(table(key), rows) for key, rows in tables.items()}
    steps, _ = steps_from_frame(frames["pathway_steps"])
    schedule = schedules(steps, frames["enrolments"], frames["patients"], frames["steps_done"], TODAY)
    team = teams(frames["pathway_members"], frames["members"])
    for pathway in tables["pathways"]:
        states = schedule[schedule["pathway"] == pathway.id]
        assert states["enrolment"].nunique() >= 10, pathway.name  # shown unmasked on the board
        assert (states["status"] == OVERDUE).any(), pathway.name
        assert states["status"].isin((UP_TO_DATE, DONE)).any(), pathway.name
        assert team[pathway.id], pathway.name
    endometriosis = next(p.id for p in tables["pathways"] if p.name == "Endométriose")
    assert {level for member in team[endometriosis] for level in member.levels} == {1, 2, 3}
    cervical = schedule[schedule["step_title"] == "Test HPV-HR"]
    assert (cervical["status"] == UPCOMING).any() or (cervical["status"] == UP_TO_DATE).any()
    worklist = overdue_worklist(schedule, steps, frames["patients"], frames["pathways"], team, commune_closeness, TODAY)
    assert len(worklist) == (schedule["status"] == OVERDUE).sum()
    assert worklist["referral_name"].notna().all()  # every overdue step has someone to refer to


def test_enrolments_outside_their_pathway_public_are_named_by_patient() -> None:
    active, ended = EnrolmentStatus.ACTIVE, EnrolmentStatus.ENDED
    pathways = [
        Pathway(id=1, name="Dépistage du cancer du sein", sex=WOMEN, min_age=50, max_age=74),
        Pathway(id=2, name="Ancien parcours", sex=WOMEN, active=False),
    ]
    patients = [
        Patient(id=1, code="P-000001", birth_date=date(1960, 1, 1), sex=Sex.MALE),  # a man
        Patient(id=2, code="P-000002", birth_date=date(1960, 1, 1), sex=Sex.FEMALE),  # in the public
        Patient(id=3, birth_date=date(2000, 1, 1), sex=Sex.FEMALE),  # too young, typed without a code
    ]
    enrolments = [
        Enrolment(id=10, patient=1, pathway=1, enrolled_on=date(2026, 1, 5), status=active),
        Enrolment(id=11, patient=2, pathway=1, enrolled_on=date(2026, 1, 5), status=active),
        Enrolment(id=12, patient=3, pathway=1, status=active),  # no date: her age today
        Enrolment(id=13, patient=1, pathway=2, status=active),  # an inactive pathway: not checked
        Enrolment(id=14, patient=1, pathway=1, status=ended),  # ended: not checked
    ]
    frames = {
        PATHWAYS.key: to_frame(PATHWAYS, pathways),
        PATIENTS.key: to_frame(PATIENTS, patients),
        ENROLMENTS.key: to_frame(ENROLMENTS, enrolments),
    }
    found = outside_public(frames, TODAY)
    assert [(who, message.split(" : ")[0]) for who, message in found] == [
        ("P-000001", "inscription Id 10"),
        ("Id 3", "inscription Id 12"),
    ]
    assert "concerne les femmes" in found[0][1]
