"""Social Security numbers: 9-digit form, structural validity, known bad numbers, masking.

Structure rules (SSA): area 000, 666 and 900-999, group 00 and serial 0000 were never
issued. Numbers printed in advertising or used as examples are flagged `published`; a
field holding only the last four digits is kept as a partial SSN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from skiptrace.normalize.fastbuild import builder

# Well-known numbers that many people have used or that were printed as examples.
PUBLISHED = frozenset(
    {
        "078051120",  # Woolworth wallet card (1938)
        "219099999",  # SSA pamphlet example
        "457555462",  # LifeLock advertising
        "123456789",
        "111111111",
        "333333333",
        "987654320", "987654321", "987654322", "987654323", "987654324",
        "987654325", "987654326", "987654327", "987654328", "987654329",
    }
)  # fmt: skip
_DIGITS = re.compile(r"\D+")
_MASK = "***-**-"
_LETTER = re.compile(r"[A-Za-z]")
_FOUR = re.compile(r"\d{4}")
_MASKED_INPUT = re.compile(r"(?:[X*#]{3}[\s\-]?[X*#]{2}[\s\-]?|[X*#]{5})(\d{4})")


@dataclass(frozen=True, slots=True)
class SSN:
    """A normalized SSN. `key` is the 9 digits, or 'L4:dddd' for a last-4-only value."""

    raw: str
    ok: bool
    error: str | None
    canonical: str
    key: str
    digits: str | None = None
    last4: str = ""
    partial: bool = False
    valid: bool = False
    flags: tuple[str, ...] = ()
    masked: str = ""

    def __repr__(self) -> str:
        return f"SSN(masked={self.masked!r}, ok={self.ok}, error={self.error!r})"


_ssn = builder(SSN)


def mask_ssn(value: object) -> str:
    """Mask any SSN-ish value to '***-**-1234'; never reveals more than the last 4 digits."""
    if isinstance(value, SSN):
        return value.masked
    digits = _DIGITS.sub("", value) if isinstance(value, str) else ""
    if len(digits) < 4:
        return "***-**-****"
    return _MASK + digits[-4:]


def _structure_flags(digits: str) -> tuple[str, ...]:
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    flags = []
    if area in ("000", "666"):
        flags.append("invalid_area")
    elif area >= "900":
        flags.append("itin_or_invalid_area")
    if group == "00":
        flags.append("invalid_group")
    if serial == "0000":
        flags.append("invalid_serial")
    if digits in PUBLISHED:
        flags.append("published")
    if len(set(digits)) == 1:
        flags.append("repeated_digit")
    return tuple(flags)


@lru_cache(maxsize=20_000)
def normalize_ssn(raw: str | None) -> SSN:
    """Normalize an SSN given as 9 digits (dashed or not) or as the last 4 digits only."""
    text = raw if isinstance(raw, str) else ""
    stripped = text.strip()
    if not stripped:
        return SSN(raw=text, ok=False, error="empty", canonical="", key="", masked=mask_ssn(""))
    masked_input = _MASKED_INPUT.fullmatch(stripped.upper())
    digits = masked_input.group(1) if masked_input else _DIGITS.sub("", stripped)
    if len(digits) == 4 and (masked_input or _FOUR.fullmatch(stripped)):
        bad = digits == "0000"
        return SSN(
            raw=text,
            ok=not bad,
            error="invalid_serial" if bad else None,
            canonical="" if bad else _MASK + digits,
            key="" if bad else f"L4:{digits}",
            last4=digits,
            partial=True,
            flags=("invalid_serial",) if bad else (),
            masked=_MASK + digits,
        )
    if len(digits) != 9 or _LETTER.search(stripped):
        return SSN(
            raw=text, ok=False, error="unparseable", canonical="", key="", masked=mask_ssn(digits)
        )
    flags = _structure_flags(digits)
    invalid = [f for f in flags if f.startswith(("invalid", "itin"))]
    error = invalid[0] if invalid else None
    canonical = f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"
    return _ssn(
        text,
        error is None,
        error,
        "" if error else canonical,
        "" if error else digits,
        digits,
        digits[-4:],
        False,
        error is None and "published" not in flags,
        flags,
        _MASK + digits[-4:],
    )
