"""The crisis plan: completeness against the template (pure), who sees the referents' phones (pure), and the
activation on a real NocoDB — a PDF whose text holds the referents, an XLSX with exactly the volunteers of the
kind, the journal and Exercices et révisions written; refusals (unknown kind, no referent, bureau) write nothing."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from domain.access import BOARD, COORDINATOR
from domain.crisis import CrisisPlan, crisis_kind, gaps, sees_phones
from domain.permissions import NotAllowed
from errors import Refused
from schema.crisis import SECTIONS, CellMember, CrisisExercise, CrisisResource, ExerciseKind, PlanSection
from schema.models import ACCESS_LOG, CRISIS_CELL, CRISIS_EXERCISES, CRISIS_PLAN, CRISIS_RESOURCES, MEMBERS, Member
from services.crisis import activate, read_plan
from store import records
from store.base import Base
from tests.cli_run import run_cli

TODAY = date.today()
CANICULE = "Canicule (visites)"


def member(id_: int, first: str, last: str, email: str | None = None, active: bool = True) -> Member:
    return Member(id=id_, first_name=first, last_name=last, email=email, active=active, profession="Infirmier")


MEMBERS_BY_ID = {
    1: member(1, "Anne", "Roux", "anne.roux@cpts.fr"),
    2: member(2, "Paul", "Blanc", "Paul.Blanc@cpts.fr"),
    3: member(3, "Léa", "Noir"),
}


def plan(**changes: object) -> CrisisPlan:
    sections = [PlanSection(section=section, content="Rédigée", reviewed_on=TODAY) for section in SECTIONS]
    cell = [CellMember(id=1, member=1, deputy=2, role="Référent", phone="06 00 00 00 01")]
    fields: dict[str, object] = {
        "sections": sections,
        "cell": cell,
        "resources": [],
        "exercises": [],
        "members": MEMBERS_BY_ID,
    }
    return CrisisPlan(**{**fields, **changes})  # type: ignore[arg-type]


# -- pure rules ---------------------------------------------------------------------------------------------


def test_a_complete_plan_has_no_gap() -> None:
    assert gaps(plan(), TODAY) == []


def test_each_gap_is_named() -> None:
    sections = [PlanSection(section=section, content="Rédigée") for section in SECTIONS[:4]]
    sections.append(PlanSection(section=SECTIONS[4], content="   "))  # blank: not written
    cell = [
        CellMember(id=7, member=1, role="Référent"),  # no deputy
        CellMember(id=8, member=None, deputy=2),  # no referent on this row
    ]
    assert gaps(plan(sections=sections, cell=cell), TODAY) == [
        "Section « Patients vulnérables » non rédigée (table Plan de crise)",
        "Section « Retour à la normale » non rédigée (table Plan de crise)",
        "Référent Anne Roux sans suppléant (table Référents et cellule de crise, champ « Suppléant »)",
        "Référents et cellule de crise, ligne Id 8 : champ « Membre » vide",
        "Plan jamais révisé : aucune date de révision (table Plan de crise ou Exercices et révisions)",
    ]


def test_no_referent_and_an_old_review_are_gaps() -> None:
    old = TODAY - timedelta(days=400)
    sections = [PlanSection(section=section, content="Rédigée", reviewed_on=old) for section in SECTIONS]
    assert gaps(plan(sections=sections, cell=[]), TODAY) == [
        "Aucun référent nommé (table Référents et cellule de crise, champ « Membre »)",
        f"Dernière révision le {old:%d/%m/%Y} : plus de 12 mois",
    ]
    review = [CrisisExercise(on=TODAY, kind=ExerciseKind.REVIEW)]  # a review row counts as a review
    assert gaps(plan(sections=sections, exercises=review), TODAY) == []
    exercise = [CrisisExercise(on=TODAY, kind=ExerciseKind.EXERCISE)]  # an exercise does not
    assert len(gaps(plan(sections=sections, exercises=exercise), TODAY)) == 1


def test_kinds_by_key_or_label_and_unknown_refused() -> None:
    assert crisis_kind("canicule").label == CANICULE
    assert crisis_kind(" canicule (VISITES) ").key == "canicule"
    assert crisis_kind("epidémie").key == "epidemie"
    with pytest.raises(Refused, match=r"^Type de crise « grêle » inconnu") as refused:
        crisis_kind("grêle")
    assert "canicule (Canicule (visites))" in str(refused.value)


def test_phones_only_for_coordinators_and_the_cell() -> None:
    crisis = plan()
    assert sees_phones(COORDINATOR, "n.importe@qui.fr", crisis)
    assert sees_phones(BOARD, "anne.roux@cpts.fr", crisis)  # referent
    assert sees_phones(BOARD, "paul.blanc@CPTS.fr", crisis)  # deputy, case aside
    assert not sees_phones(BOARD, "autre@cpts.fr", crisis)
    assert not sees_phones(BOARD, "", crisis)
    assert not sees_phones(None, "anne.roux@cpts.fr", crisis)
    assert not sees_phones(BOARD, "anne.roux@cpts.fr", plan(cell=[]))


# -- activation on NocoDB ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def filled(base: Base) -> Base:
    """Members, the plan's sections and volunteers; no cell yet (the tests add it)."""
    people = [
        Member(first_name="Claire", last_name="Référente", email="claire@cpts.fr", phone="01 00 00 00 01"),
        Member(first_name="Marc", last_name="Suppléant", email="marc@cpts.fr"),
        Member(first_name="Inès", last_name="Canicule", profession="Infirmier"),
        Member(first_name="Hugo", last_name="Canicule", profession="Infirmier"),
        Member(first_name="Zoé", last_name="Vaccin", profession="Pharmacien"),
        Member(first_name="Ancien", last_name="Canicule", active=False),
    ]
    ids = records.insert(base, MEMBERS, people)
    sections = [PlanSection(section=section, content=f"Contenu {section}", reviewed_on=TODAY) for section in SECTIONS]
    sections.append(PlanSection(section=SECTIONS[3], content="Visites du registre canicule", crisis_kind=CANICULE))
    records.insert(base, CRISIS_PLAN, sections)
    volunteers = [
        CrisisResource(member=ids[2], crisis_kind=CANICULE, offer="Visites à domicile"),
        CrisisResource(member=ids[3], crisis_kind=CANICULE, offer='=HYPERLINK("http://x")'),
        CrisisResource(member=ids[4], crisis_kind="Vaccination", offer="Vaccination en officine"),
        CrisisResource(member=ids[5], crisis_kind=CANICULE, offer="Inactif : pas sur la liste"),
    ]
    records.insert(base, CRISIS_RESOURCES, volunteers)
    return base


