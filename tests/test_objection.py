"""Right to object, on a real NocoDB: no proposal nor enrolment is ever written for a patient who objected."""

from __future__ import annotations

import pytest

from demo.generate import generate
from schema.models import ENROLMENTS, PATIENTS, PROPOSALS, Enrolment, Patient, Proposal
from services import writes
from services.objection import ObjectionRefused
from services.seed import row_counts, seed
from store import records
from store.base import Base


def test_no_proposal_nor_enrolment_for_a_patient_who_objected(base: Base) -> None:
    objecting, consenting = records.insert(
        base, PATIENTS, [Patient(code="P-000901", objection=True), Patient(code="P-000902", consent=True)]
    )
    before = {spec.title: base.count(spec) for spec in (PROPOSALS, ENROLMENTS)}
    for spec, rows in (
        (PROPOSALS, [Proposal(patient=consenting), Proposal(patient=objecting)]),
        (ENROLMENTS, [Enrolment(patient=objecting)]),
    ):
        with pytest.raises(ObjectionRefused, match="P-000901 ne peut figurer ni dans une proposition"):
            writes.insert(base, spec, rows)
    assert {spec.title: base.count(spec) for spec in (PROPOSALS, ENROLMENTS)} == before  # nothing written
    assert records.insert(base, PROPOSALS, [Proposal(patient=consenting)])
    base.client.delete(base.handle(PROPOSALS).id, [r.id for r in records.load(base, PROPOSALS).records if r.id])
    base.client.delete(base.handle(PATIENTS).id, [objecting, consenting])


def test_the_demo_respects_objections(base: Base) -> None:
    data = generate("small")
    assert any(p.objection for p in data[PATIENTS.key])
    counts = seed(base, data)  # every proposal and enrolment goes through the objection check
    assert counts[PROPOSALS.title] == len(data[PROPOSALS.key]) and row_counts(base)[ENROLMENTS.title] > 0


@pytest.mark.parametrize("size", ["small", "large"])
def test_no_demo_proposal_nor_enrolment_for_an_objecting_patient(size: str) -> None:
    data = generate(size)
    objecting = {p.id for p in data[PATIENTS.key] if p.objection}
    assert objecting
    for spec in (PROPOSALS, ENROLMENTS):
        assert not [row.id for row in data[spec.key] if row.patient in objecting]  # type: ignore[attr-defined]
