"""The purge on a real NocoDB filled with the demo CPTS: figures unchanged, names and phones gone, one
journal row per run; the phone of SNP requests kept only while open; and the purge and user commands of the CLI."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest

from demo.generate import generate
from domain.ages import age_band, band_start
from domain.figures import actions_by_status, members_by_profession, waiting_patients
from domain.parameters import RETENTION
from domain.retention import IDENTIFYING
from domain.snp import is_open
from schema.models import (
    ACCESS_LOG,
    ACTIONS,
    ENROLMENTS,
    INDICATORS,
    MEMBERS,
    PARAMETERS,
    PATIENTS,
    PROPOSALS,
    SNP_REQUESTS,
    STEPS_DONE,
    TABLES,
    ParameterRow,
)
from schema.snp import Outcome, SnpRequest
from services import purge as purging
from services.seed import seed
from settings import ROOT, read_secrets
from store import records
from store.base import Base
from tests.conftest import Server

MONTHS = 6  # the demo's requests span 18 months: some closed more than 6 months ago
CLI = [sys.executable, str(ROOT / "cli.py")]


@pytest.fixture(scope="module")
def demo(base: Base) -> Base:
    seed(base, generate("small"))
    return base


def journal(base: Base) -> pd.DataFrame:
    return records.load(base, ACCESS_LOG).frame


def band_of(row: Any) -> str | None:
    closed = row.found_date if pd.notna(row.found_date) else row.closed_date
    request = row.request_date if pd.notna(row.request_date) else closed
    if row.age_band is not pd.NA and row.age_band:
        return str(row.age_band)
    if pd.isna(row.birth_date) or pd.isna(request):
        return None
    return age_band(row.birth_date.date(), request.date())


def figures(base: Base) -> dict[str, Any]:
    """Every aggregate the app and its indicators can compute from the data."""
    frames = {spec.key: records.load(base, spec).frame for spec in TABLES if spec is not ACCESS_LOG}
    patients = frames[PATIENTS.key]
    today = date.today()
    bands = [band_of(row) for row in patients.itertuples()]
    fragile = patients["fragilities"].map(lambda items: tuple(items or ()))
    year = lambda column: patients[column].dt.year.astype("Int64")  # noqa: E731
    return {
        "home": waiting_patients(patients, today),
        "members": members_by_profession(frames[MEMBERS.key]).to_dict("records"),
        "actions": actions_by_status(frames[ACTIONS.key]).to_dict("records"),
        "by status, commune, sex, source": Counter(
            zip(patients["status"], patients["insee_code"], patients["sex"], patients["source"], strict=True)
        ),
        "by fragilities": Counter(zip(patients["status"], fragile, strict=True)),
        "requests by month": Counter(patients["request_date"].dt.to_period("M").astype(str)),
        "found by year and fragilities": Counter(zip(year("found_date"), fragile, strict=True)),
        "closed by year": Counter(zip(patients["status"], year("closed_date"), strict=True)),
        "mobility, consent, objection": Counter(
            zip(patients["reduced_mobility"], patients["consent"], patients["objection"], strict=True)
        ),
        "by age band": Counter(zip(patients["status"], bands, strict=True)),
        "70 and over": sum(1 for band in bands if (band_start(band) or 0) >= 70),
        "gps": Counter(patients["gp"].dropna()),
        "proposals": frames[PROPOSALS.key].to_dict("records"),
        "enrolments": frames[ENROLMENTS.key].drop(columns=["notes"]).to_dict("records"),
        "steps done": frames[STEPS_DONE.key].to_dict("records"),
        "indicators": frames[INDICATORS.key].to_dict("records"),
    }


def every_text(base: Base) -> list[str]:
    """Every text value of every table, as NocoDB holds it."""
    texts = []
    for spec in TABLES:
        for row in base.client.records(base.id, base.handle(spec).id):
            texts += [value for value in row.values() if isinstance(value, str)]
    return texts


def test_purge_keeps_every_figure_and_leaves_no_name_or_phone(demo: Base) -> None:
    before = figures(demo)
    patients_before = {p.id: p for p in records.load(demo, PATIENTS).records}
    rows_before = len(journal(demo))

    planned = purging.plan(demo, MONTHS, date.today())
    purged = [item.record.id for item in planned.plan.items]
    assert len(purged) >= 10
    purging.run(demo, planned, "coord@cpts.fr", dry_run=True)
    assert {p.id: p for p in records.load(demo, PATIENTS).records} == patients_before  # nothing written
    purging.run(demo, planned, "coord@cpts.fr", dry_run=False)

    after = figures(demo)
    assert after == before
    patients_after = {p.id: p for p in records.load(demo, PATIENTS).records}
    for pid in purged:
        assert all(getattr(patients_after[pid], attr) is None for attr in IDENTIFYING)
        assert patients_after[pid].age_band
    texts = "\n".join(every_text(demo))
    for pid in purged:
        old = patients_before[pid]
        assert f"{old.first_name} {old.last_name}" not in texts and f"{old.last_name} {old.first_name}" not in texts
        assert not old.phone or old.phone not in texts
    untouched = set(patients_before) - set(purged)
    assert all(patients_after[pid] == patients_before[pid] for pid in untouched)

    rows = journal(demo).iloc[rows_before:]
    assert list(rows["what"]) == ["./cpts purge --dry-run", "./cpts purge"]  # exactly one row per run
    assert list(rows["patient_count"]) == [len(purged), len(purged)]
    codes = {item.code for item in planned.plan.items}
    assert all(set(cell.split(", ")) == codes for cell in rows["patient_codes"])

    again = purging.plan(demo, MONTHS, date.today())
    assert again.plan.items == []  # idempotent


def run_cli(nocodb: Server, base: Base, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "CPTS_DATA_DIR": str(nocodb.settings.data_dir),
        "CPTS_NOCODB_PORT": str(nocodb.settings.nocodb_port),
        "CPTS_BASE_ID": base.id,
    }
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_purge_command_dry_run_and_refusals(nocodb: Server, demo: Base) -> None:
    rows_before = len(journal(demo))
    done = run_cli(nocodb, demo, "purge", "--older-than", "3m", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "Conservation : 3 mois (option --older-than)." in done.stdout
    assert "Simulation (--dry-run) : rien n'a été modifié." in done.stdout
    listed = [line.split()[0] for line in done.stdout.splitlines() if line.startswith("  P-")]
    assert listed and all("effacés : " in line for line in done.stdout.splitlines() if line.startswith("  P-"))
    [row] = journal(demo).iloc[rows_before:].itertuples()
    assert (row.what, row.patient_count, row.user.endswith("(ligne de commande)")) == (
        "./cpts purge --dry-run",
        len(listed),
        True,
    )

    refused = run_cli(nocodb, demo, "purge", "--older-than", "deux ans")
    assert refused.returncode == 1 and "Durée « deux ans » illisible" in refused.stderr
    [setting] = records.insert(demo, PARAMETERS, [ParameterRow(key=RETENTION.key, value="36 mois")])
    try:
        refused = run_cli(nocodb, demo, "purge")
        assert refused.returncode == 1
        assert (
            f"Paramètres, ligne Id {setting}, champ « Valeur » : « 36 mois » n'est pas un nombre de mois entre 1 et "
            f"240 (paramètre « {RETENTION.key} »). Corrigez-le dans NocoDB ou précisez --older-than."
        ) in refused.stderr
    finally:
        demo.client.delete(demo.handle(PARAMETERS).id, [setting])
    assert len(journal(demo)) == rows_before + 1  # refused runs are not traced: they showed nothing


def test_user_commands(nocodb: Server, base: Base) -> None:
    added = run_cli(nocodb, base, "user", "add", "Nouvelle.Coord@cpts.fr", "--role", "coordinateur")
    assert added.returncode == 0, added.stderr
    assert "Compte créé : nouvelle.coord@cpts.fr, rôle coordinateur" in added.stdout
    password = added.stdout.split("(affiché une seule fois, à transmettre à la personne) :\n")[1].split()[0]
    assert len(password) >= 12
    again = run_cli(nocodb, base, "user", "add", "nouvelle.coord@cpts.fr", "--role", "bureau")
    assert again.returncode == 0 and "Compte mis à jour" in again.stdout and password not in again.stdout
    assert "Mot de passe" not in again.stdout
    listed = run_cli(nocodb, base, "user", "list")
    line = next(line for line in listed.stdout.splitlines() if line.startswith("nouvelle.coord@cpts.fr"))
    assert line.split()[1:3] == ["bureau", "no-access"]
    for args, message in (
        (("user", "add", "pas-une-adresse", "--role", "bureau"), "n'est pas une adresse e-mail"),
        (("user", "add", "x@cpts.fr", "--role", "chef"), "Rôle « chef » inconnu"),
    ):
        refused = run_cli(nocodb, base, *args)
        assert refused.returncode == 1 and message in refused.stderr
    assert "x@cpts.fr" not in run_cli(nocodb, base, "user", "list").stdout
    secrets = read_secrets(nocodb.settings.secrets_path)
    for value in (secrets["CPTS_ADMIN_PASSWORD"], secrets["CPTS_API_TOKEN"], secrets["NC_AUTH_JWT_SECRET"]):
        assert value not in added.stdout + again.stdout + listed.stdout + added.stderr


def test_purge_erases_the_phone_of_snp_requests_no_longer_open(demo: Base) -> None:
    now = datetime.now()
    old = now - timedelta(days=31 * (MONTHS + 1))
    phone = SNP_REQUESTS.field("phone").title
    cases = {  # what the request is: (its record, phone kept)
        "open, booked": (SnpRequest(received_at=now, outcome=Outcome.ORIENTED, slot=None), True),
        "open, no outcome yet": (SnpRequest(received_at=now), True),
        "appointment honoured": (SnpRequest(received_at=now, outcome=Outcome.ORIENTED, attendance="Honoré"), False),
        "sent to the emergency room": (SnpRequest(received_at=now, outcome=Outcome.EMERGENCY), False),
        "open but older than the retention": (SnpRequest(received_at=old, outcome=Outcome.ORIENTED), False),
    }
    rows = [
        record.model_copy(update={"phone": "06 12 34 56 78", "insee_code": "92040"}) for record, _ in cases.values()
    ]
    ids = dict(zip(cases, records.insert(demo, SNP_REQUESTS, rows), strict=True))
    phones_before = {r.id: r.phone for r in records.load(demo, SNP_REQUESTS).records}

    planned = purging.plan(demo, MONTHS, date.today())
    assert set(ids.values()) & set(planned.plan.snp_phones) == {ids[c] for c, (_, kept) in cases.items() if not kept}
    purging.run(demo, planned, "coord@cpts.fr", dry_run=True)
    assert {r.id: r.phone for r in records.load(demo, SNP_REQUESTS).records} == phones_before
    purging.run(demo, planned, "coord@cpts.fr", dry_run=False)

    after = {row["Id"]: row.get(phone) for row in demo.client.records(demo.id, demo.handle(SNP_REQUESTS).id)}
    for case, (_, kept) in cases.items():
        assert bool(after[ids[case]]) == kept, case
    still = [r for r in records.load(demo, SNP_REQUESTS).records if r.phone]
    assert still and all(is_open(r) and r.received_at and r.received_at.date() >= planned.plan.cutoff for r in still)
    assert purging.plan(demo, MONTHS, date.today()).plan.snp_phones == []  # idempotent
