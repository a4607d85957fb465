"""Reg F calling windows: 8:00-21:00 local time in every zone the consumer may be in.

Public API::

    call_window(phone, address_zip=None, *, at, address_zone=None) -> CallWindow
    window_for_zones(zones, at) -> CallWindow  # for callers that already know the zones
    phone_zones(phone) -> tuple[str, ...]      # phonenumbers, per NPA-NXX prefix
    zip_zone(zip5) -> str | None               # zipcodes table, loaded once

Candidate zones are all zones phonenumbers gives for the phone's exchange (a few prefixes
straddle two zones) plus the address's zone. A call is lawful only when the local time is in
[08:00, 21:00) in every candidate zone. When no zone is known at all, the six US zones of the
50 states are used (the conservative reading). Times are computed with zoneinfo, so daylight
saving changes (spring forward, fall back, and zones such as America/Phoenix that keep
standard time) are exact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import timezone as pn_timezone

from skiptrace.errors import ComplianceError

START, END = dt.time(8, 0), dt.time(21, 0)
US_FALLBACK_ZONES: tuple[str, ...] = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
)


@dataclass(frozen=True, slots=True)
class CallWindow:
    """Lawful calling status at ``at`` (UTC datetimes).

    ``window_start``/``window_end`` bound the current window when ``callable_now``, otherwise
    the next one; ``next_window_start`` is the first window opening strictly after ``at``.
    """

    zones: tuple[str, ...]
    phone_zones: tuple[str, ...]
    address_zone: str | None
    zones_unknown: bool
    callable_now: bool
    window_start: dt.datetime
    window_end: dt.datetime
    next_window_start: dt.datetime


@cache
def _nanp_default_zones() -> frozenset[str]:
    """The zones phonenumbers returns when it only knows the country code (+1)."""
    from phonenumbers.tzdata import TIMEZONE_DATA

    return frozenset(TIMEZONE_DATA["1"])


def phone_zones(phone: str | None) -> tuple[str, ...]:
    """Zones phonenumbers maps the number's prefix to; empty when unknown or country-wide."""
    if not phone:
        return ()
    try:
        number = phonenumbers.parse(phone, "US")
    except phonenumbers.NumberParseException:
        return ()
    zones = tuple(z for z in pn_timezone.time_zones_for_number(number) if z != "Etc/Unknown")
    if not zones or frozenset(zones) == _nanp_default_zones():
        return ()
    return tuple(sorted(zones))


@cache
def _zip_table() -> dict[str, str]:
    import zipcodes  # slow lookups: read the whole table once

    return {z["zip_code"]: z["timezone"] for z in zipcodes.list_all() if z.get("timezone")}


def zip_zone(zip5: str | None) -> str | None:
    """Time zone of a 5-digit ZIP (first five digits used), or None when unknown."""
    digits = "".join(ch for ch in str(zip5 or "") if ch.isdigit())[:5]
    return _zip_table().get(digits) if len(digits) == 5 else None


def _lawful(at: dt.datetime, zones: tuple[ZoneInfo, ...]) -> bool:
    return all(START <= at.astimezone(z).time().replace(tzinfo=None) < END for z in zones)


def _at_local(day: dt.date, clock: dt.time, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, clock, zone).astimezone(dt.UTC)


def _opening_after(at: dt.datetime, zones: tuple[ZoneInfo, ...], strict: bool) -> dt.datetime:
    """First instant >= at (> at when strict) at which the window opens in every zone."""
    candidates = sorted(
        _at_local(at.astimezone(z).date() + dt.timedelta(days=d), START, z)
        for z in zones
        for d in range(-1, 3)
    )
    for cand in candidates:
        if (cand > at or (cand == at and not strict)) and _lawful(cand, zones):
            return cand
    raise ComplianceError("no common lawful calling window for these time zones")


def _bounds(at: dt.datetime, zones: tuple[ZoneInfo, ...]) -> tuple[dt.datetime, dt.datetime]:
    """The lawful window containing ``at`` (which must be lawful)."""
    start = max(_at_local(at.astimezone(z).date(), START, z) for z in zones)
    end = min(_at_local(at.astimezone(z).date(), END, z) for z in zones)
    return start, end


def window_for_zones(
    zones: tuple[str, ...],
    at: dt.datetime,
    *,
    phone: tuple[str, ...] = (),
    address: str | None = None,
) -> CallWindow:
    """The window at ``at`` for an explicit set of zone names (all US zones when empty)."""
    if at.tzinfo is None:
        raise ComplianceError("the instant for a call window must be timezone-aware")
    at = at.astimezone(dt.UTC)
    names = tuple(sorted(set(zones))) or US_FALLBACK_ZONES
    infos = tuple(ZoneInfo(n) for n in names)
    now_ok = _lawful(at, infos)
    start, end = _bounds(at if now_ok else _opening_after(at, infos, strict=False), infos)
    return CallWindow(
        zones=names,
        phone_zones=phone,
        address_zone=address,
        zones_unknown=not zones,
        callable_now=now_ok,
        window_start=start,
        window_end=end,
        next_window_start=_opening_after(at, infos, strict=True),
    )


def call_window(
    phone: str | None,
    address_zip: str | None = None,
    *,
    at: dt.datetime,
    address_zone: str | None = None,
) -> CallWindow:
    """Compute the Reg F window for calling ``phone`` at the consumer's address at ``at``."""
    from_phone = phone_zones(phone)
    addr_zone = address_zone or zip_zone(address_zip)
    zones = tuple(sorted(set(from_phone) | ({addr_zone} if addr_zone else set())))
    return window_for_zones(zones, at, phone=from_phone, address=addr_zone)
