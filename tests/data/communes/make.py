"""Writes the small extract of @etalab/decoupage-administratif that the tests read (communes.json,
epci.json, ept.json next to this file): same format as etalab's, only the fields domain.communes uses.

Kept: the communes the tests name, whole départements where a test reasons about one, the communes
whose name a test searches (with every homonym); then every member of the EPCI and EPT of each kept
commune (the Métropole du Grand Paris brings 75, 92, 93 and 94), so that neighbours, intercommunality
and closeness give what the full data gives. Run from the repository root after the Node side is installed:

    .venv/bin/python tests/data/communes/make.py [FOLDER_OF_THE_FULL_DATA]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from domain.communes import plain_name
from settings import communes_dir

# Vitry-sur-Seine, Châtellerault, Poitiers, Ajaccio, Bonneville, Saint-Bonnet-en-Champsaur.
CODES = {"94081", "86066", "86194", "2A004", "74042", "05132"}
# Issy's and Paris's; Île-de-Sein (29) has no EPCI, so its neighbours are the rest of its département.
DEPARTMENTS = {"92", "75", "29"}
# Names the tests search with domain.communes.find_communes (accents, case and hyphens ignored):
# every commune of that name (their homonyms, the first of which the tests expect).
SEARCHED = ("saint denis", "issy les moulineaux", "chatellerault")
COMMUNE_FIELDS = ("code", "nom", "type", "departement", "codesPostaux", "population")


def main(source: Path) -> None:
    communes, epcis, epts = (_read(source / name) for name in ("communes.json", "epci.json", "ept.json"))
    kept = {c["code"] for c in communes if _wanted(c)}
    groups = [group for group in (*epcis, *epts) if any(m["code"] in kept for m in group["membres"])]
    kept |= {member["code"] for group in groups for member in group["membres"]}
    _write(HERE / "communes.json", [_fields(c, COMMUNE_FIELDS) for c in communes if c["code"] in kept])
    for name, source_groups in (("epci.json", epcis), ("ept.json", epts)):
        _write(HERE / name, [_group(g) for g in source_groups if any(m["code"] in kept for m in g["membres"])])


def _wanted(commune: dict[str, Any]) -> bool:
    return (
        commune["code"] in CODES or commune.get("departement") in DEPARTMENTS or plain_name(commune["nom"]) in SEARCHED
    )


def _fields(record: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: record[field] for field in fields if field in record}


def _group(group: dict[str, Any]) -> dict[str, Any]:
    return {"code": group["code"], "nom": group["nom"], "membres": [{"code": m["code"]} for m in group["membres"]]}


def _read(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return rows


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    """One record per line, so that a regenerated extract diffs readably."""
    lines = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
    path.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    print(f"{path.relative_to(ROOT)} : {len(rows)} enregistrements")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else communes_dir({}))
