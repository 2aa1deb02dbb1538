"""`./cpts purge`: anonymise in NocoDB the patients whose request closed longer ago than the retention
period, erase the phone of the SNP requests closed or older than it (see `domain.retention`), and trace the
run in Journal d'accès."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from domain.parameters import RETENTION, read_parameters
from domain.retention import IDENTIFYING, PurgePlan, plan_purge
from schema.models import ENROLMENTS, PARAMETERS, PATIENTS, SNP_REQUESTS, Enrolment, EnrolmentStatus, Patient
from schema.snp import SnpRequest
from services.journal import record_access
from services.tables import table_records
from store.base import Base
from store.client import chunks

COMMAND = "./cpts purge"

Progress = Callable[[int, int], None]  # (patients written, patients to write)


@dataclass(frozen=True)
class Retention:
    months: int
    source: str  # where the period comes from, in French


def retention(base: Base, older_than: int | None) -> Retention:
    """The period asked on the command line, else Paramètres « Durée de conservation (mois) », else 24.
    Raises Refused (in French, naming the row) when Paramètres holds something else than a number of months:
    never purge with a period the coordinator did not mean."""
    if older_than is not None:
        return Retention(older_than, "option --older-than")
    parameters, _ = read_parameters(table_records(base, PARAMETERS).records, (RETENTION,))  # refused: raised
    months = parameters.value(RETENTION)
    if RETENTION.key in parameters.defaulted:
        return Retention(months, f"valeur par défaut, à régler dans Paramètres « {RETENTION.key} »")
    return Retention(months, f"Paramètres « {RETENTION.key} »")


@dataclass(frozen=True)
class Purge:
    plan: PurgePlan
    enrolments: list[Enrolment]


def plan(base: Base, months: int, today: date) -> Purge:
    """What a purge would do today (reads only; nothing is traced yet)."""
    patients: list[Patient] = table_records(base, PATIENTS).records
    enrolments: list[Enrolment] = table_records(base, ENROLMENTS).records
    snp_requests: list[SnpRequest] = table_records(base, SNP_REQUESTS).records
    active = {e.patient for e in enrolments if e.status == EnrolmentStatus.ACTIVE and e.patient is not None}
    return Purge(plan_purge(patients, active, today, months, snp_requests), enrolments)


def run(base: Base, purge: Purge, user: str, *, dry_run: bool, progress: Progress | None = None) -> None:
    """Write the plan (unless `dry_run`), then one journal row listing its patients.

    Patients are written by chunks; a run that stops half-way can be run again (anonymised patients are
    left out of the next plan)."""
    if not dry_run:
        _write(base, purge.plan, purge.enrolments, progress)
    what = f"{COMMAND} --dry-run" if dry_run else COMMAND
    record_access(base, user, what, [item.code for item in purge.plan.items])


def purge(
    base: Base,
    older_than: int | None,
    today: date,
    user: str,
    *,
    dry_run: bool,
    on_period: Callable[[Retention], None] = lambda _: None,
    on_plan: Callable[[PurgePlan], None] = lambda _: None,
    progress: Progress | None = None,
) -> PurgePlan:
    """The whole `./cpts purge`: the retention period (`older_than` months, else Paramètres), the plan (told to
    `on_plan` before anything is written), the writes unless `dry_run`, the journal row."""
    period = retention(base, older_than)
    on_period(period)
    planned = plan(base, period.months, today)
    on_plan(planned.plan)
    run(base, planned, user, dry_run=dry_run, progress=progress)
    return planned.plan


def _write(base: Base, plan: PurgePlan, enrolments: list[Enrolment], progress: Progress | None) -> None:
    handle = base.handle(PATIENTS)
    titles = [PATIENTS.field(attr).title for attr in (*IDENTIFYING, "age_band")]
    rows = [{"Id": item.record.id, **dict.fromkeys(titles[:-1]), titles[-1]: item.age_band} for item in plan.items]
    written = 0
    for chunk in chunks(rows, base.client.write_chunk):
        base.client.update(handle.id, list(chunk))
        written += len(chunk)
        if progress:
            progress(written, len(rows))
    # The notes of their enrolments go too: free text that may name them.
    purged = {item.record.id for item in plan.items}
    notes = ENROLMENTS.field("notes").title
    emptied = [{"Id": e.id, notes: None} for e in enrolments if e.patient in purged and e.notes]
    if emptied:
        base.client.update(base.handle(ENROLMENTS).id, emptied)
    _erase_snp_phones(base, plan.snp_phones)


def _erase_snp_phones(base: Base, request_ids: list[int]) -> None:
    phone = SNP_REQUESTS.field("phone").title
    for chunk in chunks([{"Id": request_id, phone: None} for request_id in request_ids], base.client.write_chunk):
        base.client.update(base.handle(SNP_REQUESTS).id, list(chunk))
