"""Field-level noise as sources introduce it: typos, nicknames, swapped DOBs, SSN errors.

Every method draws against one rate of :class:`~skiptrace.simulate.config.NoiseRates`, so
the rates in that dataclass are the single place the world's error levels are set.
"""

from __future__ import annotations

import datetime as dt
import random

from skiptrace.simulate.addresses import Addr, render_line1, render_line2, render_zip
from skiptrace.simulate.config import NoiseRates
from skiptrace.simulate.geography import Geography
from skiptrace.simulate.names import NICKNAMES

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def typo(word: str, rng: random.Random) -> str:
    """One substituted, dropped or doubled letter (never the first letter)."""
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))
    r = rng.random()
    if r < 0.4:
        return word[:i] + rng.choice(_LETTERS) + word[i + 1 :]
    if r < 0.7:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def transpose(text: str, rng: random.Random) -> str:
    """Two adjacent characters swapped."""
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


class Noise:
    """Applies :class:`NoiseRates` with one chunk's RNG."""

    def __init__(self, rng: random.Random, rates: NoiseRates, geo: Geography):
        self.rng, self.r, self.geo = rng, rates, geo

    def hit(self, rate: float) -> bool:
        """True with probability ``rate``."""
        return self.rng.random() < rate

    def first(self, first: str) -> str:
        """A first name as a source writes it: nickname, initial, typo or transposition."""
        rng, r = self.rng, self.r
        nick = NICKNAMES.get(first)
        if nick and rng.random() < r.nickname:
            return rng.choice(nick)
        if rng.random() < r.first_initial:
            return first[0]
        return self.last(first)

    def last(self, last: str) -> str:
        """A surname (or first name) with typo / transposition noise."""
        if self.rng.random() < self.r.name_typo:
            return typo(last, self.rng)
        if self.rng.random() < self.r.name_transposition:
            return transpose(last, self.rng)
        return last

    def middle(self, middle: str, initial_only: bool = False) -> str:
        """Middle name dropped, shortened to an initial, or kept."""
        if not middle or self.rng.random() < self.r.drop_middle:
            return ""
        if initial_only or self.rng.random() < self.r.middle_initial:
            return middle[0]
        return middle

    def suffix(self, suffix: str) -> str:
        """Generational suffix, often dropped."""
        return "" if suffix and self.rng.random() < self.r.drop_suffix else suffix

    def dob(self, dob: int) -> dt.date | None:
        """DOB with day/month swaps, one-digit errors, or missing (None)."""
        rng, r = self.rng, self.r
        if rng.random() < r.missing_dob:
            return None
        d = dt.date.fromordinal(dob)
        if d.day <= 12 and d.day != d.month and rng.random() < r.dob_swap:
            return d.replace(month=d.day, day=d.month)
        if rng.random() < r.dob_typo:
            field = rng.randrange(3)
            try:
                if field == 0:
                    return d.replace(year=d.year + rng.choice((-10, -1, 1, 10)))
                if field == 1:
                    return d.replace(day=(d.day + rng.choice((1, 10, -1))) % 28 + 1)
                return d.replace(month=(d.month + rng.choice((1, -1))) % 12 + 1)
            except ValueError:
                return d
        return d

    def ssn(self, ssn: str) -> str:
        """SSN with a wrong digit, a transposition, or '' when missing."""
        rng, r = self.rng, self.r
        if rng.random() < r.missing_ssn:
            return ""
        if rng.random() < r.ssn_digit:
            i = rng.randrange(9)
            return ssn[:i] + str((int(ssn[i]) + rng.randint(1, 9)) % 10) + ssn[i + 1 :]
        if rng.random() < r.ssn_transposition:
            return transpose(ssn, rng)
        return ssn

    def phone(self, phone: str | None) -> str:
        """The phone, or '' when the source left it blank."""
        if not phone or self.rng.random() < self.r.missing_phone:
            return ""
        return phone

    def address(self, a: Addr) -> tuple[str, str, str, str, str]:
        """(line1, line2, city, state, zip) as a source spells ``a``."""
        rng, r, geo = self.rng, self.r, self.geo
        return (
            render_line1(a, rng, r.long_form, r.street_typo),
            render_line2(a, rng, r.missing_unit),
            geo.cities[a.zid],
            geo.states[a.zid],
            render_zip(a, geo, rng, r.zip4),
        )
