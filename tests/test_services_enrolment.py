"""Enrolling a patient through services, on a real NocoDB: the write rule of Inscriptions refuses a second
active enrolment of a patient in the same pathway, whoever writes it (page, command or a service called
directly), and says so in French with the patient code and the enrolment already there."""

from __future__ import annotations

from datetime import date

import pytest
from pathway_fixture import BREAST_SCREENING, ENDOMETRIOSIS, breast_screening, endometriosis

from errors import Refused
from schema.models import ENROLMENTS, PATHWAYS, PATIENTS, Enrolment, Patient
from services import writes
from services.enrolled_twice import EnrolledTwice
from services.enrolment import EnrolmentForm, candidate, enrol
from services.seed import seed
from store import records
from store.base import Base

TODAY = date.today()


@pytest.fixture(scope="module")
def seeded(base: Base) -> Base:
    patients = [
        Patient(id=i, code=f"P-{i:06d}", sex="Femme", birth_date=date(TODAY.year - 60, 1, 1)) for i in (1, 2, 3)
    ]
    enrolments = [Enrolment(id=1, patient=1, pathway=1, enrolled_on=TODAY, status="Active")]
    seed(base, {"patients": patients, "pathways": [breast_screening(1), endometriosis(2)], "enrolments": enrolments})
    return base


def ids(base: Base) -> tuple[dict[str, int], dict[str, int]]:
    patients = {p.code: int(p.id) for p in records.load(base, PATIENTS).records}
    pathways = {p.name: int(p.id) for p in records.load(base, PATHWAYS).records}
    return patients, pathways


def test_a_second_active_enrolment_is_refused_by_the_write_rule(seeded: Base) -> None:
    patients, pathways = ids(seeded)
    [existing] = [e.id for e in records.load(seeded, ENROLMENTS).records]
    twice = Enrolment(patient=patients["P-000001"], pathway=pathways[BREAST_SCREENING], status="Active")
    with pytest.raises(EnrolledTwice) as refused:
        writes.insert(seeded, ENROLMENTS, [twice])
    assert isinstance(refused.value, Refused)
    assert str(refused.value) == (
        f"Inscriptions : rien n'a été enregistré. P-000001 est déjà inscrit(e) dans le parcours "
        f"« {BREAST_SCREENING} » (inscription Id {existing})."
    )
    assert seeded.count(ENROLMENTS) == 1


def test_an_exit_or_another_pathway_is_not_a_second_enrolment(seeded: Base) -> None:
    patients, pathways = ids(seeded)
    before = seeded.count(ENROLMENTS)
    rows = [
        Enrolment(patient=patients["P-000001"], pathway=pathways[BREAST_SCREENING], status="Sortie"),
        Enrolment(patient=patients["P-000001"], pathway=pathways[ENDOMETRIOSIS], status="Active"),
    ]
    assert len(writes.insert(seeded, ENROLMENTS, rows)) == 2
    assert seeded.count(ENROLMENTS) == before + 2


def test_the_same_pair_twice_in_one_write_is_refused(seeded: Base) -> None:
    patients, pathways = ids(seeded)
    before = seeded.count(ENROLMENTS)
    row = Enrolment(patient=patients["P-000003"], pathway=pathways[BREAST_SCREENING], status="Active")
    with pytest.raises(EnrolledTwice, match=r"P-000003 est déjà inscrit.*deux fois dans cet ajout"):
        writes.insert(seeded, ENROLMENTS, [row, row])
    assert seeded.count(ENROLMENTS) == before


def test_enrolling_twice_through_the_service_is_refused(seeded: Base) -> None:
    _, pathways = ids(seeded)
    form = EnrolmentForm("P-000002", pathways[BREAST_SCREENING], TODAY)
    chosen = candidate(seeded, form, TODAY)
    assert chosen.warnings == [] and chosen.pathway_name == BREAST_SCREENING
    first = enrol(seeded, chosen)
    with pytest.raises(EnrolledTwice, match=rf"P-000002 est déjà inscrit\(e\) .* \(inscription Id {first}\)"):
        enrol(seeded, candidate(seeded, form, TODAY))
    mine = [e for e in records.load(seeded, ENROLMENTS).records if e.reference == f"P-000002 – {BREAST_SCREENING}"]
    assert [e.id for e in mine] == [first]


def test_a_code_no_patient_has_is_refused_in_french(seeded: Base) -> None:
    _, pathways = ids(seeded)
    with pytest.raises(Refused, match=r"Aucun patient n.a le code « P-999999 » dans la table Patients\."):
        candidate(seeded, EnrolmentForm("P-999999", pathways[ENDOMETRIOSIS], TODAY), TODAY)
