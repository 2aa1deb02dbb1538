"""The demo CPTS: deterministic, complete, consistent (pure data, no server)."""

from __future__ import annotations

import ast
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from demo.data_files import DATA_DIR, entries, load
from demo.generate import generate
from demo.project import IndicatorPlan
from domain.parameters import PRIORITY_WEIGHTS, read_parameters
from domain.priority import Weights, weights_from
from domain.step_conditions import parse_condition
from schema.fields import Kind, Record
from schema.models import GP_SPECIALTY, RPPS_PROFESSIONS, TABLES, ActionStatus, PatientStatus, table

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 5, 10)
PATHWAY_NAMES = {
    "Endométriose",
    "Diabète de type 2",
    "Dépistage du cancer du col de l'utérus",
    "Dépistage du cancer colorectal",
    "Dépistage du cancer du sein",
}

Tables = dict[str, list[Record]]


@pytest.fixture(scope="module")
def demo() -> Tables:
    return generate("small", today=TODAY)


def _dump(tables: Tables) -> dict[str, list[dict]]:
    return {key: [record.model_dump() for record in records] for key, records in tables.items()}


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def test_same_arguments_give_the_same_demo(demo: Tables) -> None:
    assert _dump(generate("small", today=TODAY)) == _dump(demo)


def test_another_seed_gives_another_demo(demo: Tables) -> None:
    other = generate("small", seed=7, today=TODAY)
    assert _dump(other)["patients"] != _dump(demo)["patients"]


def test_today_defaults_to_the_current_date() -> None:
    tables = generate("small")
    assert max(p.request_date for p in tables["patients"]) <= date.today()


def test_unknown_size_is_refused() -> None:
    with pytest.raises(ValueError):
        generate("medium")  # type: ignore[arg-type]


def test_every_table_is_present_with_its_model(demo: Tables) -> None:
    assert list(demo) == [spec.key for spec in TABLES]
    for spec in TABLES:
        assert all(type(record) is spec.model for record in demo[spec.key]), spec.key
    assert demo["access_log"] == []


def test_ids_are_positions(demo: Tables) -> None:
    for key, records in demo.items():
        assert [record.id for record in records] == list(range(1, len(records) + 1)), key


def test_small_counts(demo: Tables) -> None:
    members = demo["members"]
    gps = [m for m in members if m.profession == "Médecin" and m.specialty == GP_SPECIALTY]
    accepting = [m for m in members if m.accepts_new_patients]
    assert len(members) == 150
    assert len(gps) == 35
    assert len(accepting) == 15
    assert all(m in gps for m in accepting)
    assert len(demo["patients"]) == 400
    assert {p.name for p in demo["pathways"]} == PATHWAY_NAMES
    assert sorted(a.number for a in demo["actions"]) == list(range(1, 15))
    assert len(demo["territory"]) == 1


def test_members_cover_the_professions(demo: Tables) -> None:
    professions = Counter(m.profession for m in demo["members"])
    for profession in ("Infirmier", "Pharmacien", "Masseur-kinésithérapeute", "Sage-femme", "Chirurgien-dentiste"):
        assert professions[profession] >= 5, profession
    for profession in ("Pédicure-podologue", "Diététicien", "Orthoptiste", "Psychologue", "Travailleur social"):
        assert professions[profession] >= 1, profession
    specialties = {m.specialty for m in demo["members"] if m.profession == "Médecin"}
    assert {"Gynécologie", "Ophtalmologie"} <= specialties


def test_links_point_to_existing_records(demo: Tables) -> None:
    for spec in TABLES:
        for field in spec.fields:
            if field.kind is not Kind.LINK:
                continue
            assert field.target is not None
            target_ids = {record.id for record in demo[table(field.target).key]}
            for record in demo[spec.key]:
                value = getattr(record, field.attr)
                assert value is None or value in target_ids, (spec.key, field.attr, value)


