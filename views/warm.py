"""What the app makes before its server starts (`serve.py`), before anyone signs in: every table read into the
shared copy, the desk's priorities, this year's board figures and AG deck, so that the first page shown after
`./cpts up` is as quick as the next ones. Pages make the same things the same way when it has not run."""

from __future__ import annotations

import logging
from datetime import date

from domain import communes
from errors import CptsError
from schema.models import TABLES
from services.tables import load_records
from settings import communes_dir
from views.board_data import board_report, made_deck
from views.common import current_base, the_cpts_name
from views.desk_common import desk_data, waiting_rows

log = logging.getLogger(__name__)


def warm_up() -> None:
    """Read and make what the first pages need; a failure is left for the first page to explain."""
    try:
        communes.use_data_dir(communes_dir())
        base = current_base()
        if base.shared is None:  # CPTS_STORE=whole: nothing is kept to share
            return
        load_records(base, TABLES)
        today = date.today()
        waiting_rows(desk_data(), today)
        board_report(today.year)
        made_deck(today.year, the_cpts_name())
    except CptsError as error:
        log.warning("Préchargement interrompu : %s", error)
