"""The Paramètres rows of the demo CPTS: its name, the funding defaults, the weights of the desk's priority
score, the retention and the idle time of a session.

Every setting key the demo writes is imported here from domain/, in this one module."""

from __future__ import annotations

from domain.access import DEFAULT_IDLE_MINUTES, IDLE_KEY
from domain.funding import ParameterDefault, default_parameters
from domain.priority import PER_MONTH_KEY, Weights, weight_key
from domain.retention import DEFAULT_RETENTION_MONTHS, RETENTION_KEY
from schema.models import Parameter

CPTS_NAME_KEY = "Nom de la CPTS"


def settings(cpts_name: str) -> list[Parameter]:
    rows = [
        ParameterDefault(CPTS_NAME_KEY, cpts_name, "Nom affiché dans l'application et les exports.", False),
        *default_parameters(),
    ]
    rows += _priority_settings()
    rows += [
        ParameterDefault(
            RETENTION_KEY,
            str(DEFAULT_RETENTION_MONTHS),
            "Les patients dont la demande est close depuis plus longtemps sont anonymisés par ./cpts purge "
            "(nom, prénom, téléphone, date de naissance et notes effacés ; les chiffres ne changent pas).",
            False,
        ),
        ParameterDefault(
            IDLE_KEY,
            str(DEFAULT_IDLE_MINUTES),
            "Une session de l'application sans activité pendant cette durée est fermée.",
            False,
        ),
    ]
    return [
        Parameter(id=position, key=row.key, value=row.value, description=row.description, to_check=row.to_check)
        for position, row in enumerate(rows, start=1)
    ]


def _priority_settings() -> list[ParameterDefault]:
    """The weights of the desk's priority score, at their defaults."""
    weights = Weights()
    purpose = "dans l'orientation vers un médecin traitant (nombre entier)."
    rows = [
        ParameterDefault(
            weight_key(name), str(points), f"Points de priorité pour la fragilité « {name} » {purpose}", False
        )
        for name, points in weights.fragility
    ]
    rows.append(
        ParameterDefault(
            PER_MONTH_KEY, str(weights.per_month), f"Points de priorité par mois (30 jours) d'attente {purpose}", False
        )
    )
    return rows
