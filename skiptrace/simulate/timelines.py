"""Life histories from the window start to the as-of date, one household at a time.

Moves (about 11%/year, more for young adults and renters, mostly within the county),
marriages with surname change and divorces reverting, children leaving home, landlines tied
to one address, mobiles that survive moves, e-mails, jobs and deaths.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from itertools import count

from skiptrace.simulate.addresses import Addr, new_address, new_po_box
from skiptrace.simulate.employers import pick_employer
from skiptrace.simulate.geography import Geography
from skiptrace.simulate.names import SURNAMES, ascii_fold
from skiptrace.simulate.persons import YEAR, Household, Person

EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "aol.com", "icloud.com")
_LOCAL_SURNAMES = tuple(SURNAMES[:80])


@dataclass(slots=True)
class Stay:
    """One address of a residence path, with its landline (number, from, to) if any."""

    addr: Addr
    start: int
    end: int | None
    owned: bool
    landline: tuple[str, int, int | None] | None


def _age(p: Person, day: int) -> float:
    return (day - p.dob) / YEAR


def _move_rate(age: float, renter: bool) -> float:
    base = 0.16 if age < 30 else 0.08 if age < 45 else 0.045 if age < 65 else 0.028
    return base * (1.5 if renter else 0.7)


def phone_number(rng: random.Random, geo: Geography, zid: int) -> str:
    """A valid-looking 10-digit NANP number with an area code serving ``zid``."""
    npa = rng.choice(geo.area_codes[zid])
    nxx = rng.randint(200, 999)
    if nxx % 100 == 11 or nxx == 555:
        nxx += 1
    return f"{npa}{nxx}{rng.randint(0, 9999):04d}"


class TimelineBuilder:
    """Draws histories for the households of one chunk (shared RNG and address ids)."""

    def __init__(self, rng: random.Random, geo: Geography, start: int, as_of: int, base: int):
        self.rng, self.geo, self.start, self.as_of = rng, geo, start, as_of
        self.aids = count(base)
        self.stays: list[Stay] = []

    def _path(
        self, addr: Addr, t0: int, ref: Person, renter: bool, landline_p: float
    ) -> list[Stay]:
        """A residence path starting at ``addr`` on ``t0`` until the as-of date."""
        rng, stays = self.rng, []
        t = t0
        while True:
            age = _age(ref, t)
            gap = int(rng.expovariate(_move_rate(age, renter)) * YEAR) + 30
            end = t + gap if t + gap < self.as_of else None
            year = 2008 + (t - self.start) / YEAR
            line = None
            if rng.random() < landline_p * max(0.2, 1.0 - 0.05 * (year - 2008)):
                l_end = end
                if rng.random() < 0.3:  # cord cutting while still living there
                    l_end = t + int((end or self.as_of) - t) * 2 // 3
                line = (phone_number(rng, self.geo, addr.zid), t, l_end)
            stays.append(Stay(addr, t, end, not renter, line))
            self.stays.append(stays[-1])
            if end is None:
                return stays
            t = end
            interstate = 0.20 if age < 30 else 0.12
            zid = self.geo.move_from(addr.zid, rng, interstate)
            renter = renter if rng.random() < 0.8 else not renter
            addr = new_address(rng, zid, next(self.aids), renter)

    def _own_path(self, origin: Addr, t0: int, ref: Person) -> list[Stay]:
        zid = self.geo.move_from(origin.zid, self.rng, 0.1)
        return self._path(new_address(self.rng, zid, next(self.aids), True), t0, ref, True, 0.3)

    def _live(self, p: Person, stays: list[Stay], lo: int, hi: int | None) -> None:
        """Give ``p`` the part of ``stays`` overlapping [lo, hi)."""
        end_cap = hi
        if p.death is not None:
            end_cap = p.death if end_cap is None else min(end_cap, p.death)
        for s in stays:
            a = max(s.start, lo)
            b = s.end if end_cap is None else (end_cap if s.end is None else min(s.end, end_cap))
            if b is not None and b <= a:
                continue
            if p.addresses and p.addresses[-1][0].aid != s.addr.aid:
                p.moves.append((p.addresses[-1][0], s.addr, a))
            p.addresses.append((s.addr, a, b))
            if s.landline and _age(p, a) >= 16:
                number, la, lb = s.landline
                la, lb = max(la, a), lb if b is None else (b if lb is None else min(lb, b))
                if lb is None or lb > la:
                    p.phones.append((number, "landline", la, lb))

    def build(self, hh: Household) -> list[Stay]:
        """Fill every member's histories; return every residence stay drawn for them."""
        rng, geo, start = self.rng, self.geo, self.start
        self.stays = []
        for p in hh.members:
            self._death(p)
        zid = geo.pick_metro(rng) if hh.common else geo.pick(rng)
        renter = _age(hh.head, start) < 32 or rng.random() < 0.3
        home = self._path(
            new_address(rng, zid, next(self.aids), renter), start, hh.head, renter, 0.6
        )
        self._live(hh.head, home, start, None)
        sp = hh.spouse
        if sp is not None:
            married = hh.married or start
            if married > start:
                self._live(sp, self._own_path(home[0].addr, start, sp), start, married)
            self._live(sp, home, max(start, married), hh.divorced)
            if hh.divorced:
                here = sp.address_at(hh.divorced - 1) or home[0].addr
                self._live(sp, self._own_path(here, hh.divorced, sp), hh.divorced, None)
        for kid in hh.children:
            span = (22, 40) if kid.suffix == "JR" else (18, 28)
            leave = kid.dob + int(rng.uniform(*span) * YEAR)
            if leave <= start:
                self._live(kid, self._own_path(home[0].addr, start, kid), start, None)
            else:
                self._live(kid, home, start, leave)
                if leave < self.as_of and (kid.death is None or leave < kid.death):
                    here = kid.address_at(leave - 1) or home[0].addr
                    self._live(kid, self._own_path(here, leave, kid), leave, None)
        self._names(hh)
        for p in hh.members:
            self._mobile(p)
            self._email(p)
            self._jobs(p)
            if rng.random() < 0.04 and p.addresses:
                p.mailing = new_po_box(rng, p.addresses[-1][0].zid, next(self.aids))
        return self.stays

    def _death(self, p: Person) -> None:
        rng = self.rng
        t = self.start
        while t < self.as_of:
            age = _age(p, t)
            if rng.random() < min(0.5, 0.00005 * math.exp(0.09 * age)):
                p.death = min(self.as_of - 1, t + 1 + rng.randrange(364))
                return
            t += 365

    def _names(self, hh: Household) -> None:
        for p in hh.members:
            p.names = [(p.first, p.middle, p.last, p.suffix, p.dob, None)]
        sp, head, rng = hh.spouse, hh.head, self.rng
        if sp is None or sp.sex == head.sex or hh.married is None:
            return
        wife, husband = (sp, head) if sp.sex == "F" else (head, sp)
        r = rng.random()
        if r < 0.12:
            return
        married_last = husband.last if r < 0.92 else f"{wife.last}-{husband.last}"
        wife.names = [
            (wife.first, wife.middle, wife.last, "", wife.dob, hh.married),
            (wife.first, wife.middle, married_last, "", hh.married, None),
        ]
        if hh.divorced and rng.random() < 0.5:
            f, m, last, s, a, _ = wife.names[-1]
            wife.names[-1] = (f, m, last, s, a, hh.divorced)
            wife.names.append((wife.first, wife.middle, wife.last, "", hh.divorced, None))

    def _end(self, p: Person, day: int | None) -> int | None:
        if p.death is not None and (day is None or day > p.death):
            return p.death
        return day

    def _mobile(self, p: Person) -> None:
        rng = self.rng
        t = max(self.start, p.dob + int(16 * YEAR)) + rng.randrange(400)
        if t >= self.as_of or rng.random() > (0.7 if _age(p, t) > 70 else 0.93):
            return
        while t < self.as_of and (p.death is None or t < p.death):
            end = t + int(rng.expovariate(0.06) * YEAR) + 60
            end_or_none = self._end(p, end if end < self.as_of else None)
            addr = p.address_at(t) or p.addresses[0][0]
            kind = "voip" if rng.random() < 0.05 else "mobile"
            p.phones.append((phone_number(rng, self.geo, addr.zid), kind, t, end_or_none))
            t = end

    def _email(self, p: Person) -> None:
        rng = self.rng
        t = max(self.start, p.dob + int(18 * YEAR)) + rng.randrange(700)
        if t >= self.as_of or rng.random() > 0.85:
            return
        first, last = ascii_fold(p.first).lower(), ascii_fold(p.last).lower().replace(" ", "")
        for n in range(1 if rng.random() < 0.7 else 2):
            handle = rng.choice((f"{first}.{last}", f"{first[0]}{last}", f"{first}{last}"))
            email = f"{handle}{p.idx % 997 + n}@{rng.choice(EMAIL_DOMAINS)}"
            end = None if n == 0 or rng.random() < 0.5 else t + int(rng.uniform(1, 6) * YEAR)
            end = self._end(p, end if end is None or end < self.as_of else None)
            p.emails.append((email, t, end))
            t = t + int(rng.uniform(1, 8) * YEAR)
            if t >= self.as_of:
                return

    def _jobs(self, p: Person) -> None:
        rng = self.rng
        if rng.random() < 0.2:
            return
        t = max(self.start - int(rng.uniform(0, 8) * YEAR), p.dob + int(18 * YEAR))
        retire = p.dob + int(rng.uniform(60, 70) * YEAR)
        while t < min(self.as_of, retire) and (p.death is None or t < p.death):
            end = t + int(rng.expovariate(0.25) * YEAR) + 90
            addr = p.address_at(max(t, self.start)) or p.addresses[0][0]
            employer = pick_employer(rng, self.geo.cities[addr.zid], _LOCAL_SURNAMES)
            stop = end if end < min(self.as_of, retire) else None
            if stop is None and retire < self.as_of:
                stop = retire
            if stop is None or stop > self.start:
                p.jobs.append((employer, t, self._end(p, stop)))
            t = end + int(rng.expovariate(1.5) * YEAR)
