"""A large waiting list as a CPTS keeps it in a spreadsheet, for the import's benchmark and its safety test:
`count` patients, each a different person (name + birth date), in the CPTS's communes, written as a
coordinator types them (French dates, phones with spaces, postcodes, fragilities as words, « x » ticks).

    people = waiting_list(20_000, {"92130": "92040", "92170": "92075"})   # postcode -> INSEE code
    data = as_csv(people)          # bytes, `;`-separated, UTF-8: what `./cpts import patients` reads
    data = as_xlsx(people)         # bytes of an .xlsx workbook with one sheet « Liste d'attente »

Each `Person` keeps the values the file means (dates as dates, the INSEE code), to compare with NocoDB after.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from schema.models import Fragility

HEADERS = ("Nom", "Prénom", "Date de naissance", "Téléphone", "Code postal", "Fragilités", "Mobilité réduite")
LAST = ("MARTIN", "Bernard", "Thomas", "PETIT", "Robert", "Richard", "DURAND", "Dubois", "Moreau", "Laurent",
        "Simon", "Michel", "LEFÈVRE", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard",
        "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefebvre", "Faure", "André")  # fmt: skip
FIRST = ("Hélène", "Paul", "Claire", "Louis", "Jeanne", "Marc", "Sophie", "Léa", "Thomas", "Camille", "Éloïse",
         "André", "Marie", "Jean", "Lucie", "Pierre", "Anne", "Michel", "Juliette", "Gérard")  # fmt: skip
FIRST_DAY, DAYS = date(1925, 1, 1), 365 * 80


@dataclass(frozen=True)
class Person:
    last_name: str
    first_name: str
    birth_date: date
    phone: str  # as stored: "06 12 34 56 78"
    postcode: str
    insee_code: str
    fragilities: tuple[str, ...]  # options of Fragilités, in their declared order
    reduced_mobility: bool


def waiting_list(count: int, communes: Mapping[str, str], seed: int = 2026) -> list[Person]:
    """`count` different people (no two with the same name and birth date), in these communes
    (postcode -> INSEE code)."""
    rng = random.Random(seed)
    places = sorted(communes.items())
    seen: set[tuple[str, str, date]] = set()
    people: list[Person] = []
    while len(people) < count:
        last, first = rng.choice(LAST), rng.choice(FIRST)
        born = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        if (last.lower(), first.lower(), born) in seen:
            continue
        seen.add((last.lower(), first.lower(), born))
        postcode, insee = rng.choice(places)
        number = len(people)
        phone = f"06 {number // 1_000_000 % 100:02d} {number // 10_000 % 100:02d} {number // 100 % 100:02d} {number % 100:02d}"
        kinds = tuple(f for f in Fragility if rng.random() < 0.2)
        people.append(Person(last, first, born, phone, postcode, insee, kinds, rng.random() < 0.15))
    return people


def rows(people: Sequence[Person]) -> list[list[str]]:
    """The header and one row a person, as typed in the spreadsheet."""
    return [list(HEADERS), *(typed(p) for p in people)]


def typed(p: Person) -> list[str]:
    born, kinds, ticked = f"{p.birth_date:%d/%m/%Y}", ", ".join(p.fragilities), "x" if p.reduced_mobility else ""
    return [p.last_name, p.first_name, born, p.phone, p.postcode, kinds, ticked]


def as_csv(people: Sequence[Person]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows(people))
    return out.getvalue().encode("utf-8")


def as_xlsx(people: Sequence[Person]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Liste d'attente")
    for row in rows(people):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
