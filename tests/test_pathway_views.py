"""Referral (nearest first), the overdue worklist and the board figures, from small tables (no server)."""

from __future__ import annotations

from datetime import date

import pandas as pd
from pathway_fixture import (
    BOULOGNE,
    ISSY,
    NANTERRE,
    PARIS,
    VANVES,
    breast_screening,
    consultation,
    endometriosis,
    mammography,
)

from domain.communes import commune_closeness
from domain.pathway_figures import board_table, pathway_summary, share_text
from domain.pathway_tables import schedules, steps_from_frame
from domain.pathways import OVERDUE
from domain.referral import CLOSENESS_LABELS, matching, nearest_first, teams
from domain.worklist import overdue_worklist
from schema.models import (
    ENROLMENTS,
    MEMBERS,
    PATHWAY_MEMBERS,
    PATHWAY_STEPS,
    PATHWAYS,
    PATIENTS,
    STEPS_DONE,
    Enrolment,
    Member,
    Pathway,
    PathwayMember,
    PathwayStep,
    Patient,
    StepDone,
)
from store.records import to_frame

TODAY = date(2026, 5, 10)

MEMBER_ROWS = (
    # id, last name, first name, profession, specialty, commune, active
    (1, "Zola", "Émile", "Sage-femme", None, ISSY, True),
    (2, "Durand", "Anne", "Sage-femme", None, PARIS, True),
    (3, "Élie", "Marc", "Sage-femme", None, VANVES, True),
    (4, "Dupont", "Léa", "Médecin", "Médecine générale", NANTERRE, True),
    (5, "Abel", "Paul", "Médecin", "Radiologie", BOULOGNE, True),
    (6, "Martin", "Zoé", "Sage-femme", None, ISSY, False),  # inactive: never proposed
    (7, "Aubert", "Jean", "Sage-femme", None, ISSY, True),
    (8, "Bernard", "Rose", "Médecin", "Médecine générale", VANVES, True),
)
ENDO, BREAST = 1, 2


def members() -> pd.DataFrame:
    rows = [
        Member(id=i, last_name=last, first_name=first, profession=job, specialty=spec, insee_code=code, active=on)
        for i, last, first, job, spec, code, on in MEMBER_ROWS
    ]
    return to_frame(MEMBERS, rows)


def pathway_members() -> pd.DataFrame:
    rows = [
        PathwayMember(id=1, role="Sage-femme (niveau 1)", member=1, pathway=ENDO, level=1),
        PathwayMember(id=2, role="Sage-femme (niveau 1)", member=2, pathway=ENDO, level=1),
        PathwayMember(id=3, role="Sage-femme (niveau 1)", member=3, pathway=ENDO, level=1),
        PathwayMember(id=4, role="Médecin généraliste formé (niveau 1)", member=4, pathway=ENDO, level=1),
        PathwayMember(id=5, role="Échographiste référent (niveau 2)", member=5, pathway=ENDO, level=2),
        PathwayMember(id=6, role="Sage-femme (niveau 1)", member=6, pathway=ENDO, level=1),
        PathwayMember(id=7, role="Sage-femme (niveau 1)", member=7, pathway=ENDO, level=1),
        PathwayMember(id=8, role="Radiologue agréé", member=5, pathway=BREAST),
        PathwayMember(id=9, role="Centre expert (niveau 3)", member=5, pathway=ENDO, level=3),
        PathwayMember(id=10, role="Médecin généraliste", member=8, pathway=BREAST),
    ]
    return to_frame(PATHWAY_MEMBERS, rows)


def test_nearest_first_then_by_name() -> None:
    team = teams(pathway_members(), members())[ENDO]
    level_1 = matching(team, level=1)
    ranked = nearest_first(level_1, ISSY, commune_closeness)
    assert [(rank, m.last_name) for rank, m in ranked] == [
        (0, "Aubert"),
        (0, "Zola"),
        (1, "Élie"),  # Vanves: same EPT
        (2, "Dupont"),  # Nanterre: same département
        (3, "Durand"),  # Paris
    ]
    assert CLOSENESS_LABELS[ranked[2][0]] == "Même intercommunalité"


def test_levels_professions_and_roles() -> None:
    team = teams(pathway_members(), members())[ENDO]
    assert [m.last_name for m in matching(team, level=2)] == ["Abel"]
    assert [m.last_name for m in matching(team, level=1, profession="Médecin")] == ["Dupont"]
    abel = next(m for m in team if m.last_name == "Abel")
    assert abel.levels == (2, 3)
    assert abel.roles == ("Échographiste référent (niveau 2)", "Centre expert (niveau 3)")
    assert "Martin" not in {m.last_name for m in team}  # inactive member
    breast = teams(pathway_members(), members())[BREAST]
    assert [m.last_name for m in matching(breast, level=2, specialty="radiologie")] == ["Abel"]  # no level: any


def test_preferred_member_first_and_no_origin() -> None:
    team = matching(teams(pathway_members(), members())[ENDO], level=1)
    assert nearest_first(team, ISSY, commune_closeness, preferred=2)[0][1].last_name == "Durand"
    assert [m.last_name for _, m in nearest_first(team, None, commune_closeness)] == [
        "Aubert",
        "Dupont",
        "Durand",
        "Élie",
        "Zola",
    ]


# --- worklist and figures on one small CPTS ------------------------------------------------------


