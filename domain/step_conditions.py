"""The « Condition » of a pathway step (table Étapes de parcours), parsed into a `Rule` for `domain.pathways`.

What the columns cannot say goes in « Condition »: clauses separated by « ; », case ignored.

    grade podologique N        only for enrolments of foot grade N (0 to 3)
    N par an                   N times a year: the next one 12/N months after the last (replaces the interval)
    N premiers à M mois        the first N are M months apart, then the interval applies
    M mois si risque faible    the interval for enrolments marked « Risque faible »
    M mois après <étape>       first due M months after the last <étape> (a step title of the same pathway);
                               a one-off step also waits for <étape>. « après <étape> » alone: 0 months
    sur indication[ : texte]   decided by a clinician (e.g. colonoscopy after a positive test): never due by
                               itself; a one-off step after it waits until it is done

Examples: cervical cytology « 2 premiers à 12 mois » (interval 36); HPV test « 36 mois après Examen
cytologique » (interval 60); podiatry « grade podologique 3 ; 8 par an »; eye fundus « 24 mois si risque
faible » (interval 12).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

# The forms of « Condition » and what each does, in French (shown to coordinators).
VOCABULARY: tuple[tuple[str, str], ...] = (
    ("grade podologique N", "étape réservée aux inscriptions de grade podologique N (0 à 3)"),
    ("N par an", "N fois par an : la suivante 12/N mois après la dernière (remplace l'intervalle)"),
    ("N premiers à M mois", "les N premiers à M mois d'intervalle, puis l'intervalle de l'étape"),
    ("M mois si risque faible", "intervalle des inscriptions cochées « Risque faible »"),
    (
        "M mois après <étape>",
        "la première due M mois après la dernière <étape> (titre d'une étape du même parcours) ; "
        "une étape unique attend aussi <étape>",
    ),
    ("sur indication : texte", "décidée par un clinicien : jamais due d'office, la date se saisit une fois faite"),
)
_CLAUSES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("foot_grade", re.compile(r"grade podologique ([0-3])")),
    ("per_year", re.compile(r"(\d+) (?:fois |séances? )?par an")),
    ("first", re.compile(r"(\d+) premi(?:er|ère)s? à (\d+) mois")),
    ("low_risk", re.compile(r"(\d+) mois si risque faible")),
    ("after", re.compile(r"(?:(\d+) mois )?après (.+)")),
    ("on_indication", re.compile(r"sur indication\b.*")),
)


class ConditionError(ValueError):
    """A « Condition » the rules do not understand (message in French)."""


@dataclass(frozen=True)
class Rule:
    """What a step's « Condition » says, parsed."""

    foot_grade: int | None = None
    per_year: int | None = None
    first_count: int = 0
    first_months: int = 0
    low_risk_months: int | None = None
    after_title: str | None = None
    after_months: int = 0
    on_indication: bool = False


def parse_condition(text: str | None) -> Rule:
    """The rule written in a step's « Condition » (see the module docstring); raises ConditionError."""
    rule = Rule()
    for clause in (part for part in normalise(text or "").split(";") if part.strip()):
        rule = _with_clause(rule, clause.strip())
    return rule


def normalise(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).lower()


def _with_clause(rule: Rule, clause: str) -> Rule:
    for name, pattern in _CLAUSES:
        match = pattern.fullmatch(clause)
        if match is None:
            continue
        if name == "foot_grade":
            return replace(rule, foot_grade=int(match[1]))
        if name == "per_year":
            return replace(rule, per_year=_positive(match[1], clause))
        if name == "first":
            return replace(rule, first_count=_positive(match[1], clause), first_months=_positive(match[2], clause))
        if name == "low_risk":
            return replace(rule, low_risk_months=_positive(match[1], clause))
        if name == "after":
            return replace(rule, after_title=match[2].strip(" «»\"'"), after_months=int(match[1] or 0))
        return replace(rule, on_indication=True)
    raise ConditionError(
        f"« {clause} » n'est pas compris (formes possibles : {' ; '.join(form for form, _ in VOCABULARY)})"
    )


def _positive(digits: str, clause: str) -> int:
    if int(digits) == 0:
        raise ConditionError(f"« {clause} » : le nombre doit être au moins 1")
    return int(digits)
