"""What a calculated indicator of Indicateurs counts from (`LiveData`) and how its key is declared
(`CalculatedKey`): every family of keys (`domain.indicators`, `domain.snp_indicators`, `domain.meeting_indicators`,
`domain.association_indicators`) declares its keys in this one shape, and `domain.indicators.COMPUTATIONS`
gathers them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd

from schema.fields import Record

R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class LiveData:
    """The tables the calculated indicators count from (frames of `store.records.to_frame`)."""

    patients: pd.DataFrame
    members: pd.DataFrame
    enrolments: pd.DataFrame
    pathways: pd.DataFrame
    actions: pd.DataFrame
    crisis_plan: pd.DataFrame | None = None  # Plan de crise (None: not read, the crisis keys count 0)
    crisis_exercises: pd.DataFrame | None = None  # Exercices et révisions
    snp_slots: pd.DataFrame | None = None  # Créneaux SNP (None: not read, the SNP keys count 0)
    snp_requests: pd.DataFrame | None = None  # Demandes SNP
    meetings: pd.DataFrame | None = None  # Rencontres (None: not read, the meeting keys count 0)
    participations: pd.DataFrame | None = None  # Participations
    mentors: pd.DataFrame | None = None  # Maîtres de stage (None: not read, the keys of the association count 0)
    trainees: pd.DataFrame | None = None  # Stagiaires
    installations: pd.DataFrame | None = None  # Installations
    dues: pd.DataFrame | None = None  # Cotisations


Count = Callable[[LiveData, int, str | None], float]  # (data, year, the text after « : » or None)


@dataclass(frozen=True)
class CalculatedKey:
    """One key of a calculated indicator (the text of `Indicateur.computation` before « : »)."""

    label: str  # French: what is counted
    count: Count
    yearly: bool  # counts events of a year, so it can be counted again for a past year
    persons: bool  # a count of people (patients, trainees…): masked below 5 on board pages
    argument: str | None = None  # what the text after « : » names, None when the key takes none


def _value(value: Any) -> Any:
    return None if not isinstance(value, list | tuple) and pd.isna(value) else value


def records_of(frame: pd.DataFrame, model: type[R]) -> list[R]:
    """The records of a frame of `store.records.to_frame`."""
    return [model.model_validate({k: _value(v) for k, v in row.items()}) for row in frame.to_dict("records")]


def records_read(frame: pd.DataFrame | None, model: type[R]) -> list[R]:
    """The records of a frame, none when its table was not read (None)."""
    return [] if frame is None else records_of(frame, model)
