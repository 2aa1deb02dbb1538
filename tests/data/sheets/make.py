"""Writes the messy spreadsheets the import tests read (next to this file), made as real ones are: a merged
title row and an empty line above the headers, empty lines between rows, trailing spaces, dates typed three
ways (Excel date, 12/03/1948, 1948-03-12), phones as numbers or with +33, a formula cell (its value saved as
Excel does), a workbook with two sheets, a `;` CSV in latin-1 with Windows line ends, a CPAM-like list.

    .venv/bin/python tests/data/sheets/make.py
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent

MEMBERS_HEADERS = [
    "NOM",
    "Prénom",
    "Profession",
    "N° RPPS",
    "Tél.",
    "Code postal",
    "Ville",
    "Adhésion",
    "Nouveaux patients",
    "Cotisation",
]
MEMBERS = [
    [
        "Martin ",
        "Hélène",
        "Médecin généraliste",
        "10000000001",
        "06 12 34 56 78 ",
        "92130",
        "Issy-les-Moulineaux",
        datetime(2024, 1, 15),
        "oui",
    ],
    None,  # an empty line
    ["DURAND", "Marc ", "IDE", 10000000006, "+33 6 11 22 33 44", 92170, "", "12/03/2023", "x"],
    ["Petit", "Claire", "Kiné", "", 145678901, "92100", "Boulogne-Billancourt", "2022-09-01", "non"],
]
WAITING_HEADERS = [
    "NOM DE NAISSANCE",
    "Prénom",
    "Date naiss.",
    "Tél.",
    "Code postal",
    "Commune",
    "Fragilités",
    "Mobilité réduite",
    "Commentaire",
]
WAITING = [
    ["Lefèvre ", "Éloïse", "12/03/1948", "06 01 02 03 04", "92130", "", "ALD, >70 ans", "x", "Sortie de clinique"],
    ["", "", "", "", "", "", "", "", ""],
    ["Gérard", "André ", "1950-07-01", "+33 7 11 22 33 44", "05500", "Saint-Bonnet-en-Champsaur", "", "non", ""],
    ["Nguyen", "Thi", "03.11.1985", "0698765432", "92170", "", "C2S", "", "A besoin d'un interprète"],
]
# Every kind of refused value, one per row (the test names each row and column).
REFUSED = [
    ["Faux", "Février", "31/02/1950", "06 01 02 03 04", "92130", "", "", "", ""],  # line 4: no such day
    ["Court", "Numéro", "01/01/1960", "12345", "92130", "", "", "", ""],  # line 5: phone
    ["Ambigu", "Postal", "01/01/1961", "", "05500", "", "", "", ""],  # line 6: postcode of several communes
    ["Coche", "Douteuse", "01/01/1962", "", "92130", "", "", "peut-être", ""],  # line 7: checkbox
    ["Libre", "Texte", "01/01/1963", "", "92130", "", "ALD, diabète", "", ""],  # line 8: fragility
    ["Sans", "Naissance", "", "", "92130", "", "", "", ""],  # line 9: no birth date
    ["Futur", "Né", "2090-01-01", "", "92130", "", "", "", ""],  # line 10: in the future
    ["Lefèvre", "Eloise", "1948-03-12", "", "92130", "", "", "", ""],  # line 11: same person as line 12
    ["LEFEVRE", "éloïse ", "12/03/1948", "", "92130", "", "", "", ""],  # line 12
]
CPAM_HEADERS = ["NOM_USUEL", "PRENOM", "DT_NAIS", "CODE_POSTAL", "LIB_COMMUNE", "TEL_PORTABLE", "TYPE_LISTE"]
CPAM = [
    ["BERNARD", "JEANNE", datetime(1941, 5, 2), "92130", "ISSY LES MOULINEAUX", "0611111111", "70 ANS ET PLUS"],
    ["ROUX", "PAUL", datetime(1979, 9, 23), "92170", "VANVES", "", "ALD"],
    ["LEFEVRE", "ELOISE", datetime(1948, 3, 12), "92130", "ISSY-LES-MOULINEAUX", "", "ALD"],
]


def members_workbook() -> None:
    book = xlsxwriter.Workbook(HERE / "membres.xlsx")
    sheet = book.add_worksheet("Adhérents 2026")
    dated = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.merge_range(0, 0, 0, len(MEMBERS_HEADERS) - 1, "CPTS Exemple — liste des adhérents")
    sheet.write_row(2, 0, MEMBERS_HEADERS)
    for offset, row in enumerate(MEMBERS):
        if row is None:
            continue
        line = 3 + offset
        for column, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write_datetime(line, column, value, dated)
            elif value != "":
                sheet.write(line, column, value)
        sheet.write_formula(line, len(row), "=2025+1", None, 2026)  # a formula: its value as Excel saved it
    other = book.add_worksheet("Bureau")
    other.write_row(0, 0, ["Fonction", "Nom"])
    other.write_row(1, 0, ["Président", "Martin"])
    book.close()


def waiting_csv() -> None:
    lines = ["Liste d'attente médecin traitant" + ";" * (len(WAITING_HEADERS) - 1), "", ";".join(WAITING_HEADERS)]
    lines += [";".join(row) for row in WAITING]
    (HERE / "liste_attente.csv").write_bytes("\r\n".join(lines).encode("latin-1") + b"\r\n")


def refused_workbook() -> None:
    book = xlsxwriter.Workbook(HERE / "liste_attente_refus.xlsx")
    sheet = book.add_worksheet("Liste")
    sheet.merge_range(0, 0, 0, 4, "Demandes reçues")
    sheet.write_row(2, 0, WAITING_HEADERS)
    for offset, row in enumerate(REFUSED):
        sheet.write_row(3 + offset, 0, row)
    book.close()


def cpam_workbook() -> None:
    book = xlsxwriter.Workbook(HERE / "cpam_sans_mt.xlsx")
    sheet = book.add_worksheet("Extraction")
    dated = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write(0, 0, "Assurance Maladie — patients sans médecin traitant (partenariat CPTS)")
    sheet.write(1, 0, "Extraction du 01/11/2026")
    sheet.write_row(3, 0, CPAM_HEADERS)
    for offset, row in enumerate(CPAM):
        for column, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write_datetime(4 + offset, column, value, dated)
            else:
                sheet.write(4 + offset, column, value)
    book.close()


if __name__ == "__main__":
    members_workbook()
    waiting_csv()
    refused_workbook()
    cpam_workbook()
