"""Creditor placements (accounts.csv) and credit applications (applications.csv) with truth.

Accounts carry what the creditor captured at origination (2014-2023): the name then, entry
errors, partial SSNs, a stale address, phone and employer. Applications are recent; about
40% are tampered with a labelled type, and some tampered ones reuse a phone, address or
synthetic SSN across several applications (velocity rings).
"""

from __future__ import annotations

import datetime as dt
import random

from skiptrace.simulate.addresses import new_address
from skiptrace.simulate.employers import NATIONAL, employer_variant
from skiptrace.simulate.names import pick_first, pick_surname
from skiptrace.simulate.persons import YEAR, Person, ssn_for
from skiptrace.simulate.sink import Sink, fmt_date, phone_at
from skiptrace.simulate.timelines import phone_number

ORIG_LO, ORIG_HI = dt.date(2014, 1, 1).toordinal(), dt.date(2023, 12, 31).toordinal()
CREDITORS = (
    "Northwind Bank",
    "Lakeside Auto Finance",
    "Summit Card Services",
    "Metro Medical Billing",
    "Bluebird Telecom",
    "Prairie Personal Loans",
)
TAMPER_TYPES = (
    ("synthetic_ssn", 15),
    ("ssn_of_other", 15),
    ("ssn_of_deceased", 10),
    ("dob_off", 12),
    ("address_never_associated", 15),
    ("other_phone", 13),
    ("never_held_employer", 10),
    ("name_ssn_mismatch", 10),
)
GENUINE_RATE = 0.6


def origination_window(p: Person) -> tuple[int, int] | None:
    """Days on which ``p`` could have opened an account (adult, alive), or None."""
    lo = max(ORIG_LO, p.dob + int(21 * YEAR), p.addresses[0][1])
    hi = min(ORIG_HI, p.death - 60 if p.death is not None else ORIG_HI)
    return (lo, hi) if hi > lo else None


def _current(spans: list, death: int | None) -> list:
    """Entries still open at the as-of date (or at death)."""
    if death is None:
        return [x for x in spans if x[-1] is None]
    return [x for x in spans if x[-2] < death and (x[-1] is None or x[-1] >= death)]


