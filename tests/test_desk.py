"""The desk's pure steps: places this month, who may be matched, the plan, confirming it, answers, figures,
and new requests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.desk import DeskError, DeskRecords, desk_figures, slots_this_month
from domain.desk_plan import plan, seekers
from domain.matching import Place
from domain.patient_request import RequestForm, next_code, validate_request
from domain.priority import Weights
from domain.proposals import Answer, answer, confirm
from domain.validation import PHONE_EXAMPLE
from schema.models import Member, Patient, PatientStatus, Proposal, ProposalStatus

TODAY = date(2026, 11, 23)
ISSY = Place("92040", "Issy-les-Moulineaux", "T3", "EPT Grand Paris Seine Ouest", "92")
VANVES = Place("92075", "Vanves", "T3", "EPT Grand Paris Seine Ouest", "92")
PLACES = {"92040": ISSY, "92075": VANVES}


def gp(member_id: int, capacity: int = 2, insee: str = "92040", **fields: object) -> Member:
    values = {"populations_accepted": ["Tous"], "accepts_new_patients": True, **fields}
    return Member(
        id=member_id,
        last_name=f"Médecin{member_id}",
        first_name="Jo",
        profession="Médecin",
        insee_code=insee,
        monthly_capacity=capacity,
        **values,  # type: ignore[arg-type]
    )


def patient(patient_id: int, days: int = 40, **fields: object) -> Patient:
    values = {
        "status": PatientStatus.WAITING,
        "consent": True,
        "insee_code": "92040",
        "birth_date": date(1980, 1, 1),
        **fields,
    }
    return Patient(
        id=patient_id,
        code=f"P-{patient_id:06d}",
        last_name="Durand",
        first_name=f"P{patient_id}",
        request_date=TODAY - timedelta(days=days),
        **values,  # type: ignore[arg-type]
    )


def proposal(
    proposal_id: int, patient_id: int, member_id: int, status: str = ProposalStatus.PENDING, rank: int = 1
) -> Proposal:
    return Proposal(
        id=proposal_id,
        reference=f"P-{patient_id:06d} – Dr {member_id}",
        patient=patient_id,
        gp=member_id,
        rank=rank,
        proposed_on=TODAY - timedelta(days=3),
        status=status,
    )


def test_slots_this_month_count_found_and_first_pending_only() -> None:
    records = DeskRecords(
        patients=[
            patient(1, status=PatientStatus.FOUND, gp=10, found_date=TODAY.replace(day=2)),
            patient(2, status=PatientStatus.FOUND, gp=10, found_date=date(2026, 10, 30)),  # last month
            patient(3, status=PatientStatus.PROPOSED),
        ],
        members=[gp(10, capacity=5), gp(11)],
        proposals=[proposal(1, 3, 10, rank=1), proposal(2, 3, 11, rank=2)],
    )
    places = slots_this_month(records, TODAY)
    assert (places[10].found, places[10].pending, places[10].free) == (1, 1, 3)
    assert (places[11].used, places[11].free) == (0, 2)


def test_who_may_be_matched() -> None:
    records = DeskRecords(
        patients=[
            patient(1),
            patient(2, objection=True, consent=False),
            patient(3, consent=False),
            patient(4, insee_code=None),
            patient(5, insee_code="75056"),
            patient(6),
            patient(7, status=PatientStatus.FOUND),
        ],
        members=[gp(10)],
        proposals=[proposal(1, 6, 10), proposal(2, 1, 10, status=ProposalStatus.REFUSED)],
    )
    found, excluded = seekers(records, Weights(), PLACES, TODAY)
    assert [(s.key, s.refused) for s in found] == [("P-000001", frozenset({10}))]
    assert {e.code: e.reason for e in excluded} == {
        "P-000002": "opposition au partage des données : jamais proposé à un médecin",
        "P-000003": "consentement à être orienté non recueilli",
        "P-000004": "commune non renseignée",
        "P-000005": "commune « 75056 » inconnue",
        "P-000006": "a déjà des propositions en attente de réponse",
    }


def desk() -> DeskRecords:
    return DeskRecords(
        patients=[patient(1, days=214, fragilities=["ALD"]), patient(2, days=10), patient(3, days=5)],
        members=[
            gp(10, capacity=1),
            gp(11, capacity=1, insee="92075"),
            gp(12, capacity=3, available_from=TODAY + timedelta(days=30)),
        ],
        proposals=[],
    )


def test_plan_proposes_the_assigned_gp_then_alternatives_with_reasons() -> None:
    planned = plan(desk(), Weights(), PLACES, TODAY)
    first, second = planned.patients
    assert (first.code, first.priority.explanation) == ("P-000001", "ALD +40, attend depuis 214 jours +21")
    assert [(c.member_id, c.rank) for c in first.choices] == [(10, 1), (11, 2)]
    assert first.choices[0].reasons == ("même commune (Issy-les-Moulineaux)", "accepte tous les patients")
    assert [(c.member_id, c.rank) for c in second.choices] == [(11, 1), (10, 2)]
    [unmatched] = planned.unmatched
    assert unmatched.code == "P-000003"
    assert unmatched.reason.startswith("capacité épuisée")


def apply(records: DeskRecords, patients: list[Patient], proposals: list[Proposal]) -> DeskRecords:
    changed = {p.id: p for p in patients}
    next_id = max((p.id or 0 for p in records.proposals), default=0)
    added = [p.model_copy(update={"id": next_id + i}) if p.id is None else p for i, p in enumerate(proposals, start=1)]
    kept = [p for p in records.proposals if p.id not in {a.id for a in added}]
    return DeskRecords([changed.get(p.id, p) for p in records.patients], records.members, kept + added)


def test_confirm_then_running_again_proposes_nothing_twice() -> None:
    records = desk()
    planned = plan(records, Weights(), PLACES, TODAY)
    kept = planned.pairs() - {(1, 11)}  # the coordinator unticks one alternative
    result = confirm(planned, kept, records, TODAY)
    assert [(p.patient, p.gp, p.rank, p.status) for p in result.proposals] == [
        (1, 10, 1, ProposalStatus.PENDING),
        (2, 11, 1, ProposalStatus.PENDING),
        (2, 10, 2, ProposalStatus.PENDING),
    ]
    assert [(p.id, p.status) for p in result.patients] == [(1, PatientStatus.PROPOSED), (2, PatientStatus.PROPOSED)]
    after = apply(records, result.patients, result.proposals)
    assert confirm(planned, planned.pairs(), after, TODAY).proposals == []
    assert plan(after, Weights(), PLACES, TODAY).patients == ()  # pending proposals hold the places


def test_confirm_skips_a_patient_whose_gp_filled_up_meanwhile() -> None:
    records = desk()
    planned = plan(records, Weights(), PLACES, TODAY)
    meanwhile = DeskRecords(
        [*records.patients, patient(9, status=PatientStatus.FOUND, gp=10, found_date=TODAY)], records.members, []
    )
    result = confirm(planned, planned.pairs(), meanwhile, TODAY)
    assert [p.patient for p in result.proposals] == [2, 2]
    assert result.skipped == ["P-000001 : le médecin proposé n'a plus de place ce mois-ci, relancez l'orientation."]


def proposed() -> DeskRecords:
    return DeskRecords(
        patients=[patient(1, status=PatientStatus.PROPOSED)],
        members=[gp(10), gp(11), gp(12)],
        proposals=[proposal(1, 1, 10, rank=1), proposal(2, 1, 11, rank=2)],
    )


def test_accept_records_the_gp_and_expires_the_other_proposals() -> None:
    records = proposed()
    changes = answer([Answer(2, ProposalStatus.ACCEPTED)], records, TODAY)
    [found] = changes.patients
    assert (found.status, found.gp, found.found_date) == (PatientStatus.FOUND, 11, TODAY)
    assert {(p.id, p.status) for p in changes.proposals} == {(1, ProposalStatus.EXPIRED), (2, ProposalStatus.ACCEPTED)}
    after = apply(records, changes.patients, changes.proposals)
    places = slots_this_month(after, TODAY)
    assert (places[11].found, places[11].pending, places[10].pending) == (1, 0, 0)


def test_refuse_needs_a_reason_and_the_gp_is_never_proposed_again() -> None:
    records = proposed()
    with pytest.raises(DeskError, match="indiquez le motif du refus"):
        answer([Answer(1, ProposalStatus.REFUSED, " ")], records, TODAY)
    first = answer([Answer(1, ProposalStatus.REFUSED, "Patientèle complète")], records, TODAY)
    assert first.patients == []  # still one proposal pending
    assert [(p.status, p.refusal_reason) for p in first.proposals] == [(ProposalStatus.REFUSED, "Patientèle complète")]
    records = apply(records, first.patients, first.proposals)
    second = answer([Answer(2, ProposalStatus.REFUSED, "Trop loin")], records, TODAY)
    assert [p.status for p in second.patients] == [PatientStatus.WAITING]
    records = apply(records, second.patients, second.proposals)
    planned = plan(records, Weights(), PLACES, TODAY)
    assert [c.member_id for c in planned.patients[0].choices] == [12]


def test_answers_are_checked_before_anything_changes() -> None:
    records = proposed()
    with pytest.raises(DeskError) as error:
        answer(
            [
                Answer(1, ProposalStatus.ACCEPTED),
                Answer(2, ProposalStatus.ACCEPTED),
                Answer(99, ProposalStatus.REFUSED, "x"),
            ],
            records,
            TODAY,
        )
    assert str(error.value).splitlines() == [
        "Proposition P-000001 – Dr 11 : une autre proposition de ce patient est déjà acceptée.",
        "Proposition Id 99 : introuvable (supprimée entre-temps ?).",
    ]
    done = apply(records, *answer([Answer(1, ProposalStatus.ACCEPTED)], records, TODAY).__dict__.values())
    with pytest.raises(DeskError, match="déjà « Acceptée »"):
        answer([Answer(1, ProposalStatus.REFUSED, "x")], done, TODAY)


def test_figures() -> None:
    records = DeskRecords(
        patients=[
            patient(1, fragilities=["ALD"]),
            patient(2, fragilities=["Isolement"]),
            patient(3, days=100, status=PatientStatus.FOUND, found_date=TODAY - timedelta(days=40), gp=10),
            patient(
                4,
                days=30,
                status=PatientStatus.FOUND,
                found_date=TODAY - timedelta(days=10),
                gp=10,
                birth_date=date(1940, 1, 1),
            ),
            patient(5, days=800, status=PatientStatus.FOUND, found_date=date(2025, 3, 1), gp=10),
        ],
        members=[gp(10)],
        proposals=[
            proposal(1, 1, 10),
            proposal(2, 2, 10).model_copy(update={"proposed_on": TODAY - timedelta(days=16)}),
        ],
    )
    figures = desk_figures(records, TODAY)
    assert (figures.waiting, figures.waiting_fragile) == (2, 1)
    assert (figures.found_this_year, figures.found_fragile_this_year) == (2, 1)
    assert figures.median_days_to_found == 40.0  # 60 and 20 days
    assert figures.stale_proposals == 1


COMMUNES = {"92040": "Issy-les-Moulineaux", "92075": "Vanves"}


def form(**fields: object) -> RequestForm:
    values = {"last_name": "Martin", "first_name": "Léa", "birth_date": date(1950, 3, 2), "insee_code": "92040"}
    return RequestForm(**{**values, **fields})  # type: ignore[arg-type]


def test_valid_request_gets_the_next_code() -> None:
    created, errors = validate_request(form(phone="+33 6 12 34 56 78"), COMMUNES, [patient(7)], TODAY)
    assert errors == []
    assert created is not None
    assert (created.code, created.phone, created.status, created.request_date) == (
        "P-000008",
        "06 12 34 56 78",
        PatientStatus.WAITING,
        TODAY,
    )


def test_request_errors_in_french() -> None:
    tomorrow = TODAY + timedelta(days=1)
    created, errors = validate_request(
        form(last_name=" ", birth_date=tomorrow, insee_code="92130", phone="12345", request_date=tomorrow),
        COMMUNES,
        [],
        TODAY,
    )
    assert created is None
    assert errors == [  # the shared input rules of domain.validation, in the fields' order
        "Champ « Nom » : obligatoire",
        f"Champ « Date de naissance » : {tomorrow:%d/%m/%Y} est dans le futur",
        "Champ « Commune (INSEE) » : « 92130 » est un code postal, pas un code INSEE (Issy-les-Moulineaux : 92040)",
        f"Champ « Téléphone » : « 12345 » n'est pas un numéro de téléphone français (ex. {PHONE_EXAMPLE})",
        f"Champ « Date de la demande » : {tomorrow:%d/%m/%Y} est dans le futur",
    ]


def test_request_outside_the_territory_or_both_consent_and_objection() -> None:
    _, errors = validate_request(form(insee_code="75056", consent=True, objection=True), COMMUNES, [], TODAY)
    assert errors == [
        "Champ « Consent à être orienté » : incompatible avec « Opposition au partage » coché",
        "Champ « Commune (INSEE) » : Paris (75056) n'est ni une commune du territoire ni une commune voisine",
    ]
    _, errors = validate_request(form(insee_code="99999", birth_date=None), COMMUNES, [], TODAY)
    assert errors == [
        "Champ « Date de naissance » : obligatoire",
        "Champ « Commune (INSEE) » : « 99999 » n'est le code INSEE d'aucune commune (5 caractères, ex. 92040 ; "
        "pas le code postal)",
    ]


def test_duplicate_request_refused() -> None:
    existing = patient(3).model_copy(
        update={"last_name": "MARTIN", "first_name": "léa", "birth_date": date(1950, 3, 2)}
    )
    _, errors = validate_request(form(), COMMUNES, [existing], TODAY)
    assert errors == ["Une demande est déjà en cours pour cette personne : P-000003 (En attente)."]


def test_next_code() -> None:
    assert next_code([None, "P-000041", "bad", "P-000009"]) == "P-000042"
    assert next_code([]) == "P-000001"
