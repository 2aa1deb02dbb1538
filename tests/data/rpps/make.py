"""Writes the sample RPPS extract of the tests: the same 56 columns as the real
PS_LibreAcces_Personne_activite file (annuaire.sante.fr), its quirks (several activities per person, empty
fields, a person known by ADELI only, people outside the territory, each line ending with `|`), and the
variants the import must read the same: latin-1, Windows line ends, and the zip the real file comes in.

Usage (from the repo root): .venv/bin/python tests/data/rpps/make.py
"""

from __future__ import annotations

import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAME = "PS_LibreAcces_Personne_activite_202611010800.txt"
OTHER = "PS_LibreAcces_Dipl_AutExerc_202611010800.txt"  # another file of the real zip, read first
HEADER = [
    "Type d'identifiant PP", "Identifiant PP", "Identification nationale PP", "Code civilité d'exercice",
    "Libellé civilité d'exercice", "Code civilité", "Libellé civilité", "Nom d'exercice", "Prénom d'exercice",
    "Code profession", "Libellé profession", "Code catégorie professionnelle", "Libellé catégorie professionnelle",
    "Code type savoir-faire", "Libellé type savoir-faire", "Code savoir-faire", "Libellé savoir-faire",
    "Code mode exercice", "Libellé mode exercice", "Numéro SIRET site", "Numéro SIREN site", "Numéro FINESS site",
    "Numéro FINESS établissement juridique", "Identifiant technique de la structure", "Raison sociale site",
    "Enseigne commerciale site", "Complément destinataire (coord. structure)",
    "Complément point géographique (coord. structure)", "Numéro Voie (coord. structure)",
    "Indice répétition voie (coord. structure)", "Code type de voie (coord. structure)",
    "Libellé type de voie (coord. structure)", "Libellé Voie (coord. structure)",
    "Mention distribution (coord. structure)", "Bureau cedex (coord. structure)", "Code postal (coord. structure)",
    "Code commune (coord. structure)", "Libellé commune (coord. structure)", "Code pays (coord. structure)",
    "Libellé pays (coord. structure)", "Téléphone (coord. structure)", "Téléphone 2 (coord. structure)",
    "Télécopie (coord. structure)", "Adresse e-mail (coord. structure)", "Code Département (structure)",
    "Libellé Département (structure)", "Ancien identifiant de la structure", "Autorité d'enregistrement",
    "Code secteur d'activité", "Libellé secteur d'activité", "Code section tableau pharmaciens",
    "Libellé section tableau pharmaciens", "Code rôle", "Libellé rôle", "Code genre activité",
    "Libellé genre activité",
]  # fmt: skip
PROFESSIONS = {
    "10": ("Médecin", "C", "Civil"),
    "21": ("Pharmacien", "C", "Civil"),
    "26": ("Audioprothésiste", "C", "Civil"),
    "40": ("Chirurgien-Dentiste", "C", "Civil"),
    "50": ("Sage-Femme", "C", "Civil"),
    "60": ("Infirmier", "C", "Civil"),
    "70": ("Masseur-Kinésithérapeute", "C", "Civil"),
    "80": ("Pédicure-Podologue", "C", "Civil"),
    "91": ("Orthophoniste", "C", "Civil"),
    "93": ("Psychologue", "C", "Civil"),
}
SKILLS = {
    "SM54": ("S", "Spécialité ordinale", "Médecine générale"),
    "SM04": ("S", "Spécialité ordinale", "Cardiologie et maladies vasculaires"),
    "SM26": ("S", "Spécialité ordinale", "Qualifié en Médecine Générale"),
    "SCD01": ("S", "Spécialité ordinale", "Orthopédie dento-faciale"),
}
MODES = {"L": "Libéral,indépendant,artisan,commerçant", "S": "Salarié", "B": "Bénévole", "": ""}
COMMUNES = {
    "92040": ("92130", "Issy-les-Moulineaux"),
    "92075": ("92170", "Vanves"),
    "92048": ("92190", "Meudon"),
    "75115": ("75015", "Paris 15e Arrondissement"),
}
# id type, identifier, civility, last name, first name, profession, skill, mode, structure, brand,
# place, number, repetition, street type, street, commune, phone, e-mail
PEOPLE: list[tuple[str, ...]] = [
    ("8", "10000000001", "DR", "MARTIN", "Hélène", "10", "SM54", "L", "CABINET MEDICAL DU CENTRE", "", "", "12", "", "R", "Rue de l'Église", "92040", "0146420001", "cabinet.centre@exemple.fr"),
    ("8", "10000000001", "DR", "MARTIN", "Hélène", "10", "SM54", "S", "HOPITAL CORENTIN CELTON", "", "Bâtiment B", "4", "", "PL", "Place du Général Gallieni", "92040", "0158000000", ""),
    ("8", "10000000002", "DR", "BERNARD", "Paul", "10", "SM26", "L", "MAISON DE SANTE DES EPINETTES", "MSP Les Épinettes", "", "3", "B", "AV", "Avenue Victor Cresson", "92040", "01 46 42 00 02", "p.bernard@exemple.fr"),
    ("8", "10000000003", "DR", "PETIT", "Claire", "10", "SM04", "L", "CABINET DE CARDIOLOGIE", "", "", "20", "", "R", "Rue Jean Bleuzen", "92075", "0146420003", ""),
    ("8", "10000000003", "DR", "PETIT", "Claire", "10", "SM04", "L", "CABINET DE CARDIOLOGIE", "", "", "9", "", "BD", "Boulevard Victor", "75115", "0145000003", ""),
    ("8", "10000000004", "DR", "ROBERT", "Louis", "10", "SM54", "L", "CABINET DR ROBERT", "", "", "1", "", "R", "Rue du Moulin", "92048", "0145340004", ""),
    ("8", "10000000005", "M", "RICHARD", "Jeanne", "60", "", "L", "", "", "", "8", "", "R", "Rue Ernest Renan", "92040", "0612345605", "jeanne.richard@exemple.fr"),
    ("8", "10000000006", "M", "DURAND", "Marc", "60", "", "L", "", "", "", "15", "", "R", "Rue Diderot", "92040", "", ""),
    ("8", "10000000007", "MME", "DUBOIS", "Sophie", "60", "", "S", "CENTRE DE SANTE MUNICIPAL", "", "", "2", "", "R", "Rue Hoche", "92075", "0146420007", ""),
    ("8", "10000000007", "MME", "DUBOIS", "Sophie", "60", "", "L", "", "", "", "40", "", "R", "Rue Sadi Carnot", "92075", "0712345607", ""),
    ("8", "10000000008", "MME", "MOREAU", "Léa", "60", "", "L", "", "", "", "6", "", "AV", "Avenue de la République", "92040", "01 45", "lea.moreau@"),
    ("8", "10000000009", "M", "LAURENT", "Thomas", "70", "", "L", "CABINET DE KINESITHERAPIE", "", "", "27", "", "R", "Rue Guynemer", "92040", "0146420009", ""),
    ("8", "10000000009", "M", "LAURENT", "Thomas", "70", "", "L", "CABINET DE KINESITHERAPIE", "", "", "5", "", "R", "Rue de Paris", "92048", "0146420019", ""),
    ("8", "10000000010", "MME", "SIMON", "Camille", "70", "", "L", "", "", "", "11", "", "R", "Rue Auguste Comte", "92075", "0146420010", ""),
    ("8", "10000000011", "M", "MICHEL", "Hugo", "70", "", "S", "CLINIQUE DU PARC", "", "", "", "", "", "", "92048", "0146420011", ""),
    ("8", "10000000012", "MME", "LEFEBVRE", "Manon", "21", "", "L", "PHARMACIE DU CENTRE", "", "", "30", "", "R", "Rue du Général Leclerc", "92040", "0146420012", "pharmacie.centre@exemple.fr"),
    ("8", "10000000013", "M", "LEROY", "Nicolas", "21", "", "S", "PHARMACIE DU CENTRE", "", "", "30", "", "R", "Rue du Général Leclerc", "92040", "0146420012", ""),
    ("8", "10000000014", "MME", "ROUX", "Julie", "50", "", "L", "", "", "", "18", "", "R", "Rue Mary Besseyre", "92075", "0146420014", ""),
    ("8", "10000000014", "MME", "ROUX", "Julie", "50", "", "B", "ASSOCIATION PERINAT 92", "", "", "", "", "", "", "92075", "", ""),
    ("8", "10000000015", "DR", "DAVID", "Antoine", "40", "", "L", "CABINET DENTAIRE", "", "", "44", "", "R", "Rue Camille Desmoulins", "92040", "0146420015", ""),
    ("8", "10000000016", "DR", "BERTRAND", "Inès", "40", "SCD01", "L", "CABINET DENTAIRE", "", "", "44", "", "R", "Rue Camille Desmoulins", "92040", "0146420015", ""),
    ("8", "10000000017", "MME", "MOREL", "Chloé", "91", "", "L", "", "", "", "3", "", "R", "Rue Antoine Fratacci", "92075", "", "chloe.morel@exemple.fr"),
    ("8", "10000000018", "M", "FOURNIER", "Lucas", "80", "", "L", "", "", "", "", "", "", "", "92040", "", ""),
    ("8", "10000000019", "M", "GIRARD", "Éric", "26", "", "L", "AUDITION CONSEIL", "", "", "7", "", "R", "Rue Rouget de Lisle", "92040", "0146420019", ""),
    ("0", "929000019", "MME", "BONNET", "Alice", "93", "", "L", "", "", "", "9", "", "R", "Rue Minard", "92040", "0146420020", ""),
    ("8", "10000000021", "MME", "DUPONT", "Marie", "60", "", "L", "", "", "", "1", "", "R", "Rue de Vaugirard", "75115", "0145000021", ""),
    ("8", "10000000022", "M", "LAMBERT", "Olivier", "70", "", "", "", "", "", "", "", "", "", "92075", "", ""),
    ("8", "10000000023", "DR", "FONTAINE", "Sarah", "10", "SM54", "L", "CABINET MEDICAL DU CENTRE", "", "", "12", "", "R", "Rue de l'Église", "92040", "0146420001", ""),
    ("8", "10000000023", "DR", "FONTAINE", "Sarah", "10", "SM54", "L", "CABINET SECONDAIRE", "", "", "2", "", "R", "Rue de la Défense", "92075", "0146420023", ""),
    ("8", "10000000024", "M", "CHEVALIER", "Yanis", "60", "", "S", "HOPITAL CORENTIN CELTON", "", "", "4", "", "PL", "Place du Général Gallieni", "92040", "0158000000", ""),
]  # fmt: skip


