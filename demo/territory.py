"""The territories of the demo (demo/data/territoires.toml): the communes of a demo CPTS and its profile of
unscheduled care (slots and requests per day, seasonal peaks). Issy-les-Moulineaux is the default; Champsaur-
Valgaudemar is a mountain territory with a summer and a winter peak of trauma."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from demo.data_files import entries, load

DEFAULT = "issy"
_FILE = "demo/data/territoires.toml"


@dataclass(frozen=True)
class Peak:
    """A season of more requests (and more slots), from `start` to `end` ("MM-DD"; may span New Year)."""

    name: str
    start: str
    end: str
    requests_factor: float
    slots_factor: float
    trauma_share: float

    def covers(self, day: date) -> bool:
        key = f"{day.month:02d}-{day.day:02d}"
        if self.start <= self.end:
            return self.start <= key <= self.end
        return key >= self.start or key <= self.end


@dataclass(frozen=True)
class SnpProfile:
    weeks_back: int
    weeks_ahead: int
    slots_per_day: float
    requests_per_day: float
    peaks: tuple[Peak, ...] = ()

    def peak(self, day: date) -> Peak | None:
        return next((peak for peak in self.peaks if peak.covers(day)), None)


@dataclass(frozen=True)
class Territory:
    home: str  # INSEE code of the commune the CPTS is named after
    communes: tuple[str, ...] = ()  # the INSEE codes of the territory; empty: the home commune alone
    snp: str = "ville"

    @property
    def profile(self) -> SnpProfile:
        return profile(self.snp)


def names() -> list[str]:
    return list(load("territoires")["territory"])


def read_territory(name: str) -> Territory:
    """The territory `name` of demo/data/territoires.toml; ValueError in French for an unknown one."""
    found = load("territoires")["territory"]
    if name not in found:
        raise ValueError(f"Territoire de démonstration inconnu : {name!r} (connus : {', '.join(found)})")
    row = dict(found[name])
    row["communes"] = tuple(row.get("communes", ()))
    [made] = entries(Territory, [row], f"{_FILE} [territory.{name}]")
    return made


def profile(name: str) -> SnpProfile:
    row: dict[str, Any] = dict(load("territoires")["snp"][name])
    peaks = entries(Peak, row.get("peak", []), f"{_FILE} [[snp.{name}.peak]]")
    [made] = entries(SnpProfile, [row], f"{_FILE} [snp.{name}]", nested=("peak",))
    return SnpProfile(made.weeks_back, made.weeks_ahead, made.slots_per_day, made.requests_per_day, peaks)
