"""Contact and public-record sources: deeds, courts, telco, utilities, change of address, e-mail."""

from __future__ import annotations

from skiptrace.simulate.addresses import one_line
from skiptrace.simulate.names import pick_first, pick_surname
from skiptrace.simulate.persons import YEAR, Household, Person
from skiptrace.simulate.sink import Sink, fmt_ascii_upper, fmt_date, phone_at
from skiptrace.simulate.timelines import Stay

SELLER_ORGS = (
    "LENNAR HOMES LLC",
    "PULTE HOME CORP",
    "US BANK NA TRUSTEE",
    "FANNIE MAE",
    "D R HORTON INC",
    "OPENDOOR PROPERTY TRUST I",
    "WELLS FARGO BANK NA",
)
CASE_TYPES = (
    ("CIVIL JUDGMENT", 45),
    ("EVICTION", 20),
    ("TAX LIEN", 15),
    ("BANKRUPTCY 7", 12),
    ("BANKRUPTCY 13", 8),
)
LINE_CODES = {"mobile": "W", "landline": "L", "voip": "V"}


def _first_last(s: Sink, p: Person, day: int) -> str:
    first, middle, last, suffix = p.name_at(day)
    n = s.noise
    parts = (n.first(first), n.middle(middle, initial_only=True), n.last(last), n.suffix(suffix))
    return " ".join(x for x in parts if x)


def _deed_names(s: Sink, owners: list[Person], day: int) -> str:
    """'SMITH JOHN A & MARY B' (shared surname) or 'SMITH JOHN A & GARCIA MARIA'."""
    n, out, lead_last = s.noise, [], ""
    for p in owners:
        first, middle, last, suffix = p.name_at(day)
        tail = " ".join(x for x in (n.first(first), n.middle(middle, True), n.suffix(suffix)) if x)
        out.append(tail if last == lead_last else f"{n.last(last)} {tail}")
        lead_last = lead_last or last
    return fmt_ascii_upper(" & ".join(out))


def _outsider(s: Sink) -> tuple[str, tuple[None, ...]]:
    if s.hit(0.5):
        return s.rng.choice(SELLER_ORGS), (None,)
    last = fmt_ascii_upper(pick_surname(s.rng))
    a, b = pick_first(s.rng, "M").upper(), pick_first(s.rng, "F").upper()
    return fmt_ascii_upper(f"{last} {a} & {b}"), (None, None)


def property_deeds(s: Sink, hh: Household, stays: list[Stay], window_start: int) -> None:
    """Purchase and sale deeds of owned homes: grantees then grantors, outsiders unlinked."""
    rng, n = s.rng, s.noise
    for stay in stays:
        if not stay.owned or stay.addr.aid in s.done["deeds"] or not s.hit(0.9):
            continue
        s.done["deeds"].add(stay.addr.aid)
        probe = stay.start + 1
        owners = [
            p
            for p in hh.members
            if (a := p.address_at(probe)) is not None
            and a.aid == stay.addr.aid
            and probe - p.dob > 18 * YEAR
        ][:2]
        if not owners:
            continue
        bought = stay.start - rng.randrange(60)
        if stay.start == window_start:
            bought = stay.start - rng.randrange(int(15 * YEAR))
        line1, line2, city, state, zipc = n.address(stay.addr)
        situs = (f"{line1} {line2}".strip().upper(), city.upper(), state, zipc[:5])
        price = rng.randrange(60, 900) * 1000
        seller, seller_parties = _outsider(s)
        ids = tuple(p.idx for p in owners)
        rec = bought + s.lag(30)
        if rec <= s.as_of:
            row = (
                f"{rec % 10000:04d}-{stay.addr.aid:09d}",
                fmt_date(rec, "%Y%m%d"),
                rng.choice(("WARRANTY DEED", "GRANT DEED")),
                _deed_names(s, owners, bought),
                seller,
                *situs,
                str(price),
            )
            s.add("property_deeds", row, ids + seller_parties)
            for i in ids:
                s.addr_seen[i].add(stay.addr.aid)
        if stay.end is not None and stay.end + 30 <= s.as_of:
            buyer, buyer_parties = _outsider(s)
            rec = stay.end + s.lag(30)
            if rec <= s.as_of:
                row = (
                    f"{rec % 10000:04d}-{stay.addr.aid:09d}S",
                    fmt_date(rec, "%Y%m%d"),
                    "WARRANTY DEED",
                    buyer,
                    _deed_names(s, owners, stay.end),
                    *situs,
                    str(int(price * rng.uniform(1.0, 1.8))),
                )
                s.add("property_deeds", row, buyer_parties + ids)


def court_records(s: Sink, p: Person, debtor: bool) -> None:
    """Judgments, evictions, liens and bankruptcies against ``p`` (debtors more often)."""
    rate = s.cov.court_record + (s.cov.account_debtor_court if debtor else 0.0)
    if not s.hit(rate):
        return
    rng = s.rng
    adult = p.dob + int(21 * YEAR)
    lo = max(p.addresses[0][1], adult)
    hi = p.death if p.death is not None else s.as_of - 30
    for k in range(1 if s.hit(0.7) else 2):
        if hi <= lo:
            return
        filed = lo + rng.randrange(hi - lo)
        case = rng.choices(CASE_TYPES, weights=[w for _, w in CASE_TYPES])[0][0]
        addr = s.known_address(p, filed)
        if addr is None:
            continue
        bk = case.startswith("BANKRUPTCY")
        status = rng.choice(
            ("DISCHARGED", "DISMISSED", "OPEN")
            if bk
            else ("OPEN", "SATISFIED", "RELEASED", "DISMISSED")
        )
        closed = filed + rng.randrange(60, 900)
        row = (
            f"{s.geo.states[addr.zid]}-{fmt_date(filed, '%y')}-{p.idx % 99991:05d}{k}",
            f"{s.geo.counties[addr.zid]} {'Bankruptcy' if bk else 'District'} Court",
            case,
            fmt_date(filed, "%Y-%m-%d"),
            status,
            fmt_date(closed, "%Y-%m-%d") if status != "OPEN" and closed <= s.as_of else "",
            fmt_ascii_upper(_first_last(s, p, filed)),
            one_line(*s.noise.address(addr)).upper(),
            p.ssn[-4:] if bk else "",
            str(rng.randrange(5, 5000) * 10) if not bk else "",
        )
        s.add("court_records", row, (p.idx,))
        s.addr_seen[p.idx].add(addr.aid)


