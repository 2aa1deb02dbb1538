"""A demo CPTS: realistic, deterministic records for every table of the base.

Pure data generation: `generate()` returns record models and talks to no server; another module
writes them to NocoDB. Each record's `id` is its 1-based position in its table's list, and link
attributes hold these local ids (the writer maps them to NocoDB's ids).

Same arguments, same output: randomness comes only from `random.Random` and `Faker` instances
seeded from `seed`, and every date is computed from `today`.

Each table is made by the module named after it (members, patients, proposals, pathways, project,
parameters); what they draw from (professions mix, pathways, actions, indicators…) is in demo/data/.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from demo import association, crisis, meetings, members, parameters, pathways, patients, project, proposals, snp
from demo.territory import DEFAULT, Territory, read_territory
from demo.world import World
from domain.communes import territory_row
from schema.fields import Record
from schema.models import TABLES

Size = Literal["small", "large"]


@dataclass(frozen=True)
class _Scale:
    members: int
    patients: int
    enrolments: int


SCALES: dict[str, _Scale] = {
    "small": _Scale(members=150, patients=400, enrolments=150),
    "large": _Scale(members=2000, patients=50_000, enrolments=2000),
}


def generate(
    size: Size = "small",
    insee_code: str | None = None,
    seed: int = 2026,
    today: date | None = None,
    territory: str = DEFAULT,
) -> dict[str, list[Record]]:
    """Every table of a demo CPTS, keyed like `schema.models.TABLES`: on the territory `territory` of
    demo/data/territoires.toml, or centred on the commune `insee_code` when given."""
    if size not in SCALES:
        raise ValueError(f"Taille inconnue : {size!r} (attendu : small ou large)")
    where = read_territory(territory) if insee_code is None else Territory(home=insee_code)
    world = World.make(where, seed, today or date.today())
    scale = SCALES[size]
    member_rows = members.members(world, scale.members)
    patient_rows = patients.patients(world, scale.patients, member_rows)
    proposal_rows = proposals.proposals(world, patient_rows, member_rows)
    pathway_rows = pathways.pathways()
    steps = pathways.pathway_steps(pathway_rows)
    enrolments = pathways.enrolments(world, scale.enrolments, patient_rows, pathway_rows)
    actions = project.actions(world, member_rows)
    snp_slots = snp.slots(world, member_rows)
    mentors = association.mentors(member_rows)
    tables: dict[str, Sequence[Record]] = {
        "members": member_rows,
        "patients": patient_rows,
        "proposals": proposal_rows,
        "pathways": pathway_rows,
        "pathway_steps": steps,
        "pathway_members": pathways.pathway_members(world, member_rows, pathway_rows),
        "enrolments": enrolments,
        "steps_done": pathways.steps_done(world, enrolments, patient_rows, pathway_rows, steps),
        "actions": actions,
        "milestones": project.milestones(world, actions),
        "indicators": project.indicators(world, actions, member_rows, patient_rows, enrolments, pathway_rows),
        "territory": [territory_row(info, row_id=n) for n, info in enumerate(world.territory, start=1)],
        "settings": parameters.parameter_rows(f"CPTS {world.home.name}"),  # Paramètres (its table key)
        "access_log": [],
        "professionals": [],  # filled by ./cpts import rpps, never by the demo
        "crisis_plan": crisis.plan_sections(world),
        "crisis_cell": crisis.cell(world, member_rows),
        "crisis_resources": crisis.resources(member_rows),
        "crisis_exercises": crisis.exercises(world),
        "snp_slots": snp_slots,
        "snp_requests": snp.requests(world, member_rows, snp_slots),
        "meetings": meetings.meetings(world, actions),
        "participations": meetings.participations(world, member_rows),
        "mentors": mentors,
        "trainees": association.trainees(world, member_rows, mentors),
        "installations": association.installations(world),
        "dues": association.dues(world, member_rows),
    }
    return {spec.key: list(tables[spec.key]) for spec in TABLES}