def _ssn_as_entered(ssn: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.05:
        return ""
    if r < 0.13:
        return ssn[-4:] if rng.random() < 0.5 else f"XXX-XX-{ssn[-4:]}"
    if r < 0.15:
        i = rng.randrange(9)
        ssn = ssn[:i] + str((int(ssn[i]) + 1) % 10) + ssn[i + 1 :]
    return f"{ssn[:3]}-{ssn[3:5]}-{ssn[5:]}" if rng.random() < 0.5 else ssn


def account_rows(s: Sink, debtors: list[tuple[Person, int]], first_id: int) -> tuple[list, list]:
    """accounts.csv rows and truth rows for ``debtors`` (person, origination day)."""
    rows, truth, n, rng, geo = [], [], s.noise, s.rng, s.geo
    for k, (p, day) in enumerate(debtors):
        aid = f"A{first_id + k:08d}"
        first, middle, last, suffix = p.name_at(day)
        addr = p.address_at(day) or p.addresses[0][0]
        line1, line2, city, state, zipc = n.address(addr)
        dob = n.dob(p.dob)
        job = next((e for e, a, b in p.jobs if a <= day and (b is None or day < b)), "")
        email = next((e for e, a, b in p.emails if a <= day and (b is None or day < b)), "")
        charge_off = min(s.as_of - 30, day + rng.randrange(200, 1500))
        rows.append(
            (
                aid,
                rng.choice(CREDITORS),
                fmt_date(day, "%Y-%m-%d"),
                fmt_date(charge_off, "%Y-%m-%d"),
                f"{rng.lognormvariate(7.5, 1.0):.2f}",
                n.first(first),
                n.middle(middle),
                n.last(last),
                n.suffix(suffix),
                _ssn_as_entered(p.ssn, rng),
                dob.strftime("%m/%d/%Y") if dob else "",
                line1,
                line2,
                city,
                state,
                zipc,
                n.phone(phone_at(p, day)),
                email if rng.random() < 0.5 else "",
                employer_variant(job, rng) if job and rng.random() < 0.6 else "",
            )
        )
        cur_addr = _current(p.addresses, p.death)
        a = cur_addr[0][0] if cur_addr else p.addresses[-1][0]
        phones = [x[0] for x in _current(p.phones, p.death)]
        jobs = [x[0] for x in _current(p.jobs, p.death)]
        truth.append(
            (
                aid,
                p.pid,
                a.line1(),
                a.line2(),
                geo.cities[a.zid],
                geo.states[a.zid],
                geo.zips[a.zid],
                int(a.aid in s.addr_seen[p.idx]),
                ";".join(phones),
                ";".join(x for x in phones if x in s.phone_seen[p.idx]),
                ";".join(jobs),
                int(bool(jobs) and jobs[0] in s.employer_seen[p.idx]),
                int(p.death is not None),
                int(p.idx in s.death_seen),
            )
        )
    return rows, truth


def application_rows(
    s: Sink, people: list[Person], count: int, first_id: int, total_persons: int, seed: int
) -> tuple[list, list]:
    """applications.csv rows and truth rows: genuine or tampered with a labelled type."""
    rng, geo, n, as_of = s.rng, s.geo, s.noise, s.as_of
    living = [p for p in people if p.death is None and as_of - p.dob > 21 * YEAR]
    dead = [p for p in people if p.death is not None]
    rows, truth, rings = [], [], {}
    for k, p in enumerate(rng.sample(living, min(count, len(living)))):
        app_id = f"APP{first_id + k:08d}"
        day = as_of - rng.randrange(180)
        first, middle, last, suffix = p.name_at(day)
        addr = p.address_at(day) or p.addresses[-1][0]
        line1, line2, city, state, zipc = n.address(addr)
        ssn, dob = p.ssn, dt.date.fromordinal(p.dob)
        phone = phone_at(p, day, ("mobile", "voip")) or phone_at(p, day)
        email = next((e for e, a, b in p.emails if b is None), "")
        job = next((e for e, a, b in p.jobs if b is None), "")
        employer = employer_variant(job, rng) if job else ""
        kind, group = "", ""
        if rng.random() >= GENUINE_RATE:
            kind = rng.choices(TAMPER_TYPES, weights=[w for _, w in TAMPER_TYPES])[0][0]
            if kind == "ssn_of_deceased" and not dead:
                kind = "ssn_of_other"
            other = rng.choice([q for q in living if q is not p] or [p])
            if kind == "synthetic_ssn":
                ssn = ssn_for(total_persons + first_id + k, seed)
            elif kind == "ssn_of_other":
                ssn = other.ssn
            elif kind == "ssn_of_deceased":
                ssn = rng.choice(dead).ssn
            elif kind == "dob_off":
                dob = dob.replace(
                    year=dob.year + rng.choice((-12, -7, -4, 3, 6, 9)), day=min(dob.day, 28)
                )
            elif kind == "address_never_associated":
                fake = new_address(rng, geo.pick(rng), -1, True)
                line1, line2, city, state, zipc = n.address(fake)
            elif kind == "other_phone":
                phone = phone_at(other, day) or phone_number(rng, geo, other.addresses[-1][0].zid)
            elif kind == "never_held_employer":
                held = {e for e, _, _ in p.jobs}
                employer = rng.choice([c for c, _ in NATIONAL if c not in held])
            elif kind == "name_ssn_mismatch":
                first, middle, last = pick_first(rng, p.sex), "", pick_surname(rng)
            if (
                kind in ("other_phone", "address_never_associated", "synthetic_ssn")
                and rng.random() < 0.35
            ):
                key = (kind, rng.randrange(max(1, count // 40)))
                if key in rings:  # velocity: reuse the ring's shared value
                    group, value = rings[key]
                    if kind == "other_phone":
                        phone = value
                    elif kind == "synthetic_ssn":
                        ssn = value
                    else:
                        line1, line2, city, state, zipc = value
                else:
                    group = f"V{first_id + k:08d}"
                    value = {"other_phone": phone, "synthetic_ssn": ssn}.get(
                        kind, (line1, line2, city, state, zipc)
                    )
                    rings[key] = (group, value)
        rows.append(
            (
                app_id,
                fmt_date(day, "%Y-%m-%d"),
                rng.choice(("web", "mobile", "branch", "phone")),
                n.first(first) if not kind else first,
                middle[:1],
                last,
                suffix,
                ssn,
                dob.strftime("%Y-%m-%d"),
                line1,
                line2,
                city,
                state,
                zipc,
                phone,
                email,
                employer,
                str(rng.randrange(18, 250) * 1000),
            )
        )
        truth.append((app_id, p.pid, "tampered" if kind else "genuine", kind, group))
    return rows, truth
