"""French communes from the public data of the npm package `@etalab/decoupage-administratif`.

Its JSON files (communes.json, epci.json, ept.json) give every commune with its INSEE code, name,
population, département, postcodes, and the intercommunalities (EPCI, and in the Métropole du Grand
Paris the EPT) it belongs to. Read offline, once per process, from the folder given by `use_data_dir`:
the entry points (app.py, cli.py, bench/) give `settings.communes_dir()` (the copy the Node side
installs, or $CPTS_COMMUNES_DIR); the tests give the small extract in tests/data/communes.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from domain import matching
from domain.matching import Closeness, Place
from schema.models import Commune

CURRENT_COMMUNE = "commune-actuelle"
_data_dir: Path | None = None  # set by use_data_dir


@dataclass(frozen=True)
class CommuneInfo:
    insee_code: str
    name: str
    population: int
    department: str
    epci_code: str | None
    epci_name: str | None
    postcodes: tuple[str, ...]


class _Communes(Mapping[str, CommuneInfo]):
    """Every current commune by INSEE code, each made the first time it is asked for: the desk and the pages
    need a few hundred of the 35 000."""

    def __init__(self, raw: dict[str, dict[str, Any]], epci_of: dict[str, dict[str, Any]]) -> None:
        self._raw = raw
        self._epci_of = epci_of
        self._made: dict[str, CommuneInfo] = {}

    def __getitem__(self, code: str) -> CommuneInfo:
        info = self._made.get(code)
        if info is None:
            info = self._made[code] = _commune_info(self._raw[code], self._epci_of.get(code))
        return info

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class _Data:
    """The communes and their intercommunalities, worked out when first asked for."""

    def __init__(self, communes: _Communes, epcis: list[dict[str, Any]], epts: list[dict[str, Any]]) -> None:
        self.communes = communes
        self._epcis = epcis
        self._epts = epts

    @cached_property
    def groups(self) -> dict[str, tuple[str, ...]]:
        """Commune → INSEE codes of its EPT, else of its EPCI."""
        return {**_groups(self._epcis), **_groups(self._epts)}

    @cached_property
    def group_names(self) -> dict[str, tuple[str, str]]:
        """Commune → (code, label) of its EPT, else of its EPCI."""
        return {**_group_names(self._epcis, "EPCI"), **_group_names(self._epts, "EPT")}

    @cached_property
    def by_postcode(self) -> dict[str, tuple[str, ...]]:
        """Postcode → INSEE codes of the communes it serves."""
        return _by_postcode(self.communes.values())


def use_data_dir(folder: Path) -> None:
    """Read the communes from `folder` from now on (a folder holding etalab's communes.json, epci.json,
    ept.json). Called by each entry point before any other function of this module."""
    global _data_dir
    resolved = Path(folder).resolve()
    if resolved != _data_dir:
        _data_dir = resolved
        place.cache_clear()


def current_data_dir() -> Path:
    """The folder given to `use_data_dir`."""
    if _data_dir is None:
        raise RuntimeError("domain.communes.use_data_dir() was not called: the entry point must give the folder")
    return _data_dir


def load_communes(data_dir: Path | None = None) -> dict[str, CommuneInfo]:
    """Every current commune (no delegated/associated ones, no Paris/Lyon/Marseille districts), by INSEE code,
    from `data_dir` (default: the folder given to `use_data_dir`)."""
    return dict(_data(_resolve(data_dir)).communes)


def commune(insee_code: str) -> CommuneInfo:
    """The commune with this INSEE code (e.g. "92040", "2A004")."""
    info = _data(current_data_dir()).communes.get(insee_code.strip().upper())
    if info is None:
        raise KeyError(f"Commune inconnue : code INSEE {insee_code!r}")
    return info


def neighbours(insee_code: str, limit: int) -> list[CommuneInfo]:
    """Up to `limit` other communes close to this one, most populated first.

    Close means: in the same EPT (Grand Paris) if the commune belongs to one, else in the same EPCI,
    else (no intercommunality, e.g. some islands) in the same département.
    """
    data = _data(current_data_dir())
    info = commune(insee_code)
    if limit <= 0:
        return []
    codes = data.groups.get(info.insee_code, ())
    others = [data.communes[code] for code in codes if code != info.insee_code and code in data.communes]
    if not others:
        others = [
            other
            for other in data.communes.values()
            if other.department == info.department and other.insee_code != info.insee_code
        ]
    others.sort(key=lambda other: (-other.population, other.insee_code))
    return others[:limit]


def intercommunality(insee_code: str) -> tuple[str, str] | None:
    """(code, label) of the commune's nearest intercommunality: its EPT in the Métropole du Grand Paris
    ("EPT Grand Paris Seine Ouest"), else its EPCI ("EPCI CC Faucigny - Glières"); None if it has neither."""
    info = commune(insee_code)
    return _data(current_data_dir()).group_names.get(info.insee_code)


def communes_of_postcode(postcode: str) -> list[CommuneInfo]:
    """The communes a postcode serves ("92130" -> [Issy-les-Moulineaux]), in INSEE code order."""
    data = _data(current_data_dir())
    return [data.communes[code] for code in data.by_postcode.get(postcode.strip(), ())]


@lru_cache(maxsize=4096)
def place(insee_code: str) -> Place | None:
    """The commune with its EPT/EPCI and département, or None if the code is unknown."""
    try:
        info = commune(insee_code)
    except KeyError:
        return None
    group = intercommunality(info.insee_code)
    return Place(info.insee_code, info.name, group[0] if group else None, group[1] if group else None, info.department)


def places_of(codes: Iterable[str | None]) -> dict[str, Place]:
    """The place of every known code among `codes` (empty and unknown codes left out)."""
    found = {code: place(code) for code in {c for c in codes if c}}
    return {code: value for code, value in found.items() if value is not None}


def commune_closeness(origin: str, other: str | None) -> Closeness:
    """How close commune `other` is to commune `origin` (INSEE codes), for "nearest first" orderings:
    `domain.matching.closeness` of their places, FARTHER also for an empty or unknown code. Symmetric: Paris
    (Métropole du Grand Paris) and Issy (EPT GPSO) are not grouped."""
    first, second = place(origin), place(other) if other else None
    return matching.closeness(first, second) if first and second else Closeness.FARTHER


def _resolve(folder: Path | None) -> Path:
    return current_data_dir() if folder is None else Path(folder).resolve()


@lru_cache(maxsize=4)
def _data(folder: Path) -> _Data:
    communes_file = folder / "communes.json"
    if not communes_file.is_file():
        raise FileNotFoundError(
            f"Données des communes introuvables ({communes_file}) : lancez ./cpts pour installer la partie Node."
        )
    epcis = _read_optional(folder / "epci.json")
    epts = _read_optional(folder / "ept.json")
    epci_of = {member["code"]: epci for epci in epcis for member in epci.get("membres", [])}
    raw = {row["code"]: row for row in _read(communes_file) if row.get("type") == CURRENT_COMMUNE}
    return _Data(_Communes(raw, epci_of), epcis, epts)


def _commune_info(raw: dict[str, Any], epci: dict[str, Any] | None) -> CommuneInfo:
    return CommuneInfo(
        insee_code=raw["code"],
        name=raw["nom"],
        population=int(raw.get("population") or 0),
        department=raw.get("departement", ""),
        epci_code=epci["code"] if epci else None,
        epci_name=epci["nom"] if epci else None,
        postcodes=tuple(raw.get("codesPostaux", ())),
    )


def _by_postcode(communes: Iterable[CommuneInfo]) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for info in communes:
        for postcode in info.postcodes:
            index.setdefault(postcode, []).append(info.insee_code)
    return {postcode: tuple(codes) for postcode, codes in index.items()}


def _groups(intercommunalities: list[dict[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Each member commune → the INSEE codes of all the members of its intercommunality."""
    groups = {}
    for group in intercommunalities:
        codes = tuple(member["code"] for member in group.get("membres", []))
        groups.update(dict.fromkeys(codes, codes))
    return groups


