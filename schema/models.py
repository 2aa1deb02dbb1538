"""The CPTS base: one record model per NocoDB table (French titles, English attributes).

Options of select fields are listed here once; code compares against these StrEnums, never against
string literals typed elsewhere.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from schema.association import DUES, INSTALLATIONS, MENTORS, TRAINEES
from schema.crisis import CellMember, CrisisExercise, CrisisResource, PlanSection
from schema.fields import INSEE_PATTERN, PROFESSIONS, RPPS_PROFESSIONS, Kind, Record, TableSpec, column
from schema.meetings import MEETINGS, PARTICIPATIONS
from schema.missions import AciMission
from schema.snp import Slot, SnpRequest

RPPS_PATTERN = r"^\d{11}$"
PATIENT_CODE_PATTERN = r"^P-\d{6}$"
INSEE_HELP = "code INSEE de la commune, 5 caractères, ex. 92040 (pas le code postal)"

GP_SPECIALTY = "Médecine générale"
# The professions a patient may seek through the desk (Patients « Profession recherchée »), each with the
# Membres « Profession » that answers it. An empty value means a médecin traitant (the requests made before
# the field existed). A member with no profession answers médecin-traitant requests, as before.
PHYSICIAN, DENTIST = RPPS_PROFESSIONS["10"], RPPS_PROFESSIONS["40"]  # compared against by the desk
GP_SOUGHT = "Médecin généraliste (médecin traitant)"
_NOT_SOUGHT = (PHYSICIAN, RPPS_PROFESSIONS["21"], "Travailleur social", "Autre")
SOUGHT_PROFESSIONS: dict[str, str] = {
    GP_SOUGHT: PHYSICIAN,
    **{label: label for label in PROFESSIONS if label not in _NOT_SOUGHT},
}
PRACTICE_MODES = ("Libéral", "Salarié", "Mixte")
VOLUNTEER = "Bénévole"  # a mode of the RPPS extract (code B) that Membres does not take
STRUCTURES = ("Cabinet", "MSP", "Centre de santé", "Hôpital", "Clinique", "Pharmacie", "Autre")
LANGUAGES = ("Anglais", "Arabe", "Espagnol", "Portugais", "Italien", "Allemand", "Chinois", "Russe", "Roumain")


class Population(StrEnum):
    """The patients a GP accepts (Membres « Populations acceptées »)."""

    EVERYONE = "Tous"
    ALD = "ALD"
    ELDERLY = "70 ans et plus"
    CHILDREN = "Enfants"
    C2S_AME = "C2S/AME"
    HOSPITAL_DISCHARGE = "Sortie d'hospitalisation"


REQUEST_SOURCES = ("Téléphone", "Formulaire", "Mairie", "CPAM", "Hôpital", "Partenaire")
# Who asks for the médecin traitant (Patients « Demandeur »): the person, or someone on their behalf.
REQUESTERS = (
    "Patient",
    "Proche ou aidant",
    "Mairie",
    "Partenaire (DAC, service social)",
    "Professionnel de santé",
    "Autre",
)
PATHWAY_CATEGORIES = ("Dépistage organisé", "Pathologie chronique", "Santé des femmes")
# The option sets above stay plain tuples: no code compares a value against one of their options. The option
# sets below are StrEnums because code does; a member is its French text (a str), and the declaration order
# is the order of the options in NocoDB.


class Sex(StrEnum):
    FEMALE = "Femme"
    MALE = "Homme"


class Fragility(StrEnum):
    ALD = "ALD"
    ELDERLY = "70 ans et plus"
    C2S_AME = "C2S/AME"
    HOSPITAL_DISCHARGE = "Sortie d'hospitalisation"
    DISABILITY = "Handicap"
    ISOLATION = "Isolement"


class PatientStatus(StrEnum):
    WAITING = "En attente"
    PROPOSED = "Proposé"
    FOUND = "MT trouvé"
    DROPPED = "Sans suite"
    CLOSED = "Clos"


class ProposalStatus(StrEnum):
    PENDING = "Proposée"
    ACCEPTED = "Acceptée"
    REFUSED = "Refusée"
    EXPIRED = "Expirée"


class PathwaySex(StrEnum):
    BOTH = "Tous"  # a pathway or step for women and men
    WOMEN = "Femmes"
    MEN = "Hommes"


class EnrolmentStatus(StrEnum):
    ACTIVE = "Active"
    ENDED = "Terminée"
    LEFT = "Sortie"


class ActionStatus(StrEnum):
    NOT_STARTED = "Non démarrée"
    IN_PROGRESS = "En cours"
    DONE = "Terminée"
    SUSPENDED = "Suspendue"


class IndicatorKind(StrEnum):
    ACTION = "Action"
    RESULT = "Résultat"


class IndicatorSource(StrEnum):
    MANUAL = "Manuel"
    CALCULATED = "Calculé"


class Member(Record):
    last_name: str | None = column("Nom", Kind.TEXT)
    first_name: str | None = column("Prénom", Kind.TEXT)
    profession: str | None = column("Profession", Kind.SELECT, options=PROFESSIONS)
    specialty: str | None = column("Spécialité", Kind.TEXT, description="Ex. Médecine générale, Gynécologie")
    rpps: str | None = column("RPPS", Kind.TEXT, unique=True, pattern=RPPS_PATTERN, description="11 chiffres")
    practice_mode: str | None = column("Mode d'exercice", Kind.SELECT, options=PRACTICE_MODES)
    structure: str | None = column("Structure", Kind.SELECT, options=STRUCTURES)
    structure_name: str | None = column("Nom de la structure", Kind.TEXT)
    insee_code: str | None = column("Commune (INSEE)", Kind.TEXT, pattern=INSEE_PATTERN, description=INSEE_HELP)
    address: str | None = column("Adresse", Kind.TEXT)
    phone: str | None = column("Téléphone", Kind.PHONE)
    email: str | None = column("Email", Kind.EMAIL)
    member_since: date | None = column("Membre depuis", Kind.DATE)
    dues_paid_year: int | None = column("Cotisation payée pour", Kind.NUMBER, ge=2000, le=2100)
    active: bool = column("Actif", Kind.CHECKBOX, default=True)
    # The title of existing bases; a member of any profession ticks it (a dentist, a physiotherapist…).
    accepts_new_patients: bool = column("Accepte de nouveaux patients MT", Kind.CHECKBOX, default=False)
    available_from: date | None = column("Disponible à partir du", Kind.DATE)
    monthly_capacity: int | None = column("Capacité mensuelle", Kind.NUMBER, ge=0)
    populations_accepted: list[str] = column("Populations acceptées", Kind.MULTI_SELECT, options=tuple(Population))
    home_visits: bool = column("Visites à domicile", Kind.CHECKBOX, default=False)
    cpts_referrals_only: bool = column("Uniquement patients orientés par la CPTS", Kind.CHECKBOX, default=False)
    languages: list[str] = column("Langues", Kind.MULTI_SELECT, options=LANGUAGES)


class Patient(Record):
    code: str | None = column("Code", Kind.TEXT, unique=True, pattern=PATIENT_CODE_PATTERN, description="ex. P-000123")
    last_name: str | None = column("Nom", Kind.TEXT)
    first_name: str | None = column("Prénom", Kind.TEXT)
    birth_date: date | None = column("Date de naissance", Kind.DATE)
    sex: str | None = column("Sexe", Kind.SELECT, options=tuple(Sex))
    insee_code: str | None = column("Commune (INSEE)", Kind.TEXT, pattern=INSEE_PATTERN, description=INSEE_HELP)
    phone: str | None = column("Téléphone", Kind.PHONE)
    request_date: date | None = column("Date de la demande", Kind.DATE)
    source: str | None = column("Source", Kind.SELECT, options=REQUEST_SOURCES)
    requester: str | None = column(
        "Demandeur", Kind.SELECT, options=REQUESTERS, description="Qui demande : la personne ou quelqu'un pour elle"
    )
    fragilities: list[str] = column("Fragilités", Kind.MULTI_SELECT, options=tuple(Fragility))
    reduced_mobility: bool = column("Mobilité réduite", Kind.CHECKBOX, default=False)
    status: str | None = column("Statut", Kind.SELECT, options=tuple(PatientStatus))
    profession_sought: str | None = column(
        "Profession recherchée",
        Kind.SELECT,
        options=tuple(SOUGHT_PROFESSIONS),
        description="Vide : médecin traitant",
    )
    gp: int | None = column("Médecin traitant", Kind.LINK, target="Membres")  # the professional found
    found_date: date | None = column("Date MT trouvé", Kind.DATE)
    closed_date: date | None = column("Date de clôture", Kind.DATE)
    consent: bool = column("Consent à être orienté", Kind.CHECKBOX, default=False)
    objection: bool = column("Opposition au partage", Kind.CHECKBOX, default=False)
    notes: str | None = column("Notes", Kind.LONG_TEXT)
    age_band: str | None = column(
        "Tranche d'âge", Kind.TEXT, description="Âge à la demande, gardé quand la date de naissance est effacée"
    )


class Proposal(Record):
    reference: str | None = column("Référence", Kind.TEXT)
    patient: int | None = column("Patient", Kind.LINK, target="Patients")
    gp: int | None = column("Médecin", Kind.LINK, target="Membres")
    rank: int | None = column("Rang", Kind.NUMBER, ge=1)
    proposed_on: date | None = column("Date", Kind.DATE)
    status: str | None = column("Statut", Kind.SELECT, options=tuple(ProposalStatus))
    refusal_reason: str | None = column("Motif de refus", Kind.TEXT)


class Pathway(Record):
    name: str | None = column("Nom", Kind.TEXT, unique=True)
    category: str | None = column("Catégorie", Kind.SELECT, options=PATHWAY_CATEGORIES)
    sex: str | None = column("Public", Kind.SELECT, options=tuple(PathwaySex))
    min_age: int | None = column("Âge minimum", Kind.NUMBER, ge=0)
    max_age: int | None = column("Âge maximum", Kind.NUMBER, ge=0)
    description: str | None = column("Description", Kind.LONG_TEXT)
    active: bool = column("Actif", Kind.CHECKBOX, default=True)


class PathwayStep(Record):
    title: str | None = column("Titre", Kind.TEXT)
    pathway: int | None = column("Parcours", Kind.LINK, target="Parcours")
    order: int | None = column("Ordre", Kind.NUMBER, ge=1)
    level: int | None = column("Niveau", Kind.NUMBER, ge=1, le=3)
    profession: str | None = column("Profession", Kind.SELECT, options=PROFESSIONS)
    interval_months: int | None = column("Intervalle (mois)", Kind.NUMBER, ge=0)
    min_age: int | None = column("Âge minimum", Kind.NUMBER, ge=0)
    max_age: int | None = column("Âge maximum", Kind.NUMBER, ge=0)
    sex: str | None = column("Public", Kind.SELECT, options=tuple(PathwaySex))
    condition: str | None = column("Condition", Kind.TEXT)
    description: str | None = column("Description", Kind.LONG_TEXT)
    specialty: str | None = column(
        "Spécialité", Kind.TEXT, description="Spécialité attendue (ex. Radiologie) ; vide : toute spécialité"
    )


class PathwayMember(Record):
    role: str | None = column("Niveau ou rôle", Kind.TEXT)
    member: int | None = column("Membre", Kind.LINK, target="Membres")
    pathway: int | None = column("Parcours", Kind.LINK, target="Parcours")
    level: int | None = column("Niveau", Kind.NUMBER, ge=1, le=3)


class Enrolment(Record):
    reference: str | None = column("Référence", Kind.TEXT)
    patient: int | None = column("Patient", Kind.LINK, target="Patients")
    pathway: int | None = column("Parcours", Kind.LINK, target="Parcours")
    enrolled_on: date | None = column("Date d'inscription", Kind.DATE)
    status: str | None = column("Statut", Kind.SELECT, options=tuple(EnrolmentStatus))
    foot_grade: int | None = column("Grade podologique", Kind.NUMBER, ge=0, le=3)
    notes: str | None = column("Notes", Kind.LONG_TEXT)
    low_risk: bool = column(
        "Risque faible",
        Kind.CHECKBOX,
        default=False,
        description="Diabète : non traité par insuline, équilibré, sans rétinopathie (fond d'œil tous les 2 ans)",
    )


class StepDone(Record):
    reference: str | None = column("Référence", Kind.TEXT)
    enrolment: int | None = column("Inscription", Kind.LINK, target="Inscriptions")
    step: int | None = column("Étape", Kind.LINK, target="Étapes de parcours")
    done_on: date | None = column("Date", Kind.DATE)


class Action(Record):
    title: str | None = column("Titre", Kind.TEXT)
    number: int | None = column("Numéro", Kind.NUMBER, ge=1)
    mission: str | None = column("Mission ACI", Kind.SELECT, options=tuple(AciMission))
    pilot: int | None = column("Pilote", Kind.LINK, target="Membres")
    status: str | None = column("Statut", Kind.SELECT, options=tuple(ActionStatus))
    start_date: date | None = column("Début", Kind.DATE)
    due_date: date | None = column("Échéance", Kind.DATE)
    budget: Decimal | None = column("Budget", Kind.CURRENCY, ge=0)
    progress: int | None = column("Avancement (%)", Kind.NUMBER, ge=0, le=100)
    description: str | None = column("Description", Kind.LONG_TEXT)


class Milestone(Record):
    title: str | None = column("Titre", Kind.TEXT)
    action: int | None = column("Action", Kind.LINK, target="Actions")
    due_date: date | None = column("Échéance", Kind.DATE)
    done: bool = column("Fait", Kind.CHECKBOX, default=False)
    done_on: date | None = column("Date de réalisation", Kind.DATE)


class Indicator(Record):
    title: str | None = column("Titre", Kind.TEXT)
    action: int | None = column("Action", Kind.LINK, target="Actions")
    kind: str | None = column("Type", Kind.SELECT, options=tuple(IndicatorKind))
    target: Decimal | None = column("Cible", Kind.DECIMAL)
    value: Decimal | None = column("Valeur", Kind.DECIMAL)
    unit: str | None = column("Unité", Kind.TEXT)
    period: str | None = column("Période", Kind.TEXT)
    source: str | None = column("Source", Kind.SELECT, options=tuple(IndicatorSource))
    computation: str | None = column("Calcul", Kind.TEXT, description="Clé du calcul automatique (source Calculé)")
    comment: str | None = column("Commentaire", Kind.LONG_TEXT)
    weight: Decimal | None = column(
        "Poids", Kind.DECIMAL, ge=0, description="Poids dans la part variable de la mission ACI (1 si vide)"
    )


class Commune(Record):
    name: str | None = column("Commune", Kind.TEXT)
    insee_code: str | None = column("Code INSEE", Kind.TEXT, unique=True, pattern=INSEE_PATTERN, description=INSEE_HELP)
    population: int | None = column("Population", Kind.NUMBER, ge=0)
    department: str | None = column("Département", Kind.TEXT)
    epci: str | None = column("EPCI", Kind.TEXT)


class ParameterRow(Record):
    key: str | None = column("Paramètre", Kind.TEXT, unique=True)
    value: str | None = column("Valeur", Kind.TEXT)
    description: str | None = column("Description", Kind.LONG_TEXT)
    to_check: bool = column("À vérifier", Kind.CHECKBOX, default=False)


class AccessEntry(Record):
    user: str | None = column("Utilisateur", Kind.TEXT)
    at: datetime | None = column("Date", Kind.DATETIME)
    what: str | None = column("Page ou commande", Kind.TEXT)
    patient_count: int | None = column("Nombre de patients", Kind.NUMBER, ge=0)
    patient_codes: str | None = column("Codes patients", Kind.LONG_TEXT)


class TerritoryProfessional(Record):
    """A professional of the territory as the public RPPS extract describes them (`./cpts import rpps`)."""

    rpps: str | None = column("RPPS", Kind.TEXT, unique=True, pattern=RPPS_PATTERN, description="11 chiffres")
    last_name: str | None = column("Nom", Kind.TEXT)
    first_name: str | None = column("Prénom", Kind.TEXT)
    profession: str | None = column("Profession", Kind.SELECT, options=PROFESSIONS)
    specialty: str | None = column("Spécialité", Kind.TEXT)
    practice_mode: str | None = column("Mode d'exercice", Kind.SELECT, options=(*PRACTICE_MODES, VOLUNTEER))
    structure_name: str | None = column("Nom de la structure", Kind.TEXT)
    address: str | None = column("Adresse", Kind.TEXT)
    postcode: str | None = column("Code postal", Kind.TEXT)
    insee_code: str | None = column("Commune (INSEE)", Kind.TEXT, pattern=INSEE_PATTERN, description=INSEE_HELP)
    commune: str | None = column("Commune", Kind.TEXT)
    phone: str | None = column("Téléphone", Kind.PHONE)
    email: str | None = column("Email", Kind.EMAIL)
    member: int | None = column("Membre", Kind.LINK, target="Membres")
    seen_on: date | None = column("Vu dans l'extrait du", Kind.DATE)
    arrival: date | None = column(
        "Arrivée", Kind.DATE, description="Date de l'extrait où il est apparu sur le territoire"
    )
    departure: date | None = column(
        "Départ", Kind.DATE, description="Date de l'extrait où il n'y figurait plus (jamais supprimé)"
    )


MEMBERS = TableSpec("members", "Membres", Member, "Professionnels et structures adhérents")
PATIENTS = TableSpec("patients", "Patients", Patient, "Demandes de médecin traitant (données de santé)", patients=True)
PROPOSALS = TableSpec("proposals", "Propositions", Proposal, "Médecins proposés aux patients", patients=True)
PATHWAYS = TableSpec("pathways", "Parcours", Pathway)
PATHWAY_STEPS = TableSpec("pathway_steps", "Étapes de parcours", PathwayStep)
PATHWAY_MEMBERS = TableSpec("pathway_members", "Intervenants de parcours", PathwayMember)
ENROLMENTS = TableSpec("enrolments", "Inscriptions", Enrolment, "Patients inscrits dans un parcours", patients=True)
STEPS_DONE = TableSpec(
    "steps_done", "Étapes réalisées", StepDone, "Dates des étapes réalisées par inscription", patients=True
)
ACTIONS = TableSpec("actions", "Actions", Action, "Actions du projet de santé")
MILESTONES = TableSpec("milestones", "Jalons", Milestone)
INDICATORS = TableSpec("indicators", "Indicateurs", Indicator)
TERRITORY = TableSpec("territory", "Territoire", Commune, "Communes couvertes par la CPTS")
PARAMETERS = TableSpec(
    "settings", "Paramètres", ParameterRow
)  # key "settings": the NocoDB table name of existing bases
ACCESS_LOG = TableSpec(
    "access_log", "Journal d'accès", AccessEntry, "Traçabilité des accès aux données patients", patients=True
)
PROFESSIONALS = TableSpec(
    "professionals",
    "Professionnels du territoire",
    TerritoryProfessional,
    "Professionnels du territoire d'après l'extrait public RPPS (adhérents ou non)",
)
CRISIS_PLAN = TableSpec("crisis_plan", "Plan de crise", PlanSection, "Sections du plan de crise (modèle national)")
CRISIS_CELL = TableSpec(
    "crisis_cell", "Référents et cellule de crise", CellMember, "Référents, suppléants, téléphones joignables 24h/24"
)
CRISIS_RESOURCES = TableSpec(
    "crisis_resources", "Ressources mobilisables", CrisisResource, "Membres volontaires par type de crise"
)
CRISIS_EXERCISES = TableSpec("crisis_exercises", "Exercices et révisions", CrisisExercise)
SNP_SLOTS = TableSpec("snp_slots", "Créneaux SNP", Slot, "Créneaux de soins non programmés offerts par les membres")
SNP_REQUESTS = TableSpec(
    "snp_requests", "Demandes SNP", SnpRequest, "Demandes de soins non programmés (données de santé)", patients=True
)

# In creation order: a table comes after the tables its links point to.
TABLES: tuple[TableSpec, ...] = (
    MEMBERS,
    PATIENTS,
    PROPOSALS,
    PATHWAYS,
    PATHWAY_STEPS,
    PATHWAY_MEMBERS,
    ENROLMENTS,
    STEPS_DONE,
    ACTIONS,
    MILESTONES,
    INDICATORS,
    TERRITORY,
    PARAMETERS,
    ACCESS_LOG,
    PROFESSIONALS,
    CRISIS_PLAN,
    CRISIS_CELL,
    CRISIS_RESOURCES,
    CRISIS_EXERCISES,
    SNP_SLOTS,
    SNP_REQUESTS,
    MEETINGS,
    PARTICIPATIONS,
    MENTORS,
    TRAINEES,
    INSTALLATIONS,
    DUES,
)


def table(title_or_key: str) -> TableSpec:
    """The table spec with this French title or English key."""
    for spec in TABLES:
        if title_or_key in (spec.title, spec.key):
            return spec
    raise KeyError(f"Table inconnue : {title_or_key}")
