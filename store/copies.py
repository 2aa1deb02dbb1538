"""One copy of the base's tables per app process, shared by every session, kept fresh by re-validating
only the rows that changed.

A page asks `SharedTables.loaded(specs)`: it gets the tables as last read, re-read first when the last check
is older than `check_every` seconds (or when asked to, after a write or on « Rafraîchir »). A re-read is cheap
when nothing changed (the SQLite source knows it for free) and, when rows did change, only those rows are
validated again; a table whose rows are all the same keeps its version, so what is derived from it stays
valid (`SharedTables.computed`: once per version of its tables, for every caller). One refresh runs at a
time; sessions arriving meanwhile are served the copy they would have had.
A refresh that fails keeps the last good copy whole and says since when it fails (`Freshness`). A `Keeper`
keeps the copies between processes: a process starts from the copy the last one kept, and reads and
validates only the rows changed since (`store.snapshot`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple, Protocol, TypeVar, cast

from domain.problems import Problem
from errors import CptsError
from schema.fields import TableSpec
from store.base import Base, TableHandle
from store.records import Loaded, duplicates, patched_frame, read_columns, row_keys
from store.validate import validate_read


class Rows(NamedTuple):
    """A table's rows as read: the key of each column (as the v2 data API names them, "Id" first) and the
    values of each row in that order."""

    keys: list[str]
    values: list[tuple[Any, ...]]
    partial: bool = False  # only rows that may have changed: the others are as last read


T = TypeVar("T")
Validate = Callable[[TableSpec[Any], list[dict[str, Any]]], tuple[list[Any], list[Problem]]]


class Source(Protocol):
    def stamp(self) -> Hashable | None:
        """A cheap token that changes whenever anything may have changed (None: unknown, read again)."""
        ...

    def read(self, handles: Sequence[TableHandle], have: frozenset[str]) -> tuple[Hashable, dict[str, Rows | None]]:
        """The stamp of what is read, and every row of these tables, by table key, as the v2 data API gives
        them; None for a table of `have` (the keys the caller holds a copy of) that the source knows has not
        changed since its last read, `Rows.partial` for only the rows that may have changed."""
        ...

    def memo(self, handle: TableHandle) -> Any | None:
        """What the source remembers of the table's last read (None: nothing), kept with the copy of its rows
        in another process (`Keeper`)."""
        ...

    def remember(self, handle: TableHandle, memo: Any) -> None:
        """Take `memo` (what `memo` gave in another process) as the table's last read: the caller holds the
        rows of that read."""
        ...


class ApiSource:
    """Whole tables read through NocoDB's data API (a NocoDB elsewhere, or on another database)."""

    def __init__(self, base: Base) -> None:
        self.base = base

    def stamp(self) -> Hashable | None:
        return None

    def read(self, handles: Sequence[TableHandle], have: frozenset[str]) -> tuple[Hashable, dict[str, Rows | None]]:
        return None, {handle.spec.key: self._rows(handle) for handle in handles}

    def memo(self, handle: TableHandle) -> Any | None:
        return None

    def remember(self, handle: TableHandle, memo: Any) -> None:
        pass

    def _rows(self, handle: TableHandle) -> Rows:
        keys = row_keys(handle)
        pages = self.base.client.pages(self.base.id, handle.id, fields=keys)
        return Rows(keys, [tuple(row.get(key) for key in keys) for page in pages for row in page])


class Freshness(NamedTuple):
    read_at: float | None  # time.time() when the copy was last known equal to NocoDB
    failing_since: float | None  # first failed refresh since then (the copy is kept meanwhile)
    error: CptsError | None  # the last failure


class Change(NamedTuple):
    validated: int  # rows validated again (added or changed)
    dropped: bool  # rows deleted


NO_CHANGE = Change(0, False)


@dataclass(frozen=True)
class TableCopy:
    """One table as last read: its records and problems, and the raw rows they came from (to find changes)."""

    loaded: Loaded[Any]
    raw: dict[int, tuple[Any, ...]]
    row_problems: dict[int, list[Problem]]
    version: int
    change: Change = NO_CHANGE  # how it differs from the copy it was made from


Computation = tuple[str, tuple[str, ...]]  # what `SharedTables.computed` makes: its name, its tables' keys


def _versions(copies: dict[str, TableCopy], specs: Sequence[TableSpec[Any]]) -> tuple[int, ...]:
    """The version of each of these tables in `copies` (one swap of the shared copy: read it once)."""
    return tuple(copies[spec.key].version for spec in specs)


def _older(versions: tuple[int, ...], than: tuple[int, ...]) -> bool:
    """Whether a table of `versions` is older than the same table in `than` (a caller that checked the tables
    before a refresh swapped them)."""
    return any(a < b for a, b in zip(versions, than, strict=True))


class Results(NamedTuple):
    """What one computation of `SharedTables.computed` made, by key, from these versions of its tables."""

    versions: tuple[int, ...]
    made: dict[Hashable, Any]