def line(person: tuple[str, ...]) -> str:
    kind, ident, civility, last, first, profession, skill, mode, structure, brand, place = person[:11]
    number, repetition, street_type, street, insee, phone, email = person[11:]
    label, category_code, category = PROFESSIONS[profession]
    skill_type, skill_type_label, skill_label = SKILLS.get(skill, ("", "", ""))
    postcode, commune = COMMUNES[insee]
    types = {"R": "Rue", "AV": "Avenue", "BD": "Boulevard", "PL": "Place", "": ""}
    values = {
        "Type d'identifiant PP": kind, "Identifiant PP": ident, "Identification nationale PP": kind + ident,
        "Code civilité d'exercice": civility, "Libellé civilité d'exercice": {"DR": "Docteur"}.get(civility, ""),
        "Code civilité": civility if civility != "DR" else "", "Nom d'exercice": last, "Prénom d'exercice": first,
        "Code profession": profession, "Libellé profession": label, "Code catégorie professionnelle": category_code,
        "Libellé catégorie professionnelle": category, "Code type savoir-faire": skill_type,
        "Libellé type savoir-faire": skill_type_label, "Code savoir-faire": skill, "Libellé savoir-faire": skill_label,
        "Code mode exercice": mode, "Libellé mode exercice": MODES[mode], "Raison sociale site": structure,
        "Enseigne commerciale site": brand, "Complément point géographique (coord. structure)": place,
        "Numéro Voie (coord. structure)": number, "Indice répétition voie (coord. structure)": repetition,
        "Code type de voie (coord. structure)": street_type, "Libellé type de voie (coord. structure)": types[street_type],
        "Libellé Voie (coord. structure)": street.removeprefix(types[street_type] + " "), "Code postal (coord. structure)": postcode,
        "Code commune (coord. structure)": insee, "Libellé commune (coord. structure)": commune,
        "Code pays (coord. structure)": "99000", "Libellé pays (coord. structure)": "France",
        "Téléphone (coord. structure)": phone, "Adresse e-mail (coord. structure)": email,
        "Code Département (structure)": insee[:2], "Autorité d'enregistrement": "RPPS/ordre" if kind == "8" else "ARS",
    }  # fmt: skip
    return "|".join(values.get(title, "") for title in HEADER) + "|"


def main() -> None:
    text = "\n".join(["|".join(HEADER) + "|", *map(line, PEOPLE)]) + "\n"
    (HERE / NAME).write_text(text, encoding="utf-8", newline="")
    for folder, encoding, newline in (("latin1", "latin-1", "\n"), ("crlf", "utf-8", "\r\n")):
        (HERE / folder).mkdir(exist_ok=True)
        (HERE / folder / NAME).write_bytes(text.replace("\n", newline).encode(encoding))
    with zipfile.ZipFile(HERE / "PS_LibreAcces_202611010800.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in ((OTHER, "Type d'identifiant PP|Identifiant PP|\n"), (NAME, text)):
            entry = zipfile.ZipInfo(name, date_time=(2026, 11, 1, 8, 0, 0))  # the same bytes at each run
            archive.writestr(entry, content.encode("utf-8"), zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    main()
