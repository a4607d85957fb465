"""Lookup output: a readable text report and a JSON-ready dict of a `LocateResult`.

Results never hold an SSN or a DOB, so nothing here can leak one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from skiptrace.locate.results import ContactPoint, LocateResult, PersonMatch

_TITLES = (("addresses", "Addresses"), ("phones", "Phones"), ("emails", "E-mails"),
           ("employers", "Employers"))  # fmt: skip


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def result_dict(result: LocateResult, akas: list[str] | None = None) -> dict[str, Any]:
    """The result as plain JSON types (dates ISO), with match codes, stars and AKAs."""
    data = _plain(dataclasses.asdict(result))
    data["match_code"] = result.match_codes.code
    for kind, _ in _TITLES:
        for item, point in zip(data[kind], getattr(result, kind), strict=True):
            item["stars"] = point.stars
            item["third_party"] = point.third_party
    data["akas"] = akas or []
    return data


def _contact_line(point: ContactPoint) -> str:
    head = f"{point.confidence:5.0%}  {point.value}"
    if point.kind == "phone":
        head += f"  [{point.line_type}] {'*' * point.stars}"
    if point.third_party:
        head += f"  (third party: {point.relationship})"
    return f"  {head}\n      {'; '.join(point.reasons)}"


def _why(match: PersonMatch) -> list[str]:
    return [
        f"  {c.field:12s} {c.level:28s} {c.weight:+6.2f}"
        for c in sorted(match.contributions, key=lambda c: -abs(c.weight))
    ]


def render_text(result: LocateResult, akas: list[str] | None = None, limit: int = 5) -> str:
    """A human report: status, person and AKAs, ranked contacts, flags, why it matched."""
    confidence = result.identity_confidence or 0.0
    lines = [f"status: {result.status}  identity confidence: {confidence:.1%}"]
    if result.status != "hit":
        lines.append("no contact points returned (below the confidence guard)")
        for match in result.candidates:
            lines.append(f"  candidate {match.display_name} ({match.identity_confidence:.1%})")
        return "\n".join(lines)
    top = result.candidates[0]
    lines.append(f"person: {top.display_name}  (match code {result.match_codes.code or '-'})")
    others = [a for a in akas or [] if a != top.display_name]
    if others:
        lines.append(f"also known as: {', '.join(others[:limit])}")
    flags = []
    if result.deceased:
        flags.append(f"DECEASED ({result.deceased_date.year if result.deceased_date else '?'})")
    if result.bankruptcy:
        flags.append("BANKRUPTCY")
    lines.append(f"flags: {', '.join(flags) or 'none'}")
    for kind, title in _TITLES:
        points = getattr(result, kind)[:limit]
        if points:
            lines.append(f"{title}:")
            lines.extend(_contact_line(p) for p in points)
    lines.append("why the identity matched (field, level, weight in bits):")
    lines.extend(_why(top))
    return "\n".join(lines)