def telco_connects(s: Sink, p: Person) -> None:
    """Connect/disconnect rows per line; a shared landline is listed under one subscriber."""
    n, rng = s.noise, s.rng
    for number, kind, start, end in p.phones:
        if (number, start) in s.done["telco"]:
            continue
        s.done["telco"].add((number, start))
        if not s.hit(s.cov.telco_phone) or start + 30 > s.as_of:
            continue
        billed = start if kind == "landline" or not s.hit(0.3) else (end or s.as_of) - 1
        addr = s.known_address(p, billed)
        if addr is None:
            continue
        line1, line2, city, state, zipc = n.address(addr)
        first, _, last, _ = p.name_at(start)
        disc = end is not None and end + 30 <= s.as_of and s.hit(0.9)
        row = (
            f"{n.first(first)} {n.last(last)}"
            if s.hit(0.5)
            else fmt_ascii_upper(f"{n.first(first)} {n.last(last)}"),
            number,
            LINE_CODES[kind],
            f"{line1} {line2}".strip(),
            city,
            state,
            zipc[:5],
            fmt_date(start + rng.randrange(3), "%Y-%m-%d"),
            fmt_date(end, "%Y-%m-%d") if disc and end is not None else "",
        )
        s.add("telco_connects", row, (p.idx,))
        s.phone_seen[p.idx].add(number)
        s.addr_seen[p.idx].add(addr.aid)


def utility_connects(s: Sink, p: Person) -> None:
    """One connect per residence stay, in one household member's name."""
    n = s.noise
    for addr, start, end in p.addresses:
        if addr.aid in s.done["utility"] or start - p.dob < 18 * YEAR:
            continue
        s.done["utility"].add(addr.aid)
        if not s.hit(s.cov.utility_address) or start + 45 > s.as_of or not s.reports(addr.aid):
            continue
        first, middle, last, _ = p.name_at(start)
        phone = n.phone(phone_at(p, start)) if s.hit(0.7) else ""
        disc = end is not None and end + 20 <= s.as_of
        row = (
            f"U{addr.aid:010d}",
            fmt_ascii_upper(
                " ".join(x for x in (n.last(last), n.first(first), n.middle(middle, True)) if x)
            ),
            one_line(*n.address(addr)),
            fmt_date(start + s.lag(10), "%d-%b-%Y").upper(),
            fmt_date(end, "%d-%b-%Y").upper() if disc and end is not None else "",
            f"({phone[:3]}) {phone[3:6]}-{phone[6:]}" if phone else "",
            p.ssn[-4:] if s.hit(0.3) else "",
        )
        s.add("utility_connects", row, (p.idx,))
        s.addr_seen[p.idx].add(addr.aid)
        if phone:
            s.phone_seen[p.idx].add(phone)


def change_of_address(s: Sink, p: Person, head: bool) -> None:
    """Old/new address pairs for filed moves, effective month only."""
    n = s.noise
    for old, new, day in p.moves:
        if not s.hit(s.cov.coa_move) or day + s.lag(10) > s.as_of or not s.reports(new.aid):
            continue
        first, _, last, _ = p.name_at(day)
        o1, o2, ocity, ostate, ozip = n.address(old)
        n1, n2, ncity, nstate, nzip = n.address(new)
        row = (
            fmt_ascii_upper(f"{n.first(first)} {n.last(last)}"),
            "F" if head and s.hit(0.6) else "I",
            o1.upper(),
            o2.upper(),
            ocity.upper(),
            ostate,
            ozip[:5],
            n1.upper(),
            n2.upper(),
            ncity.upper(),
            nstate,
            nzip,
            fmt_date(day, "%Y%m"),
        )
        s.add("change_of_address", row, (p.idx,))
        s.addr_seen[p.idx].add(new.aid)


def email_append(s: Sink, p: Person) -> None:
    """Marketing e-mail append: the postal address is the one on file when last seen."""
    n, rng = s.noise, s.rng
    for email, start, end in p.emails:
        if not s.hit(s.cov.email_appended):
            continue
        first_seen = start + s.lag(90)
        last_seen = (end if end is not None else s.as_of) - rng.randrange(240)
        if first_seen > s.as_of or last_seen < first_seen:
            continue
        addr = s.known_address(p, last_seen)
        if addr is None:
            continue
        line1, line2, city, state, zipc = n.address(addr)
        first, _, last, _ = p.name_at(last_seen)
        row = (
            email if s.hit(0.8) else email.upper(),
            n.first(first).lower(),
            n.last(last).lower(),
            f"{line1} {line2}".strip(),
            city,
            state,
            zipc[:5],
            fmt_date(first_seen, "%Y-%m-%d"),
            fmt_date(last_seen, "%Y-%m-%d"),
            rng.choice(("sweepstakes", "retail-signup", "newsletter", "survey")),
        )
        s.add("email_append", row, (p.idx,))
        s.addr_seen[p.idx].add(addr.aid)
