"""Scored candidate and contact tables -> `LocateResult` objects (no scoring happens here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from skiptrace.locate.matching import CODE_FIELDS, COMPARISONS
from skiptrace.locate.params import IdentityParams
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


def _contact_fields(row: dict[str, Any]) -> tuple[tuple, tuple]:
    """The `ContactPoint` fields of an evidence row before and after `confidence`."""
    kind = row["kind"]
    address, phone = kind == "address", kind == "phone"
    head = (kind, row["display"])
    tail = (
        row["value_key"],
        row["line1"] or "" if address else "",
        row["city"] or "" if address else "",
        row["state"] or "" if address else "",
        row["zip"] or "" if address else "",
        row["value_key"] if phone else "",
        (row["line_type"] or "unknown") if phone else "",
        row["first_seen"],
        row["last_seen"],
        tuple(row["sources"]),
        int(row["n_sources"]),
        "subject",
        _reasons(row),
        _superseded(row),
    )
    return head, tail


_POINT_COLUMNS = (
    "person_id", "kind", "display", "value_key", "line1", "city", "state", "zip", "line_type",
    "first_seen", "last_seen", "sources", "n_sources", "all_ended", "end_date", "moved_to",
    "moved_away", "sold", "n_later", "n_persons",
)  # fmt: skip
"""The evidence columns a contact point shows (the rest only feed its confidence)."""
Grouped = dict[str, dict[str, list[tuple[float, tuple, tuple]]]]
"""person_id -> kind -> (confidence, fields before it, fields after it), best first."""


def group_contacts(evidence: pa.Table, confidence: np.ndarray) -> Grouped:
    """person_id -> kind -> contact points (as `scaled_contacts` builds them), best first
    (ties: key order, deterministic); each row's fields are derived once, however many
    results show it."""
    out: Grouped = {}
    rows = evidence.select(list(_POINT_COLUMNS)).to_pylist()
    scores = confidence.tolist()
    order = sorted(range(len(rows)), key=lambda i: (-scores[i], rows[i]["value_key"]))
    for i in order:
        row = rows[i]
        kinds = out.setdefault(row["person_id"], {})
        point = (min(max(scores[i], 0.0), 1.0), *_contact_fields(row))
        kinds.setdefault(row["kind"], []).append(point)
    return out


def scaled_contacts(
    grouped: dict[str, list[tuple[float, tuple, tuple]]], factor: float
) -> dict[str, list[ContactPoint]]:
    """A person's `group_contacts` as contact points, each confidence times `factor` (the
    identity confidence of the result showing them, in [0, 1])."""
    return {
        kind: [ContactPoint(*head, confidence * factor, *tail) for confidence, head, tail in points]
        for kind, points in grouped.items()
    }


class MatchParts:
    """The parts of `PersonMatch`es that depend on levels and codes only, built once per
    identity parameters (a batch shows many candidates): each comparison level's
    `FieldContribution` and each combination of match codes (all immutable)."""

    def __init__(self, params: IdentityParams) -> None:
        self.contributions: dict[str, dict[int, FieldContribution]] = {}
        for c in COMPARISONS:
            weights = params.weights(c.name)
            self.contributions[c.name] = {
                level: FieldContribution(c.name, label, round(float(weights[level + 1]), 3))
                for level, label in _LABELS[c.name].items()
                if level >= 0
            }
        self._codes: dict[tuple[bool | None, ...], MatchCodes] = {}

    def codes(self, values: tuple[bool | None, ...]) -> MatchCodes:
        """The `MatchCodes` of `values` (in `CODE_FIELDS` order)."""
        codes = self._codes.get(values)
        if codes is None:
            codes = MatchCodes(**dict(zip(CODE_FIELDS, values, strict=True)))
            self._codes[values] = codes
        return codes


def person_match(
    columns: Mapping[str, Sequence[Any]],
    i: int,
    confidence: float,
    parts: MatchParts,
    display_name: str,
) -> PersonMatch:
    """Candidate row `i` of `columns` (levels, codes) as a `PersonMatch` with per-field
    contributions."""
    contributions = tuple(
        parts.contributions[c.name][level]
        for c in COMPARISONS
        if (level := columns[c.name][i]) >= 0
    )
    return PersonMatch(
        person_id=columns["person_id"][i],
        identity_confidence=float(min(max(confidence, 0.0), 1.0)),
        match_codes=parts.codes(tuple(columns[f"code_{f}"][i] for f in CODE_FIELDS)),
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
