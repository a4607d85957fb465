"""Identity-bearing sources: credit header, payroll verifications, voter file, deceased file."""

from __future__ import annotations

from skiptrace.simulate.addresses import one_line
from skiptrace.simulate.employers import employer_variant
from skiptrace.simulate.persons import YEAR, Person
from skiptrace.simulate.sink import Sink, fmt_ascii_upper, fmt_date, phone_at
from skiptrace.simulate.timelines import phone_number


def _last_first(s: Sink, p: Person, day: int) -> str:
    first, middle, last, suffix = p.name_at(day)
    n = s.noise
    parts = [n.first(first), n.middle(middle), n.suffix(suffix)]
    return fmt_ascii_upper(f"{n.last(last)}, " + " ".join(x for x in parts if x))


def credit_header(s: Sink, p: Person) -> None:
    """One row per reported address: 'LAST, FIRST M' name, first/last reported dates."""
    if not s.hit(s.cov.credit_file):
        return
    n, rng, as_of = s.noise, s.rng, s.as_of
    adult = p.dob + int(18 * YEAR)
    gone = p.death + 60 if p.death is not None else as_of
    addrs = list(p.addresses)
    if p.mailing is not None and s.hit(0.5):
        addrs.append((p.mailing, p.addresses[-1][1], None))
    for addr, start, end in addrs:
        if (end if end is not None else as_of) <= adult or not s.hit(s.cov.credit_address):
            continue
        if not s.reports(addr.aid):
            continue
        first = max(start, adult) + s.lag(60)
        if first > min(as_of, gone):
            continue
        if end is None or n.hit(n.r.stale_address):  # stale re-reports look current
            last = as_of - rng.randrange(150)
        else:
            last = end + s.lag(45)
        last = max(first, min(last, as_of, gone))
        ssn = p.ssn
        if p.suffix == "JR" and p.jr_sr_of is not None and s.hit(0.05):  # mixed bureau file
            ssn = s.by_idx[p.jr_sr_of].ssn
        dob = n.dob(p.dob)
        line1, line2, city, state, zipc = n.address(addr)
        phone = n.phone(phone_at(p, last)) if s.hit(0.6) else ""
        row = (
            _last_first(s, p, first),
            n.ssn(ssn),
            dob.strftime("%Y%m%d") if dob else "",
            line1.upper(),
            line2.upper(),
            city.upper(),
            state,
            zipc,
            phone,
            fmt_date(first, "%m/%d/%Y"),
            fmt_date(last, "%m/%d/%Y"),
        )
        s.add("credit_header", row, (p.idx,))
        s.addr_seen[p.idx].add(addr.aid)
        if phone:
            s.phone_seen[p.idx].add(phone)


def payroll(s: Sink, p: Person) -> None:
    """One row per verified employment spell; some ended jobs still show no TERM_DT."""
    n, rng, as_of = s.noise, s.rng, s.as_of
    for employer, start, end in p.jobs:
        if not s.hit(s.cov.payroll_job):
            continue
        verified = (end if end is not None else as_of) - rng.randrange(400)
        verified = min(as_of, max(verified, start + s.lag(45)))
        if verified > as_of or verified < start:
            continue
        addr = s.known_address(p, verified)
        first, middle, last, suffix = p.name_at(verified)
        ssn = n.ssn(p.ssn)
        if ssn and s.hit(0.2):
            ssn = "XXX-XX-" + ssn[-4:]
        elif ssn:
            ssn = f"{ssn[:3]}-{ssn[3:5]}-{ssn[5:]}"
        dob = n.dob(p.dob)
        term = end is not None and end <= verified and s.hit(0.85)
        row = (
            n.first(first),
            n.middle(middle, initial_only=True),
            n.last(last),
            n.suffix(suffix).title(),
            ssn,
            dob.strftime("%m-%d-%Y") if dob else "",
            employer_variant(employer, rng),
            phone_number(rng, s.geo, p.addresses[-1][0].zid) if s.hit(0.7) else "",
            one_line(*n.address(addr)).upper() if addr is not None else "",
            fmt_date(start, "%Y-%m-%d"),
            fmt_date(end, "%Y-%m-%d") if term and end is not None else "",
            fmt_date(verified, "%Y-%m-%d"),
        )
        s.add("payroll", row, (p.idx,))
        s.employer_seen[p.idx].add(employer)
        if addr is not None:
            s.addr_seen[p.idx].add(addr.aid)


def voter_registration(s: Sink, p: Person) -> None:
    """Snapshot of registrations, one per state: stale ones stay INACTIVE with old names."""
    if not s.hit(s.cov.voter_registered):
        return
    n, geo, as_of = s.noise, s.geo, s.as_of
    adult = p.dob + int(18 * YEAR)
    regs: dict[str, tuple[int, int]] = {}  # state -> (address index, registration day)
    for i, (addr, start, end) in enumerate(p.addresses):
        if (end if end is not None else as_of) <= adult:
            continue
        state = geo.states[addr.zid]
        if not s.reports(addr.aid):
            continue
        if not regs or s.hit(s.cov.voter_reregister):
            regs[state] = (i, max(start, adult) + s.lag(20))
    if p.death is not None and s.hit(0.5):  # half of deceased voters purged
        return
    current = p.addresses[-1][0].aid
    for state, (i, reg_day) in sorted(regs.items()):
        if reg_day > as_of:
            continue
        addr = p.addresses[i][0]
        first, middle, last, suffix = p.name_at(reg_day)
        line1, line2, city, _, zipc = n.address(addr)
        mail = ""
        if p.mailing is not None:
            mail = one_line(
                f"PO Box {p.mailing.po_box}",
                "",
                geo.cities[p.mailing.zid],
                geo.states[p.mailing.zid],
                geo.zips[p.mailing.zid],
            )
        row = (
            f"{state}{(p.idx * 7919 + len(state)) % 10**9:09d}",
            n.last(last),
            n.first(first),
            n.middle(middle),
            n.suffix(suffix),
            str(p.dob_year) if not n.hit(n.r.dob_typo) else str(p.dob_year + 1),
            p.sex,
            line1,
            line2,
            city,
            state,
            zipc[:5],
            mail,
            fmt_date(reg_day, "%m/%d/%Y"),
            "ACTIVE" if addr.aid == current and p.death is None else "INACTIVE",
        )
        s.add("voter_registration", row, (p.idx,))
        s.addr_seen[p.idx].add(addr.aid)


def deceased(s: Sink, p: Person) -> None:
    """Death-master style row, reported after a lag of months."""
    if p.death is None or not s.hit(s.cov.death_reported):
        return
    if p.death + s.lag(120) > s.as_of:
        return
    n = s.noise
    first, middle, last, _ = p.name_at(p.death)
    dob = n.dob(p.dob)
    addr = p.address_at(p.death - 1)
    row = (
        n.ssn(p.ssn),
        fmt_ascii_upper(n.last(last)),
        fmt_ascii_upper(first),
        fmt_ascii_upper(middle[:1]),
        dob.strftime("%m%d%Y") if dob else "",
        fmt_date(p.death, "%m%d%Y"),
        s.geo.zips[addr.zid] if addr is not None and s.hit(0.8) else "",
        "V" if s.hit(0.9) else "P",
    )
    s.add("deceased", row, (p.idx,))
    s.death_seen.add(p.idx)
