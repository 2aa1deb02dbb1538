"""The missions of the ACI contract of a CPTS: one home, read by the health project (Actions) and the life of the
association (Rencontres), re-exported by `schema.models`."""

from __future__ import annotations

from enum import StrEnum


class AciMission(StrEnum):
    GP_ACCESS = "1a. Accès à un médecin traitant"
    UNSCHEDULED_CARE = "1b. Soins non programmés"
    PATHWAYS = "2. Parcours pluriprofessionnels"
    PREVENTION = "3. Prévention"
    CRISIS = "4. Crises sanitaires graves"
    QUALITY = "5. Qualité et pertinence des soins"
    SUPPORT = "6. Accompagnement des professionnels"