@pytest.fixture(scope="module")
def with_cell(filled: Base) -> Base:
    """The plan with its cell: a referent and a deputy (after `test_refusals_write_nothing`, which needs none)."""
    people = {m.last_name: m.id for m in records.load(filled, MEMBERS).records}
    cell = CellMember(member=people["Référente"], deputy=people["Suppléant"], role="Référent", phone="06 12 34 56 78")
    records.insert(filled, CRISIS_CELL, [cell])
    return filled


def row_counts(base: Base) -> tuple[int, int]:
    return base.count(ACCESS_LOG), base.count(CRISIS_EXERCISES)


def pdf_text(pdf: bytes, folder: Path) -> str:
    path = folder / "fiche.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_refusals_write_nothing(filled: Base) -> None:
    assert filled.count(CRISIS_CELL) == 0  # runs before `with_cell`
    before = row_counts(filled)
    with pytest.raises(Refused, match="aucun référent nommé \\(table Référents et cellule de crise"):
        activate(filled, "canicule", "coord@cpts.fr", COORDINATOR, TODAY)
    with pytest.raises(Refused, match=r"^Type de crise « tempête » inconnu"):
        activate(filled, "tempête", "coord@cpts.fr", COORDINATOR, TODAY)
    with pytest.raises(NotAllowed, match="activer le plan de crise"):
        activate(filled, "canicule", "bureau@cpts.fr", BOARD, TODAY)
    assert row_counts(filled) == before


def test_activation_makes_both_files_and_traces_it(with_cell: Base, tmp_path: Path) -> None:
    filled = with_cell
    journal_before, exercises_before = row_counts(filled)

    made = activate(filled, "canicule", "coord@cpts.fr", COORDINATOR, TODAY)

    text = pdf_text(made.pdf, tmp_path)
    assert "FICHE RÉFLEXE" in text and "Claire Référente" in text and "Marc Suppléant" in text
    assert "06 12 34 56 78" in text and "Visites du registre canicule" in text
    sheet = load_workbook(BytesIO(made.xlsx))["Contacts"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [(row[0], row[1]) for row in rows] == [
        ("Cellule de crise", "Claire Référente"),
        ("Volontaire", "Hugo Canicule"),
        ("Volontaire", "Inès Canicule"),
    ]
    hugo = sheet.cell(row=3, column=4)
    assert hugo.value == '=HYPERLINK("http://x")' and hugo.data_type == "s"  # never a formula
    assert made.names == (
        f"plan-de-crise-canicule-{TODAY:%Y-%m-%d}-fiche-reflexe.pdf",
        f"plan-de-crise-canicule-{TODAY:%Y-%m-%d}-contacts.xlsx",
    )
    assert row_counts(filled) == (journal_before + 1, exercises_before + 1)
    entry = records.load(filled, ACCESS_LOG).records[-1]
    assert (entry.user, entry.what, entry.patient_count, entry.patient_codes) == (
        "coord@cpts.fr",
        "Plan de crise · activation Canicule (visites)",
        0,
        None,
    )
    written = read_plan(filled).plan.exercises[-1]
    assert (written.on, written.kind, written.crisis_kind) == (TODAY, ExerciseKind.ACTIVATION, CANICULE)


def test_command_writes_both_files_or_refuses_in_french(nocodb: object, with_cell: Base, tmp_path: Path) -> None:
    filled = with_cell
    before = row_counts(filled)
    refused = run_cli(nocodb, filled, "crise", "activer", "--type", "grêle", "--sortie", str(tmp_path))
    assert refused.returncode == 1 and "Type de crise « grêle » inconnu" in refused.stderr
    missing = run_cli(nocodb, filled, "crise", "activer", "--type", "canicule", "--sortie", str(tmp_path / "non"))
    assert missing.returncode == 1 and "--sortie : le dossier" in missing.stderr
    assert row_counts(filled) == before and list(tmp_path.iterdir()) == []

    done = run_cli(nocodb, filled, "crise", "activer", "--type", "vaccination", "--sortie", str(tmp_path))

    assert done.returncode == 0, done.stderr
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == [
        f"plan-de-crise-vaccination-{TODAY:%Y-%m-%d}-contacts.xlsx",
        f"plan-de-crise-vaccination-{TODAY:%Y-%m-%d}-fiche-reflexe.pdf",
    ]
    sheet = load_workbook(tmp_path / names[0])["Contacts"]
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Claire Référente", "Zoé Vaccin"]
    assert row_counts(filled) == (before[0] + 1, before[1] + 1)
