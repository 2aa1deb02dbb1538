"""The public forms: NocoDB form views shared by a link, declared here as code. The request form, on Patients, and
the satisfaction form of the meetings, on Participations (`SATISFACTION_FORM`, below).

`./cpts migrate` creates it once (see `store.forms`). It shows only the fields a requester may fill, each with
a plain-language label and help (« Demandeur »: who is asking, the person or someone for them); the other
fields of Patients (code, status, source, GP, notes…) are hidden,
so NocoDB's public form route drops them even if a request sends them. What arrives has no code and no status:
`services.form_requests` checks it like any other request before it joins the waiting list.
"""

from __future__ import annotations

from dataclasses import dataclass

from schema.fields import TableSpec
from schema.meetings import PARTICIPATIONS
from schema.models import PATIENTS, Fragility


@dataclass(frozen=True)
class FormField:
    attr: str  # attribute of the table's record model
    label: str  # what the requester reads instead of the column's title
    help: str
    required: bool = False


@dataclass(frozen=True)
class FormSpec:
    title: str  # the view's title in NocoDB
    table: TableSpec
    heading: str
    subheading: str  # the information the RGPD requires, above the fields; {retention_months}: filled in by store
    success: str
    fields: tuple[FormField, ...]

    def field(self, attr: str) -> FormField:
        return next(f for f in self.fields if f.attr == attr)


FRAGILITY_HELP = {
    Fragility.ALD: "ALD : une maladie de longue durée prise en charge à 100 % (diabète, cancer, insuffisance…)",
    Fragility.ELDERLY: "70 ans et plus",
    Fragility.C2S_AME: "C2S/AME : complémentaire santé solidaire ou aide médicale de l'État",
    Fragility.HOSPITAL_DISCHARGE: "Sortie d'hospitalisation : la personne sort (ou va sortir) de l'hôpital",
    Fragility.DISABILITY: "Handicap",
    Fragility.ISOLATION: "Isolement : la personne vit seule, sans proche pour l'aider",
}

PRIVACY_NOTICE = """\
Ce formulaire transmet une demande de médecin traitant à la CPTS (communauté professionnelle territoriale de \
santé) du territoire. Il peut être rempli par la personne elle-même ou, avec son accord, par un proche, une \
mairie ou un service social.

**Qui traite ces données ?** La CPTS, responsable du traitement ; seuls ses coordinateurs, tenus au secret \
professionnel, les consultent.
**Pourquoi ?** Pour chercher un médecin traitant qui accepte la personne, et le lui proposer (base légale : \
prise en charge sanitaire, RGPD art. 6.1.e et 9.2.h). Rien n'est vendu ni utilisé à d'autres fins.
**Qui les reçoit ?** Le médecin à qui la demande est proposée, seulement avec l'accord donné ci-dessous.
**Combien de temps ?** Le temps de la recherche, puis {retention_months} mois après la clôture de la demande \
(durée fixée par la CPTS) ; elles sont ensuite anonymisées.
**Vos droits :** accès, rectification, effacement, limitation et opposition, en écrivant à la CPTS ; \
réclamation possible auprès de la CNIL (www.cnil.fr)."""

REQUEST_FORM = FormSpec(
    title="Demande de médecin traitant",
    table=PATIENTS,
    heading="Demande de médecin traitant",
    subheading=PRIVACY_NOTICE,
    success="Merci : votre demande est enregistrée. La CPTS vous rappellera au numéro indiqué.",
    fields=(
        FormField("last_name", "Nom de la personne qui cherche un médecin", "Nom de naissance ou d'usage", True),
        FormField("first_name", "Prénom", "", True),
        FormField("birth_date", "Date de naissance", "", True),
        FormField(
            "insee_code",
            "Commune où elle habite",
            "Nom de la commune ou code postal, par exemple « Issy-les-Moulineaux » ou « 92130 »",
            True,
        ),
        FormField("phone", "Téléphone pour vous rappeler", "Un numéro français, par exemple 06 12 34 56 78", True),
        FormField(
            "profession_sought",
            "Professionnel recherché (facultatif)",
            "Sans choix : un médecin traitant. Sinon : chirurgien-dentiste, masseur-kinésithérapeute, infirmier, "
            "sage-femme, orthophoniste…",
        ),
        FormField(
            "fragilities",
            "Sa situation (facultatif, plusieurs choix possibles)",
            " ; ".join(FRAGILITY_HELP[f] for f in Fragility),
        ),
        FormField(
            "reduced_mobility",
            "Elle se déplace difficilement",
            "Cochez si un médecin proche ou à domicile est nécessaire",
        ),
        FormField(
            "requester",
            "Qui fait la demande ? (facultatif)",
            "La personne elle-même, ou quelqu'un qui demande pour elle, avec son accord",
        ),
        FormField(
            "consent",
            "J'accepte que la CPTS transmette cette demande à un médecin",
            "Obligatoire pour que la CPTS puisse chercher un médecin : seuls le nom, l'âge, la commune, le "
            "téléphone et la situation indiquée lui sont transmis.",
            True,
        ),
    ),
)

# The satisfaction form of the meetings (page Vie de la CPTS gives its link): a participant picks the meeting and
# gives a score and a comment. Anonymous: no member, no name, no presence. Such a row of Participations is an answer,
# not an invitation (`domain.meetings.form_answer`): it counts in the mean satisfaction, not in who was invited.
SATISFACTION_FORM = FormSpec(
    title="Satisfaction",
    table=PARTICIPATIONS,
    heading="Votre avis sur une rencontre de la CPTS",
    subheading=(
        "Réunion, formation, action de prévention ou assemblée générale : dites-nous ce que vous en avez pensé. "
        "La réponse est anonyme : n'écrivez pas votre nom ni celui d'un patient dans le commentaire."
    ),
    success="Merci pour votre réponse : elle aide la CPTS à préparer les prochaines rencontres.",
    fields=(
        FormField("meeting", "Rencontre", "Choisissez la rencontre à laquelle vous avez participé", True),
        FormField(
            "satisfaction",
            "Votre satisfaction, de 1 à 5",
            "1 : pas du tout satisfait ; 5 : très satisfait (un nombre entier)",
            True,
        ),
        FormField("comment", "Commentaire (facultatif)", "Ce qui vous a plu, ce qui serait à améliorer"),
    ),
)
FORMS = (REQUEST_FORM, SATISFACTION_FORM)  # every form `./cpts migrate` creates