def test_required_links_are_set(demo: Tables) -> None:
    for key, attrs in {
        "proposals": ("patient", "gp"),
        "pathway_steps": ("pathway",),
        "pathway_members": ("member", "pathway"),
        "enrolments": ("patient", "pathway"),
        "steps_done": ("enrolment", "step"),
        "milestones": ("action",),
        "indicators": ("action",),
    }.items():
        for record in demo[key]:
            assert all(getattr(record, attr) is not None for attr in attrs), (key, record)


def test_rpps_are_unique_11_digits_for_rpps_professions_only(demo: Tables) -> None:
    rpps = [m.rpps for m in demo["members"] if m.rpps]
    assert len(rpps) == len(set(rpps))
    assert all(len(number) == 11 and number.isdigit() for number in rpps)
    for member in demo["members"]:
        assert (member.rpps is not None) == (member.profession in RPPS_PROFESSIONS.values()), member


def test_phone_numbers_are_french(demo: Tables) -> None:
    phones = [m.phone for m in demo["members"]] + [p.phone for p in demo["patients"] if p.phone]
    for phone in phones:
        assert phone is not None
        pairs = phone.split(" ")
        assert len(pairs) == 5 and all(len(pair) == 2 and pair.isdigit() for pair in pairs), phone
        assert pairs[0] in ("01", "02", "03", "04", "05", "06", "07", "09"), phone


def test_gp_availability(demo: Tables) -> None:
    accepting = [m for m in demo["members"] if m.accepts_new_patients]
    assert all(2 <= (m.monthly_capacity or 0) <= 10 for m in accepting)
    assert all(m.populations_accepted for m in accepting)
    assert any(m.populations_accepted == ["Tous"] for m in accepting)
    assert any("Tous" not in m.populations_accepted for m in accepting)
    future = [m.available_from for m in accepting if m.available_from and m.available_from > TODAY]
    assert future and all(day <= TODAY + timedelta(days=183) for day in future)
    assert any(m.home_visits for m in accepting)


def test_patient_codes(demo: Tables) -> None:
    codes = [p.code for p in demo["patients"]]
    assert codes[:2] == ["P-000001", "P-000002"]
    assert len(set(codes)) == len(codes)


def test_patient_statuses_are_consistent(demo: Tables) -> None:
    members = {m.id: m for m in demo["members"]}
    proposals = Counter((p.patient, p.status) for p in demo["proposals"])
    statuses = Counter(p.status for p in demo["patients"])
    assert len(statuses) == 5
    for patient in demo["patients"]:
        if patient.status == PatientStatus.FOUND:
            assert patient.gp is not None and members[patient.gp].accepts_new_patients
            assert patient.request_date <= patient.found_date <= TODAY
            assert proposals[(patient.id, "Acceptée")] == 1
        else:
            assert patient.gp is None and patient.found_date is None
        if patient.status == PatientStatus.PROPOSED:
            assert 1 <= proposals[(patient.id, "Proposée")] <= 3
        if patient.status in (PatientStatus.DROPPED, PatientStatus.CLOSED):
            assert patient.request_date <= patient.closed_date <= TODAY
        if patient.status in (PatientStatus.PROPOSED, PatientStatus.FOUND):
            assert patient.consent and not patient.objection


def test_patient_mix_is_realistic(demo: Tables) -> None:
    patients = demo["patients"]
    share = Counter(f for p in patients for f in p.fragilities)
    assert 0.2 <= share["ALD"] / len(patients) <= 0.4
    assert 0.18 <= share["70 ans et plus"] / len(patients) <= 0.32
    assert 0.08 <= share["C2S/AME"] / len(patients) <= 0.22
    assert sum(1 for p in patients if not p.fragilities) >= len(patients) * 0.2
    assert 0 < sum(p.objection for p in patients) <= len(patients) * 0.06
    assert sum(p.consent for p in patients) >= len(patients) * 0.8
    for patient in patients:
        elderly = _age(patient.birth_date, patient.request_date) >= 70
        assert ("70 ans et plus" in patient.fragilities) == elderly, patient
    oldest = min(p.request_date for p in patients)
    assert TODAY - timedelta(days=549) <= oldest <= TODAY - timedelta(days=400)