def tables() -> dict[str, pd.DataFrame]:
    pathways = [endometriosis(ENDO), breast_screening(BREAST), Pathway(id=3, name="Ancien parcours", active=False)]
    steps = [
        consultation(1, pathway=ENDO),
        PathwayStep(id=2, title="IRM pelvienne", pathway=ENDO, order=2, level=2, profession="Médecin", sex="Femmes"),
        mammography(3, pathway=BREAST),
        PathwayStep(id=4, title="Étape morte", pathway=3, order=1, interval_months=12),
    ]
    patients = [
        Patient(
            id=i,
            code=f"P-{i:06d}",
            last_name=f"Nom{i}",
            first_name="Prénom",
            birth_date=date(1970, 1, i),
            sex="Femme",
            insee_code=ISSY,
        )
        for i in range(1, 10)
    ]
    patients[0] = patients[0].model_copy(update={"gp": 8})
    enrolments = [
        Enrolment(id=i, patient=i, pathway=BREAST, enrolled_on=date(2026, 1, 1), status="Active") for i in range(1, 8)
    ]
    enrolments += [
        Enrolment(id=8, patient=8, pathway=ENDO, enrolled_on=date(2026, 3, 1), status="Active"),
        Enrolment(id=9, patient=9, pathway=BREAST, enrolled_on=date(2025, 1, 1), status="Sortie"),
        Enrolment(id=10, patient=9, pathway=3, enrolled_on=date(2025, 1, 1), status="Active"),
    ]
    # Patients 1–5 had a mammography within two years; 6 and 7 never: overdue since enrolment.
    done = [StepDone(id=i, enrolment=i, step=3, done_on=date(2025, i, 1)) for i in range(1, 6)]
    return {
        "pathways": to_frame(PATHWAYS, pathways),
        "pathway_steps": to_frame(PATHWAY_STEPS, steps),
        "patients": to_frame(PATIENTS, patients),
        "enrolments": to_frame(ENROLMENTS, enrolments),
        "steps_done": to_frame(STEPS_DONE, done),
    }


def computed() -> tuple[dict[str, pd.DataFrame], pd.DataFrame, list]:
    frames = tables()
    steps, _ = steps_from_frame(frames["pathway_steps"])
    active = set(frames["pathways"].loc[frames["pathways"]["active"], "id"])
    steps = [s for s in steps if s.pathway in active]
    schedule = schedules(steps, frames["enrolments"], frames["patients"], frames["steps_done"], TODAY)
    return frames, schedule, steps


def test_worklist_lists_the_overdue_steps_with_whom_to_refer_to() -> None:
    frames, schedule, steps = computed()
    worklist = overdue_worklist(
        schedule,
        steps,
        frames["patients"],
        frames["pathways"],
        teams(pathway_members(), members()),
        commune_closeness,
        TODAY,
    )
    assert list(
        zip(worklist["code"], worklist["step_title"], worklist["due_on"], worklist["days_overdue"], strict=True)
    ) == [
        ("P-000006", "Mammographie", date(2026, 1, 1), 129),
        ("P-000007", "Mammographie", date(2026, 1, 1), 129),
        ("P-000008", "Consultation de premier recours", date(2026, 3, 1), 70),
    ]
    assert list(worklist["referral_name"]) == ["Paul Abel", "Paul Abel", "Jean Aubert"]  # Aubert: Issy, A < Z
    assert list(worklist["referral_closeness"]) == ["Même intercommunalité"] * 2 + ["Même commune"]
    assert list(worklist["referral_job"]) == ["Radiologie", "Radiologie", "Sage-femme"]
    assert (schedule["status"] == OVERDUE).sum() == len(worklist)


def test_board_summary_masks_small_counts() -> None:
    frames, schedule, _ = computed()
    summary = pathway_summary(frames["pathways"], frames["enrolments"], schedule)
    assert summary[
        ["name", "enrolled", "up_to_date", "upcoming", "overdue", "concerned", "covered"]
    ].values.tolist() == [
        ["Dépistage du cancer du sein", 7, 5, 0, 2, 7, 5],
        ["Endométriose", 1, 0, 0, 1, 1, 0],
    ]
    table = board_table(summary)
    assert table.to_dict("records") == [
        {
            "Parcours": "Dépistage du cancer du sein",
            "Catégorie": "Dépistage organisé",
            "Patients inscrits": "masqué",  # else the total (8) minus 7 would give Endométriose's 1
            "Étapes à jour": "5",
            "Étapes à venir": "< 5",
            "Étapes en retard": "< 5",
            "Patients à jour": "5",
            "Part à jour": "71 %",
        },
        {
            "Parcours": "Endométriose",
            "Catégorie": "Santé des femmes",
            "Patients inscrits": "< 5",
            "Étapes à jour": "< 5",
            "Étapes à venir": "< 5",
            "Étapes en retard": "< 5",
            "Patients à jour": "< 5",
            "Part à jour": "—",
        },
    ]


def test_summary_of_an_empty_base() -> None:
    frames = tables()
    empty = schedules([], frames["enrolments"].iloc[0:0], frames["patients"], frames["steps_done"].iloc[0:0], TODAY)
    summary = pathway_summary(frames["pathways"], frames["enrolments"].iloc[0:0], empty)
    assert summary["enrolled"].tolist() == [0, 0] and summary["covered"].tolist() == [0, 0]


def test_share_text() -> None:
    assert share_text(3, 4) == "—"
    assert share_text(0, 5) == "0 %"
    assert share_text(2, 3 * 3) == "22 %"
