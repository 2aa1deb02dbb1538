"""The association's tables on a real NocoDB: the indicators of trainees, maîtres de stage, installations and dues
equal NocoDB's own filtered counts; bad input (a period ending before it starts, negative dues, a payment in the
future, the bureau's role) is refused in French with nothing written; the year's dues are called once; the
reminder list holds the e-mails and no formula; the AG deck has « La vie de la CPTS »."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pandas as pd
import pytest
from cli_run import run_cli
from openpyxl import load_workbook

from domain.access import BOARD, COORDINATOR
from domain.ag.deck import deck_data
from domain.association_dues import DueStatus, due_lines, reminders
from domain.association_indicators import ASSOCIATION_KEYS
from domain.board import live_data
from domain.indicators import compute
from domain.permissions import NotAllowed
from errors import Refused
from schema.association import DUES, INSTALLATIONS, MENTORS, TRAINEES, Due, Installation, Mentor, Trainee
from schema.models import ACTIONS, ENROLMENTS, MEMBERS, PARAMETERS, PATHWAYS, PATIENTS, TABLES, Member, ParameterRow
from services.association import add_rows, call_dues, read_association, record_payment, reminder_workbook
from services.deck import load_deck_inputs
from store import records
from store.base import Base
from store.client import all_of, any_of, clause
from store.migrate import migrate
from tests.conftest import Server

TODAY = date.today()
YEAR = TODAY.year
FORMULA = '=HYPERLINK("http://x")'


@pytest.fixture(scope="module")
def seeded(base: Base) -> Base:
    people = [
        Member(first_name="Ana", last_name="Hôte", profession="Médecin", email="ana@cpts.fr"),
        Member(first_name="Bo", last_name="Hôte", profession="Infirmier", email="bo@cpts.fr"),
        Member(first_name=FORMULA, last_name="Piège", profession="Infirmier", email="piege@cpts.fr"),
        Member(first_name="Dan", last_name="Parti", profession="Médecin", active=False),
    ]
    ids = records.insert(base, MEMBERS, people)
    records.insert(base, PARAMETERS, [ParameterRow(key="Cotisation Médecin", value="80")])
    records.insert(
        base,
        MENTORS,
        [
            Mentor(member=ids[0], approved_for=["Interne de médecine générale"]),
            Mentor(member=ids[1], approved_for=["Étudiant en soins infirmiers"]),
            Mentor(member=ids[3], approved_for=[]),  # approved for nothing: not counted
        ],
    )
    trainee = {"level": "Étudiant en soins infirmiers", "host": ids[1], "profession": "Infirmier"}
    records.insert(
        base,
        TRAINEES,
        [
            Trainee(name="T1", start=date(YEAR - 1, 11, 1), end=date(YEAR, 1, 31), **trainee),  # across the year
            Trainee(name="T2", start=date(YEAR, 3, 1), end=None, **trainee),  # still there
            Trainee(name="T3", start=date(YEAR - 1, 3, 1), end=date(YEAR - 1, 6, 30), **trainee),  # last year
            Trainee(
                name="T4",
                profession="Médecin",
                level="Interne de médecine générale",
                host=ids[0],
                start=date(YEAR, 5, 2),
                end=date(YEAR, 10, 31),
            ),
            Trainee(name="T5", profession="Médecin", start=date(YEAR + 1, 1, 5), end=date(YEAR + 1, 2, 5)),
        ],
    )
    records.insert(
        base,
        INSTALLATIONS,
        [
            Installation(name="I1", on=date(YEAR, 2, 1), profession="Médecin", help_given=["Locaux", "Remplacement"]),
            Installation(name="I2", on=date(YEAR, 6, 1), profession="Orthophoniste", help_given=[]),
            Installation(name="I3", on=date(YEAR, 9, 1), profession="Médecin", help_given=["Présentation au réseau"]),
            Installation(name="I4", on=date(YEAR - 1, 9, 1), profession="Médecin", help_given=["Locaux"]),
        ],
    )
    records.insert(
        base,
        DUES,
        [
            Due(member=ids[0], year=YEAR, amount=Decimal(80), paid=True, paid_on=date(YEAR, 1, 20)),
            Due(member=ids[1], year=YEAR, amount=Decimal(50)),
            Due(member=ids[1], year=YEAR - 1, amount=Decimal(50), paid=True, paid_on=date(YEAR - 1, 2, 1)),
        ],
    )
    return base


def in_year(field: str, year: int) -> str:
    return all_of(clause(field, "ge", "exactDate", f"{year}-01-01"), clause(field, "le", "exactDate", f"{year}-12-31"))


def hosted(year: int) -> str:
    """Trainees whose period overlaps `year`, as NocoDB filters them."""
    ends = any_of(clause("Fin", "ge", "exactDate", f"{year}-01-01"), clause("Fin", "blank"))
    return all_of(clause("Début", "le", "exactDate", f"{year}-12-31"), f"({ends})")


def direct_counts(base: Base, year: int) -> dict[str, int]:
    hosts = base.client.records(base.id, base.handle(TRAINEES).id, where=hosted(year), fields=["Maître de stage"])
    approved = base.client.records(base.id, base.handle(MENTORS).id, where=clause("Agréé pour", "isnotblank"))
    paid = all_of(clause("Année", "eq", year), clause("Payée", "checked"))
    return {
        "stagiaires_annee": base.count(TRAINEES, hosted(year)),
        "stagiaires_annee:Infirmier": base.count(
            TRAINEES, all_of(hosted(year), clause("Profession", "eq", "Infirmier"))
        ),
        "maitres_de_stage_accueil_annee": len({_id(row["Maître de stage"]) for row in hosts} - {None}),
        "maitres_de_stage_agrees": len(approved),
        "installations_annee": base.count(INSTALLATIONS, in_year("Date d'installation", year)),
        "installations_annee:Médecin": base.count(
            INSTALLATIONS, all_of(in_year("Date d'installation", year), clause("Profession", "eq", "Médecin"))
        ),
        "installations_accompagnees_annee": base.count(
            INSTALLATIONS, all_of(in_year("Date d'installation", year), clause("Aide apportée", "isnotblank"))
        ),
        "cotisations_payees_annee": base.count(DUES, paid),
    }


def _id(value: object) -> object:
    return value.get("id") if isinstance(value, dict) else value


def frames(base: Base) -> dict[str, pd.DataFrame]:
    """The association's tables as NocoDB holds them; the other tables of the board empty."""
    specs = (PATIENTS, MEMBERS, ENROLMENTS, PATHWAYS, ACTIONS, MENTORS, TRAINEES, INSTALLATIONS, DUES)
    return {spec.key: records.load(base, spec).frame for spec in specs}


