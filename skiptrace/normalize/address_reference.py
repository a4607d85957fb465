"""Offline ZIP reference data (the `zipcodes` package), loaded once into a dict on first use.

The package's own lookups scan its whole table per call; ingest checks millions of
addresses, so the table is indexed by ZIP5 here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from skiptrace.normalize.address_usps import CITY_WORDS
from skiptrace.normalize.text import upper_clean

_NON_ALNUM = re.compile(r"[^A-Z0-9 ]+")


@dataclass(frozen=True, slots=True)
class ZipInfo:
    """What USPS says about one ZIP5: primary city, accepted city keys, state, time zone."""

    zip5: str
    city: str
    state: str
    city_keys: frozenset[str]
    timezone: str | None
    zip_type: str
    active: bool


@lru_cache(maxsize=100_000)
def city_key(city: str | None) -> str:
    """Comparison form of a city: upper case, no punctuation, ST/FT/MT spelled out."""
    words = _NON_ALNUM.sub(" ", upper_clean(city).replace(".", "").replace("'", "")).split()
    return " ".join(CITY_WORDS.get(w, w) for w in words)


@cache
def zip_table() -> dict[str, ZipInfo]:
    """ZIP5 -> `ZipInfo` for every ZIP the `zipcodes` package knows (about 42,800)."""
    import zipcodes

    table: dict[str, ZipInfo] = {}
    for row in zipcodes.list_all():
        names = [row["city"], *row.get("acceptable_cities", ())]
        table[row["zip_code"]] = ZipInfo(
            zip5=row["zip_code"],
            city=upper_clean(row["city"]),
            state=row["state"],
            city_keys=frozenset(city_key(n) for n in names if n),
            timezone=row.get("timezone") or None,
            zip_type=row.get("zip_code_type", ""),
            active=bool(row.get("active", True)),
        )
    return table


def lookup_zip(zip5: str) -> ZipInfo | None:
    """The reference entry of a ZIP5, or None when USPS does not know it."""
    return zip_table().get(zip5)


def check_consistency(city: str, state: str, zip5: str) -> bool | None:
    """True/False when city, state and ZIP agree/conflict; None when there is no ZIP to check.

    An unknown ZIP is a conflict. A missing city or state is not checked.
    """
    if not zip5:
        return None
    info = lookup_zip(zip5)
    if info is None:
        return False
    if state and state != info.state:
        return False
    return not city or city_key(city) in info.city_keys
