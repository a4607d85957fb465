"""Scored candidate and contact tables -> `LocateResult` objects (no scoring happens here)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa

from skiptrace.locate.matching import CODE_FIELDS, COMPARISONS
from skiptrace.locate.results import (
    ContactPoint,
    FieldContribution,
    LocateResult,
    MatchCodes,
    PersonMatch,
)

_SUPERSEDED = (
    ("n_later", "later_{kind}"), ("moved_away", "move_filing"), ("sold", "deed_sale"),
    ("all_ended", "{ended}"),
)  # fmt: skip
_ENDED = {"phone": "disconnect", "employer": "employment_end", "address": "move_out"}
_LABELS = {c.name: c.level_labels() for c in COMPARISONS}
"""Level labels per comparison (built once: a batch labels every candidate's fields)."""


def _month(value: dt.date | None) -> str:
    return value.strftime("%Y-%m") if value else "unknown"


def _reasons(row: dict[str, Any]) -> tuple[str, ...]:
    n = row["n_sources"]
    reasons = [f"{n} source{'s' if n != 1 else ''}, last seen {_month(row['last_seen'])}"]
    if row["all_ended"]:
        reasons.append(f"ended {_month(row['end_date'])}")
    if row["moved_to"]:
        reasons.append("move filing to it")
    if row["moved_away"]:
        reasons.append("move filing away from it")
    if row["sold"]:
        reasons.append("sold (deed)")
    if row["n_later"]:
        reasons.append(f"a later {row['kind']} reported")
    if row["n_persons"] > 1:
        reasons.append(f"linked to {row['n_persons']} persons")
    return tuple(reasons)


def _superseded(row: dict[str, Any]) -> tuple[str, ...]:
    kind = row["kind"]
    return tuple(
        label.format(kind=kind, ended=_ENDED.get(kind, "ended"))
        for column, label in _SUPERSEDED
        if row[column]
    )


def contact_point(row: dict[str, Any], confidence: float) -> ContactPoint:
    """One evidence row with its final confidence as a `ContactPoint`."""
    kind = row["kind"]
    return ContactPoint(
        kind=kind,
        value=row["display"],
        confidence=float(min(max(confidence, 0.0), 1.0)),
        key=row["value_key"],
        line1=row["line1"] or "" if kind == "address" else "",
        city=row["city"] or "" if kind == "address" else "",
        state=row["state"] or "" if kind == "address" else "",
        zip=row["zip"] or "" if kind == "address" else "",
        e164=row["value_key"] if kind == "phone" else "",
        line_type=(row["line_type"] or "unknown") if kind == "phone" else "",
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        sources=tuple(row["sources"]),
        n_independent_sources=int(row["n_sources"]),
        reasons=_reasons(row),
        superseded_by=_superseded(row),
    )


def group_contacts(
    evidence: pa.Table, confidence: np.ndarray
) -> dict[str, dict[str, list[ContactPoint]]]:
    """person_id -> kind -> contact points, best first (ties: key order, deterministic)."""
    out: dict[str, dict[str, list[ContactPoint]]] = {}
    rows = evidence.to_pylist()
    order = sorted(range(len(rows)), key=lambda i: (-confidence[i], rows[i]["value_key"]))
    for i in order:
        row = rows[i]
        kinds = out.setdefault(row["person_id"], {})
        kinds.setdefault(row["kind"], []).append(contact_point(row, confidence[i]))
    return out


def person_match(
    row: dict[str, Any], confidence: float, weights: dict[str, float], display_name: str
) -> PersonMatch:
    """A candidate row (levels, codes) as a `PersonMatch` with per-field contributions."""
    contributions = tuple(
        FieldContribution(c.name, _LABELS[c.name][row[c.name]], round(weights[c.name], 3))
        for c in COMPARISONS
        if row[c.name] >= 0
    )
    codes = MatchCodes(**{f: row[f"code_{f}"] for f in CODE_FIELDS})
    return PersonMatch(
        person_id=row["person_id"],
        identity_confidence=float(min(max(confidence, 0.0), 1.0)),
        match_codes=codes,
        contributions=contributions,
        display_name=display_name,
    )


def locate_result(
    account_id: str,
    status: str,
    candidates: tuple[PersonMatch, ...],
    contacts: dict[str, list[ContactPoint]],
    flags: dict[str, Any] | None,
) -> LocateResult:
    """The final result; contacts and flags only for a hit."""
    top = candidates[0] if candidates else None
    phones = tuple(contacts.get("phone", ()))
    return LocateResult(
        account_id=account_id,
        status=status,
        identity_confidence=top.identity_confidence if top else 0.0,
        match_codes=top.match_codes if top else MatchCodes(),
        candidates=candidates,
        addresses=tuple(contacts.get("address", ())),
        phones=phones,
        emails=tuple(contacts.get("email", ())),
        employers=tuple(contacts.get("employer", ())),
        deceased=bool(flags["deceased"]) if flags else None,
        deceased_date=flags["deceased_date"] if flags else None,
        bankruptcy=bool(flags["bankruptcy"]) if flags else None,
        contactability=max((p.confidence for p in phones), default=0.0) if flags else None,
    )
