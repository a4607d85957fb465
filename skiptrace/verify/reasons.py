"""Evidence text for each triggered feature, and the INPUT_MISSING codes.

Evidence never holds a full SSN (last 4 only) or a full DOB (year only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from skiptrace.locate.results import AccountQuery
from skiptrace.verify.codes import Reason
from skiptrace.verify.features import exchange_state, given_elements

Row = dict[str, Any]


def _ssn(q: AccountQuery) -> str:
    return q.ssn.masked if q.ssn is not None else "***-**-****"


def _address(q: AccountQuery) -> str:
    a = q.address
    return f"{a.line}, {a.city} {a.state} {a.zip5}".strip(", ") if a is not None else ""


def _phones(q: AccountQuery) -> str:
    return ", ".join(p.e164 for p in q.phones if p.ok) or "(none)"


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else "unknown"


def _n(value: Any) -> int:
    return int(value or 0)


def _tz(q: AccountQuery) -> str:
    zones = sorted({z for p in q.phones if p.ok for z in p.timezones})
    zone = q.address.timezone if q.address is not None else None
    return f"phone zone(s) {', '.join(zones)}; address zone {zone}"


def _exchange_states(q: AccountQuery) -> str:
    return ", ".join(sorted({exchange_state(p.e164[:8] + "0000") for p in q.phones if p.ok}))


_TEXT: dict[str, Callable[[AccountQuery, Row], str]] = {
    "ssn_invalid": lambda q, r: f"SSN {_ssn(q)}: {', '.join(q.ssn.flags) if q.ssn else ''}",
    "ssn_not_found": lambda q, r: f"no permitted source reports SSN {_ssn(q)}",
    "ssn_other_identity": lambda q, r: (
        f"SSN {_ssn(q)} is on file for {_n(r['ssn_others'])} other person(s) "
        "whose name or DOB differ"
    ),
    "ssn_multiple_identities": lambda q, r: (
        f"SSN {_ssn(q)} is on file for {_n(r['ssn_persons'])} resolved persons"
    ),
    "ssn_deceased": lambda q, r: (
        f"death record for SSN {_ssn(q)} (death year "
        f"{r['ssn_death_date'].year if r.get('ssn_death_date') else 'unknown'})"
    ),
    "multiple_ssns": lambda q, r: (
        "applicant on file with SSN(s) "
        + ", ".join(f"***-**-{x}" for x in sorted(r.get("subj_other_last4") or []))
        + f"; given {_ssn(q)}"
    ),
    "name_ssn_mismatch": lambda q, r: (
        f"no holder of SSN {_ssn(q)} was ever reported as {q.name.first} {q.name.last}"
        if q.name
        else ""
    ),
    "dob_mismatch": lambda q, r: (
        f"DOB year given {q.dob.year if q.dob else '?'}, on file {r.get('subj_dob_year')}"
    ),
    "address_not_associated": lambda q, r: (
        f"{_address(q)} is not among the addresses on file for the applicant"
    ),
    "address_far": lambda q, r: (
        f"the applicant has no address on file in ZIP area "
        f"{q.address.zip5[:3] if q.address else ''}xx"
    ),
    "address_new_state": lambda q, r: (
        f"the applicant has no address on file in {q.address.state if q.address else ''}"
    ),
    "address_unknown": lambda q, r: f"no permitted source reports {_address(q)} for anyone",
    "address_po_box": lambda q, r: f"{_address(q)} is a PO box, private mailbox or PO-box ZIP",
    "address_zip_inconsistent": lambda q, r: f"{_address(q)}: city/state do not match the ZIP",
    "address_former": lambda q, r: (
        f"last reported {_date(r.get('addr_last_seen'))}; a later address was first "
        f"reported {_date(r.get('other_addr_first_seen'))}"
    ),
    "phone_other_person": lambda q, r: (
        f"{_phones(q)} is on file for "
        f"{_n(r['phone_others']) - _n(r['phone_coresidents']) - _n(r['phone_namesakes'])} "
        "other person(s) who never shared an address with the applicant and were never "
        f"reported under the applicant's name (last reported for them "
        f"{_date(r.get('phone_other_seen'))})"
    ),
    "phone_not_associated": lambda q, r: f"{_phones(q)} is on file for nobody",
    "phone_tz_mismatch": lambda q, r: _tz(q),
    "phone_other_state": lambda q, r: (
        f"phone exchange state(s) {_exchange_states(q)}; address state "
        f"{q.address.state if q.address else ''}"
    ),
    "employer_not_associated": lambda q, r: (
        f"{q.employer.name if q.employer else ''} is not among the applicant's "
        f"{_n(r['subj_employers'])} employer(s) on file, one reported in the last two years"
    ),
    "employer_unverifiable": lambda q, r: (
        "no employer reported for the applicant in the last two years"
    ),
    "thin_file": lambda q, r: (
        f"{_n(r['subj_sources'])} source(s); first reported {_date(r.get('subj_first_seen'))}"
    ),
    "identity_not_found": lambda q, r: (
        f"best candidate identity confidence {r['identity_confidence']:.2f}"
    ),
    "address_unknown_far": lambda q, r: (
        f"{_address(q)} is reported for nobody and lies outside the applicant's ZIP3 areas"
    ),
    "address_unknown_new_state": lambda q, r: (
        f"{_address(q)} is reported for nobody and lies in a state the applicant never lived in"
    ),
    "address_unknown_phone_elsewhere": lambda q, r: (
        f"{_address(q)} is reported for nobody and the phone exchange is in {_exchange_states(q)}"
    ),
    "address_current_elsewhere": lambda q, r: (
        f"a source reported the applicant at another address on "
        f"{_date(r.get('subj_addr_last_seen'))}"
    ),
    "phone_other_person_far": lambda q, r: (
        f"{_phones(q)} belongs to another person and its exchange is in "
        f"{_exchange_states(q)}, not the address's state or time zone"
    ),
    "phone_unknown_far": lambda q, r: (
        f"{_phones(q)} is on file for nobody and its exchange is in {_exchange_states(q)}"
    ),
    "employer_current_elsewhere": lambda q, r: (
        f"another employer of the applicant was reported on {_date(r.get('employer_last_seen'))}"
    ),
    "phone_unknown_own_recent": lambda q, r: (
        f"{_phones(q)} is on file for nobody, while another phone of the applicant was "
        f"reported on {_date(r.get('subj_other_phone_seen'))}"
    ),
    "employer_elsewhere_180d": lambda q, r: (
        f"another employer of the applicant was reported in the last six months "
        f"({_date(r.get('employer_last_seen'))})"
    ),
    "employer_none_on_file": lambda q, r: "no employer was ever reported for the applicant",
    "address_elsewhere_60d": lambda q, r: (
        f"a source reported the applicant at another address in the last two months "
        f"({_date(r.get('subj_addr_last_seen'))})"
    ),
    "dob_year_mismatch": lambda q, r: (
        f"year of birth given {q.dob.year if q.dob else '?'}; only years of birth on file: "
        + ", ".join(str(y) for y in r.get("subj_birth_years") or [])
    ),
    "employer_not_local": lambda q, r: (
        f"no source reports anyone working for {q.employer.name if q.employer else ''} in ZIP "
        f"area {q.address.zip5[:3] if q.address and q.address.zip5 else '?'}xx "
        f"({_n(r.get('employer_persons'))} person(s) anywhere)"
    ),
    "velocity_ssn": lambda q, r: f"{_n(r.get('velocity_ssn'))} other identities used this SSN",
    "velocity_phone": lambda q, r: (
        f"{_n(r.get('velocity_phone'))} other identities used this phone"
    ),
    "velocity_address": lambda q, r: (
        f"{_n(r.get('velocity_address'))} other identities used this address"
    ),
}


def reason_evidence(feature: str, query: AccountQuery, row: Row) -> str:
    """The evidence sentence of one triggered feature."""
    return _TEXT[feature](query, row)


def input_reasons(query: AccountQuery) -> list[Reason]:
    """INPUT_MISSING_* / INPUT_PARTIAL_SSN for elements that could not be checked."""
    given = given_elements(query)
    reasons = []
    for element in ("name", "ssn", "dob", "address", "phone", "employer"):
        if given[element]:
            continue
        if element == "ssn" and query.ssn is not None and query.ssn.partial:
            reasons.append(Reason("INPUT_PARTIAL_SSN", f"given {query.ssn.masked}"))
            continue
        problem = next((n for n in query.notes if n.startswith(f"{element}:")), "")
        evidence = f"unusable ({problem.split(':', 1)[1]})" if problem else "not given"
        if element == "dob" and query.dob is not None and query.dob.ok:
            evidence = f"only the {query.dob.precision} of birth given"
        reasons.append(Reason(f"INPUT_MISSING_{element.upper()}", evidence))
    return reasons
