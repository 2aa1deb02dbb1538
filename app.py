"""The CPTS back office: Streamlit entry point (run with ./cpts up, or streamlit run app.py).

Every page is declared here, once: what it needs (`domain.permissions.Action`, checked with `can` for the
signed-in user's role) and whether it shows patient-level data (`shows_patients=True`: coordinators only,
each display traced in Journal d'accès by `views.access.journal`). A page left out cannot be reached."""

import streamlit as st

from domain import communes
from domain.permissions import Action
from settings import communes_dir
from views.access import Page, navigation

SEE_PATIENTS = Action.SEE_PATIENTS

SECTIONS: dict[str, list[Page]] = {
    # Aggregates only: every signed-in user (bureau included) may see these.
    "Tableau de bord": [
        Page("views/home.py", "Accueil", ":material/home:", default=True),
        Page("views/project.py", "Projet de santé", ":material/flag:", "projet-de-sante"),
        Page("views/indicators.py", "Indicateurs", ":material/monitoring:", "indicateurs"),
        Page("views/funding.py", "Financement ACI", ":material/euro:", "financement-aci"),
        Page("views/pathways.py", "Parcours", ":material/route:", "parcours"),
        Page("views/referral.py", "Orienter", ":material/near_me:", "orienter"),
        Page("views/territory_membership.py", "Territoire et adhésion", ":material/groups:", "territoire-et-adhesion"),
        Page("views/crisis.py", "Plan de crise", ":material/emergency:", "plan-de-crise"),
        Page("views/meetings.py", "Vie de la CPTS", ":material/diversity_3:", "vie-de-la-cpts"),
        Page(
            "views/snp_season.py",
            "Saison des soins non programmés",
            ":material/ssid_chart:",
            "saison-des-soins-non-programmes",
        ),
        # The life of the association (bureau: counts; coordinators: names, e-mails and writes).
        Page("views/association.py", "Stages et installations", ":material/school:", "stages-et-installations"),
        Page("views/dues.py", "Cotisations", ":material/payments:", "cotisations"),
        # The AG presentation.
        Page("views/ag.py", "Présentation AG", ":material/co_present:", "presentation-ag"),
    ],
    "Coordination": [
        # The médecin-traitant desk.
        Page(
            "views/waiting_list.py",
            "Patients en attente",
            ":material/person_search:",
            "patients-en-attente",
            needs=SEE_PATIENTS,
            shows_patients=True,
        ),
        Page(
            "views/doctors.py",
            "Professionnels disponibles",
            ":material/stethoscope:",
            "professionnels-disponibles",
            needs=Action.WRITE_DESK,  # members taking new patients, no patient
        ),
        Page(
            "views/orientation.py",
            "Orientation",
            ":material/alt_route:",
            "orientation",
            needs=SEE_PATIENTS,
            shows_patients=True,
        ),
        Page(
            "views/snp.py",
            "Soins non programmés",
            ":material/emergency_home:",
            "soins-non-programmes",
            needs=SEE_PATIENTS,
            shows_patients=True,
        ),
        # Care pathways.
        Page(
            "views/follow_ups.py",
            "À relancer",
            ":material/notifications_active:",
            "a-relancer",
            needs=SEE_PATIENTS,
            shows_patients=True,
        ),
        # Spreadsheets (members, waiting lists, CPAM lists) brought in: the file names patients.
        Page(
            "views/importer.py",
            "Importer",
            ":material/upload_file:",
            "importer",
            needs=SEE_PATIENTS,
            shows_patients=True,
        ),
        # Traceability (read-only): user e-mails and patient codes, no patient data; reading it is not traced.
        Page("views/journal.py", "Journal d'accès", ":material/history:", "journal-d-acces", needs=Action.SEE_JOURNAL),
    ],
    # Role région only: the CPTS of the region side by side (aggregates, masked across CPTS).
    "Région": [
        Page("views/region.py", "Vue régionale", ":material/map:", "vue-regionale", needs=Action.SEE_REGION),
    ],
}

if __name__ == "__main__":  # as Streamlit runs it; the tests import SECTIONS
    st.set_page_config(page_title="CPTS", layout="wide")
    communes.use_data_dir(communes_dir())
    # Sign-in first; then the pages the user's role may open (the others' URLs show a refusal).
    navigation(SECTIONS).run()
