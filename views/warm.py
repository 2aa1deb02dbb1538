"""What the app makes before its server starts (`serve.py`), before anyone signs in.

An app serving one CPTS: every table read into the shared copy, the desk's priorities, vl-convert's engine (charts), this year's board
figures and AG deck, À relancer's overdue steps, so that the first page shown after `./cpts up` is as quick
as the next ones. Pages make the same things the same way when it has not run.

An app serving every CPTS of the server, on a server with région accounts (`services.region.regional_users`):
each CPTS base's board tables and this year's regional figures read in the background, after the start, one
base after the other, into the copy of that base the page Vue régionale reads through
(`views.common.base_of`), so that its first display does not read every base. Nothing is held across bases: a
région user arriving meanwhile waits at most for the base being read, then reads the others themselves.

Low priority here is one thread reading one base at a time, never the OS niceness of that thread: a thread
starved by the OS while it holds the interpreter lock would stall every session of the app (measured once with
this thread at niceness 19, each base's figures then also computed twice: a région user arriving at once waited
67 s instead of 33 s, under a load of 25; README « Dimensionner une région »).
"""

from __future__ import annotations

import logging
import threading
from datetime import date

from domain import communes
from errors import CptsError
from schema.models import TABLES
from services.bases import cpts_bases
from services.connection import api_client
from services.region import figures_of, regional_users
from services.tables import load_records
from settings import Settings, communes_dir
from views import charts
from views.board_data import board_report, made_deck
from views.common import base_of, current_base, served_base_id, the_cpts_name
from views.desk_common import desk_data, waiting_rows
from views.follow_up_data import EXTRA, overdue
from views.pathway_data import pathway_state

log = logging.getLogger(__name__)


def warm_up() -> threading.Thread | None:
    """Read and make what the first pages need; a failure is left for the first page to explain. Returns the
    background thread of the regional warm-up when one was started (`start_region_warm_up`)."""
    try:
        communes.use_data_dir(communes_dir())
        charts.warm_up()
        if served_base_id() is None:  # every CPTS of the server: the one of a session is chosen at sign-in
            return start_region_warm_up(Settings.from_env())
        base = current_base()
        if base.shared is None:  # CPTS_STORE=whole: nothing is kept to share
            return None
        load_records(base, TABLES)
        today = date.today()
        waiting_rows(desk_data(), today)
        board_report(today.year)
        made_deck(today.year, the_cpts_name())
        overdue(pathway_state(EXTRA, today), today)
    except CptsError as error:
        log.warning("Préchargement interrompu : %s", error)
    return None


def start_region_warm_up(settings: Settings) -> threading.Thread | None:
    """`warm_region` in a background thread, when the server has région accounts and the app keeps copies;
    None (nothing read) otherwise."""
    if not settings.shared_store or not regional_users(settings):
        return None
    thread = threading.Thread(target=warm_region, args=(settings,), name="warm-up-région", daemon=True)
    thread.start()
    return thread


def warm_region(settings: Settings) -> None:
    """Each CPTS base's board tables and this year's figures (`services.region.figures_of`) read through the
    app's copy of that base, one base after the other; what fails is logged, the next base read."""
    today = date.today()
    try:
        with api_client(settings) as client:
            bases = cpts_bases(client)
    except CptsError as error:
        log.warning("Préchargement régional interrompu : %s", error)
        return
    for cpts in bases:
        try:
            figures_of(base_of(cpts.id), cpts.title, today.year, today)
        except Exception:  # a background read must never stop the app: the page will say what fails
            log.exception("Préchargement régional de « %s » interrompu", cpts.title)
    log.info("Préchargement régional terminé : %d CPTS", len(bases))
