"""The regional view's use cases: who is région (the server's regional setting), the CPTS of their region (the
CPTS bases they have a role on, `services.bases.user_bases`), and each CPTS's figures read from its own base
with the reads of the bureau's board (`domain.board.BOARD_TABLES`), then put side by side (`domain.region`).
Through a base's shared copy, a CPTS's figures are computed once per version of those tables (`figures_of`):
« Rafraîchir » with nothing written since checks each base and computes nothing again.

The regional setting is a file of the data folder, `region.txt`: one e-mail a line (private, like
secrets.env). `./cpts user add EMAIL --role région` writes it and gives the account « no-access » on every
CPTS base of the server: NocoDB shows them no row; the app reads with its own token.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from domain.ag.slides import DeckData
from domain.board import BOARD_TABLES
from domain.desk import DeskRecords
from domain.parameters import cpts_name
from domain.region import CptsFigures, RegionTable, cpts_figures, region_table
from domain.region_deck import region_deck
from schema.models import MEMBERS, PARAMETERS, PATIENTS
from services.bases import CptsBase, cpts_bases, user_bases
from services.connection import api_client
from services.deck import write_deck
from services.tables import Progress, load_records, tables_of
from settings import Settings, write_private
from store.base import Base
from store.client import NocoClient
from store.records import Loaded

REGION_FILE = "region.txt"


def region_file(settings: Settings) -> Path:
    return settings.data_dir / REGION_FILE


def regional_users(settings: Settings) -> frozenset[str]:
    """The e-mails of the regional setting (lower case); none when the file is absent."""
    path = region_file(settings)
    if not path.is_file():
        return frozenset()
    lines = (line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def add_regional_user(settings: Settings, email: str) -> None:
    """List `email` in the regional setting (once)."""
    users = regional_users(settings) | {email.strip().lower()}
    path = region_file(settings)
    write_private(path, "".join(f"{user}\n" for user in sorted(users)))


def region_bases(client: NocoClient, email: str) -> list[CptsBase]:
    """The CPTS of `email`'s region: the CPTS bases they have a role on."""
    return user_bases(client, email)


def read_figures(
    bases: Sequence[CptsBase], open_base: Callable[[CptsBase], Base], year: int, today: date, progress: Progress
) -> list[CptsFigures]:
    """Each CPTS's figures for `year`, read from its base now (`open_base`: the `Base` to read it through)."""
    made = []
    for cpts in bases:
        progress(f"Lecture de {cpts.title}…")
        made.append(figures_of(open_base(cpts), cpts.title, year, today))
    return made


def figures_of(base: Base, title: str, year: int, today: date) -> CptsFigures:
    """One CPTS's figures for `year`, read now (`title`: the base's, its name when Paramètres has none); through
    the base's shared copy, computed again only when one of the tables they come from changed, once for two
    callers at once (two sessions, or a session and the warm-up of `views.warm`): what it returns is shared,
    never change it."""
    shared = base.shared
    if shared is None:
        return computed_figures(load_records(base, BOARD_TABLES), title, year, today)
    return shared.computed(
        "région", BOARD_TABLES, (title, year, today), lambda loaded: computed_figures(loaded, title, year, today)
    )


def computed_figures(loaded: dict[str, Loaded[Any]], title: str, year: int, today: date) -> CptsFigures:
    frames = tables_of(loaded).frames
    desk = DeskRecords(loaded[PATIENTS.key].records, loaded[MEMBERS.key].records, [])
    return cpts_figures(cpts_name(frames[PARAMETERS.key], title), frames, desk, year, today)


def region_of(
    settings: Settings,
    email: str | None,
    year: int,
    today: date,
    progress: Progress = lambda _: None,
    open_base: Callable[[CptsBase], Base] | None = None,
) -> RegionTable:
    """The regional table of `email`'s region for `year` (None: of every CPTS base of the server), each base
    read through `open_base` (the app's: with its shared copy of the tables), else through the API."""
    with api_client(settings) as client:
        bases = cpts_bases(client) if email is None else region_bases(client, email)
        opened = open_base or (lambda cpts: Base(client, cpts.id, cpts.title))
        return region_table(read_figures(bases, opened, year, today, progress), year)


def deck(
    settings: Settings, year: int, today: date, target: Path, *, pdf: bool, progress: Progress = lambda _: None
) -> DeckData:
    """The regional presentation of every CPTS of the server for `year`, written to `target` (PPTX) and, when
    `pdf`, next to it as PDF."""
    made = region_deck(region_of(settings, None, year, today, progress), today)
    progress("Création du PowerPoint…")
    write_deck(made, target, pdf=pdf, progress=progress)
    return made