def test_proposals_are_consistent(demo: Tables) -> None:
    patients = {p.id: p for p in demo["patients"]}
    members = {m.id: m for m in demo["members"]}
    for proposal in demo["proposals"]:
        patient = patients[proposal.patient]
        assert members[proposal.gp].specialty == GP_SPECIALTY
        assert patient.request_date <= proposal.proposed_on <= TODAY
        if proposal.status == "Acceptée":
            assert proposal.gp == patient.gp and proposal.proposed_on <= patient.found_date
        assert (proposal.refusal_reason is not None) == (proposal.status == "Refusée")
    assert any(p.status == "Refusée" for p in demo["proposals"])


def test_dates_are_not_in_the_future(demo: Tables) -> None:
    past_dates = {
        "members": ("member_since",),
        "patients": ("birth_date", "request_date", "found_date", "closed_date"),
        "proposals": ("proposed_on",),
        "enrolments": ("enrolled_on",),
        "steps_done": ("done_on",),
        "milestones": ("done_on",),
    }
    for key, attrs in past_dates.items():
        for record in demo[key]:
            for attr in attrs:
                value = getattr(record, attr)
                assert value is None or value <= TODAY, (key, attr, value)
    assert all(m.member_since >= TODAY - timedelta(days=5 * 366) for m in demo["members"])


def test_dues_are_mostly_paid_for_the_current_year(demo: Tables) -> None:
    years = Counter(m.dues_paid_year for m in demo["members"])
    assert years[TODAY.year] >= 0.7 * len(demo["members"])


def test_pathway_steps(demo: Tables) -> None:
    pathways = {p.id: p.name for p in demo["pathways"]}
    steps = Counter(pathways[s.pathway] for s in demo["pathway_steps"])
    assert set(steps) == PATHWAY_NAMES
    endometriosis = [s for s in demo["pathway_steps"] if pathways[s.pathway] == "Endométriose"]
    assert {s.level for s in endometriosis} == {1, 2, 3}
    assert all(s.sex == "Femmes" for s in endometriosis)
    podiatry = [s for s in demo["pathway_steps"] if s.profession == "Pédicure-podologue"]
    assert {s.condition for s in podiatry} == {"grade podologique 2 ; 5 par an", "grade podologique 3 ; 8 par an"}
    colorectal = [s for s in demo["pathway_steps"] if pathways[s.pathway] == "Dépistage du cancer colorectal"]
    assert (colorectal[0].interval_months, colorectal[0].min_age, colorectal[0].max_age) == (24, 50, 74)


def test_pathway_members_fit_their_pathway(demo: Tables) -> None:
    members = {m.id: m for m in demo["members"]}
    pathways = {p.id: p.name for p in demo["pathways"]}
    by_pathway: dict[str, set[str]] = {}
    for row in demo["pathway_members"]:
        member = members[row.member]
        by_pathway.setdefault(pathways[row.pathway], set()).add(member.specialty or member.profession)
        if pathways[row.pathway] == "Endométriose":
            assert row.level in (1, 2, 3)
    assert set(by_pathway) == PATHWAY_NAMES
    assert {GP_SPECIALTY, "Sage-femme", "Gynécologie"} <= by_pathway["Endométriose"]
    assert {GP_SPECIALTY, "Infirmier", "Pédicure-podologue", "Diététicien", "Pharmacien"} <= by_pathway[
        "Diabète de type 2"
    ]


