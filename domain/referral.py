"""Who to refer a patient to in a pathway: the members taking part (Intervenants de parcours), nearest first.

Nearest first: same commune, then same intercommunality (EPT in the Grand Paris, else EPCI), then same
département, then the others; ties by name. How close two communes are is given by a `CommuneCloseness`
function (INSEE code of the origin, INSEE code of the member → a `domain.matching.Closeness`), `domain.communes.commune_closeness` in the app.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from domain.listing import folded
from domain.matching import Closeness
from domain.pathway_tables import rows_of

CommuneCloseness = Callable[[str, str | None], Closeness]
CLOSENESS_LABELS = ("Même commune", "Même intercommunalité", "Même département", "Plus loin")


@dataclass(frozen=True)
class TeamMember:
    """An active member taking part in one pathway, with every role and level they hold in it."""

    member: int
    pathway: int
    last_name: str | None
    first_name: str | None
    profession: str | None
    specialty: str | None
    roles: tuple[str, ...]
    levels: tuple[int, ...]  # empty: takes part at every level
    insee_code: str | None
    phone: str | None
    email: str | None
    structure_name: str | None
    address: str | None

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part) or f"Membre {self.member}"


def teams(pathway_members: pd.DataFrame, members: pd.DataFrame) -> dict[int, list[TeamMember]]:
    """The active members taking part in each pathway (pathway id → members), one entry per member."""
    taking_part = members[members["id"].isin(pathway_members["member"])]  # of 2 000 members, a few dozen
    people = {row["id"]: row for row in rows_of(taking_part) if row["active"]}
    found: dict[tuple[int, int], TeamMember] = {}
    for row in rows_of(pathway_members):
        person = people.get(row["member"])
        if person is None or row["pathway"] is None:
            continue
        key = (row["pathway"], row["member"])
        known = found.get(key)
        roles = (*known.roles, row["role"]) if known else (row["role"],)
        levels = (*known.levels, row["level"]) if known else (row["level"],)
        found[key] = TeamMember(
            member=row["member"],
            pathway=row["pathway"],
            last_name=person["last_name"],
            first_name=person["first_name"],
            profession=person["profession"],
            specialty=person["specialty"],
            roles=tuple(dict.fromkeys(r for r in roles if r)),
            levels=() if None in levels else tuple(sorted(set(levels))),
            insee_code=person["insee_code"],
            phone=person["phone"],
            email=person["email"],
            structure_name=person["structure_name"],
            address=person["address"],
        )
    by_pathway: dict[int, list[TeamMember]] = {}
    for (pathway, _), member in found.items():
        by_pathway.setdefault(pathway, []).append(member)
    return by_pathway


def matching(
    team: Sequence[TeamMember],
    *,
    level: int | None = None,
    profession: str | None = None,
    specialty: str | None = None,
) -> list[TeamMember]:
    """The members fitting a level, a profession and a specialty (None: any)."""
    return [
        m
        for m in team
        if (level is None or not m.levels or level in m.levels)
        and (profession is None or m.profession == profession)
        and (specialty is None or _folded(m.specialty or "") == _folded(specialty))
    ]


def nearest_first(
    team: Sequence[TeamMember],
    origin: str | None,
    closeness: CommuneCloseness,
    preferred: int | None = None,
) -> list[tuple[int, TeamMember]]:
    """(closeness 0–3, member) pairs, nearest first, then by name; the `preferred` member (e.g. the
    patient's médecin traitant) first when they are in `team`."""
    farthest = len(CLOSENESS_LABELS) - 1
    ranks = {code: closeness(origin, code) if origin else farthest for code in {m.insee_code for m in team}}
    ranked = [(ranks[m.insee_code], m) for m in team]
    return sorted(
        ranked,
        key=lambda pair: (
            pair[1].member != preferred,
            pair[0],
            _folded(pair[1].last_name or ""),
            _folded(pair[1].first_name or ""),
        ),
    )


_folded = lru_cache(maxsize=8192)(folded)  # names are compared many times while sorting
