"""What bench/region.py measures on the region bench/region_data.py made: the regional figures computed by the
service, « Vue régionale » in Chromium, the read throughput of one engine, and the sizes on disk."""

from __future__ import annotations

import asyncio
import itertools
import os
import statistics
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bench.harness import best_of, say, timed
from bench.pages import app, declared_pages, rounded
from bench.procfs import peak_rss_mb
from domain.access import BOARD, REGION
from domain.permissions import can
from domain.region import WAITING
from schema.models import PATIENTS, TABLES
from services.bases import CptsBase
from settings import Settings, read_secrets
from store.base import Base
from store.copies import SharedTables, Source

EMAIL = "region.bench@ars.fr"
PAGE_TITLE = "Vue régionale"


def rss_mb(pid: int) -> float:
    """The process's resident memory now (VmRSS), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def region_password(settings: Settings) -> str:
    """The bench's région account as `./cpts user add --role région` makes it (commands.users.add_region_user:
    « no-access » on every CPTS base, listed in the regional setting), with a fresh password."""
    from server.users import add_user, admin_client
    from services.bases import cpts_bases
    from services.region import add_regional_user

    with admin_client(settings) as admin:
        made = [
            add_user(admin, base.id, EMAIL, BOARD, reset_password=not n) for n, base in enumerate(cpts_bases(admin))
        ]
    add_regional_user(settings, EMAIL)
    password = made[0].password
    assert password
    return password


# -- the service alone -----------------------------------------------------------------------------------


def service_figures(settings: Settings, plan_sizes: Callable[[int], str], through_api: bool) -> dict[str, Any]:
    """`services.region.region_of` for the région account: through fresh copies of every base (as the app's
    first display), again (copies held, nothing changed), and through the API when asked; the memory the
    copies take in this process, per base."""
    from services.connection import connect
    from services.region import region_of

    today = date.today()
    opened: dict[str, Base] = {}
    memory: list[float] = []

    def open_base(cpts: CptsBase) -> Base:
        if cpts.id not in opened:
            memory.append(rss_mb(os.getpid()))
            opened[cpts.id] = connect(settings, cpts.id)
        return opened[cpts.id]

    say("regional figures through fresh copies of every base…")
    table, first = timed(lambda: region_of(settings, EMAIL, today.year, today, open_base=open_base))
    memory.append(rss_mb(os.getpid()))
    _, again = best_of(3, lambda: region_of(settings, EMAIL, today.year, today, open_base=open_base))
    connections = pg_connections(settings)  # the copies' readers still open: one per base
    grown = [after - before for before, after in itertools.pairwise(memory)]
    by_size: dict[str, list[float]] = {"large": [], "small": []}
    for number, mb in enumerate(grown, start=1):
        by_size[plan_sizes(number)].append(mb)
    figures: dict[str, Any] = {
        "cpts": len(table.names),
        "distinct_names": len(set(table.names)),
        "waiting": int(sum(value or 0 for value in table.column(WAITING).values)),  # a masked CPTS counts 0
        "copies_first_s": rounded(first),
        "copies_again_s": rounded(again),
        "copies_rss_mb": round(memory[-1] - memory[0]),
        "pg_connections": connections,
        "copy_rss_mb_per_base_median": {
            size: round(statistics.median(v)) if v else None for size, v in by_size.items()
        },
    }
    say(f"  {figures}")
    if through_api:
        say("regional figures through the API (as ./cpts deck --region)…")
        _, figures["api_s"] = timed(lambda: region_of(settings, EMAIL, today.year, today))
        figures["api_s"] = rounded(figures["api_s"])
    return figures


# -- the page in Chromium --------------------------------------------------------------------------------


def regional_page(settings: Settings, password: str, cpts: int) -> dict[str, Any]:
    return asyncio.run(_regional_page(settings, password, cpts))


async def _regional_page(settings: Settings, password: str, cpts: int) -> dict[str, Any]:
    """« Vue régionale » on an app started for it: sign-in straight to the page, then first display; the
    other page of the région and back (repeat, median of three); « Rafraîchir » (median of two); then a
    second sign-in straight to the page in a new session (its figures cached: mostly the sign-in's cost)."""
    from bench.browser import chromium, displayed, marker, nav_link, signed_in

    page_of = next(p for p in declared_pages() if p.title == PAGE_TITLE)
    landing = next(p for p in declared_pages() if can(REGION, p.needs) and p is not page_of)
    year = date.today().year

    def shown(page: Any) -> Any:
        return page.get_by_role("heading", name=f"{cpts} CPTS en {year}", exact=True)

    async with chromium() as browser:
        with app(settings, "shared") as (url, pid):
            idle = rss_mb(pid)
            say(f"  app started ({idle:.0f} MB): signing in as région on {PAGE_TITLE}…")
            page, first = await timed_async(
                signed_in(browser, f"{url}/{page_of.url_path}", EMAIL, password, shown, choose=cpts > 1)
            )
            say(f"  first display (sign-in included) {first:.1f} s")
            repeats, refreshes = [], []
            for _ in range(3):
                await displayed(page, nav_link(page, landing.title).click, marker(page, landing.title, landing.default))
                repeats.append(await displayed(page, nav_link(page, PAGE_TITLE).click, shown(page)))
            button = page.get_by_role("button", name="Rafraîchir")
            for _ in range(2):
                refreshes.append(await displayed(page, button.click, shown(page)))
            await page.context.close()
            page, again = await timed_async(  # the sign-in's own cost: the same, the page's figures cached
                signed_in(browser, f"{url}/{page_of.url_path}", EMAIL, password, shown, choose=cpts > 1)
            )
            await page.context.close()
            figures = {
                "first_s": rounded(first),
                "second_sign_in_s": rounded(again),
                "repeat_s": rounded(statistics.median(repeats)),
                "refresh_s": rounded(statistics.median(refreshes)),
                "landing_between": landing.title,
                "app_rss_idle_mb": round(idle),
                "app_rss_peak_mb": peak_rss_mb(pid),
            }
    say(f"  {figures}")
    return figures


async def timed_async(awaitable: Any) -> tuple[Any, float]:
    import time

    start = time.perf_counter()
    result = await awaitable
    return result, time.perf_counter() - start


# -- one engine: throughput and sizes ----------------------------------------------------------------------


def direct_source(settings: Settings, base: Base) -> Source:
    """The shared copy's direct reader of the engine: NocoDB's SQLite file, else the data folder's cluster."""
    from store import postgres
    from store.sqlite import SqliteSource

    if settings.nocodb_file is not None:
        return SqliteSource(base, settings.nocodb_file)
    database = postgres.conninfo(read_secrets(settings.secrets_path))
    assert database is not None
    return postgres.PgSource(base, database)


def throughput(settings: Settings, base: Base) -> dict[str, Any]:
    """Patients read whole through the direct reader (best of three, after one read that prepares its query)
    and through the API; every table copied (as the app's first read), then the check with nothing changed:
    the stamp alone, and every table's shape (« Rafraîchir »)."""
    source = direct_source(settings, base)
    handle = base.handle(PATIENTS)
    source.read([handle], frozenset())
    (_, rows), direct_s = best_of(3, lambda: source.read([handle], frozenset()))
    read = rows[PATIENTS.key]
    assert read is not None  # a whole read (nothing held) always gives the rows
    count = len(read.values)
    api_rows, api_s = timed(lambda: list(base.client.records(base.id, handle.id)))
    shared = SharedTables(base, source)
    _, copy_s = timed(lambda: shared.loaded(TABLES))
    _, stamp_s = best_of(5, lambda: shared.loaded(TABLES))
    _, check_s = best_of(3, shared.refresh)
    return {
        "patients": count,
        "direct_ms": round(direct_s * 1000, 1),
        "direct_rows_per_s": round(count / direct_s),
        "api_s": rounded(api_s),
        "api_rows_per_s": round(len(api_rows) / api_s),
        "copy_every_table_s": rounded(copy_s),
        "check_unchanged_stamp_ms": round(stamp_s * 1000, 1),
        "check_unchanged_every_table_ms": round(check_s * 1000, 1),
    }


def pg_connections(settings: Settings) -> int:
    """The connections PostgreSQL has open now (NocoDB's pool, the copies' readers, this one)."""
    import psycopg

    from store.postgres import conninfo

    database = conninfo(read_secrets(settings.secrets_path))
    assert database is not None
    with psycopg.connect(database, autocommit=True) as connection:
        found = connection.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")
        row = found.fetchone()
    return int(row[0]) if row else 0


def pg_sizes(settings: Settings, bases: list[Base], sizes: Callable[[int], str], patients: int) -> dict[str, Any]:
    """PostgreSQL's database, each base's schema (NocoDB's: named after the base id) by demo size, the largest
    of NocoDB's own tables (schema public: its meta and history of changes); bytes
    per patient of CPTS 1 (`patients` patients: its whole schema, and its Patients table alone)."""
    import psycopg

    from store.postgres import conninfo

    database = conninfo(read_secrets(settings.secrets_path))
    assert database is not None
    schema_size = (
        "SELECT coalesce(sum(pg_total_relation_size(format('%%I.%%I', table_schema, table_name))), 0) "
        "FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'"
    )
    patients_table = bases[0].client.table(bases[0].handle(PATIENTS).id)["table_name"]
    with psycopg.connect(database, autocommit=True) as connection:

        def number(query: str, *values: str) -> int:
            found = connection.execute(query, values).fetchone()
            return int(found[0]) if found else 0

        total = number("SELECT pg_database_size(current_database())")
        per_base = [number(schema_size, base.id) for base in bases]
        table = number(
            "SELECT pg_total_relation_size(format('%%I.%%I', %s::text, %s::text))", bases[0].id, patients_table
        )
        meta = connection.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY 2 DESC LIMIT 3"
        ).fetchall()
    by_size: dict[str, list[int]] = {"large": [], "small": []}
    for position, size in enumerate(per_base, start=1):
        by_size[sizes(position)].append(size)
    return {
        "database_mb": round(total / 2**20),
        "schema_mb": {size: round(statistics.mean(v) / 2**20, 1) if v else None for size, v in by_size.items()},
        "outside_schemas_mb": round((total - sum(per_base)) / 2**20),
        "largest_meta_tables_mb": {str(name): round(int(size) / 2**20) for name, size in meta},
        "cpts1_bytes_per_patient": round(per_base[0] / patients),
        "cpts1_patients_table_bytes_per_patient": round(table / patients),
    }


def sqlite_size(settings: Settings, patients: int) -> dict[str, Any]:
    path = settings.nocodb_file
    assert path is not None
    files = [path, path.with_name(path.name + "-wal")]
    total = sum(f.stat().st_size for f in files if f.is_file())
    return {"file_mb": round(total / 2**20), "bytes_per_patient": round(total / patients)}
