"""The funding parameters of Paramètres, declared by family: amounts by size tier ("Dotation fonctionnement T2"),
the fixed and variable parts of each ACI mission by tier ("Part fixe mission 2 T3"), the tier thresholds and
the payment shares. Read like every parameter (`domain.parameters.read_parameters`).

Defaults come from DOMAIN.md; the per-mission fixed/variable split is in each CPTS's own contract, not in
public sources: its defaults are placeholders flagged "À vérifier".
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.parameters import Parameter, parse_amount
from schema.models import AciMission

TIERS = (1, 2, 3, 4)
OPERATING, PRE_CONTRACT, MAXIMUM = "Dotation fonctionnement", "Aide pré-contrat", "Maximum"
FIXED, VARIABLE = "Part fixe", "Part variable"
THRESHOLDS = ("Seuil taille 2", "Seuil taille 3", "Seuil taille 4")
ADVANCE, FIXED_AT_START = "Avance annuelle (%)", "Part fixe au démarrage (%)"
NUMBER = "un nombre"


def tier_key(name: str, tier: int) -> str:
    """ "Dotation fonctionnement T2": an amount that depends on the size tier."""
    return f"{name} T{tier}"


def mission_code(mission: str) -> str:
    """ "2. Parcours pluriprofessionnels" -> "2"; "1a. Accès à un médecin traitant" -> "1a"."""
    return mission.split(".", 1)[0].strip()


def mission_key(part: str, mission: str, tier: int) -> str:
    """ "Part fixe mission 2 T3": the fixed (or variable) part of a mission for a tier."""
    return tier_key(f"{part} mission {mission_code(mission)}", tier)


def _amount(key: str, value: int | str, description: str, to_check: bool = False) -> Parameter[float]:
    return Parameter(key, parse_amount, NUMBER, str(value), description, to_check)


# -- amounts by tier ------------------------------------------------------------------------------------

_BY_TIER: tuple[tuple[str, tuple[int, ...], str, bool], ...] = (
    (
        OPERATING,
        (87500, 105000, 131250, 157500),
        "Dotation annuelle de fonctionnement : ACI 2019 50 000 / 60 000 / 75 000 / 90 000 €, revalorisée de 75 % "
        "par l'avenant 2 (à confirmer : CPTS concernées par la revalorisation).",
        True,
    ),
    (
        PRE_CONTRACT,
        (15000, 17500, 25000, 30000),
        "Aide au démarrage versée une fois la lettre d'intention validée.",
        False,
    ),
    (
        MAXIMUM,
        (220000, 287000, 370000, 580000),
        "Financement annuel maximal, toutes missions comprises (ACI 2019 ; maximum T4 porté à 580 000 € par "
        "l'avenant 2, à confirmer pour les autres tailles).",
        True,
    ),
)


def _by_tier() -> list[Parameter[float]]:
    return [
        _amount(
            tier_key(name, tier),
            value,
            f"{description} Montant annuel en euros, taille {tier}.",
            to_check and not (name == MAXIMUM and tier == 4),
        )
        for name, values, description, to_check in _BY_TIER
        for tier, value in zip(TIERS, values, strict=True)
    ]


# -- mission parts by tier -----------------------------------------------------------------------------

_CRISIS = (50000, 65000, 80000, 100000)  # 50 000 to 100 000 € by size: a negotiation figure, to confirm
_OTHER_MISSION_HALF = (6500, 9500, 13000, 26500)  # (maximum - operating - crisis) / 6 missions / 2, to 500 below
_PLACEHOLDER = (
    "Montant du contrat ACI de la CPTS : à saisir (la répartition par mission n'est pas publique). "
    "Valeur provisoire : {rule}"
)


def _mission_part(part: str, mission: str, tier: int) -> Parameter[float]:
    if mission == AciMission.CRISIS:
        value = _CRISIS[tier - 1] // 2
        rule = "moitié de la fourchette de négociation de la mission crise (50 000 à 100 000 € selon la taille)."
    else:
        value = _OTHER_MISSION_HALF[tier - 1]
        rule = (
            "(maximum − dotation de fonctionnement − mission crise) réparti également entre les 6 autres "
            "missions, moitié fixe, moitié variable."
        )
    what = "fixe (versée quand la mission démarre)" if part == FIXED else "variable (selon l'atteinte des indicateurs)"
    description = f"Part {what} de la mission « {mission} », taille {tier}, en euros par an. " + _PLACEHOLDER.format(
        rule=rule
    )
    return _amount(mission_key(part, mission, tier), value, description, True)


# -- the family, in the order the rows are added to Paramètres ------------------------------------------

_OTHERS = (
    (THRESHOLDS[0], 40000, "Population couverte à partir de laquelle la CPTS est de taille 2."),
    (THRESHOLDS[1], 80000, "Population couverte à partir de laquelle la CPTS est de taille 3."),
    (THRESHOLDS[2], 175000, "Population couverte au-delà de laquelle la CPTS est de taille 4."),
    (ADVANCE, 75, "Part de la dotation de fonctionnement versée en avance à chaque anniversaire."),
    (FIXED_AT_START, 75, "Part fixe d'une mission versée à son démarrage, solde à l'anniversaire."),
)

FUNDING_PARAMETERS: tuple[Parameter[float], ...] = (
    *_by_tier(),
    *(_mission_part(part, mission, tier) for mission in AciMission for part in (FIXED, VARIABLE) for tier in TIERS),
    *(_amount(key, value, description) for key, value, description in _OTHERS),
)


def missing_defaults(existing_keys: Iterable[str]) -> list[Parameter[float]]:
    """The funding parameters whose key is not among `existing_keys` (to add them to Paramètres with
    `Parameter.row`), in the order they are added."""
    existing = set(existing_keys)
    return [parameter for parameter in FUNDING_PARAMETERS if parameter.key not in existing]
