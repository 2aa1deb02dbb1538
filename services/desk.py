"""The desk against NocoDB (a médecin traitant, or any profession a request seeks): read what the desk needs,
let `domain.desk` decide, write the changes back. Shared by the pages (Patients en attente, Professionnels
disponibles, Orientation) and `./cpts match`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from domain.communes import current_data_dir, neighbours, place, places_of
from domain.desk import DeskRecords, cli_name, figures_by_profession
from domain.desk_plan import Plan, plan
from domain.matching import Place
from domain.parameters import PRIORITY_WEIGHTS, read_parameters
from domain.patient_request import RequestForm, validate_request
from domain.priority import Weights, weights_from
from domain.problems import Problem
from domain.proposals import Answer, Changes, Confirmation, answer, confirm
from schema.fields import Record, TableSpec
from schema.models import MEMBERS, PARAMETERS, PATIENTS, PROPOSALS, TERRITORY, Member, Patient
from services import writes
from services.journal import record_access
from services.tables import load_records, table_records
from store import records
from store.base import Base
from store.snapshot import Snapshots, kept_places

PATIENT_CHANGES = ("status", "gp", "found_date")
DESK_TABLES = (PATIENTS, MEMBERS, PROPOSALS, PARAMETERS)  # what `desk_state` reads
PROPOSAL_CHANGES = ("status", "refusal_reason")
NO_TERRITORY = "La table Territoire est vide : ajoutez-y les communes de la CPTS dans NocoDB."


@dataclass(frozen=True)
class DeskData:
    records: DeskRecords
    weights: Weights
    places: dict[str, Place]
    problems: list[Problem]  # values refused in NocoDB


def load_weights(base: Base) -> tuple[Weights, list[Problem]]:
    """The priority weights of Paramètres, and the values that could not be read (their default used)."""
    parameters, problems = read_parameters(table_records(base, PARAMETERS).records, PRIORITY_WEIGHTS)
    return weights_from(parameters), problems


def desk_state(base: Base, *, refresh: bool = False) -> DeskData:
    """Patients, members, proposals and the priority weights, as NocoDB holds them now (`refresh`: checked
    even when the shared copy would not check yet, before a write)."""
    loaded = list(load_records(base, (PATIENTS, MEMBERS, PROPOSALS), refresh=refresh).values())
    patients, members, proposals = (list(item.records) for item in loaded)
    weights, weight_problems = load_weights(base)
    desk = DeskRecords(patients, members, proposals)
    codes = [p.insee_code for p in desk.patients] + [m.insee_code for m in desk.members]
    problems = [problem for item in loaded for problem in item.problems] + weight_problems
    return DeskData(desk, weights, desk_places(base, {code for code in codes if code}), problems)


def desk_places(base: Base, codes: set[str]) -> dict[str, Place]:
    """The place of every known code of `codes`: kept next to the base's kept copies, when it has some (the
    communes' JSON is then read only for a code not seen before)."""
    keeper = base.shared.keeper if base.shared is not None else None
    if not isinstance(keeper, Snapshots):
        return places_of(codes)
    found = kept_places(keeper.folder, current_data_dir(), codes, places_of)
    return {code: value for code, value in found.items() if value is not None}


def make_plan(base: Base, today: date, profession: str | None = None) -> tuple[Plan, DeskData]:
    """The matching of today, computed on fresh data (nothing is written): for this profession sought, else
    for each profession on its own."""
    data = desk_state(base)
    return plan(data.records, data.weights, data.places, today, profession), data


