"""Long lists a page at a time (domain.listing): the search ignores case and accents and needs every word,
the sort runs over the whole set, a page holds its rows and no other. No server."""

from __future__ import annotations

import pandas as pd

from domain.listing import Paging, folded, page_count, page_rows, rows_text, searched, sorted_rows

PATIENTS = pd.DataFrame(
    {
        "Code": [f"P-{n:06d}" for n in range(1, 8)],
        "Nom": ["Éloïse Durand", "Zoé Martin", "eloise MARTIN", None, "Ève Lefèvre", "Noël Œuvre", "Bob Alpha"],
        "Commune": ["Issy-les-Moulineaux", "Vanves", "Issy", "Vanves", None, "Clamart", "Vanves"],
        "Fragilités": [["ALD"], [], ["C2S", "ALD"], [], ["ALD"], [], []],
        "Priorité": [58, 12, 40, None, 40, 3, 70],
    }
)


def codes(frame: pd.DataFrame) -> list[str]:
    return list(frame["Code"])


def test_folded_ignores_case_and_accents() -> None:
    assert folded("ÉLOÏSE Lefèvre") == "eloise lefevre" == folded("eloise lefevre")
    assert folded("Œuvre") == "œuvre"  # a ligature is a letter, not an accent


def test_search_needs_every_word_in_one_of_the_named_columns() -> None:
    columns = ("Code", "Nom", "Commune")
    assert codes(searched(PATIENTS, "eloise", columns)) == ["P-000001", "P-000003"]
    assert codes(searched(PATIENTS, "  ÉLOÏSE   issy-les ", columns)) == ["P-000001"]
    assert codes(searched(PATIENTS, "martin vanves", columns)) == ["P-000002"]
    assert codes(searched(PATIENTS, "p-000006", columns)) == ["P-000006"]
    assert codes(searched(PATIENTS, "eve", ("Nom",))) == ["P-000005"]
    assert codes(searched(PATIENTS, "ald", ("Fragilités",))) == ["P-000001", "P-000003", "P-000005"]
    assert codes(searched(PATIENTS, "vanves", ("Nom",))) == []  # only the columns named
    assert codes(searched(PATIENTS, "   ", columns)) == codes(PATIENTS)
    assert codes(searched(PATIENTS, "martinvanves", columns)) == []  # a word never spans two columns


def test_sort_covers_the_whole_set_empty_cells_last() -> None:
    assert codes(sorted_rows(PATIENTS, "Priorité", descending=True)) == [
        "P-000007",
        "P-000001",
        "P-000003",  # ties keep their order
        "P-000005",
        "P-000002",
        "P-000006",
        "P-000004",  # empty, last
    ]
    by_name = sorted_rows(PATIENTS, "Nom")
    assert list(by_name["Nom"].fillna("—")) == [
        "Bob Alpha",
        "Éloïse Durand",
        "eloise MARTIN",
        "Ève Lefèvre",
        "Noël Œuvre",
        "Zoé Martin",  # "É" and "e" next to each other, not after "Z"
        "—",
    ]
    assert codes(sorted_rows(PATIENTS, "Commune", descending=True))[-1] == "P-000005"  # empty still last
    assert sorted_rows(PATIENTS, None) is PATIENTS
    mixed = pd.DataFrame({"Âge": [70, "70 ans et plus", None, 9]})  # a number beside a text: compared as texts
    assert list(sorted_rows(mixed, "Âge")["Âge"].fillna("—")) == [70, "70 ans et plus", 9, "—"]


def test_a_page_holds_its_rows_only() -> None:
    frame = pd.DataFrame({"n": range(1, 121)})
    assert list(page_rows(frame, Paging(1, 50))["n"]) == list(range(1, 51))
    assert list(page_rows(frame, Paging(3, 50))["n"]) == list(range(101, 121))
    assert list(page_rows(frame, Paging(9, 50))["n"]) == list(range(101, 121))  # past the end: the last page
    assert list(page_rows(frame, Paging(0, 25))["n"]) == list(range(1, 26))
    assert page_rows(frame.iloc[:0], Paging(4, 50)).empty
    assert (page_count(0, 50), page_count(50, 50), page_count(51, 50), page_count(9_000, 50)) == (1, 1, 2, 180)
    assert Paging(9, 50).within(120) == Paging(3, 50)


def test_rows_text_in_french() -> None:
    assert rows_text(Paging(1, 50), 9_000) == "lignes 1–50 sur 9\u202f000"
    assert rows_text(Paging(180, 50), 9_000, "patients") == "patients 8\u202f951–9\u202f000 sur 9\u202f000"
    assert rows_text(Paging(2, 50), 60) == "lignes 51–60 sur 60"
    assert rows_text(Paging(1, 50), 0) == "aucune ligne"