def test_every_indicator_equals_nocodbs_own_count(seeded: Base) -> None:
    data = live_data(frames(seeded))
    for year in (YEAR, YEAR - 1):
        expected = direct_counts(seeded, year)
        assert {key: compute(key, data, year) for key in expected} == expected, year
    assert set(ASSOCIATION_KEYS) <= {key.split(":")[0] for key in direct_counts(seeded, YEAR)}
    assert direct_counts(seeded, YEAR) == {  # the seeded rows make each count distinctive
        "stagiaires_annee": 3,
        "stagiaires_annee:Infirmier": 2,
        "maitres_de_stage_accueil_annee": 2,
        "maitres_de_stage_agrees": 2,
        "installations_annee": 3,
        "installations_annee:Médecin": 2,
        "installations_accompagnees_annee": 2,
        "cotisations_payees_annee": 1,
    }


def test_bad_input_is_refused_in_french_and_nothing_is_written(seeded: Base) -> None:
    before = {spec.key: seeded.count(spec) for spec in (TRAINEES, INSTALLATIONS, DUES)}
    good = {"name": "Ok", "profession": "Infirmier", "start": date(YEAR, 1, 1), "end": date(YEAR, 2, 1)}
    backwards = {"name": "Envers", "profession": "Infirmier", "start": date(YEAR, 3, 1), "end": date(YEAR, 2, 1)}
    with pytest.raises(Refused, match=r"Stagiaires — Ligne 2, champ « Fin » : 01/02/\d{4} précède le début"):
        add_rows(seeded, COORDINATOR, TRAINEES, [good, backwards], TODAY)
    negative = {"member": 1, "year": YEAR, "amount": "-20"}
    with pytest.raises(Refused, match="Cotisations — Ligne 1, champ « Montant » : « -20 » doit être au moins 0"):
        add_rows(seeded, COORDINATOR, DUES, [negative], TODAY)
    with pytest.raises(Refused, match="champ « Profession » : obligatoire"):
        add_rows(seeded, COORDINATOR, INSTALLATIONS, [{"name": "Sans", "on": date(YEAR, 1, 1)}], TODAY)
    with pytest.raises(NotAllowed, match="bureau"):
        add_rows(seeded, BOARD, TRAINEES, [good], TODAY)
    due = records.load(seeded, DUES, where=clause("Payée", "notchecked")).records[0]
    with pytest.raises(Refused, match=r"champ « Payée le » : .* est dans le futur"):
        record_payment(seeded, COORDINATOR, due.id or 0, TODAY + timedelta(days=3), TODAY)
    assert {spec.key: seeded.count(spec) for spec in (TRAINEES, INSTALLATIONS, DUES)} == before
    assert not records.load(seeded, DUES, where=f"(Id,eq,{due.id})").records[0].paid


