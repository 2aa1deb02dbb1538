"""How a record attribute maps to a NocoDB field: its French title, its kind and its options.

A record model (see `schema.models`) declares each attribute with `column(...)`; the table spec
and the migration read these declarations back, so the models are the one description of the base.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any, Generic, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic.config import JsonDict

INSEE_PATTERN = r"^(\d{5}|2[AB]\d{3})$"  # a commune's INSEE code, in every table that names a commune

# Professions of the RPPS/ADELI directory (code → label), then the non-RPPS members of a CPTS.
RPPS_PROFESSIONS: dict[str, str] = {
    "10": "Médecin",
    "21": "Pharmacien",
    "40": "Chirurgien-dentiste",
    "50": "Sage-femme",
    "60": "Infirmier",
    "70": "Masseur-kinésithérapeute",
    "80": "Pédicure-podologue",
    "91": "Orthophoniste",
    "92": "Orthoptiste",
    "94": "Ergothérapeute",
    "95": "Diététicien",
    "96": "Psychomotricien",
}
PROFESSIONS = (*RPPS_PROFESSIONS.values(), "Psychologue", "Travailleur social", "Autre")


class Kind(StrEnum):
    """NocoDB's field types (`uidt`) that the base uses."""

    TEXT = "SingleLineText"
    LONG_TEXT = "LongText"
    NUMBER = "Number"
    DECIMAL = "Decimal"
    CURRENCY = "Currency"
    CHECKBOX = "Checkbox"
    SELECT = "SingleSelect"
    MULTI_SELECT = "MultiSelect"
    DATE = "Date"
    DATETIME = "DateTime"
    EMAIL = "Email"
    PHONE = "PhoneNumber"
    LINK = "Links"
    ATTACHMENT = "Attachment"  # files, as NocoDB lists them (read only: never written by the app)


def _plain(item: Any) -> Any:
    return item.value if isinstance(item, StrEnum) else item


@dataclass(frozen=True)
class FieldSpec:
    """One field of a NocoDB table, as the spec wants it."""

    attr: str
    title: str
    kind: Kind
    options: tuple[str, ...] = ()
    target: str | None = None  # for links: the title of the table pointed to
    unique: bool = False
    description: str = ""


def column(
    title: str,
    kind: Kind,
    *,
    options: tuple[str, ...] = (),
    target: str | None = None,
    unique: bool = False,
    description: str = "",
    default: Any = None,
    **constraints: Any,
) -> Any:
    """Declare a record attribute stored in the NocoDB field `title` of the given kind.

    Links (`Kind.LINK`) point to one record of `target` (a many-to-one link, picked in the grid).
    Extra keyword arguments are pydantic constraints (`pattern`, `ge`, `max_length`, ...).
    """
    extra: JsonDict = {
        "nocodb": {
            "title": title,
            "kind": kind.value,
            "options": list(options),
            "target": target,
            "unique": unique,
            "description": description,
        }
    }
    factory = list if kind is Kind.MULTI_SELECT and default is None else None
    if factory is not None:
        return Field(default_factory=factory, json_schema_extra=extra, **constraints)
    return Field(default=default, json_schema_extra=extra, **constraints)


class Record(BaseModel):
    """Base of the record models: one row of a NocoDB table, with English attributes."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True, str_strip_whitespace=True)

    id: int | None = None  # NocoDB's `Id`, None for a record not yet written

    @field_validator("*", mode="after")
    @classmethod
    def _known_options(cls, value: Any, info: ValidationInfo) -> Any:
        """A select field only takes the options of the spec; an option given as a StrEnum member is kept as its
        plain text, as NocoDB gives it back (sets and comparisons of exact strings are several times faster)."""
        options = cls.options().get(str(info.field_name))
        if options and value is not None:
            items = [_plain(item) for item in value] if isinstance(value, list) else [_plain(value)]
            value = items if isinstance(value, list) else items[0]
            for item in items:
                if item not in options:
                    raise ValueError(f"« {item} » n'est pas une option ({', '.join(options)})")
        return value

    @classmethod
    @cache
    def options(cls) -> dict[str, tuple[str, ...]]:
        """The allowed options of each select attribute."""
        return {spec.attr: spec.options for spec in cls.fields() if spec.options}

    @classmethod
    @cache
    def fields(cls) -> tuple[FieldSpec, ...]:
        """The NocoDB fields of this record, in declaration order (computed once per model: read per row)."""
        specs = []
        for attr, info in cls.model_fields.items():
            extra = info.json_schema_extra
            if not isinstance(extra, dict) or "nocodb" not in extra:
                continue
            meta = cast(dict[str, Any], extra["nocodb"])
            specs.append(
                FieldSpec(
                    attr=attr,
                    title=meta["title"],
                    kind=Kind(meta["kind"]),
                    options=tuple(meta["options"]),
                    target=meta["target"],
                    unique=meta["unique"],
                    description=meta["description"],
                )
            )
        return tuple(specs)


R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class TableSpec(Generic[R]):
    """One NocoDB table: its French title, its English key and the record model `R` of its rows.
    `patients`: its rows describe patients (identities, health data, who saw whom), so any value read from
    it is patient data — in a problem report too (`domain.problems.as_seen_by`)."""

    key: str
    title: str
    model: type[R]
    description: str = ""
    patients: bool = False

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        return self.model.fields()

    def field(self, attr: str) -> FieldSpec:
        for spec in self.fields:
            if spec.attr == attr:
                return spec
        raise KeyError(f"{self.title} has no attribute {attr!r}")


def french_reason(error: Any) -> str:
    """A pydantic error told in French, with the value that was refused."""
    kind, context, value = error["type"], error.get("ctx") or {}, error.get("input")
    shown = f"« {value} »"
    reasons = {
        "string_pattern_mismatch": f"{shown} n'a pas le format attendu",
        "greater_than_equal": f"{shown} doit être au moins {context.get('ge')}",
        "less_than_equal": f"{shown} doit être au plus {context.get('le')}",
        "int_parsing": f"{shown} n'est pas un nombre entier",
        "int_from_float": f"{shown} n'est pas un nombre entier",
        "decimal_parsing": f"{shown} n'est pas un nombre",
        "date_from_datetime_parsing": f"{shown} n'est pas une date (AAAA-MM-JJ)",
        "date_parsing": f"{shown} n'est pas une date (AAAA-MM-JJ)",
        "datetime_parsing": f"{shown} n'est pas une date et heure",
        "bool_parsing": f"{shown} n'est pas oui/non",
        "string_type": f"{shown} n'est pas un texte",
    }
    if kind == "value_error":
        return str(context.get("error") or error["msg"])
    return reasons.get(kind, f"{shown} refusé ({error['msg']})")
