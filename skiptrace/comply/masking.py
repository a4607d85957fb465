"""Role-based display of SSNs and dates of birth, and scrubbing of free text.

Public API::

    display_policy(role, reveal=()) -> DisplayPolicy   # ComplianceError if not allowed
    render_ssn(value, policy) -> str    # "123-45-6789" | "***-**-6789" | "***-**-****"
    render_dob(value, policy) -> str    # "1980-01-05" | "1980" | "****"
    scrub_text(text) -> str             # SSN- and full-date-shaped substrings masked
    safe_repr(value, limit=40) -> str   # scrubbed, truncated repr for error messages

Defaults: every role sees SSN last 4 (``restricted``: nothing) and DOB year only. Full values
need an explicit ``reveal`` ("ssn", "dob") by a role cleared for it; the reveal is part of the
:class:`~skiptrace.comply.purposes.SearchContext` and therefore of its audit record.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from skiptrace.errors import ComplianceError

ROLES: dict[str, tuple[str, str]] = {
    # role: (default SSN display, default DOB display)
    "agent": ("last4", "year"),
    "supervisor": ("last4", "year"),
    "compliance": ("last4", "year"),
    "restricted": ("masked", "masked"),
}
REVEAL_ROLES = frozenset({"supervisor", "compliance"})
REVEALABLE = frozenset({"ssn", "dob"})
_MASKED_SSN = "***-**-****"

_SSN_TEXT = re.compile(r"(?<![\d-])\d{3}([- ]?)\d{2}\1(\d{4})(?![\d-])")
_ISO_DATE = re.compile(r"(?<!\d)((?:18|19|20)\d{2})-\d{1,2}-\d{1,2}(?!\d)")
_US_DATE = re.compile(r"(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-]((?:18|19|20)\d{2})(?!\d)")
_COMPACT_DATE = re.compile(
    r"(?<!\d)((?:18|19|20)\d{2})(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)"
)
_YEAR = re.compile(r"(?<!\d)((?:18|19|20)\d{2})(?!\d)")


@dataclass(frozen=True, slots=True)
class DisplayPolicy:
    """How an operator may see identifiers: ssn in full|last4|masked, dob in full|year|masked."""

    role: str
    ssn: str
    dob: str


def display_policy(role: str, reveal: Iterable[str] = ()) -> DisplayPolicy:
    """Return the display policy of ``role``, widened by ``reveal`` when the role may."""
    if role not in ROLES:
        raise ComplianceError(f"unknown role {safe_repr(role, 20)} (one of {', '.join(ROLES)})")
    wanted = frozenset(reveal)
    unknown = wanted - REVEALABLE
    if unknown:
        raise ComplianceError(f"cannot reveal {safe_repr(sorted(unknown)[0], 20)} (only ssn, dob)")
    if wanted and role not in REVEAL_ROLES:
        raise ComplianceError(f"role {role!r} may not reveal full SSN or DOB")
    ssn, dob = ROLES[role]
    return DisplayPolicy(
        role, "full" if "ssn" in wanted else ssn, "full" if "dob" in wanted else dob
    )


def _digits(value: object) -> str:
    return "".join(ch for ch in str(value) if ch.isdigit()) if value is not None else ""


def _mask_last4(value: object) -> str:
    """Mask an SSN (any format, or last 4 only) to ``***-**-1234``; never more than last 4."""
    digits = _digits(value)
    return f"***-**-{digits[-4:]}" if len(digits) in (4, 9) else _MASKED_SSN


def render_ssn(value: object, policy: DisplayPolicy) -> str:
    """Render an SSN under ``policy``; empty string when there is no value."""
    digits = _digits(value)
    if not digits:
        return ""
    if policy.ssn == "full" and len(digits) == 9:
        return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"
    if policy.ssn in ("full", "last4"):
        return _mask_last4(digits)
    return _MASKED_SSN


def render_dob(value: object, policy: DisplayPolicy) -> str:
    """Render a DOB (``date`` or ISO text, possibly partial) under ``policy``."""
    if value is None or value == "":
        return ""
    if policy.dob == "masked":
        return "****"
    text = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
    if policy.dob == "full":
        return text
    year = _YEAR.search(text)
    return year.group(1) if year else "****"


def scrub_text(text: str) -> str:
    """Mask SSN-shaped numbers to last 4 and full dates to their year in free text."""
    text = _SSN_TEXT.sub(lambda m: _mask_last4(m.group(0)), text)
    text = _ISO_DATE.sub(r"\1", text)
    text = _US_DATE.sub(r"\1", text)
    return _COMPACT_DATE.sub(r"\1", text)


def safe_repr(value: object, limit: int = 40) -> str:
    """A quoted, scrubbed, printable and truncated rendering of user input for messages."""
    text = "".join(ch if ch.isprintable() else "?" for ch in scrub_text(str(value)))
    return repr(text[:limit])
