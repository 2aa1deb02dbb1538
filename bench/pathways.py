"""What the pathway pages compute on the large demo CPTS (50 000 patients, 2 000 enrolments), in process.

Measures, from the tables' DataFrames (as `store.records` gives them), the schedule of every active
enrolment (`domain.pathway_tables.schedules`), the À relancer worklist with the professional to refer to and
the Parcours figures, against a naive baseline in the same run: the same rules, with each enrolment's
patient and steps done looked up by filtering the whole frames. NocoDB's read time is measured by
bench/sync.py and is not repeated here. Target: schedule + worklist + figures under 1 s.
Last line of output: one JSON object.

Usage: .venv/bin/python bench/pathways.py
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

sys.path[0] = str(Path(__file__).resolve().parents[1])  # the repo root, not bench/

import pandas as pd

from bench.harness import timed
from demo.generate import generate
from domain.communes import commune_closeness
from domain.pathway_figures import pathway_summary
from domain.pathway_tables import schedules, steps_from_frame
from domain.pathways import EnrolmentFacts, Person, schedule
from domain.referral import teams
from domain.worklist import overdue_worklist
from schema.models import EnrolmentStatus, table
from store.records import to_frame

TODAY = date(2026, 5, 10)
TARGET_SECONDS = 1.0


def naive_schedules(steps, enrolments: pd.DataFrame, patients: pd.DataFrame, done: pd.DataFrame) -> int:  # type: ignore[no-untyped-def]
    """The same rules, each enrolment's data found by filtering the whole frames; returns the row count."""
    count = 0
    enrolment: Any  # a row of itertuples: its fields are typed by the frame, not by pandas' stubs
    row: Any
    for enrolment in enrolments[enrolments["status"] == EnrolmentStatus.ACTIVE].itertuples():
        patient = patients[patients["id"] == enrolment.patient].iloc[0]
        mine = done[done["enrolment"] == enrolment.id]
        history: dict[int, list[date]] = {}
        for row in mine.itertuples():
            history.setdefault(int(row.step), []).append(row.done_on.date())
        person = Person(patient["birth_date"].date(), patient["sex"])
        facts = EnrolmentFacts(
            enrolment.enrolled_on.date(),
            None if pd.isna(enrolment.foot_grade) else int(enrolment.foot_grade),
            bool(enrolment.low_risk),
        )
        count += len(schedule([s for s in steps if s.pathway == enrolment.pathway], person, facts, history, TODAY))
    return count


def main() -> None:
    data, seconds = timed(lambda: generate("large", today=TODAY))
    frames = {key: to_frame(table(key), rows) for key, rows in data.items()}
    print(
        f"large demo generated in {seconds:.1f} s: {len(data['enrolments'])} enrolments, {len(data['steps_done'])} steps done",
        flush=True,
    )
    steps, _ = steps_from_frame(frames["pathway_steps"])
    computed, schedule_seconds = timed(
        lambda: schedules(steps, frames["enrolments"], frames["patients"], frames["steps_done"], TODAY)
    )
    team, team_seconds = timed(lambda: teams(frames["pathway_members"], frames["members"]))
    worklist, worklist_seconds = timed(
        lambda: overdue_worklist(
            computed, steps, frames["patients"], frames["pathways"], team, commune_closeness, TODAY
        )
    )
    _, summary_seconds = timed(lambda: pathway_summary(frames["pathways"], frames["enrolments"], computed))
    total = schedule_seconds + team_seconds + worklist_seconds + summary_seconds
    naive_rows, naive_seconds = timed(
        lambda: naive_schedules(steps, frames["enrolments"], frames["patients"], frames["steps_done"])
    )
    assert naive_rows == len(computed), (naive_rows, len(computed))
    print(
        f"schedule {schedule_seconds:.3f} s ({len(computed)} step states), naive {naive_seconds:.3f} s; "
        f"teams {team_seconds:.3f} s; worklist {worklist_seconds:.3f} s ({len(worklist)} overdue); "
        f"figures {summary_seconds:.3f} s; total {total:.3f} s",
        flush=True,
    )
    print(
        json.dumps(
            {
                "enrolments": len(data["enrolments"]),
                "step_states": len(computed),
                "overdue": len(worklist),
                "schedule_s": round(schedule_seconds, 3),
                "schedule_naive_s": round(naive_seconds, 3),
                "schedule_speedup": round(naive_seconds / schedule_seconds, 1),
                "worklist_s": round(worklist_seconds, 3),
                "figures_s": round(summary_seconds, 3),
                "total_s": round(total, 3),
                "target_met": total < TARGET_SECONDS,
            }
        )
    )


if __name__ == "__main__":
    main()