def test_enrolments_respect_age_and_sex(demo: Tables) -> None:
    patients = {p.id: p for p in demo["patients"]}
    pathways = {p.id: p for p in demo["pathways"]}
    assert {pathways[e.pathway].name for e in demo["enrolments"]} == PATHWAY_NAMES
    pairs = [(e.patient, e.pathway) for e in demo["enrolments"]]
    assert len(pairs) == len(set(pairs))
    for enrolment in demo["enrolments"]:
        patient, pathway = patients[enrolment.patient], pathways[enrolment.pathway]
        for on in (enrolment.enrolled_on, TODAY):
            age = _age(patient.birth_date, on)
            assert age >= (pathway.min_age or 0)
            assert pathway.max_age is None or age <= pathway.max_age
        if pathway.sex == "Femmes":
            assert patient.sex == "Femme"
        assert (enrolment.foot_grade is not None) == (pathway.name == "Diabète de type 2")


def test_steps_done_belong_to_the_enrolled_pathway(demo: Tables) -> None:
    enrolments = {e.id: e for e in demo["enrolments"]}
    steps = {s.id: s for s in demo["pathway_steps"]}
    for done in demo["steps_done"]:
        enrolment, step = enrolments[done.enrolment], steps[done.step]
        assert step.pathway == enrolment.pathway
        foot_grade = parse_condition(step.condition).foot_grade
        assert foot_grade is None or foot_grade == enrolment.foot_grade
    # Some recurring steps are up to date, some overdue.
    ages = [
        (TODAY - done.done_on).days / 30 / steps[done.step].interval_months
        for done in demo["steps_done"]
        if steps[done.step].interval_months
    ]
    assert any(age < 1 for age in ages) and any(age > 1.2 for age in ages)


def test_actions(demo: Tables) -> None:
    actions = demo["actions"]
    assert len(actions) == 14
    statuses = Counter(a.status for a in actions)
    assert statuses["En cours"] > statuses[ActionStatus.DONE] > 0 and statuses["Non démarrée"] > 0
    assert sum(a.pilot is None for a in actions) == 1
    late = [a for a in actions if a.due_date < TODAY and a.status != ActionStatus.DONE]
    assert len(late) == 1
    titles = " ".join(a.title.lower() for a in actions)
    for word in ("médecin traitant", "endométriose", "diabète", "col de l'utérus", "colorectal", "télémédecine"):
        assert word in titles, word
    assert all(a.start_date < a.due_date for a in actions)


def test_milestones_and_indicators(demo: Tables) -> None:
    milestones = Counter(m.action for m in demo["milestones"])
    this_year = [i for i in demo["indicators"] if i.period == str(TODAY.year)]
    indicators = Counter(i.action for i in this_year)
    for action in demo["actions"]:
        assert 2 <= milestones[action.id] <= 5
        assert 1 <= indicators[action.id] <= 4
    for milestone in demo["milestones"]:
        assert milestone.done == (milestone.done_on is not None)
    assert {i.kind for i in demo["indicators"]} == {"Action", "Résultat"}
    last_year = [i for i in demo["indicators"] if i.period == str(TODAY.year - 1)]
    assert len(this_year) + len(last_year) == len(demo["indicators"])
    assert {i.title for i in last_year} < {i.title for i in this_year}  # history for the trends
    computed = {i.computation for i in this_year if i.source == "Calculé"}
    assert computed == {
        "patients_mt_trouve_annee",
        "patients_mt_trouve_annee_fragiles",
        "ald_en_attente",
        "membres_par_profession",
        "membres_nouveaux_annee",
        "inscrits_parcours:Endométriose",
        "inscrits_parcours:Diabète de type 2",
        "stagiaires_annee",
        "maitres_de_stage_agrees",
        "installations_accompagnees_annee",
    }
    assert all(i.value is None for i in this_year if i.source == "Calculé")  # counted live, never typed
    assert Counter(i.source for i in demo["indicators"]).most_common(1)[0][0] == "Manuel"


def test_territory(demo: Tables) -> None:
    (issy,) = demo["territory"]
    assert (issy.insee_code, issy.name, issy.population, issy.department) == (
        "92040",
        "Issy-les-Moulineaux",
        67669,
        "92",
    )
    assert issy.epci == "Métropole du Grand Paris"


