"""Real ZIP/city/state/county geography from the offline ``zipcodes`` package.

The package's lookups are slow, so its table is read once per process into plain arrays
indexed by an integer ZIP id. Moves are drawn local-first: same county, same state, or
interstate, with big counties weighted up as a stand-in for population.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

COMMON_NAME_METROS = (
    ("Houston", "TX"),
    ("Chicago", "IL"),
    ("Los Angeles", "CA"),
    ("Phoenix", "AZ"),
    ("Miami", "FL"),
    ("San Antonio", "TX"),
)
"""Metros where the very common names are concentrated on purpose."""


@dataclass(frozen=True, slots=True)
class Geography:
    """Parallel tuples, one entry per residential ZIP (index = ZIP id)."""

    zips: tuple[str, ...]
    cities: tuple[str, ...]
    states: tuple[str, ...]
    counties: tuple[str, ...]
    area_codes: tuple[tuple[str, ...], ...]
    by_county: dict[tuple[str, str], tuple[int, ...]]
    by_state: dict[str, tuple[int, ...]]
    metro_zips: tuple[tuple[int, ...], ...]
    cum_weights: tuple[float, ...]

    def pick(self, rng: random.Random) -> int:
        """A ZIP id drawn with big counties weighted up."""
        return rng.choices(range(len(self.zips)), cum_weights=self.cum_weights)[0]

    def pick_metro(self, rng: random.Random) -> int:
        """A ZIP id inside one of the common-name metros."""
        return rng.choice(rng.choice(self.metro_zips))

    def move_from(self, zid: int, rng: random.Random, interstate: float = 0.15) -> int:
        """A destination ZIP id: mostly the same county, some the same state, some interstate."""
        r = rng.random()
        if r < interstate:
            return self.pick(rng)
        if r < interstate + 0.22:
            return rng.choice(self.by_state[self.states[zid]])
        return rng.choice(self.by_county[(self.states[zid], self.counties[zid])])


@cache
def load_geography() -> Geography:
    """Read the zipcodes table once (about a second) into a :class:`Geography`."""
    import zipcodes

    rows = [
        z
        for z in zipcodes.list_all()
        if z["zip_code_type"] == "STANDARD" and z["active"] and z["area_codes"]
    ]
    rows.sort(key=lambda z: z["zip_code"])
    by_county: dict[tuple[str, str], list[int]] = {}
    by_state: dict[str, list[int]] = {}
    for i, z in enumerate(rows):
        by_county.setdefault((z["state"], z["county"]), []).append(i)
        by_state.setdefault(z["state"], []).append(i)
    weights = [len(by_county[(z["state"], z["county"])]) ** 0.6 for z in rows]
    cum: list[float] = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)
    metros = tuple(
        tuple(i for i, z in enumerate(rows) if z["city"] == city and z["state"] == state)
        for city, state in COMMON_NAME_METROS
    )
    return Geography(
        zips=tuple(z["zip_code"] for z in rows),
        cities=tuple(z["city"] for z in rows),
        states=tuple(z["state"] for z in rows),
        counties=tuple(z["county"] for z in rows),
        area_codes=tuple(tuple(z["area_codes"]) for z in rows),
        by_county={k: tuple(v) for k, v in by_county.items()},
        by_state={k: tuple(v) for k, v in by_state.items()},
        metro_zips=metros,
        cum_weights=tuple(cum),
    )
