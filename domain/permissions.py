"""What each role may do: the one table of permissions of the app, read by every page and use case.

    can(role, Action.SEE_PATIENTS)      -> bool   (a page hides what the role may not do)
    require(role, Action.EDIT_TERRITORY)          (a use case refuses it: NotAllowed, nothing written)

The roles come from `domain.access` (coordinateur: editor of the CPTS base in NocoDB; région: listed in the
regional setting; bureau: anything else). A new action goes in `Action` and in the rows of the roles that may do it.
"""

from __future__ import annotations

from enum import StrEnum

from domain.access import BOARD, COORDINATOR, REGION
from errors import Refused


class Action(StrEnum):
    """What a user may be allowed to do; the value completes « Votre rôle … ne vous autorise pas à … »."""

    SEE_BOARD = "voir le tableau de bord"  # aggregate pages (no patient-level data)
    SEE_PATIENTS = "voir les données des patients"  # patient-level pages; exact figures where the bureau has ranges
    WRITE_DESK = "modifier les médecins disponibles"  # the GPs' availability and capacity
    SEE_JOURNAL = "lire le journal d'accès"
    EXPORT_LISTS = "exporter des listes"  # « Exporter (XLSX) » under a long list (views.paging)
    EDIT_TERRITORY = "ajouter une commune au territoire"
    EDIT_PARAMETERS = "ajouter des paramètres"
    SEE_PROFESSIONAL_NAMES = "voir les noms des professionnels du territoire"  # Territoire et adhésion's lists
    ACTIVATE_CRISIS_PLAN = "activer le plan de crise"  # Plan de crise's button, ./cpts crise activer
    ORGANISE_MEETINGS = "organiser les rencontres de la CPTS"  # Vie de la CPTS: plan, sheet, presence, satisfaction
    MANAGE_ASSOCIATION = "gérer stagiaires, installations et cotisations"  # names, e-mails, writes; bureau: counts
    SEE_REGION = "voir la vue régionale"  # the CPTS of the region side by side (aggregates, masked)


PERMISSIONS: dict[str, frozenset[Action]] = {
    COORDINATOR: frozenset(Action) - {Action.SEE_REGION},
    BOARD: frozenset({Action.SEE_BOARD}),  # read-only in NocoDB: aggregates, no patient, no write
    REGION: frozenset({Action.SEE_BOARD, Action.SEE_REGION}),  # no access in NocoDB: aggregates of several CPTS
}


class NotAllowed(Refused):
    """The user's role does not allow this action: nothing was done."""


def can(role: str | None, action: Action) -> bool:
    """True when `role` (None: nobody signed in) may do `action`."""
    return action in PERMISSIONS.get(role or "", frozenset())


def require(role: str | None, action: Action) -> None:
    """Raise NotAllowed (French) unless `role` may do `action`."""
    if not can(role, action):
        refusal = f"Votre rôle « {role} » ne vous autorise pas" if role else "Sans connexion, vous n'êtes pas autorisé"
        raise NotAllowed(f"{refusal} à {action} : voyez avec un coordinateur.")
