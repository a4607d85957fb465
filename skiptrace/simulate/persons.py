"""Synthetic persons and households, including the hard negatives placed on purpose.

A household is a head, possibly a spouse (married before or during the window), children
(some twins) and, for some families, a Jr named after his father. Identity fields (name,
sex, DOB, SSN) are fixed here; histories are drawn in :mod:`skiptrace.simulate.timelines`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from skiptrace.simulate import names
from skiptrace.simulate.addresses import Addr
from skiptrace.simulate.config import WORLD_START

YEAR = 365.25
WINDOW_START = WORLD_START.toordinal()
_SSN_SPACE = 898 * 99 * 9999  # areas 001-899 minus 666, groups 01-99, serials 0001-9999


@dataclass(slots=True)
class Person:
    """One synthetic person: identity, hard-negative links and full histories (ordinal dates)."""

    idx: int
    hh: int
    sex: str
    first: str
    middle: str
    last: str
    suffix: str
    dob: int
    ssn: str
    common: bool = False
    death: int | None = None
    jr_sr_of: int | None = None
    twin_of: int | None = None
    spouse_of: int | None = None
    names: list[tuple[str, str, str, str, int, int | None]] = field(default_factory=list)
    addresses: list[tuple[Addr, int, int | None]] = field(default_factory=list)
    mailing: Addr | None = None
    phones: list[tuple[str, str, int, int | None]] = field(default_factory=list)
    emails: list[tuple[str, int, int | None]] = field(default_factory=list)
    jobs: list[tuple[str, int, int | None]] = field(default_factory=list)
    moves: list[tuple[Addr, Addr, int]] = field(default_factory=list)

    @property
    def dob_year(self) -> int:
        """Year of birth."""
        return dt.date.fromordinal(self.dob).year

    @property
    def pid(self) -> str:
        """Stable person id: 'P' + zero-padded global index."""
        return f"P{self.idx:08d}"

    def name_at(self, day: int) -> tuple[str, str, str, str]:
        """(first, middle, last, suffix) in use on ``day``."""
        for first, middle, last, suffix, start, end in self.names:
            if start <= day and (end is None or day < end):
                return first, middle, last, suffix
        first, middle, last, suffix, _, _ = self.names[-1 if day >= self.names[-1][4] else 0]
        return first, middle, last, suffix

    def address_at(self, day: int) -> Addr | None:
        """The residence on ``day`` (None before the window)."""
        for addr, start, end in self.addresses:
            if start <= day and (end is None or day < end):
                return addr
        return None


def ssn_for(index: int, seed: int) -> str:
    """A unique valid-format SSN for ``index`` (an affine bijection of the SSN space)."""
    k = (index * 7_919_393 + seed * 104_729 + 12_345) % _SSN_SPACE
    area, rest = divmod(k, 99 * 9999)
    group, serial = divmod(rest, 9999)
    area += 1
    if area >= 666:
        area += 1
    return f"{area:03d}{group + 1:02d}{serial + 1:04d}"


def _dob(rng: random.Random, year_lo: int, year_hi: int) -> int:
    start = dt.date(year_lo, 1, 1).toordinal()
    return start + rng.randrange(int((year_hi - year_lo + 1) * YEAR))


def _name_for(rng: random.Random, sex: str) -> tuple[str, str]:
    first, middle = names.pick_first(rng, sex), names.pick_middle(rng, sex)
    return first, "" if middle == first else middle


@dataclass(slots=True)
class Household:
    """Members of one household and how they relate."""

    hid: int
    head: Person
    spouse: Person | None = None
    married: int | None = None  # marriage date (ordinal); before the window when known earlier
    divorced: int | None = None
    children: list[Person] = field(default_factory=list)
    common: bool = False

    @property
    def members(self) -> list[Person]:
        """Head, spouse, children in that order."""
        return [self.head, *([self.spouse] if self.spouse else []), *self.children]


def make_household(
    rng: random.Random,
    hid: int,
    next_idx: int,
    seed: int,
    as_of: int,
    single: bool = False,
) -> Household:
    """Draw one household whose persons get global indexes from ``next_idx`` on."""
    counter = iter(range(next_idx, next_idx + 16))
    latest_birth = dt.date.fromordinal(as_of).year - 18
    common = rng.random() < 0.04
    head_sex = "M" if rng.random() < 0.62 else "F"
    if common:
        first, last, head_sex = rng.choice(names.COMMON_NAMES)
        middle = names.pick_middle(rng, head_sex)
    else:
        last = names.pick_surname(rng)
        first, middle = _name_for(rng, head_sex)
    kind = 0.0 if single else rng.random()
    head_lo, head_hi = (1935, latest_birth - 2) if kind < 0.35 else (1940, 1990)
    head_dob = _dob(rng, head_lo, head_hi)
    i = next(counter)
    head = Person(i, hid, head_sex, first, middle, last, "", head_dob, ssn_for(i, seed), common)
    hh = Household(hid, head, common=common)
    if kind < 0.35:  # single adult
        return hh
    # couple: spouse of the other sex (a few same-sex couples), maiden name differs
    sp_sex = ("F" if head_sex == "M" else "M") if rng.random() < 0.96 else head_sex
    sp_first, sp_middle = _name_for(rng, sp_sex)
    sp_dob = head_dob + int(rng.gauss(-2 if sp_sex == "F" else 2, 3) * YEAR)
    sp_dob = min(sp_dob, dt.date(latest_birth, 12, 31).toordinal())
    i = next(counter)
    maiden = names.pick_surname(rng)
    spouse = Person(i, hid, sp_sex, sp_first, sp_middle, maiden, "", sp_dob, ssn_for(i, seed))
    if head.sex == "F" and spouse.sex == "M":  # children carry the husband's surname
        head.last, spouse.last = maiden, last
    hh.spouse = spouse
    head.spouse_of, spouse.spouse_of = spouse.idx, head.idx
    younger = max(head_dob, sp_dob)
    hh.married = younger + int(rng.uniform(20, 34) * YEAR)
    if hh.married > as_of - 200:
        hh.married = as_of - 200 - rng.randrange(3000)
    if rng.random() < 0.10:
        hh.divorced = hh.married + int(rng.uniform(1, 12) * YEAR)
        if hh.divorced >= as_of or hh.divorced < WINDOW_START:
            hh.divorced = None
    if kind < 0.55:
        return hh
    # children: born 20-40 years after the younger parent, adults by as_of
    mother_dob = spouse.dob if spouse.sex == "F" else head.dob
    n_kids = rng.choice((1, 1, 2, 2, 3))
    jr = head.sex == "M" and rng.random() < 0.30
    for k in range(n_kids):
        kid_dob = mother_dob + int(rng.uniform(20, 40) * YEAR)
        if dt.date.fromordinal(kid_dob).year > latest_birth:
            continue
        kid_sex = "M" if (jr and k == 0) or rng.random() < 0.5 else "F"
        i = next(counter)
        kid = Person(i, hid, kid_sex, "", "", last, "", kid_dob, ssn_for(i, seed))
        if jr and k == 0:
            kid.first, kid.middle, kid.suffix = head.first, head.middle, "JR"
            head.suffix = "SR" if rng.random() < 0.5 else ""
            kid.jr_sr_of, head.jr_sr_of = head.idx, kid.idx
        else:
            kid.first, kid.middle = _name_for(rng, kid_sex)
        hh.children.append(kid)
        # twins: same DOB, surname and address; placed on purpose where they are a hard
        # negative, i.e. mostly among children still at home for years inside the window
        twin_p = 0.08 if kid_dob > WINDOW_START - 16 * YEAR else 0.02
        if rng.random() < twin_p:
            i = next(counter)
            t_sex = kid_sex if rng.random() < 0.5 else ("F" if kid_sex == "M" else "M")
            t_first, t_middle = _name_for(rng, t_sex)
            twin = Person(i, hid, t_sex, t_first, t_middle, last, "", kid_dob, ssn_for(i, seed))
            twin.twin_of, kid.twin_of = kid.idx, twin.idx
            hh.children.append(twin)
    return hh
