"""Calculated indicators against the real NocoDB: each equals a direct count of the rows in NocoDB
(NocoDB's own filtered count) and follows a row changed in NocoDB. Trend, periods and errors on frames."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from domain.association_indicators import ASSOCIATION_KEYS
from domain.indicators import (
    COMPUTATIONS,
    DOWN,
    FLAT,
    NO_TREND,
    UP,
    ComputationError,
    LiveData,
    compute,
    indicator_board,
    period_year,
    trend,
)
from schema.crisis import SECTIONS, CrisisExercise, ExerciseKind, PlanSection
from schema.meetings import MEETINGS, PARTICIPATIONS
from schema.models import (
    ACTIONS,
    CRISIS_EXERCISES,
    CRISIS_PLAN,
    ENROLMENTS,
    INDICATORS,
    MEMBERS,
    PATHWAYS,
    PATIENTS,
    SNP_REQUESTS,
    SNP_SLOTS,
    Action,
    ActionStatus,
    Enrolment,
    Indicator,
    Member,
    Pathway,
    Patient,
    PatientStatus,
)
from store import records
from store.base import Base
from store.client import all_of, any_of, clause
from store.records import to_frame
from tests.meetings_fixture import SEEDED_THIS_YEAR, meeting_counts, seed_meetings
from tests.snp_fixture import seed_snp, snp_counts

TODAY = date.today()
YEAR = TODAY.year
THIS_YEAR, LAST_YEAR = date(YEAR, 1, 15), date(YEAR - 1, 6, 1)


def found(on: date, *fragilities: str) -> Patient:
    return Patient(status=PatientStatus.FOUND, found_date=on, fragilities=list(fragilities))


@pytest.fixture(scope="module")
def seeded(base: Base) -> Base:
    """Distinctive rows: each one is counted by some indicators and left out by others."""
    records.insert(
        base,
        MEMBERS,
        [
            Member(last_name="A", profession="Médecin", member_since=THIS_YEAR),
            Member(last_name="B", profession="Médecin", member_since=LAST_YEAR),
            Member(last_name="C", profession="Médecin"),
            Member(last_name="D", profession="Infirmier", member_since=THIS_YEAR),
            Member(last_name="E", profession="Infirmier", active=False, member_since=THIS_YEAR),
            Member(last_name="F", profession=None),
        ],
    )
    records.insert(
        base,
        PATIENTS,
        [
            found(THIS_YEAR, "ALD"),
            found(THIS_YEAR, "ALD", "Isolement"),
            found(THIS_YEAR, "70 ans et plus"),
            found(THIS_YEAR, "C2S/AME"),
            found(THIS_YEAR, "Handicap"),  # fragile, but not one of the ACI indicator's fragilities
            found(THIS_YEAR),
            found(LAST_YEAR, "ALD"),
            Patient(status=PatientStatus.FOUND, fragilities=["ALD"]),  # no date: not counted in any year
            Patient(status=PatientStatus.WAITING, fragilities=["ALD"]),
            Patient(status=PatientStatus.WAITING, fragilities=["ALD", "70 ans et plus"]),
            Patient(status=PatientStatus.PROPOSED, fragilities=["ALD"]),
            Patient(status=PatientStatus.WAITING, fragilities=["70 ans et plus"]),
            Patient(status=PatientStatus.DROPPED, fragilities=["ALD"], found_date=THIS_YEAR),
        ],
    )
    pathway_ids = records.insert(base, PATHWAYS, [Pathway(name="Diabète"), Pathway(name="Endométriose")])
    patient_ids = [r.id for r in records.load(base, PATIENTS).records]
    diabetes, endometriosis = pathway_ids
    enrolments = [
        Enrolment(patient=patient_ids[0], pathway=diabetes, status="Active"),
        Enrolment(patient=patient_ids[1], pathway=diabetes, status="Active"),
        Enrolment(patient=patient_ids[2], pathway=diabetes, status="Active"),
        Enrolment(patient=patient_ids[3], pathway=diabetes, status="Sortie"),
        Enrolment(patient=patient_ids[0], pathway=endometriosis, status="Active"),  # also in diabetes
        Enrolment(patient=patient_ids[4], pathway=endometriosis, status="Terminée"),
    ]
    records.insert(base, ENROLMENTS, enrolments)
    records.insert(
        base,
        ACTIONS,
        [
            Action(title=f"A{i}", status=s)
            for i, s in enumerate([ActionStatus.DONE, ActionStatus.DONE, ActionStatus.IN_PROGRESS])
        ],
    )
    plan = [PlanSection(section=section, content="Rédigée", reviewed_on=LAST_YEAR) for section in SECTIONS]
    records.insert(base, CRISIS_PLAN, [*plan, PlanSection(section=SECTIONS[0], content=None, reviewed_on=THIS_YEAR)])
    held = [
        (THIS_YEAR, ExerciseKind.EXERCISE),
        (THIS_YEAR, ExerciseKind.ACTIVATION),
        (THIS_YEAR, ExerciseKind.REVIEW),  # a review: not an exercise
        (LAST_YEAR, ExerciseKind.EXERCISE),
    ]
    records.insert(base, CRISIS_EXERCISES, [CrisisExercise(on=on, kind=kind) for on, kind in held])
    seed_snp(base, YEAR)
    seed_meetings(base, YEAR)
    return base


def live(base: Base) -> LiveData:
    specs = (PATIENTS, MEMBERS, ENROLMENTS, PATHWAYS, ACTIONS, CRISIS_PLAN, CRISIS_EXERCISES, SNP_SLOTS, SNP_REQUESTS)
    specs += (MEETINGS, PARTICIPATIONS)
    frames = {spec.key: records.load(base, spec).frame for spec in specs}
    return LiveData(*(frames[spec.key] for spec in specs))


def in_year(field: str, year: int) -> str:
    return all_of(
        clause(field, "ge", "exactDate", f"{year}-01-01"),
        clause(field, "le", "exactDate", f"{year}-12-31"),
    )


def aci_fragile() -> str:
    return any_of(*(clause("Fragilités", "anyof", name) for name in ("ALD", "70 ans et plus", "C2S/AME")))


def direct_counts(base: Base, year: int) -> dict[str, float]:
    """Each calculated indicator counted by NocoDB itself, with its own filters."""
    found_in_year = all_of(clause("Statut", "eq", PatientStatus.FOUND), in_year("Date MT trouvé", year))
    waiting = any_of(clause("Statut", "eq", PatientStatus.WAITING), clause("Statut", "eq", PatientStatus.PROPOSED))
    active_enrolments = base.client.records(
        base.id, base.handle(ENROLMENTS).id, where=clause("Statut", "eq", "Active"), fields=["Patient"]
    )
    return {
        "patients_mt_trouve_annee": base.count(PATIENTS, found_in_year),
        "patients_mt_trouve_annee_fragiles": base.count(PATIENTS, all_of(found_in_year, f"({aci_fragile()})")),
        "ald_en_attente": base.count(PATIENTS, all_of(f"({waiting})", clause("Fragilités", "anyof", "ALD"))),
        "membres_par_profession": base.count(MEMBERS, clause("Actif", "checked")),
        "membres_par_profession:Médecin": base.count(
            MEMBERS, all_of(clause("Actif", "checked"), clause("Profession", "eq", "Médecin"))
        ),
        "membres_nouveaux_annee": base.count(MEMBERS, in_year("Membre depuis", year)),
        "inscrits_parcours": len({_linked(row["Patient"]) for row in active_enrolments}),
        "actions_terminees": base.count(ACTIONS, clause("Statut", "eq", ActionStatus.DONE)),
        **crisis_counts(base, year),
        **snp_counts(base, year),
        **meeting_counts(base, year),
    }


def crisis_counts(base: Base, year: int) -> dict[str, int]:
    written = [
        base.count(CRISIS_PLAN, all_of(clause("Section", "eq", s), clause("Contenu", "isnotblank"))) for s in SECTIONS
    ]
    reviews = base.count(CRISIS_PLAN, in_year("Dernière révision", year)) + base.count(
        CRISIS_EXERCISES, all_of(clause("Type", "eq", ExerciseKind.REVIEW), in_year("Date", year))
    )
    held = any_of(clause("Type", "eq", ExerciseKind.EXERCISE), clause("Type", "eq", ExerciseKind.ACTIVATION))
    return {
        "plan_crise_redige": int(all(written)),
        "plan_crise_revise_annee": int(reviews > 0),
        "exercices_crise_annee": base.count(CRISIS_EXERCISES, all_of(f"({held})", in_year("Date", year))),
    }


def _linked(value: object) -> object:
    return value.get("id") if isinstance(value, dict) else value


def test_every_calculated_indicator_equals_nocodbs_own_count(seeded: Base) -> None:
    data = live(seeded)
    expected = direct_counts(seeded, YEAR)
    assert {key: compute(key, data, YEAR) for key in expected} == expected
    checked_elsewhere = set(ASSOCIATION_KEYS)  # tests/test_association_io.py
    assert set(COMPUTATIONS) - checked_elsewhere <= {key.split(":")[0] for key in expected}  # every one checked
    assert expected == {  # and the seeded rows make each count distinctive
        "patients_mt_trouve_annee": 6,
        "patients_mt_trouve_annee_fragiles": 4,
        "ald_en_attente": 3,
        "membres_par_profession": 5,
        "membres_par_profession:Médecin": 3,
        "membres_nouveaux_annee": 3,
        "inscrits_parcours": 3,
        "actions_terminees": 2,
        "plan_crise_redige": 1,
        "plan_crise_revise_annee": 1,
        "exercices_crise_annee": 2,
        "snp_places_offertes_annee": 5,
        "snp_demandes_annee": 4,
        "snp_orientees_24h_annee": 25,
        "snp_orientees_48h_annee": 25,
        "snp_honores_annee": 50,
        "snp_delai_median_heures_annee": 38,
        "snp_samu_sas_annee": 50,
        **SEEDED_THIS_YEAR,
    }
    assert (
        compute("plan_crise_revise_annee", data, YEAR - 1) == crisis_counts(seeded, YEAR - 1)["plan_crise_revise_annee"]
    )
    assert compute("exercices_crise_annee", data, YEAR - 1) == 1
    assert (
        compute("patients_mt_trouve_annee", data, YEAR - 1)
        == direct_counts(seeded, YEAR - 1)["patients_mt_trouve_annee"]
        == 1
    )
    assert compute("inscrits_parcours:Diabète", data, YEAR) == 3
    assert compute("inscrits_parcours:Endométriose", data, YEAR) == 1


def test_indicators_follow_a_row_changed_in_nocodb(seeded: Base) -> None:
    waiting = records.load(seeded, PATIENTS, where=clause("Statut", "eq", PatientStatus.WAITING)).records
    patient = next(p for p in waiting if p.fragilities == ["ALD"])
    handle = seeded.handle(PATIENTS)
    seeded.client.update(
        handle.id, [{"Id": patient.id, "Statut": PatientStatus.FOUND, "Date MT trouvé": TODAY.isoformat()}]
    )
    try:
        data = live(seeded)
        expected = direct_counts(seeded, YEAR)
        assert expected["patients_mt_trouve_annee"] == 7 and expected["ald_en_attente"] == 2
        for key in ("patients_mt_trouve_annee", "patients_mt_trouve_annee_fragiles", "ald_en_attente"):
            assert compute(key, data, YEAR) == expected[key], key
    finally:
        seeded.client.update(handle.id, [{"Id": patient.id, "Statut": PatientStatus.WAITING, "Date MT trouvé": None}])


def test_the_board_counts_calculated_rows_and_reports_bad_keys(seeded: Base) -> None:
    rows = [
        Indicator(
            title="Trouvés",
            period=str(YEAR),
            source="Calculé",
            computation="patients_mt_trouve_annee",
            target=12,
            value=999,
        ),
        Indicator(title="Trouvés", period=str(YEAR - 1), source="Calculé", computation="patients_mt_trouve_annee"),
        Indicator(title="ALD", period=str(YEAR), source="Calculé", computation="ald_en_attente", target=10),
        Indicator(title="Inconnu", period=str(YEAR), source="Calculé", computation="patients_partis"),
        Indicator(title="Sans clé", period=str(YEAR), source="Calculé"),
        Indicator(title="Saisi", period=str(YEAR), source="Manuel", target=10, value=4),
        Indicator(title="Saisi", period=str(YEAR - 1), source="Manuel", target=10, value=4),
    ]
    ids = records.insert(seeded, INDICATORS, rows)
    try:
        indicators = records.load(seeded, INDICATORS).frame
        actions = records.load(seeded, ACTIONS).frame
        board, issues = indicator_board(indicators, actions, live(seeded), YEAR, TODAY)
        by_title = board.set_index("title")
        assert list(board["id"]) == [ids[0], ids[2], ids[3], ids[4], ids[5]]
        found = by_title.loc["Trouvés"]
        assert (found["value"], found["previous"], found["trend"]) == (6, 1, UP)  # the typed 999 is ignored
        assert found["achievement"] == 0.5 and found["shown_value"] == "6" and not found["masked"]
        ald = by_title.loc["ALD"]
        assert ald["value"] == 3 and ald["masked"] and ald["shown_value"] == "< 5"
        assert ald["achievement"] == 0.3 and pd.isna(ald["shown_achievement"])
        assert by_title.loc["Saisi", "trend"] == FLAT and by_title.loc["Saisi", "shown_value"] == "4"
        assert [(i.table, i.id, i.field) for i in issues] == [
            ("Indicateurs", ids[3], "Calcul"),
            ("Indicateurs", ids[4], "Calcul"),
        ]
        assert "« patients_partis » n'est pas un calcul connu" in issues[0].reason
    finally:
        seeded.client.delete(seeded.handle(INDICATORS).id, ids)


def test_unknown_arguments_are_refused(seeded: Base) -> None:
    data = live(seeded)
    with pytest.raises(ComputationError, match="n'est pas une profession"):
        compute("membres_par_profession:Sorcier", data, YEAR)
    with pytest.raises(ComputationError, match="n'est pas un parcours"):
        compute("inscrits_parcours:Asthme", data, YEAR)
    with pytest.raises(ComputationError, match="ne prend pas de précision"):
        compute("actions_terminees:2", data, YEAR)


def test_trend_and_period() -> None:
    assert (trend(5, 3), trend(3, 5), trend(4, 4), trend(4, None), trend(None, 4)) == (
        UP,
        DOWN,
        FLAT,
        NO_TREND,
        NO_TREND,
    )
    assert period_year("2025", 2026) == 2025
    assert period_year("2025-T3", 2026) == 2025
    assert period_year("Année 2024", 2026) == 2024
    assert period_year("", 2026) == period_year(None, 2026) == period_year("T1", 2026) == 2026


def test_a_snapshot_indicator_keeps_its_frozen_value_for_a_past_year() -> None:
    empty = LiveData(*(to_frame(spec, []) for spec in (PATIENTS, MEMBERS, ENROLMENTS, PATHWAYS, ACTIONS)))
    frozen = Indicator(
        id=1, title="Membres", period=str(YEAR - 1), source="Calculé", computation="membres_par_profession", value=40
    )
    now = Indicator(id=2, title="Membres", period=str(YEAR), source="Calculé", computation="membres_par_profession")
    board, issues = indicator_board(to_frame(INDICATORS, [frozen, now]), to_frame(ACTIONS, []), empty, YEAR, TODAY)
    assert issues == []
    assert (board.loc[0, "value"], board.loc[0, "previous"], board.loc[0, "trend"]) == (0, 40, DOWN)
    last_year, _ = indicator_board(to_frame(INDICATORS, [frozen, now]), to_frame(ACTIONS, []), empty, YEAR - 1, TODAY)
    assert last_year.loc[0, "value"] == 40
