"""The Paramètres table: every key a CPTS can set, declared once — its parser, default, limits and
description — and the one reader, `read_parameters`.

One policy for a value that cannot be read: its default is used and a Problem is reported on its row
(table Paramètres, field Valeur), shown by the page that uses the parameter. An absent or empty value
takes its default silently. A parameter declared `stop=True` is the exception: when it cannot be read,
`read_parameters` raises Refused rather than guess (the retention period of `./cpts purge`).

Families of keys built from a pattern are declared by their pattern: the priority weights ("Poids ALD")
here, the funding amounts ("Part fixe mission 2 T3", "Dotation fonctionnement T2") in
`domain.funding_parameters`.

A new parameter: declare it below (key, parser, default, description), read it with `read_parameters`
where it is used, and show the problems it returns.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from domain.cells import flag, integer, text
from domain.problems import Problem
from errors import Refused
from schema.models import PARAMETERS, Fragility, ParameterRow

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")
VALUE_FIELD = PARAMETERS.field("value").title  # "Valeur"


@dataclass(frozen=True)
class Parameter(Generic[T]):
    """One key of Paramètres. `parse` reads the text typed in NocoDB (ValueError when it cannot);
    `default` is written as in NocoDB ("" when there is none: the value is then None)."""

    key: str
    parse: Callable[[str], T]
    expected: str  # what a valid value is, in French: "un nombre entier entre 5 et 1440"
    default: str = ""
    description: str = ""  # the row's description when it is added to Paramètres
    to_check: bool = False  # added with « À vérifier » ticked (a placeholder amount)
    fallback: str = ""  # French: what replaces an unreadable value when there is no default (with `stop`: what to do)
    stop: bool = False  # an unreadable value stops the reader (Refused) instead of taking the default

    @property
    def default_value(self) -> T | None:
        return self.parse(self.default) if self.default else None

    def row(self, value: str | None = None, row_id: int | None = None) -> ParameterRow:
        """Its row of Paramètres, at its default value unless `value` is given (to add it in NocoDB)."""
        return ParameterRow(
            id=row_id,
            key=self.key,
            value=self.default if value is None else value,
            description=self.description,
            to_check=self.to_check,
        )

    def instead(self) -> str:
        """What an unreadable value gives way to, in French."""
        return f"valeur par défaut {self.default} utilisée" if self.default else self.fallback


@dataclass(frozen=True)
class Parameters:
    """The values read from Paramètres (by key, defaults where absent, empty or unreadable)."""

    values: Mapping[str, Any]
    row_ids: Mapping[str, int | None]  # key -> Id of the row that holds it (keys present only)
    checked_off: frozenset[str] = frozenset()  # keys whose row has « À vérifier » ticked
    defaulted: frozenset[str] = frozenset()  # keys whose value is the default (absent, empty or unreadable)

    def get(self, parameter: Parameter[T]) -> T | None:
        return self.values.get(parameter.key)  # values[key] was parsed by `parameter`: a T

    def value(self, parameter: Parameter[T]) -> T:
        """The value of a parameter that has a default (LookupError when it was not read)."""
        found = self.get(parameter)
        if found is None:
            raise LookupError(parameter.key)
        return found

    def missing(self, keys: Iterable[str]) -> tuple[str, ...]:
        """Those of `keys` that have no row in Paramètres."""
        return tuple(key for key in keys if key not in self.row_ids)

    def problem(self, parameter: Parameter[Any], reason: str) -> Problem:
        """A value refused after reading (e.g. a logo file that is not there), on the row that holds it."""
        return refused(parameter, self.row_ids.get(parameter.key), reason)


def read_parameters(
    rows: pd.DataFrame | Iterable[Any], parameters: Sequence[Parameter[Any]]
) -> tuple[Parameters, list[Problem]]:
    """The values of `parameters` found in the Paramètres rows (a frame or records), and the problems.
    A key on several rows: the last one (highest Id, the latest added) counts, the others are reported
    (a `stop` parameter on several rows stops too)."""
    wanted = {parameter.key: parameter for parameter in parameters}
    latest, twice = _latest_rows(rows, wanted)
    problems: list[Problem] = []
    values: dict[str, Any] = {key: p.default_value for key, p in wanted.items()}
    read: set[str] = set()
    for key, (row_id, raw, _) in latest.items():
        if not raw:
            continue  # empty: as absent
        try:
            values[key] = wanted[key].parse(raw)
            read.add(key)
        except ValueError:
            problems.append(_unreadable(wanted[key], row_id, raw))
    for key, problem in twice:
        if wanted[key].stop:  # which of its rows the coordinator meant is not known
            raise Refused(f"{problem}. {wanted[key].fallback}.")
    row_ids = {key: row_id for key, (row_id, _, _) in latest.items()}
    checked_off = frozenset(key for key, (_, _, ticked) in latest.items() if ticked)
    parameters_read = Parameters(values, row_ids, checked_off, frozenset(wanted) - read)
    return parameters_read, problems + [problem for _, problem in twice]


def _latest_rows(
    rows: pd.DataFrame | Iterable[Any], wanted: Mapping[str, Parameter[Any]]
) -> tuple[dict[str, tuple[int | None, str, bool]], list[tuple[str, Problem]]]:
    """key -> (Id, value stripped, « À vérifier ») of the last row of each wanted key, and the earlier rows of
    a key given twice (key, Problem)."""
    latest: dict[str, tuple[int | None, str, bool]] = {}
    twice: list[tuple[str, Problem]] = []
    for row_id, key, raw, ticked in _rows(rows):
        if key not in wanted:
            continue
        if key in latest:
            reason = f"paramètre « {key} » donné à nouveau ligne Id {row_id} : cette ligne-ci est ignorée"
            twice.append((key, Problem(PARAMETERS.title, latest[key][0], VALUE_FIELD, reason)))
        latest[key] = (row_id, raw.strip(), ticked)
    return latest, twice


def refused(parameter: Parameter[Any], row_id: int | None, reason: str) -> Problem:
    """The one sentence of a refused parameter: "« x » n'est pas … (paramètre « … ») : valeur par défaut … utilisée"."""
    named = f"{reason} (paramètre « {parameter.key} »)"
    return Problem(
        PARAMETERS.title, row_id, VALUE_FIELD, named if parameter.stop else f"{named} : {parameter.instead()}"
    )


def _unreadable(parameter: Parameter[Any], row_id: int | None, raw: str) -> Problem:
    problem = refused(parameter, row_id, f"« {raw} » n'est pas {parameter.expected}")
    if parameter.stop:
        raise Refused(f"{problem}. {parameter.fallback}.")
    return problem


def _rows(rows: pd.DataFrame | Iterable[Any]) -> list[tuple[int | None, str, str, bool]]:
    """(Id, key, value, « À vérifier ») of each row with a key, by Id."""
    pandas = sys.modules.get("pandas")  # not loaded: `rows` cannot be a frame (`./cpts match` needs no pandas)
    if pandas is not None and isinstance(rows, pandas.DataFrame):
        items: Iterable[Any] = rows.sort_values("id").itertuples() if "id" in rows else []
    else:
        items = sorted(rows, key=lambda row: row.id or 0)
    found = []
    for row in items:
        key = text(row.key)
        if key:
            found.append((integer(row.id), key.strip(), text(row.value) or "", flag(row.to_check)))
    return found


# -- parsers -----------------------------------------------------------------------------------------


def whole(low: int, high: int | None = None) -> Callable[[str], int]:
    """A parser of whole numbers from `low` to `high` (no upper limit when None)."""

    def parse(raw: str) -> int:
        if not raw.isdigit() or int(raw) < low or (high is not None and int(raw) > high):
            raise ValueError(raw)
        return int(raw)

    return parse


def parse_amount(raw: str) -> float:
    """ "87 500", "87500 €", "87 500,50", "75 %" -> a number; ValueError otherwise."""
    cleaned = re.sub(r"[\s\u202f\u00a0€%]", "", raw).replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?", cleaned):
        raise ValueError(raw)
    return float(cleaned)


def parse_day(raw: str) -> date:
    """ "2026-11-23" or "23/11/2026" -> a date; ValueError otherwise."""
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw.strip())
    french = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", raw.strip())
    if iso:
        return date(int(iso[1]), int(iso[2]), int(iso[3]))
    if french:
        return date(int(french[3]), int(french[2]), int(french[1]))
    raise ValueError(raw)


def as_text(raw: str) -> str:
    return raw


DAY = "une date (AAAA-MM-JJ ou JJ/MM/AAAA)"

# -- the keys ------------------------------------------------------------------------------------------

CPTS_NAME = Parameter("Nom de la CPTS", as_text, "un nom", description="Nom affiché dans l'application et les exports.")
AG_DATE = Parameter(
    "Date de l'AG",
    parse_day,
    DAY,
    description="Date de l'assemblée générale (AAAA-MM-JJ).",
    fallback="date du jour utilisée",
)
LOGO = Parameter(
    "Logo (chemin du fichier)",
    as_text,
    "un chemin de fichier",
    description="Image (PNG, JPEG) de la page de titre de la présentation d'AG.",
    fallback="présentation sans logo",
)
RETENTION_LIMITS = (1, 240)
RETENTION = Parameter(
    "Durée de conservation (mois)",
    whole(*RETENTION_LIMITS),
    f"un nombre de mois entre {RETENTION_LIMITS[0]} et {RETENTION_LIMITS[1]}",
    "24",
    "Les patients dont la demande est close depuis plus longtemps sont anonymisés par ./cpts purge "
    "(nom, prénom, téléphone, date de naissance et notes effacés ; les chiffres ne changent pas).",
    fallback="Corrigez-le dans NocoDB ou précisez --older-than",
    stop=True,  # never purge with a period the coordinator did not mean
)
IDLE_LIMITS = (5, 24 * 60)
IDLE = Parameter(
    "Déconnexion après inactivité (minutes)",
    whole(*IDLE_LIMITS),
    f"un nombre de minutes entre {IDLE_LIMITS[0]} et {IDLE_LIMITS[1]}",
    "30",
    "Une session de l'application sans activité pendant cette durée est fermée.",
)

# The priority weights of the desk: one per fragility ("Poids ALD"), and one per month of waiting.
_PRIORITY = "dans l'orientation vers un médecin traitant (nombre entier)."
DEFAULT_FRAGILITY_POINTS = dict(zip(Fragility, (40, 20, 15, 15, 10, 10), strict=True))  # ALD first…
WHOLE_POINTS = "un nombre entier positif ou nul"


def weight_key(fragility: str) -> str:
    """The Paramètres key of a fragility's weight, e.g. "Poids ALD"."""
    return f"Poids {fragility}"


FRAGILITY_WEIGHTS = tuple(
    Parameter(
        weight_key(name),
        whole(0),
        WHOLE_POINTS,
        str(points),
        f"Points de priorité pour la fragilité « {name} » {_PRIORITY}",
    )
    for name, points in DEFAULT_FRAGILITY_POINTS.items()
)
PER_MONTH = Parameter(
    "Poids par mois d'attente",
    whole(0),
    WHOLE_POINTS,
    "3",
    f"Points de priorité par mois (30 jours) d'attente {_PRIORITY}",
)
PRIORITY_WEIGHTS = (*FRAGILITY_WEIGHTS, PER_MONTH)


def cpts_name(rows: pd.DataFrame | Iterable[Any], base_title: str) -> str:
    """The name of the CPTS in the exports (AG deck, dialogue de gestion): Paramètres « Nom de la CPTS » (`rows`:
    its rows), else the title of the NocoDB base, else "CPTS"."""
    parameters, _ = read_parameters(rows, (CPTS_NAME,))  # a text: never unreadable
    return (parameters.get(CPTS_NAME) or "").strip() or base_title.strip() or "CPTS"
