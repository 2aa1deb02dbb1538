"""Territoire et adhésion: the professionals of the territory (table Professionnels du territoire, filled by
`./cpts import rpps`) against the members, by profession — the ACI dialogue's « part des professionnels du
territoire adhérents » — with the installations since the first import (attractiveness, ACI mission 6) and the
departures.

All functions take the table's frame (`store.records.to_frame`): a row is present when it has no « Départ »,
a member when its « Membre » link is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from domain.rpps_changes import person_name

NAME_COLUMNS = ["name", "profession", "specialty", "practice_mode", "commune", "address", "phone", "email"]


@dataclass(frozen=True)
class Imports:
    """The extracts seen: the first one (everyone « arrives » then) and the latest."""

    first: date | None
    latest: date | None

    @property
    def several(self) -> bool:
        return self.first is not None and self.latest is not None and self.latest > self.first


def imports(professionals: pd.DataFrame) -> Imports:
    seen = pd.concat([professionals["arrival"], professionals["seen_on"], professionals["departure"]]).dropna()
    if seen.empty:
        return Imports(None, None)
    return Imports(seen.min().date(), seen.max().date())


def present(professionals: pd.DataFrame) -> pd.DataFrame:
    return professionals[professionals["departure"].isna()]


def arrived(professionals: pd.DataFrame) -> pd.DataFrame:
    """Present professionals who arrived after the first import (not the ones every first import brings)."""
    first = imports(professionals).first
    if first is None:
        return professionals.iloc[0:0]
    rows = present(professionals)
    return rows[rows["arrival"] > pd.Timestamp(first)]


def departed(professionals: pd.DataFrame) -> pd.DataFrame:
    return professionals[professionals["departure"].notna()]


def at_latest_import(professionals: pd.DataFrame) -> tuple[int, int]:
    """(arrivals, departures) found by the latest import alone — the installations since the previous import;
    (0, 0) while there was only one import."""
    seen = imports(professionals)
    if not seen.several or seen.latest is None:
        return 0, 0
    latest = pd.Timestamp(seen.latest)
    return int((arrived(professionals)["arrival"] == latest).sum()), int((professionals["departure"] == latest).sum())


def by_profession(professionals: pd.DataFrame) -> pd.DataFrame:
    """One row per profession (most professionals first), then « Total »: professionals present, members among
    them, the members' share (0 to 1), arrivals since the first import, departures."""
    rows = present(professionals)
    table = pd.DataFrame(
        {
            "professionals": rows.groupby("profession").size(),
            "members": rows[rows["member"].notna()].groupby("profession").size(),
            "arrivals": arrived(professionals).groupby("profession").size(),
            "departures": departed(professionals).groupby("profession").size(),
        }
    )
    table = table.fillna(0).astype(int).sort_values(["professionals", "members"], ascending=False)
    table.loc["Total"] = table.sum()
    table["share"] = (table["members"] / table["professionals"].where(table["professionals"] > 0)).astype(float)
    return table.rename_axis("profession").reset_index()


def named(professionals: pd.DataFrame) -> pd.DataFrame:
    """Rows as the coordinators' lists show them: « NOM Prénom (RPPS …) » and the practice's contacts."""
    shown = professionals.copy()
    shown["name"] = [
        person_name(_text(last), _text(first), _text(rpps))
        for last, first, rpps in zip(shown["last_name"], shown["first_name"], shown["rpps"], strict=True)
    ]
    return shown[[*NAME_COLUMNS, "arrival", "departure"]].sort_values("name")


def not_members(professionals: pd.DataFrame) -> pd.DataFrame:
    """The professionals present who are not members: whom to recruit."""
    rows = present(professionals)
    return named(rows[rows["member"].isna()])


def _text(value: object) -> str | None:
    return None if value is None or value is pd.NA else str(value)
