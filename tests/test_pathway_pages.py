"""The pathway pages run against the real NocoDB: Parcours (board, masked aggregates), Orienter (nearest
first), À relancer (overdue steps; a step marked done lands in NocoDB; a date typed in NocoDB changes the
list; enrolment outside a pathway's public is warned in French). Tests run in file order on one base."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from apptest import charts, click, open_page, page_text, rerun, tick, visible_text
from pathway_fixture import (
    BOULOGNE,
    BREAST_SCREENING,
    CONSULTATION,
    ENDOMETRIOSIS,
    ISSY,
    MAMMOGRAPHY,
    NANTERRE,
    PARIS,
    breast_screening,
    consultation,
    endometriosis,
    mammography,
)
from streamlit.testing.v1 import AppTest

from domain.pathways import add_months
from schema.models import (
    ACCESS_LOG,
    ENROLMENTS,
    PATHWAY_STEPS,
    PATHWAYS,
    PATIENTS,
    STEPS_DONE,
    Enrolment,
    Member,
    PathwayMember,
    Patient,
    StepDone,
)
from services.enrolment import CODE_LABEL
from services.seed import seed
from store import records
from store.base import Base

TODAY = date.today()


def months_ago(months: int) -> date:
    return add_months(TODAY, -months)


def born(age: int) -> date:
    return add_months(TODAY, -12 * age - 2)


def demo_rows() -> dict[str, list[Any]]:
    """Two pathways; 6 women enrolled in breast screening (P-000004 and P-000005 overdue), a man enrolled
    there by mistake (P-000007), a woman in the endometriosis pathway (P-000008, overdue)."""
    members = [
        Member(id=1, last_name="Aubert", first_name="Jean", profession="Sage-femme", insee_code=ISSY),
        Member(
            id=2, last_name="Abel", first_name="Paul", profession="Médecin", specialty="Radiologie", insee_code=BOULOGNE
        ),
        Member(
            id=3, last_name="Zidane", first_name="Inès", profession="Médecin", specialty="Radiologie", insee_code=ISSY
        ),
        Member(
            id=4,
            last_name="Dupont",
            first_name="Léa",
            profession="Médecin",
            specialty="Médecine générale",
            insee_code=NANTERRE,
        ),
        Member(id=5, last_name="Martin", first_name="Zoé", profession="Sage-femme", insee_code=PARIS),
    ]
    women = [(1, 60), (2, 61), (3, 62), (4, 63), (5, 64), (6, 65), (8, 30), (9, 45), (10, 55)]
    patients = [
        Patient(
            id=i,
            code=f"P-{i:06d}",
            last_name=f"Patiente{i}",
            first_name="Anne",
            birth_date=born(age),
            sex="Femme",
            insee_code=PARIS if i == 8 else ISSY,
        )
        for i, age in women
    ]
    patients.append(
        Patient(
            id=7,
            code="P-000007",
            last_name="Patient7",
            first_name="Marc",
            birth_date=born(60),
            sex="Homme",
            insee_code=ISSY,
        )
    )
    pathways = [breast_screening(1), endometriosis(2)]
    steps = [mammography(1, pathway=1), consultation(2, pathway=2, min_age=15, max_age=50)]
    team = [
        PathwayMember(id=1, role="Radiologue agréé", member=2, pathway=1),
        PathwayMember(id=2, role="Radiologue agréé", member=3, pathway=1),
        PathwayMember(id=3, role="Médecin généraliste", member=4, pathway=1),
        PathwayMember(id=4, role="Sage-femme (niveau 1)", member=1, pathway=2, level=1),
        PathwayMember(id=5, role="Sage-femme (niveau 1)", member=5, pathway=2, level=1),
        PathwayMember(id=6, role="Échographiste référent (niveau 2)", member=2, pathway=2, level=2),
    ]
    enrolments = [
        Enrolment(id=i, patient=i, pathway=1, enrolled_on=months_ago(12), status="Active") for i in range(1, 8)
    ]
    enrolments.append(Enrolment(id=8, patient=8, pathway=2, enrolled_on=months_ago(2), status="Active"))
    done = [StepDone(id=i, enrolment=i, step=1, done_on=months_ago(6)) for i in (1, 2, 3, 6)]
    done.append(StepDone(id=5, enrolment=4, step=1, done_on=months_ago(30)))
    return {
        "members": members,
        "patients": patients,
        "pathways": pathways,
        "pathway_steps": steps,
        "pathway_members": team,
        "enrolments": enrolments,
        "steps_done": done,
    }


@pytest.fixture(scope="module")
def seeded(base: Base) -> Base:
    seed(base, demo_rows())
    return base


@pytest.fixture
def app_env(app_env: Base, seeded: Base) -> Base:
    """The app's environment, on the seeded base."""
    return seeded