def match(
    base: Base,
    today: date,
    user: str,
    *,
    dry_run: bool,
    on_plan: Callable[[Plan, DeskData], None],
    profession: str | None = None,
) -> Confirmation | None:
    """`./cpts match`: today's plan on fresh data (for this profession sought, else for each), its patients
    traced in the journal, told to `on_plan` (before anything is written), then written (see
    `write_confirmation`) unless `dry_run` (None then)."""
    planned, data = make_plan(base, today, profession)
    codes = [item.code for item in planned.patients] + [item.code for item in planned.unmatched]
    if codes:
        options = (f" --profession {cli_name(profession)}" if profession else "") + (" --dry-run" if dry_run else "")
        record_access(base, user, "./cpts match" + options, codes)
    on_plan(planned, data)
    if dry_run:
        return None
    return write_confirmation(base, planned, planned.pairs(), today)


def write_confirmation(base: Base, planned: Plan, kept: set[tuple[int, int]], today: date) -> Confirmation:
    """Write the proposals kept and move their patients to "Proposé", checked against fresh data first.
    All or nothing: if a write fails, what this call wrote is undone."""
    fresh = desk_state(base, refresh=True).records
    result = confirm(planned, kept, fresh, today)
    if not result.proposals:
        return result
    ids = writes.insert(base, PROPOSALS, result.proposals)
    try:
        records.patch(base, PATIENTS, result.patients, ["status"])
    except Exception:
        base.client.delete(base.handle(PROPOSALS).id, ids)
        _restore(base, PATIENTS, fresh.patients, result.patients, ["status"])
        raise
    return result


def write_answers(base: Base, answers: Sequence[Answer], today: date) -> Changes:
    """Record the answers to pending proposals (see `domain.proposals.answer`); all checked before anything is
    written, and undone if a write fails."""
    fresh = desk_state(base, refresh=True).records
    changes = answer(answers, fresh, today)
    records.patch(base, PROPOSALS, changes.proposals, PROPOSAL_CHANGES)
    try:
        records.patch(base, PATIENTS, changes.patients, PATIENT_CHANGES)
    except Exception:
        _restore(base, PROPOSALS, fresh.proposals, changes.proposals, PROPOSAL_CHANGES)
        _restore(base, PATIENTS, fresh.patients, changes.patients, PATIENT_CHANGES)
        raise
    return changes


def _restore(
    base: Base, spec: TableSpec[Any], before: Sequence[Record], changed: Sequence[Record], attrs: Sequence[str]
) -> None:
    """Best effort: put back the values the records had before a failed write."""
    ids = {r.id for r in changed}
    with suppress(Exception):  # the original error is the one worth reporting
        records.patch(base, spec, [r for r in before if r.id in ids], attrs)


def allowed_communes(base: Base) -> dict[str, str]:
    """INSEE code → name of the communes of the territory (table Territoire) and of their EPT/EPCI."""
    territory = [c.insee_code for c in table_records(base, TERRITORY).records if c.insee_code]
    allowed = {}
    for code in territory:
        found = place(code)
        if found is None:
            continue
        allowed[found.commune] = found.commune_name
        allowed.update({other.insee_code: other.name for other in neighbours(code, 10_000)})
    return allowed


def register_request(base: Base, form: RequestForm, today: date) -> tuple[Patient | None, list[str]]:
    """Write a new request to Patients, or return the French errors (nothing written)."""
    existing: list[Patient] = list(table_records(base, PATIENTS, refresh=True).records)
    communes = allowed_communes(base)
    if not communes:
        return None, [NO_TERRITORY]
    patient, errors = validate_request(form, communes, existing, today)
    if patient is None:
        return None, errors
    [patient_id] = writes.insert(base, PATIENTS, [patient])
    return patient.model_copy(update={"id": patient_id}), []


def figures_as_dict(records: DeskRecords, today: date) -> dict[str, dict[str, float | int | None]]:
    """The desk's figures per profession sought, as `./cpts match --json` prints them: waiting, found this
    year, median delay…"""
    return {profession: asdict(item) for profession, item in figures_by_profession(records, today).items()}


def save_doctors(base: Base, members: Sequence[Member], attrs: Sequence[str]) -> None:
    """Write the availability fields edited on the page Professionnels disponibles."""
    records.patch(base, MEMBERS, members, attrs)
