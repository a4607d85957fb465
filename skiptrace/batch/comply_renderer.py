"""`LocateRenderer` plus the compliance columns: Reg F call windows and withheld data.

Appended wide columns, after the locate columns: `phone_N_zones` (every time zone the
phone's exchange and the best address may be in, `|`-joined), `phone_N_callable_now`
(`Y`/`N` at `call_at`), `phone_N_next_window` (next window opening after `call_at`, UTC),
for N = 1..3, and `withheld` (sources the search could not see: the session's withheld
sources, and `<death source>:recent` for an uncertified subscriber). The long file gains
`zones`, `callable_now` and `next_window_start` on phone rows. Without `call_at` only the
zones are filled, so the output does not depend on the wall clock (resume stays
byte-identical); give `call_at` explicitly to get the time-dependent columns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import ClassVar

from skiptrace.batch.locate_renderer import (
    LIST_SEPARATOR,
    LONG_COLUMNS,
    PHONE_SLOTS,
    WIDE_COLUMNS,
    LocateRenderer,
    fmt_flag,
)
from skiptrace.batch.protocol import Rendered
from skiptrace.comply.call_windows import (
    US_FALLBACK_ZONES,
    CallWindow,
    phone_zones,
    window_for_zones,
    zip_zone,
)
from skiptrace.locate.results import AccountQuery, LocateResult

CALL_COLUMNS: tuple[str, ...] = tuple(
    f"phone_{n}_{suffix}"
    for n in range(1, PHONE_SLOTS + 1)
    for suffix in ("zones", "callable_now", "next_window")
)
COMPLY_WIDE_COLUMNS = (*WIDE_COLUMNS, *CALL_COLUMNS, "withheld")
COMPLY_LONG_COLUMNS = (*LONG_COLUMNS, "zones", "callable_now", "next_window_start")
_KIND = LONG_COLUMNS.index("kind")
_E164 = LONG_COLUMNS.index("e164")


@lru_cache(maxsize=100_000)
def _phone_zones(phone: str) -> tuple[str, ...]:
    return phone_zones(phone)


@lru_cache(maxsize=100_000)
def _zip_zone(zip5: str) -> str | None:
    return zip_zone(zip5)


def candidate_zones(phone: str, address_zip: str) -> tuple[str, ...]:
    """Zones of the phone's exchange and of the address ZIP; all US zones when unknown."""
    zones = set(_phone_zones(phone))
    address_zone = _zip_zone(address_zip) if address_zip else None
    if address_zone:
        zones.add(address_zone)
    return tuple(sorted(zones)) or US_FALLBACK_ZONES


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")


@dataclass(frozen=True, slots=True)
class ComplianceRenderer:
    """Wraps a `LocateRenderer`; `view`, `reject` and the policies are the base's."""

    base: LocateRenderer = field(default_factory=LocateRenderer)
    call_at: dt.datetime | None = None
    wide_columns: ClassVar[tuple[str, ...]] = COMPLY_WIDE_COLUMNS
    long_columns: ClassVar[tuple[str, ...]] = COMPLY_LONG_COLUMNS

    def __post_init__(self) -> None:
        if self.call_at is not None and self.call_at.tzinfo is None:
            raise ValueError("call_at must be timezone-aware")

    def view(self, result: LocateResult) -> LocateResult:
        """The base renderer's view (wrong-party guard, single-best)."""
        return self.base.view(result)

    def reject(self, query: AccountQuery, reason: str) -> LocateResult:
        """A rejected result for a row the runner could not query."""
        return self.base.reject(query, reason)

    def call_columns(self, phone: str, address_zip: str) -> list[str]:
        """zones, callable_now, next window start for one phone."""
        zones = candidate_zones(phone, address_zip)
        if self.call_at is None:
            return [LIST_SEPARATOR.join(zones), "", ""]
        window = _window(zones, self.call_at)
        return [
            LIST_SEPARATOR.join(zones),
            fmt_flag(window.callable_now),
            _utc(window.next_window_start),
        ]

    def render(self, query: AccountQuery, result: LocateResult) -> Rendered:
        """The base row plus call-window and withheld columns."""
        rendered = self.base.render(query, result)
        shown = self.view(result)
        address_zip = shown.addresses[0].zip if shown.addresses else ""
        wide = list(rendered.wide)
        for slot in range(PHONE_SLOTS):
            if slot < len(shown.phones):
                phone = shown.phones[slot]
                wide += self.call_columns(phone.e164 or phone.value, address_zip)
            else:
                wide += ["", "", ""]
        wide.append(LIST_SEPARATOR.join(shown.withheld_sources))
        long = [
            [*row, *(self.call_columns(row[_E164], address_zip) if row[_KIND] == "phone" else
                     ["", "", ""])]
            for row in rendered.long
        ]  # fmt: skip
        return rendered._replace(wide=wide, long=long)


@lru_cache(maxsize=10_000)
def _window(zones: tuple[str, ...], at: dt.datetime) -> CallWindow:
    return window_for_zones(zones, at)