def _group_names(intercommunalities: list[dict[str, Any]], kind: str) -> dict[str, tuple[str, str]]:
    """Each member commune → (code, "KIND name") of its intercommunality."""
    return {
        member["code"]: (group["code"], f"{kind} {group['nom']}")
        for group in intercommunalities
        for member in group.get("membres", [])
    }


def _read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        rows: list[dict[str, Any]] = json.load(handle)
    return rows


def _read_optional(path: Path) -> list[dict[str, Any]]:
    return _read(path) if path.is_file() else []


def find_communes(query: str, limit: int = 20) -> list[CommuneInfo]:
    """Communes matching an INSEE code or a name (accents, case and hyphens ignored): exact names first,
    then names starting with the text, most populated first."""
    text = query.strip()
    communes = _data(current_data_dir()).communes
    if text.upper() in communes:
        return [communes[text.upper()]]
    wanted = plain_name(text)
    if not wanted:
        return []
    exact = [info for info in communes.values() if plain_name(info.name) == wanted]
    starting = [info for info in communes.values() if plain_name(info.name).startswith(wanted) and info not in exact]
    ranked = sorted(exact, key=_by_population) + sorted(starting, key=_by_population)
    return ranked[:limit]


def _by_population(info: CommuneInfo) -> tuple[int, str]:
    return -info.population, info.insee_code


def plain_name(text: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces: "Issy-les-Moulineaux" -> "issy les moulineaux"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(letters.replace("-", " ").replace("'", " ").replace("’", " ").split())


def territory_row(info: CommuneInfo, row_id: int | None = None) -> Commune:
    """The Territoire row of this commune: name, INSEE code, population, département, EPCI."""
    return Commune(
        id=row_id,
        name=info.name,
        insee_code=info.insee_code,
        population=info.population,
        department=info.department,
        epci=info.epci_name,
    )
