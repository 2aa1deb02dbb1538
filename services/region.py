"""The regional view's use cases: who is région (the server's regional setting), the CPTS of their region (the
CPTS bases they have a role on, `services.bases.user_bases`), and each CPTS's figures read from its own base
with the AG deck's reads (`services.deck.load_deck_inputs`), then put side by side (`domain.region`).

The regional setting is a file of the data folder, `region.txt`: one e-mail a line (private, like
secrets.env). `./cpts user add EMAIL --role région` writes it and gives the account « no-access » on every
CPTS base of the server: NocoDB shows them no row; the app reads with its own token.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from domain.ag.slides import DeckData
from domain.parameters import cpts_name
from domain.region import CptsFigures, RegionTable, cpts_figures, region_table
from domain.region_deck import region_deck
from schema.models import PARAMETERS
from services.bases import CptsBase, cpts_bases, user_bases
from services.connection import api_client
from services.deck import load_deck_inputs, write_deck
from services.tables import Progress
from settings import Settings, write_private
from store.base import Base
from store.client import NocoClient

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
        inputs = load_deck_inputs(open_base(cpts))
        name = cpts_name(inputs.frames[PARAMETERS.key], cpts.title)
        made.append(cpts_figures(name, inputs.frames, inputs.desk, year, today))
    return made


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