def test_dues_are_called_once_then_a_payment_is_recorded(seeded: Base) -> None:
    year = YEAR + 1  # nobody called yet
    assert call_dues(seeded, COORDINATOR, year) == 3  # the three active members
    assert call_dues(seeded, COORDINATOR, year) == 0
    read = read_association(seeded, refresh=True)
    lines = due_lines(read.members, read.dues, year, read.parameters)
    assert sorted((line.expected, line.amount) for line in lines) == [(50.0, 50.0), (50.0, 50.0), (80.0, 80.0)]
    record_payment(seeded, COORDINATOR, lines[0].due_id or 0, TODAY, TODAY)
    read = read_association(seeded, refresh=True)
    statuses = [line.status for line in due_lines(read.members, read.dues, year, read.parameters)]
    assert statuses.count(DueStatus.PAID) == 1
    payer = next(member for member in read.members if member.id == lines[0].member)
    assert payer.dues_paid_year == year  # Membres « Cotisation payée pour » follows
    with pytest.raises(NotAllowed):
        call_dues(seeded, BOARD, year + 1)


def test_the_reminder_list_has_the_emails_and_no_formula(seeded: Base) -> None:
    read = read_association(seeded, refresh=True)
    to_remind = reminders(due_lines(read.members, read.dues, YEAR, read.parameters))
    sheet = load_workbook(BytesIO(reminder_workbook(to_remind, YEAR))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Nom", "Profession", "E-mail", "Montant (€)", "Statut")
    assert sorted(row[2] for row in rows[1:]) == ["bo@cpts.fr", "piege@cpts.fr"]
    trap = next(cell for cell in sheet["A"] if str(cell.value).startswith("="))
    assert trap.data_type == "s"  # written as text, never a formula


def test_the_deck_has_the_slide(seeded: Base) -> None:
    made = deck_data(load_deck_inputs(seeded), YEAR, TODAY, seeded.title)
    slide = next(slide for slide in made.slides if slide.title == "La vie de la CPTS")
    values = {figure.label: figure.value for figure in slide.figures}
    assert values[f"Stagiaires accueillis en {YEAR}"] == "< 5 / 6"  # 3 trainees: masked
    assert values["Installations accompagnées"] == "2 / 3"
    assert values["Cotisations payées"] == "1 / 3"
    assert values["Quorum de l'AG"] == "1"


def test_migrating_an_existing_base_adds_the_four_tables(nocodb: Server) -> None:
    client = nocodb.client()
    base_id = client.create_base("Test base sans vie de l'association")["id"]
    added = (MENTORS, TRAINEES, INSTALLATIONS, DUES)
    try:
        migrate(client, base_id, [spec for spec in TABLES if spec not in added])
        [member] = records.insert(Base(client, base_id), MEMBERS, [Member(last_name="Ancien")])
        report = migrate(client, base_id)
        assert report.created_tables == [spec.title for spec in added]
        assert f"{DUES.title}.Membre" in report.added_fields and report.drift == []
        existing = Base(client, base_id)
        assert [m.id for m in records.load(existing, MEMBERS).records] == [member]
        [due] = records.insert(existing, DUES, [Due(member=member, year=YEAR, amount=Decimal(50))])
        assert records.load(existing, DUES).records[0].member == member and due
        assert not migrate(client, base_id).changed
    finally:
        client.delete_base(base_id)


def test_migrating_a_base_in_use_adds_the_missing_parameters_and_keeps_the_coordinators_values(
    nocodb: Server,
) -> None:
    """A base filled before the dues, the quorum, the targets and the contract's amounts were declared: the
    migration adds their rows at their defaults; the values a coordinator set stay; an empty Paramètres (a base
    not filled yet, that the demo or an import needs empty) stays empty."""
    client = nocodb.client()
    base_id = client.create_base("Test base sans paramètres récents")["id"]
    try:
        migrate(client, base_id)
        existing = Base(client, base_id)
        assert existing.count(PARAMETERS) == 0  # not filled yet: left empty
        own = [
            ParameterRow(key="Nom de la CPTS", value="CPTS Ancienne"),
            ParameterRow(key="Cotisation annuelle", value="70"),
        ]
        records.insert(existing, PARAMETERS, own)
        planned = migrate(client, base_id, apply=False)
        assert existing.count(PARAMETERS) == 2  # a dry run writes nothing
        report = migrate(client, base_id)
        assert planned.parameters == report.parameters
        assert {"Quorum de l'AG (%)", "Cible stagiaires accueillis par an", "Cotisation Médecin"} <= set(
            report.parameters
        )
        assert "Part fixe mission 2 T3" in report.parameters and "Cotisation annuelle" not in report.parameters
        assert "Paramètre ajouté (valeur par défaut) : Quorum de l'AG (%)" in report.lines()
        rows = {row.key: row for row in records.load(existing, PARAMETERS).records}
        assert len(rows) == existing.count(PARAMETERS) == 2 + len(report.parameters)
        assert rows["Cotisation annuelle"].value == "70" and rows["Nom de la CPTS"].value == "CPTS Ancienne"
        assert rows["Quorum de l'AG (%)"].value == "25" and rows["Cible installations accompagnées par an"].value == "3"
        assert rows["Part fixe mission 2 T3"].to_check  # a placeholder amount stays flagged « À vérifier »
        assert not migrate(client, base_id).changed
    finally:
        client.delete_base(base_id)


def test_the_reminder_list_through_the_command_line(nocodb: Server, seeded: Base, tmp_path: Path) -> None:
    """`./cpts cotisations relance`: the same workbook as the page, the members not paid with their e-mails."""
    target = tmp_path / "relance.xlsx"
    done = run_cli(nocodb, seeded, "cotisations", "relance", "--annee", str(YEAR), "--sortie", str(target))
    assert done.returncode == 0, done.stderr
    assert f"Liste de relance {YEAR} écrite dans {target} : 2 membre(s) à relancer." in done.stdout
    sheet = load_workbook(target).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Nom", "Profession", "E-mail", "Montant (€)", "Statut")
    assert sorted(row[2] for row in rows[1:]) == ["bo@cpts.fr", "piege@cpts.fr"]
    wrong = run_cli(nocodb, seeded, "cotisations", "relance", "--sortie", str(tmp_path / "relance.csv"))
    assert wrong.returncode == 1 and "--sortie doit être un fichier .xlsx" in wrong.stderr
    assert not (tmp_path / "relance.csv").exists()
    year = run_cli(nocodb, seeded, "cotisations", "relance", "--annee", "12", "--sortie", str(target))
    assert year.returncode == 1 and "--annee doit être une année (2000 à 2100), pas 12." in year.stderr
