"""Verify output: a readable report and a JSON-ready dict of a `VerifyResult`.

Results hold no full SSN or DOB (evidence is masked when built), so nothing here can leak one.
"""

from __future__ import annotations

from typing import Any

from skiptrace.verify.features import ELEMENTS
from skiptrace.verify.results import VerifyResult

ELEMENT_LETTERS = {"name": "N", "address": "A", "ssn": "S", "dob": "D", "phone": "P",
                   "employer": "E"}  # fmt: skip


def element_code(result: VerifyResult) -> str:
    """Letters of the elements found together on the matched person, e.g. 'NASDP'."""
    return "".join(ELEMENT_LETTERS[e] for e in ELEMENTS if result.elements.get(e) is True)


def result_dict(result: VerifyResult) -> dict[str, Any]:
    """The result as plain JSON types; the three outputs are separate keys."""
    return {
        "application_id": result.application_id,
        "status": result.status,
        "reject_reason": result.reject_reason,
        "identity": {
            "person_id": result.person_id,
            "identity_confidence": result.identity_confidence,
        },
        "verification": {
            "index": result.verification_index,
            "code": element_code(result),
            "elements": dict(result.elements),
        },
        "risk": {
            "risk_score": result.risk_score,
            "probability": None if result.probability is None else round(result.probability, 4),
            "reason_codes": [
                {
                    "code": r.code,
                    "text": r.text,
                    "evidence": r.evidence,
                    "weight": round(r.weight, 3),
                }
                for r in result.reasons
            ],
        },
    }


def _flag(value: bool | None) -> str:
    return "not checked" if value is None else "found" if value else "NOT found"


def render_text(result: VerifyResult, threshold: int) -> str:
    """A human report: decision, the three outputs, and every reason with its evidence."""
    if result.status == "rejected":
        return f"application {result.application_id}: rejected ({result.reject_reason})"
    confidence = result.identity_confidence or 0.0
    lines = [
        f"application {result.application_id}: {result.status.upper()}  "
        f"risk {result.risk_score}/100 (review at >= {threshold})",
        f"identity confidence: {confidence:.1%}"
        + (f"  (person {result.person_id})" if result.person_id else "  (no person matched)"),
        f"verification index: {result.verification_index}/50  [{element_code(result) or '-'}]",
    ]
    lines += [f"  {e:9s} {_flag(result.elements.get(e))}" for e in ELEMENTS]
    if result.reasons:
        lines.append("reasons (strongest first):")
    for r in result.reasons:
        weight = f"{r.weight:+5.2f}" if r.weight else "     "
        lines.append(f"  {r.code:26s} {weight}  {r.text}")
        lines.append(f"  {'':26s}        {r.evidence}")
    return "\n".join(lines)
