"""Unscheduled care (soins non programmés): the free places of each slot, the nearest free slot for a request
(the desk's proximity order: commune, EPT/EPCI, département; earliest first within a rank), the refusals in
French naming the field, and the figures (`figures`, masked for the bureau by `for_bureau`)."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median

from domain.communes import commune_closeness
from domain.french import number, percent
from domain.matching import Closeness
from domain.privacy import MASKED, is_small
from domain.validation import PHONE_EXAMPLE, normalise_phone
from schema.models import SNP_REQUESTS, SNP_SLOTS
from schema.snp import REGULATED, Attendance, Outcome, Slot, SnpRequest

Nearness = Callable[[str, str], Closeness]  # (request commune, slot commune) -> closeness
FULL = "complet"


@dataclass(frozen=True)
class OpenSlot:
    """A slot as the proposal sees it: where (its member's commune), when, and its free places."""

    id: int
    member: int | None
    insee_code: str
    starts: datetime
    ends: datetime
    kind: str | None
    free: int


def clock(text: str | None) -> time | None:
    """ "08:30" → 08:30; None for an empty or malformed time."""
    try:
        return time.fromisoformat(text) if text else None
    except ValueError:
        return None


def slot_errors(slot: Slot, row: str = "nouveau créneau") -> list[str]:
    """What makes this slot unusable, in French naming the field (empty: fine)."""
    where = f"{SNP_SLOTS.title} ({row})"
    start, end = clock(slot.start), clock(slot.end)
    errors = [f"{where} : « {SNP_SLOTS.field(a).title} » manque" for a in ("member", "on") if getattr(slot, a) is None]
    errors += [
        f"{where} : « {SNP_SLOTS.field(a).title} » manque ou n'est pas une heure HH:MM"
        for a, value in (("start", start), ("end", end))
        if value is None
    ]
    if start is not None and end is not None and end <= start:
        errors.append(f"{where} : « Fin » ({slot.end}) doit être après « Début » ({slot.start})")
    if not slot.places or slot.places < 1:
        errors.append(f"{where} : « Places » doit être au moins 1")
    return errors


def is_booking(request: SnpRequest) -> bool:
    """A request holding one place of its slot (a cancelled appointment frees it)."""
    return request.slot is not None and request.attendance != Attendance.CANCELLED


def bookings(requests: Iterable[SnpRequest]) -> Counter[int]:
    """Slot Id → places booked."""
    return Counter(request.slot for request in requests if request.slot is not None and is_booking(request))


def free_places(slots: Iterable[Slot], requests: Iterable[SnpRequest]) -> dict[int, int]:
    """Slot Id → places left (never below 0)."""
    booked = bookings(requests)
    return {slot.id: max((slot.places or 0) - booked[slot.id], 0) for slot in slots if slot.id is not None}


def open_slots(
    slots: Iterable[Slot], requests: Iterable[SnpRequest], member_communes: Mapping[int, str]
) -> list[OpenSlot]:
    """The valid slots of members with a commune, with their free places (full ones included)."""
    free = free_places(slots, requests)
    found = []
    for slot in slots:
        start, end = clock(slot.start), clock(slot.end)
        commune = member_communes.get(slot.member or -1)
        if slot.id is None or slot.on is None or start is None or end is None or not commune or slot_errors(slot):
            continue
        starts, ends = datetime.combine(slot.on, start), datetime.combine(slot.on, end)
        found.append(OpenSlot(slot.id, slot.member, commune, starts, ends, slot.kind, free[slot.id]))
    return found


def _rank(slot: OpenSlot, closeness: Closeness) -> tuple[int, datetime, int]:
    return (int(closeness), slot.starts, slot.id)


def nearest_naive(
    commune: str, slots: Iterable[OpenSlot], now: datetime, nearness: Nearness = commune_closeness
) -> OpenSlot | None:
    """The nearest free slot not ended at `now` by a scan of every slot: the reference of `SlotIndex`."""
    ranked = [
        (_rank(slot, near), slot)
        for slot in slots
        if slot.free > 0 and slot.ends > now and (near := nearness(commune, slot.insee_code)) != Closeness.FARTHER
    ]
    return min(ranked, key=lambda pair: pair[0])[1] if ranked else None


class SlotIndex:
    """The slots by commune and start: the nearest free slot of a request in a few look-ups per commune holding
    slots; `take` books a place. Ask `nearest` with times that never go back (a slot ended is passed for good)."""

    def __init__(self, slots: Iterable[OpenSlot], nearness: Nearness = commune_closeness) -> None:
        self.nearness = nearness
        self.free: dict[int, int] = {}
        self.by_commune: dict[str, list[OpenSlot]] = {}
        for slot in sorted(slots, key=lambda s: (s.starts, s.id)):
            self.free[slot.id] = slot.free
            self.by_commune.setdefault(slot.insee_code, []).append(slot)
        self.first: dict[str, int] = dict.fromkeys(self.by_commune, 0)  # before it: every slot is full
        self.closeness: dict[tuple[str, str], Closeness] = {}

    def _earliest(self, commune: str, now: datetime) -> OpenSlot | None:
        """The first slot of this commune neither full nor ended; slots passed before it stay passed."""
        listed, index = self.by_commune[commune], self.first[commune]
        while index < len(listed) and (self.free[listed[index].id] <= 0 or listed[index].ends <= now):
            index += 1
        self.first[commune] = index
        for slot in listed[index:]:
            if self.free[slot.id] > 0 and slot.ends > now:
                return slot
        return None

    def _near(self, origin: str, other: str) -> Closeness:
        key = (origin, other)
        if key not in self.closeness:
            self.closeness[key] = self.nearness(origin, other)
        return self.closeness[key]

    def nearest(self, commune: str, now: datetime) -> OpenSlot | None:
        best: tuple[tuple[int, datetime, int], OpenSlot] | None = None
        for other in self.by_commune:
            near = self._near(commune, other)
            slot = self._earliest(other, now) if near != Closeness.FARTHER else None
            if slot is not None and (best is None or _rank(slot, near) < best[0]):
                best = (_rank(slot, near), slot)
        return None if best is None else best[1]

    def take(self, slot_id: int) -> None:
        self.free[slot_id] -= 1


def ends_at(slot: Slot) -> datetime | None:
    end = clock(slot.end)
    return None if slot.on is None or end is None else datetime.combine(slot.on, end)


def booking_error(slot: Slot | None, booked_before: int, now: datetime) -> str | None:
    """Why a place of this slot cannot be booked at `now` when `booked_before` places already are (None: it can)."""
    if slot is None or slot.id is None:
        return f"{SNP_REQUESTS.title} : « Créneau » inconnu"
    ends = ends_at(slot)
    if ends is None or ends <= now:
        return f"{SNP_SLOTS.title} n° {slot.id} : « Fin » passée, le créneau est terminé"
    if booked_before >= (slot.places or 0):
        return f"{SNP_SLOTS.title} n° {slot.id} : « Places » {FULL} ({booked_before} sur {slot.places or 0})"
    return None


def place_taken(slot: Slot, booking_ids: Sequence[int], mine: int) -> bool:
    """After writing booking `mine`: True if it holds one of the slot's places, the bookings in writing order
    (Id) filling them first — two coordinators booking the last place at once: the later Id gives way."""
    ordered = sorted(booking_ids)
    return mine in ordered and bisect_right(ordered, mine) <= (slot.places or 0)


def phone_error(raw: str | None) -> str | None:
    """A request's phone, if given, must be a French number."""
    if raw and normalise_phone(raw) is None:
        return (
            f"{SNP_REQUESTS.title} : « Téléphone » « {raw} » n'est pas un numéro de téléphone français "
            f"(ex. {PHONE_EXAMPLE})"
        )
    return None


def commune_error(insee_code: str | None, allowed: Mapping[str, str]) -> str | None:
    """A request's commune must be in the territory or a neighbour (`allowed`: INSEE code → name)."""
    field = SNP_REQUESTS.field("insee_code").title
    if not insee_code:
        return f"{SNP_REQUESTS.title} : « {field} » manque"
    if insee_code not in allowed:
        return f"{SNP_REQUESTS.title} : « {field} » {insee_code} n'est ni une commune du territoire ni une voisine"
    return None


# -- figures ---------------------------------------------------------------------------------------------------


def _delay(request: SnpRequest, starts: Mapping[int, datetime]) -> timedelta | None:
    if request.received_at is None or request.slot not in starts or request.outcome != Outcome.ORIENTED:
        return None
    return starts[request.slot or -1] - request.received_at.replace(tzinfo=None)


def slot_starts(slots: Iterable[Slot]) -> dict[int, datetime]:
    starts = {}
    for slot in slots:
        start = clock(slot.start)
        if slot.id is not None and slot.on is not None and start is not None:
            starts[slot.id] = datetime.combine(slot.on, start)
    return starts


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def figures(slots: Sequence[Slot], requests: Sequence[SnpRequest], since: date, until: date) -> dict[str, float | None]:
    """The SNP figures of the requests received and slots offered from `since` to `until` (both included)."""
    slots = [s for s in slots if s.on is not None and since <= s.on <= until]
    requests = [r for r in requests if r.received_at is not None and since <= r.received_at.date() <= until]
    starts = slot_starts(slots)
    delays = [d for r in requests if (d := _delay(r, starts)) is not None]
    attended = [r for r in requests if r.attendance in (Attendance.HONOURED, Attendance.MISSED)]
    hours = [d.total_seconds() / 3600 for d in delays]
    return {
        "snp_slots_offered": float(sum(s.places or 0 for s in slots)),
        "snp_requests": float(len(requests)),
        "snp_oriented_24h": _share(sum(d <= timedelta(hours=24) for d in delays), len(requests)),
        "snp_oriented_48h": _share(sum(d <= timedelta(hours=48) for d in delays), len(requests)),
        "snp_honoured": _share(sum(r.attendance == Attendance.HONOURED for r in attended), len(attended)),
        "snp_median_delay_hours": median(hours) if hours else None,
        "snp_regulated_share": _share(sum(r.source in REGULATED for r in requests), len(requests)),
    }


SHARES = ("snp_oriented_24h", "snp_oriented_48h", "snp_honoured", "snp_regulated_share")


def for_bureau(found: Mapping[str, float | None]) -> dict[str, str]:
    """The figures as the bureau reads them: counts of requests under 5 masked, and every share or delay drawn
    from them too (a share of 3 requests tells of each patient)."""
    requests = found["snp_requests"] or 0
    shown = {"snp_slots_offered": number(found["snp_slots_offered"] or 0)}
    shown["snp_requests"] = MASKED if is_small(requests) else number(requests)
    for key in SHARES:
        shown[key] = MASKED if is_small(requests) else percent(found[key])
    delay = found["snp_median_delay_hours"]
    shown["snp_median_delay_hours"] = (
        MASKED if is_small(requests) else "—" if delay is None else f"{number(delay, 1)} h"
    )
    return shown


FIGURE_LABELS = {
    "snp_slots_offered": "Places offertes",
    "snp_requests": "Demandes reçues",
    "snp_oriented_24h": "Orientées sous 24 h",
    "snp_oriented_48h": "Orientées sous 48 h",
    "snp_honoured": "Rendez-vous honorés",
    "snp_median_delay_hours": "Délai médian demande → rendez-vous",
    "snp_regulated_share": "Part SAMU / SAS",
}


def upcoming(slots: Iterable[OpenSlot], now: datetime, days: int) -> list[OpenSlot]:
    """The slots with a free place, not ended at `now` and starting before the end of day `now` + `days` − 1,
    earliest first."""
    last = datetime.combine(now.date() + timedelta(days=days), time())
    return sorted((s for s in slots if s.free > 0 and s.ends > now and s.starts < last), key=lambda s: (s.starts, s.id))


def is_open(request: SnpRequest) -> bool:
    """A request the CPTS still has to do something for: no outcome yet, or oriented to a slot whose appointment
    has no outcome yet. Only an open request keeps its phone (`domain.retention.snp_phones_to_erase`)."""
    return request.outcome in (None, Outcome.ORIENTED) and request.attendance is None


def awaiting_outcome(requests: Iterable[SnpRequest]) -> list[SnpRequest]:
    """The requests booked on a slot whose appointment has no outcome yet (their phone is still kept)."""
    return sorted((r for r in requests if r.slot is not None and r.attendance is None), key=lambda r: r.id or 0)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly(slots: Iterable[Slot], requests: Iterable[SnpRequest], since: date, until: date) -> list[Week]:
    """Per week (Monday) from `since` to `until`: requests received against places offered; every week listed."""
    received = Counter(monday(r.received_at.date()) for r in requests if r.received_at is not None)
    offered: Counter[date] = Counter()
    for slot in slots:
        if slot.on is not None:
            offered[monday(slot.on)] += slot.places or 0
    weeks, week = [], monday(since)
    while week <= until:
        weeks.append(Week(week, received[week], offered[week]))
        week += timedelta(days=7)
    return weeks


def first_week(slots: Iterable[Slot], requests: Iterable[SnpRequest], since: date, until: date) -> date:
    """The Monday `weekly` starts from: that of `since`, or of the first request or place recorded when the records
    start later (a CPTS that has just begun reads its weeks, not months of zeros); never after `until`."""
    days = [r.received_at.date() for r in requests if r.received_at is not None]
    days += [slot.on for slot in slots if slot.on is not None]
    return monday(min(max([since, min(days, default=since)]), until))


@dataclass(frozen=True)
class Week:
    monday: date
    requests: int
    places: int

    @property
    def over(self) -> bool:
        """Demand exceeded supply."""
        return self.requests > self.places
