"""What `./cpts status` and `./cpts migrate` do with NocoDB: report the servers and the base, bring the base's
schema up to date."""

from __future__ import annotations

from typing import Any

import httpx

from errors import CptsError
from services.connection import connect
from services.seed import row_counts
from settings import Settings
from store.client import NocoClient
from store.migrate import MigrationReport
from store.migrate import migrate as migrate_base


def status(config: Settings) -> dict[str, Any]:
    """NocoDB and the app (address, answering or not), the base, its row counts per table and its schema drift.
    A base that cannot be read is reported in « error » (French), not raised."""
    probe = NocoClient(config.nocodb_url, retries=0)
    healthy = probe.healthy()
    report: dict[str, Any] = {
        "nocodb": {"url": config.nocodb_url, "healthy": healthy, "version": probe.version() if healthy else None},
        "app": {"url": config.app_url, "healthy": app_healthy(config)},
        "base": None,
        "tables": {},
        "drift": [],
    }
    probe.close()
    if not healthy:
        return report
    try:
        base = connect(config)
        report["base"] = {"id": base.id, "title": base.title}
        report["drift"] = [str(d) for d in migrate_base(base.client, base.id, apply=False).drift]
        report["tables"] = row_counts(base)
    except CptsError as exc:
        report["error"] = str(exc)
    return report


def app_healthy(config: Settings) -> bool:
    try:
        return httpx.get(f"{config.app_url}/_stcore/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def migrate(config: Settings) -> MigrationReport:
    """Add to the base what the schema has and the base lacks (nothing is removed)."""
    base = connect(config)
    return migrate_base(base.client, base.id)