def test_settings(demo: Tables) -> None:
    settings = {s.key: s for s in demo["settings"]}
    assert len(settings) == len(demo["settings"])
    assert settings["Nom de la CPTS"].value == "CPTS Issy-les-Moulineaux"
    assert [settings[f"Aide pré-contrat T{n}"].value for n in range(1, 5)] == ["15000", "17500", "25000", "30000"]
    assert settings["Dotation fonctionnement T1"].to_check
    assert settings["Maximum T4"].value == "580000"
    assert all(isinstance(s.value, str) and s.description for s in demo["settings"])


def test_another_commune() -> None:
    tables = generate("small", insee_code="86066", today=TODAY)
    (territory,) = tables["territory"]
    assert (territory.name, territory.population) == ("Châtellerault", 31003)
    assert {s.key: s.value for s in tables["settings"]}["Nom de la CPTS"] == "CPTS Châtellerault"
    assert Counter(m.insee_code for m in tables["members"]).most_common(1)[0][0] == "86066"


def test_small_is_fast() -> None:
    generate("small", seed=1, today=TODAY)  # communes already loaded by the other tests
    started = time.perf_counter()
    generate("small", seed=2, today=TODAY)
    assert time.perf_counter() - started < 2


def test_large() -> None:
    started = time.perf_counter()
    tables = generate("large", today=TODAY)
    assert time.perf_counter() - started < 30
    members = tables["members"]
    gps = [m for m in members if m.specialty == GP_SPECIALTY]
    assert len(members) == 2000 and len(tables["patients"]) == 50_000
    assert 440 <= len(gps) <= 500
    assert 180 <= sum(m.accepts_new_patients for m in members) <= 220
    assert len(tables["enrolments"]) == 2000
    assert len(tables["actions"]) == 14
    rpps = [m.rpps for m in members if m.rpps]
    assert len(rpps) == len(set(rpps))


def test_priority_weights_in_settings(demo: Tables) -> None:
    settings = {s.key: s.value for s in demo["settings"]}
    parameters, problems = read_parameters(demo["settings"], PRIORITY_WEIGHTS)
    assert problems == [] and weights_from(parameters) == Weights()
    assert settings["Poids ALD"] == "40" and settings["Poids par mois d'attente"] == "3"


def test_no_aci_signature_setting(demo: Tables) -> None:
    # Written once by the demo and read by nothing: gone.
    assert "Date de signature ACI" not in {s.key for s in demo["settings"]}


def test_a_bad_data_file_entry_is_refused_naming_the_entry_and_the_key() -> None:
    rows = [{"title": "Réunion", "unit": "réunions", "kind": "Action", "action": 1}, {"titel": "Faute", "action": 2}]
    with pytest.raises(ValueError) as refused:
        entries(IndicatorPlan, rows, "demo/data/projet_de_sante.toml [[action.indicator]]")
    message = str(refused.value)
    assert message.startswith("demo/data/projet_de_sante.toml [[action.indicator]], entrée n° 2 : ")
    assert "clé inconnue « titel »" in message and "clé « title » manquante" in message


def test_every_data_file_is_read_and_says_what_it_is() -> None:
    files = sorted(DATA_DIR.glob("*.toml"))
    assert {"membres", "patients", "parcours", "projet_de_sante"} <= {path.stem for path in files}
    for path in files:
        assert path.read_text(encoding="utf-8").startswith("# "), path.name  # a French header comment
        assert load(path.stem), path.name


def test_demo_imports_only_domain_schema_and_errors() -> None:
    project = {path.stem for path in ROOT.iterdir() if path.is_dir() or path.suffix == ".py"}
    allowed = {"demo", "domain", "schema", "errors"}
    for path in (ROOT / "demo").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top not in project or top in allowed, (path.name, name)
