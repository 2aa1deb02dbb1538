"""Who may see what: the roles of the app, the sign-in throttle, the idle time-out.

A user's role comes from their role on the CPTS base in NocoDB (one user store, managed there):
editor or more -> coordinateur (patient-level pages); anything else -> bureau (aggregate pages only).
A user listed in the server's regional setting (`services.region`, written by `./cpts user add --role région`)
is région whatever their base role: « no-access » on every CPTS base of the region (NocoDB shows them no row),
aggregate pages and the regional view (the CPTS they have a role on, side by side).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

COORDINATOR, BOARD = ROLES = ("coordinateur", "bureau")
REGION = "région"  # not a base role: the regional setting's (see above)
# The NocoDB base role each app role is given by `./cpts user add`.
BASE_ROLE_OF = {COORDINATOR: "editor", BOARD: "no-access", REGION: "no-access"}
# NocoDB base roles that may edit the base, hence see patients: these make a coordinateur.
COORDINATOR_BASE_ROLES = ("owner", "creator", "editor")
# Base roles that can read the base in NocoDB although the app treats them as bureau.
READING_BASE_ROLES = ("commenter", "viewer")

FIRST_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 30.0
FAILURE_MEMORY_SECONDS = 15 * 60  # failures older than this are forgotten
OVERALL_FAILURES_PER_STEP = 10  # every 10 recent failures (all addresses together) double the overall delay


def role_of(base_role: str | None, regional: bool = False) -> str:
    """The app role of a NocoDB base role (None: the user has no role on the base); région for a user of the
    regional setting (`regional`)."""
    if regional:
        return REGION
    roles = {part.strip() for part in (base_role or "").split(",")}
    return COORDINATOR if roles & set(COORDINATOR_BASE_ROLES) else BOARD


def idle_expired(last_seen: float, now: float, idle_minutes: int) -> bool:
    return now - last_seen > idle_minutes * 60


def doubling_delay(steps: int) -> float:
    """0 s before any failure, then 1 s, 2 s, 4 s… capped at MAX_DELAY_SECONDS."""
    if steps <= 0:
        return 0.0
    return min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS * 2.0 ** (steps - 1))


@dataclass
class SignInThrottle:
    """Failed sign-ins remembered per e-mail and overall (one per app process, shared by every session).

    Before checking a password, wait `delay(email)`: it doubles with each recent failure for this address,
    and with every OVERALL_FAILURES_PER_STEP recent failures over all addresses (a guesser spreading
    attempts over many addresses or sessions is slowed down too). A success clears the address."""

    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _overall: deque[float] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def delay(self, email: str) -> float:
        with self._lock:
            now = self.clock()
            mine = self._recent(self._failures.get(_key(email), deque()), now)
            overall = self._recent(self._overall, now)
            return max(doubling_delay(len(mine)), doubling_delay(len(overall) // OVERALL_FAILURES_PER_STEP))

    def failed(self, email: str) -> None:
        with self._lock:
            now = self.clock()
            self._failures.setdefault(_key(email), deque()).append(now)
            self._overall.append(now)

    def succeeded(self, email: str) -> None:
        with self._lock:
            self._failures.pop(_key(email), None)

    @staticmethod
    def _recent(times: deque[float], now: float) -> deque[float]:
        while times and now - times[0] > FAILURE_MEMORY_SECONDS:
            times.popleft()
        return times


def _key(email: str) -> str:
    return email.strip().lower()