class Keeper(Protocol):
    """Where copies are kept between processes (`store.snapshot`)."""

    def load(self, handle: TableHandle) -> tuple[TableCopy, Any] | None:
        """The table's kept copy and the source's memo of the read it came from, None if there is none fit
        for the table as the source now reads it."""
        ...

    def save(self, handle: TableHandle, copy: TableCopy, memo: Any) -> None:
        """Keep this copy, read when the source's memo of the table was `memo` (soon: it may be written after
        the call returns), unless its change from the copy before is not worth the writing."""
        ...

    def discard(self) -> None:
        """Remove every kept copy (after values were erased: none may stay on disk)."""
        ...


class SharedTables:
    """The tables of one base, as last read, shared by every session of the app process."""

    def __init__(
        self,
        base: Base,
        source: Source,
        check_every: float = 0.0,
        validate: Validate = validate_read,
        keeper: Keeper | None = None,
    ):
        self.base = base
        self.source = source
        self.check_every = check_every  # seconds between two checks of a table when nobody asks to refresh
        self.validate = validate
        self.keeper = keeper  # copies kept between processes: a table not held yet starts from its kept copy
        self._copies: dict[str, TableCopy] = {}
        self._checked_at: dict[str, float] = {}
        self._stamps: dict[str, Hashable] = {}  # the source's stamp when each table was last read
        self._versions = 0
        self._lock = threading.Lock()
        self._freshness = Freshness(None, None, None)
        self._results: dict[Computation, Results] = {}  # what `computed` made from the latest versions
        self._results_lock = threading.Lock()
        self._computing: dict[Computation, threading.RLock] = {}  # one computation of each at a time

    def forget_kept(self) -> None:
        """Remove the copies kept on disk (`./cpts purge` after erasing): the next process reads whole tables."""
        if self.keeper is not None:
            self.keeper.discard()

    def loaded(self, specs: Sequence[TableSpec[Any]], *, refresh: bool = False) -> dict[str, Loaded[Any]]:
        """These tables (by key), re-read first if asked to or if last checked over `check_every` ago.
        Raises the error of a failed read only when there is no copy yet to serve."""
        now = time.monotonic()
        stale = [s for s in specs if refresh or now - self._checked_at.get(s.key, -1e9) >= self.check_every]
        if stale:
            self._refresh(stale, wait=refresh or any(s.key not in self._stamps for s in specs))
        copies = self._copies
        return {spec.key: copies[spec.key].loaded for spec in specs}

    def versions(self, specs: Sequence[TableSpec[Any]]) -> tuple[int, ...]:
        """The version of each table as last read: what a figure derived from them can be cached by."""
        return _versions(self._copies, specs)

    def computed(
        self,
        name: str,
        specs: Sequence[TableSpec[Any]],
        key: Hashable,
        compute: Callable[[dict[str, Loaded[Any]]], T],
    ) -> T:
        """`compute(tables)`, derived from these tables (checked first, see `loaded`) and `key`: computed once
        per version of the tables and shared by every caller, what it returns is shared, never change it.
        Callers asking at once wait for the first one's result; of each `name` and tables, only results of
        the latest versions of the tables are kept."""
        self.loaded(specs)
        copies = self._copies  # one copy of every table: the versions are those of the tables computed from
        versions = _versions(copies, specs)
        tables = {spec.key: copies[spec.key].loaded for spec in specs}
        computation = (name, tuple(spec.key for spec in specs))
        found = self._result(computation, versions, key)
        if found is not None:
            return cast(T, found[0])
        with self._computing_lock(computation):
            found = self._result(computation, versions, key)  # made meanwhile by the caller that held the lock
            if found is not None:
                return cast(T, found[0])
            made = compute(tables)
            self._keep_result(computation, versions, key, made)
        return made

    def _result(self, computation: Computation, versions: tuple[int, ...], key: Hashable) -> tuple[Any] | None:
        """The result for `key` at these versions, in a 1-tuple (it may be None), None if not made."""
        with self._results_lock:
            held = self._results.get(computation)
            if held is None or held.versions != versions or key not in held.made:
                return None
            return (held.made[key],)

    def _computing_lock(self, computation: Computation) -> threading.RLock:
        with self._results_lock:
            return self._computing.setdefault(computation, threading.RLock())

    def _keep_result(self, computation: Computation, versions: tuple[int, ...], key: Hashable, made: Any) -> None:
        """Keep `made` beside the results made at the same versions; those of older versions are dropped
        (versions only grow: they would never be asked again); a result of versions older than those held
        is not kept."""
        with self._results_lock:
            held = self._results.get(computation)
            if held is None or held.versions != versions:
                if held is not None and _older(versions, held.versions):
                    return
                held = Results(versions, {})
                self._results[computation] = held
            held.made[key] = made

    def freshness(self) -> Freshness:
        return self._freshness

    def forget(self) -> None:
        """The next `loaded` checks every table again, whatever the source's stamp (after a write by the app,
        or on « Rafraîchir »)."""
        self._checked_at.clear()
        self._stamps.clear()

    def refresh(self) -> None:
        """Check every table held now, whatever the source's stamp (« Rafraîchir »); a failure is told by
        `freshness`, the copy kept."""
        self.forget()
        held = [copy.loaded.spec for copy in self._copies.values()]
        if held:
            self._refresh(held, wait=True)

    def _refresh(self, specs: Sequence[TableSpec[Any]], *, wait: bool) -> None:
        if not self._lock.acquire(blocking=wait):
            return  # another session is refreshing: serve the current copy
        try:
            self._refresh_locked(specs)
        finally:
            self._lock.release()

    def _refresh_locked(self, specs: Sequence[TableSpec[Any]]) -> None:
        known = all(self._holds(spec) for spec in specs)
        stamp = self.source.stamp()
        stale = [s for s in specs if stamp is None or not self._holds(s) or self._stamps.get(s.key) != stamp]
        if not stale:
            self._checked(specs)
            return
        try:
            handles = [self.base.handle(spec) for spec in stale]
            before = {h.spec.key: self._before(h) for h in handles}
            have = frozenset(key for key, copy in before.items() if copy is not None)
            stamp, rows = self.source.read(handles, have)
            updated = {h.spec.key: self._updated(h, rows[h.spec.key], before[h.spec.key]) for h in handles}
            copies = {key: copy for key, copy in updated.items() if copy is not None}
            kept = {k: c for k, c in before.items() if c is not None and self._copies.get(k) is not c}
            copies = {**kept, **copies}  # a kept copy that did not change is taken as it is
        except CptsError as error:
            self.base.forget()  # a migration may have changed the tables: ask NocoDB again next time
            self._freshness = self._freshness._replace(
                failing_since=self._freshness.failing_since or time.time(), error=error
            )
            if not known:
                raise
            return
        self._copies = {**self._copies, **copies}  # swapped whole: no session ever sees half a refresh
        self._stamps.update({h.spec.key: stamp for h in handles})
        self._checked(specs)
        self._keep(handles, {key: copy for key, copy in copies.items() if copy is not before[key]})

    def _before(self, handle: TableHandle) -> TableCopy | None:
        """The copy the table's rows are compared with: the one held, else the one kept by another process
        (then the source takes the memo of its read), else None."""
        if self._holds(handle.spec):
            return self._copies[handle.spec.key]
        kept = self.keeper.load(handle) if self.keeper is not None else None
        if kept is None or kept[0].loaded.spec is not handle.spec:
            return None
        copy, memo = kept
        self.source.remember(handle, memo)
        self._versions += 1
        return replace(copy, version=self._versions, change=NO_CHANGE)

    def _keep(self, handles: Sequence[TableHandle], changed: dict[str, TableCopy]) -> None:
        """Keep the copies that changed for the next processes (a row deleted or emptied in NocoDB is also
        gone from the kept copy)."""
        if self.keeper is None:
            return
        for handle in handles:
            copy = changed.get(handle.spec.key)
            if copy is not None:
                self.keeper.save(handle, copy, self.source.memo(handle))

    def _holds(self, spec: TableSpec[Any]) -> bool:
        copy = self._copies.get(spec.key)
        return copy is not None and copy.loaded.spec is spec

    def _checked(self, specs: Sequence[TableSpec[Any]]) -> None:
        now = time.monotonic()
        self._checked_at.update({spec.key: now for spec in specs})
        self._freshness = Freshness(time.time(), None, None)

    def _updated(self, handle: TableHandle, rows: Rows | None, before: TableCopy | None) -> TableCopy | None:
        """The table's new copy from `before` (None: as it was): rows that did not change keep their record;
        the others are validated."""
        spec = handle.spec
        if rows is None:
            return None
        old_raw = before.raw if before else {}
        raw = (
            {**old_raw, **{int(row[0]): row for row in rows.values}}
            if rows.partial
            else {int(row[0]): row for row in rows.values}
        )
        changed = Rows(rows.keys, [row for row in rows.values if old_raw.get(int(row[0])) != row])
        if before is not None and not changed.values and len(raw) == len(old_raw):
            return before
        fresh, problems = self.validate(spec, read_columns(handle, changed.keys, changed.values))
        records = {int(r.id): r for r in fresh}
        row_problems = {i: p for i, p in before.row_problems.items() if i in raw} if before else {}
        for row in changed.values:
            row_problems.pop(int(row[0]), None)
        for problem in problems:
            row_problems.setdefault(int(problem.id or 0), []).append(problem)
        kept = {int(r.id): r for r in before.loaded.records} if before else {}
        ordered = [records[i] if i in records else kept[i] for i in raw]
        found = [p for i in raw for p in row_problems.get(i, [])] + duplicates(spec, ordered)
        built = None
        if rows.partial and before is not None and before.loaded.built is not None:
            built = patched_frame(before.loaded.built, spec, fresh)  # a few rows edited: not the whole frame
        self._versions += 1
        change = Change(len(changed.values), dropped=not rows.partial and bool(old_raw.keys() - raw.keys()))
        return TableCopy(Loaded(spec, ordered, found, built), raw, row_problems, self._versions, change)
