"""One input row -> an `AccountQuery`, or the machine reason the row cannot be queried.

A row is queryable when it has a full valid SSN, or a name plus at least one other usable
element (DOB, SSN last 4, address, phone, email or employer). Malformed values of the
fields in `QueryPolicy.reject_malformed` reject the row (a garbled DOB or SSN on a
placement usually means a shifted or corrupted row: matching on the rest risks the wrong
party); other malformed values are dropped and noted in `AccountQuery.notes`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from skiptrace.locate.results import AccountQuery
from skiptrace.normalize import (
    Address,
    Name,
    normalize_address,
    normalize_date,
    normalize_email,
    normalize_employer,
    normalize_name,
    normalize_name_parts,
    normalize_phones,
    normalize_ssn,
)

REJECT_REASONS = {
    "malformed_row": "the row's quoting is broken; values were read leniently",
    "ragged_row": "the row has more or fewer fields than the header",
    "empty_row": "every field is empty",
    "missing_account_id": "no account id",
    "duplicate_account_id": "an earlier row has the same account id",
    "malformed_dob": "the date of birth is not a date",
    "malformed_ssn": "the SSN is neither 9 digits nor a last 4, or was never issuable",
    "nothing_usable": "no field holds a usable value",
    "insufficient_identity": "not enough to identify a person (need a full SSN, or a name "
    "plus DOB, SSN last 4, address, phone, email or employer)",
}
"""Every reject reason the batch emits, with its meaning (documented in docs/batch.md)."""
_MONEY = re.compile(r"[\s$,]")


@dataclass(frozen=True, slots=True)
class QueryPolicy:
    """Field rules that differ between commands (verify keeps malformed SSNs as evidence)."""

    reject_malformed: frozenset[str] = frozenset({"dob", "ssn"})


def _parse_balance(raw: str) -> float | None:
    text = _MONEY.sub("", raw)
    negative = text.startswith("(") and text.endswith(")")
    try:
        value = float(text.strip("()"))
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return -value if negative else value


def _name(fields: Mapping[str, str]) -> Name | None:
    parts = {k: fields.get(f"{k}_name", "") for k in ("first", "middle", "last")}
    if parts["first"] or parts["last"]:
        name = normalize_name_parts(**parts, suffix=fields.get("name_suffix", ""))
        if name.ok or not fields.get("full_name"):
            return name
    return normalize_name(fields["full_name"]) if fields.get("full_name") else None


def _address(fields: Mapping[str, str]) -> Address | None:
    if fields.get("address"):
        return normalize_address(fields["address"])
    keys = {"address_line1": "line1", "address_line2": "line2", "city": "city"}
    keys |= {"state": "state", "zip": "zip"}
    parts = {arg: fields[k] for k, arg in keys.items() if fields.get(k)}
    return normalize_address(**parts) if parts else None


def build_query(
    fields: Mapping[str, str], row_number: int, policy: QueryPolicy
) -> tuple[AccountQuery, str]:
    """Normalize one row's canonical fields; returns the query and a reject reason ('' if ok).

    `fields` maps canonical field names to raw text (absent or '' when not given).
    """
    fields = {k: v.strip() for k, v in fields.items() if v and v.strip()}
    account_id = fields.get("account_id", "")
    notes: list[str] = []
    reason = ""
    dob = normalize_date(fields["dob"]) if "dob" in fields else None
    ssn_raw = fields.get("ssn") or fields.get("ssn_last4")
    ssn = normalize_ssn(ssn_raw) if ssn_raw else None
    for key, value in (("dob", dob), ("ssn", ssn)):
        if value is not None and not value.ok:
            if key in policy.reject_malformed:
                reason = reason or f"malformed_{key}"
            notes.append(f"{key}:{value.error}")
    phones = tuple(
        phone
        for slot in ("phone_1", "phone_2", "phone_3")
        if slot in fields
        for phone in normalize_phones(fields[slot])
    )
    others = {
        "name": _name(fields),
        "address": _address(fields),
        "email": normalize_email(fields["email"]) if "email" in fields else None,
        "employer": normalize_employer(fields["employer"]) if "employer" in fields else None,
    }
    notes.extend(f"{k}:{v.error}" for k, v in others.items() if v is not None and not v.ok)
    notes.extend(f"phone:{p.error}" for p in phones if not p.ok)
    balance = _parse_balance(fields["balance"]) if "balance" in fields else None
    if "balance" in fields and balance is None:
        notes.append("balance:unparseable")
    query = AccountQuery(
        account_id=account_id,
        row_number=row_number,
        dob=dob,
        ssn=ssn,
        phones=phones,
        balance=balance,
        notes=tuple(notes),
        **others,
    )
    if not fields:
        return query, "empty_row"
    if not account_id:
        return query, "missing_account_id"
    return query, reason or _identity_reason(query)


def _identity_reason(query: AccountQuery) -> str:
    usable = set(query.usable_fields())
    if not usable:
        return "nothing_usable"
    full_ssn = query.ssn is not None and query.ssn.ok and not query.ssn.partial
    if full_ssn or ("name" in usable and len(usable) > 1):
        return ""
    return "insufficient_identity"


def reject_reason(row_problem: str, repeat: bool, field_reason: str) -> str:
    """Combine row-level facts into one reason, most fundamental first.

    A broken row beats everything; an empty row or a row without an id cannot be a
    duplicate; a duplicate id beats field problems.
    """
    if row_problem:
        return row_problem
    if field_reason in ("empty_row", "missing_account_id"):
        return field_reason
    return "duplicate_account_id" if repeat else field_reason