def access_rows(base: Base) -> list[Any]:
    return records.load(base, ACCESS_LOG).records


# --- Parcours (board) ----------------------------------------------------------------------------


def test_parcours_shows_masked_aggregates_only(app_env: Base) -> None:
    journal = len(access_rows(app_env))
    app = open_page("views/pathways.py")
    assert app.title[0].value == "Parcours"
    assert {m.label: m.value for m in app.metric} == {
        "Patients inscrits": "8",
        "Étapes en retard": "< 5",
        "Patients à jour": "57 %",
    }
    table = app.dataframe[0].value
    assert table.to_dict("records") == [
        {
            "Parcours": "Dépistage du cancer du sein",
            "Catégorie": "Dépistage organisé",
            "Patients inscrits": "masqué",  # else the total (8) minus 7 gives Endométriose's count
            "Étapes à jour": "< 5",
            "Étapes à venir": "< 5",
            "Étapes en retard": "< 5",
            "Patients à jour": "< 5",
            "Part à jour": "67 %",
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
    shown = page_text(app)
    assert "P-0000" not in shown and "Patiente" not in shown  # no patient appears on a board page
    assert len(app.dataframe) == 1 and not charts(app)  # the rest only when asked
    app.toggle(key="pathways_charts").set_value(True)
    app.toggle(key="pathways_definitions").set_value(True)
    app = rerun(app)
    masked = [i.value for i in app.info if "masquée" in i.value]  # a chart of pathways under 5 patients
    assert len(charts(app)) + len(masked) == 2
    assert "P-0000" not in page_text(app) and "Patiente" not in page_text(app)
    steps = app.dataframe[1].value  # the steps as defined in NocoDB, every pathway in one table
    assert MAMMOGRAPHY in steps[steps["Parcours"] == "Dépistage du cancer du sein"]["Étape"].tolist()
    assert set(steps["Parcours"]) == {row["Parcours"] for row in table.to_dict("records")}
    assert len(access_rows(app_env)) == journal  # nothing patient-level shown, nothing traced
    assert not app.warning


# --- Orienter (board) ----------------------------------------------------------------------------


def test_orienter_lists_the_team_nearest_first(app_env: Base) -> None:
    app = open_page("views/referral.py")
    pathway, level, commune = pathway_box(app), app.selectbox[1], app.selectbox[2]
    assert pathway.value == pathway_id(app_env, BREAST_SCREENING)  # the first by name
    assert level.disabled and commune.value == ISSY  # no level in this pathway; no territory: first member's commune
    table = app.dataframe[0].value
    assert table[["Proximité", "Nom", "Commune"]].values.tolist() == [
        ["Même commune", "Inès Zidane", "Issy-les-Moulineaux"],
        ["Même intercommunalité", "Paul Abel", "Boulogne-Billancourt"],
        ["Même département", "Léa Dupont", "Nanterre"],
    ]
    pathway.set_value(pathway_id(app_env, ENDOMETRIOSIS))
    rerun(app)
    app.selectbox[1].set_value(1)
    app.selectbox[2].set_value(PARIS)
    rerun(app)
    assert app.dataframe[0].value[["Proximité", "Nom"]].values.tolist() == [
        ["Même commune", "Zoé Martin"],
        ["Plus loin", "Jean Aubert"],
    ]
    assert {m.label: m.value for m in app.metric}["Plus loin"] == "1"


# --- À relancer (coordinators) -------------------------------------------------------------------


def worklist(app: AppTest) -> list[tuple[str, str, str]]:
    table = app.dataframe[0].value
    return list(zip(table["Code"], table["Étape"], table["Professionnel à solliciter"], strict=True))


def test_a_relancer_lists_overdue_steps_and_traces_the_access(app_env: Base) -> None:
    app = open_page("views/follow_ups.py")
    assert worklist(app) == [
        ("P-000005", MAMMOGRAPHY, "Inès Zidane, Radiologie, Issy-les-Moulineaux"),
        ("P-000004", MAMMOGRAPHY, "Inès Zidane, Radiologie, Issy-les-Moulineaux"),
        ("P-000008", CONSULTATION, "Zoé Martin, Sage-femme, Paris"),
    ]
    table = app.dataframe[0].value
    assert table["En retard depuis le"].tolist()[1] == f"{months_ago(6):%d/%m/%Y}"
    assert table["Jours"].tolist()[1] == (TODAY - months_ago(6)).days
    warning = visible_text(app.warning[0].value)
    assert "P-000007" in warning and "concerne les femmes" in warning and "inscription Id" in warning
    last = access_rows(app_env)[-1]
    assert last.what == "À relancer"
    assert set(last.patient_codes.split(", ")) == {"P-000005", "P-000004", "P-000008", "P-000007"}


def test_a_step_marked_done_in_the_app_is_written_to_nocodb(app_env: Base) -> None:
    app = open_page("views/follow_ups.py")
    assert worklist(app)[0][0] == "P-000005"
    tick(app, 0)  # the first row of the list: P-000005's mammography
    assert "P-000005" in visible_text(app.markdown[-1].value)  # the form lists the step ticked
    day = TODAY - timedelta(days=3)
    app.date_input[0].set_value(day)
    click(app, "Enregistrer dans NocoDB")
    written = [r for r in records.load(app_env, STEPS_DONE).records if r.done_on == day]
    assert [(r.enrolment, r.step, r.reference) for r in written] == [
        (
            enrolment_id(app_env, "P-000005"),
            step_id(app_env, MAMMOGRAPHY),
            f"P-000005 – {MAMMOGRAPHY} – {day.isoformat()}",
        )
    ]
    assert visible_text(app.success[0].value).startswith("1 étape enregistrée dans NocoDB")
    assert [code for code, _, _ in worklist(app)] == ["P-000004", "P-000008"]


def test_the_form_marking_steps_done_shows_once_steps_are_ticked(app_env: Base) -> None:
    app = open_page("views/follow_ups.py")
    assert "Enregistrer dans NocoDB" not in [b.label for b in app.button] and not app.date_input  # ticks choose
    assert "Cochez des étapes dans le tableau pour les marquer comme faites." in [c.value for c in app.caption]
    first, second, *_ = [code for code, _, _ in worklist(app)]
    tick(app, 0, 1)
    assert [s.value for s in app.subheader if s.value.startswith("Marquer")] == ["Marquer 2 étape(s) comme faite(s)"]
    assert [line.split()[1] for line in visible_text(app.markdown[-1].value).splitlines()] == [first, second]


def test_ticks_belong_to_the_rows_shown(app_env: Base) -> None:
    app = open_page("views/follow_ups.py")
    ticked_key = app.dataframe[0].key
    tick(app, 0)
    app.text_input(key="overdue_search").input("P-000008").run()  # another set of rows: none ticked
    assert app.dataframe[0].key != ticked_key and not app.date_input
    assert [code for code, _, _ in worklist(app)] == ["P-000008"]


def test_a_date_typed_in_nocodb_changes_the_worklist(app_env: Base) -> None:
    app = open_page("views/follow_ups.py")
    assert "P-000006" not in [code for code, _, _ in worklist(app)]
    row = next(r for r in records.load(app_env, STEPS_DONE).records if r.enrolment == enrolment_id(app_env, "P-000006"))
    table_id = app_env.handle(STEPS_DONE).id
    app_env.client.update(table_id, [{"Id": row.id, "Date": months_ago(36).isoformat()}])  # a cell edited in the grid
    click(app, "Rafraîchir")
    first = app.dataframe[0].value.iloc[0]
    assert (first["Code"], first["En retard depuis le"]) == ("P-000006", f"{months_ago(12):%d/%m/%Y}")


# --- enrolment from À relancer -------------------------------------------------------------------


ENROL_KEY = "enrol_form"  # views.follow_ups's toggle that draws the enrolment form


def enrolment_page() -> AppTest:
    """À relancer with its enrolment form drawn (its toggle on)."""
    return open_page("views/follow_ups.py", state={ENROL_KEY: True})


def test_the_enrolment_form_is_drawn_only_when_asked(app_env: Base) -> None:
    app = open_page("views/follow_ups.py")
    assert not [b for b in app.button if b.label == "Inscrire"]
    app = rerun(app.toggle(key=ENROL_KEY).set_value(True))
    assert [t for t in app.text_input if t.label == CODE_LABEL]
    assert [b for b in app.button if b.label == "Inscrire"]


def code_box(app: AppTest) -> Any:
    """The enrolment form's patient code (the page also has the list's search box)."""
    return next(t for t in app.text_input if t.label == CODE_LABEL)


def pathway_box(app: AppTest) -> Any:
    """The enrolment form's pathway (the page also has the list's sort and page size)."""
    return next(b for b in app.selectbox if b.label == "Parcours")


def test_enrolling_outside_the_public_is_warned_in_french(app_env: Base) -> None:
    app = enrolment_page()
    before = len(records.load(app_env, ENROLMENTS).records)
    code_box(app).set_value("P-000009")  # a woman of 45
    pathway_box(app).set_value(pathway_id(app_env, BREAST_SCREENING))
    click(app, "Inscrire")
    warning = next(visible_text(w.value) for w in app.warning if "P-000009" in visible_text(w.value))
    assert f"45 ans le {TODAY:%d/%m/%Y} ; le parcours « Dépistage du cancer du sein » concerne les 50–74 ans" in warning
    assert "Rien n'a été enregistré" in warning
    assert len(records.load(app_env, ENROLMENTS).records) == before
    next(c for c in app.checkbox if c.label == "Inscrire malgré l'avertissement").check()
    click(app, "Inscrire")
    assert "P-000009 inscrit(e) dans le parcours « Dépistage du cancer du sein »" in visible_text(app.success[0].value)
    added = records.load(app_env, ENROLMENTS).records[before:]
    assert [(e.patient, e.status, e.enrolled_on, e.reference) for e in added] == [
        (patient_id(app_env, "P-000009"), "Active", TODAY, "P-000009 – Dépistage du cancer du sein")
    ]
    assert access_rows(app_env)[-1].patient_codes is not None


@pytest.mark.parametrize(
    ("code", "pathway", "message"),
    [
        ("123", "Endométriose", "Champ « Code patient » : « 123 » n'a pas le format attendu (ex. P-000123)"),
        ("", "Endométriose", "Champ « Code patient » : obligatoire"),
        ("P-999999", "Endométriose", "Aucun patient n'a le code « P-999999 » dans la table Patients."),
        (
            "p-000001",
            "Dépistage du cancer du sein",
            "P-000001 est déjà inscrit(e) dans le parcours « Dépistage du cancer du sein »",
        ),
    ],
)
def test_bad_enrolments_are_refused_in_french(app_env: Base, code: str, pathway: str, message: str) -> None:
    app = enrolment_page()
    before = len(records.load(app_env, ENROLMENTS).records)
    code_box(app).set_value(code)
    pathway_box(app).set_value(pathway_id(app_env, pathway))
    click(app, "Inscrire")
    assert message in visible_text(app.error[0].value)
    assert len(records.load(app_env, ENROLMENTS).records) == before


def test_an_enrolment_dated_in_the_future_is_refused(app_env: Base) -> None:
    app = enrolment_page()
    before = len(records.load(app_env, ENROLMENTS).records)
    code_box(app).set_value("P-000010")
    pathway_box(app).set_value(pathway_id(app_env, "Endométriose"))
    tomorrow = TODAY + timedelta(days=1)
    next(d for d in app.date_input if d.label == "Date d'inscription").set_value(tomorrow)
    click(app, "Inscrire")
    assert f"- Champ « Date d'inscription » : {tomorrow:%d/%m/%Y} est dans le futur" in visible_text(app.error[0].value)
    assert "Rien n'a été enregistré" in visible_text(app.error[0].value)
    assert len(records.load(app_env, ENROLMENTS).records) == before


def test_enrolling_inside_the_public_writes_at_once(app_env: Base) -> None:
    app = enrolment_page()
    code_box(app).set_value("P-000010")  # a woman of 55
    pathway_box(app).set_value(pathway_id(app_env, BREAST_SCREENING))
    click(app, "Inscrire")
    assert not [w for w in app.warning if "P-000010" in w.value]
    enrolled = [e for e in records.load(app_env, ENROLMENTS).records if e.patient == patient_id(app_env, "P-000010")]
    assert len(enrolled) == 1
    assert "P-000010 inscrit(e) dans le parcours « Dépistage du cancer du sein »" in visible_text(app.success[0].value)
    assert "P-000010" not in [code for code, _, _ in worklist(app)]  # first mammography due today: not late yet


def test_enrolling_a_patient_who_objected_is_refused_in_french(app_env: Base) -> None:
    objection = PATIENTS.field("objection").title
    handle = app_env.handle(PATIENTS).id
    patient = patient_id(app_env, "P-000009")  # a woman of 45: inside the endometriosis pathway's public
    app_env.client.update(handle, [{"Id": patient, objection: True}])
    try:
        before = len(records.load(app_env, ENROLMENTS).records)
        app = enrolment_page()
        code_box(app).set_value("P-000009")
        pathway_box(app).set_value(pathway_id(app_env, ENDOMETRIOSIS))
        click(app, "Inscrire")  # no exception on the page (click checks it)
        [refusal] = [visible_text(e.value) for e in app.error]
        assert refusal.startswith("Inscriptions : rien n'a été enregistré. Opposition au partage des données")
        assert "P-000009 ne peut figurer ni dans une proposition à un médecin, ni dans un parcours" in refusal
        assert not app.success
        assert len(records.load(app_env, ENROLMENTS).records) == before
    finally:
        app_env.client.update(handle, [{"Id": patient, objection: False}])


# --- helpers -------------------------------------------------------------------------------------


def patient_id(base: Base, code: str) -> int:
    return next(int(p.id) for p in records.load(base, PATIENTS).records if p.code == code)


def enrolment_id(base: Base, code: str) -> int:
    patient = patient_id(base, code)
    return next(int(e.id) for e in records.load(base, ENROLMENTS).records if e.patient == patient)


def pathway_id(base: Base, name: str) -> int:
    return next(int(p.id) for p in records.load(base, PATHWAYS).records if p.name == name)


def step_id(base: Base, title: str) -> int:
    return next(int(s.id) for s in records.load(base, PATHWAY_STEPS).records if s.title == title)
