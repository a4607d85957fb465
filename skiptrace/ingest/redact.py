"""SSN- and DOB-safe raw text for reject records.

A reject keeps enough of the offending input to debug it, but never a full SSN or a full
date of birth: SSN-shaped digit runs keep their last 4 digits and date-shaped runs keep
only their shape.
"""

from __future__ import annotations

import re

RAW_CHARS = 200
"""Reject records keep at most this many characters of the raw input."""

_SSN = re.compile(r"(?<!\d)\d{3}[- ]?\d{2}[- ]?(\d{4})(?!\d)")
_DATE = re.compile(r"(?<!\d)(\d{1,4})([-/.])(\d{1,2})\2(\d{1,4})(?!\d)|(?<!\d)(?:19|20)\d{6}(?!\d)")
_DIGIT = re.compile(r"\d")


def _mask_date(match: re.Match[str]) -> str:
    return _DIGIT.sub("#", match.group(0))


def scrub_text(text: str) -> str:
    """Truncate ``text`` and mask every SSN- and date-shaped run in it."""
    text = text[: RAW_CHARS * 2]
    text = _DATE.sub(_mask_date, text)
    text = _SSN.sub(lambda m: f"***-**-{m.group(1)}", text)
    return text[:RAW_CHARS]


def scrub(fmt: str, values: list[str]) -> str:
    """The masked, truncated text of a row that could not be split into fields."""
    separator = {"tsv": "\t", "psv": "|"}.get(fmt, ",")
    return scrub_text(separator.join(values).rstrip("\r\n"))


def redact_value(field: str, raw: str | None) -> str:
    """Masked raw text of one field value: SSNs keep the last 4, DOBs keep nothing."""
    if not raw:
        return ""
    if field == "ssn":
        digits = "".join(ch for ch in raw if ch.isdigit())
        return f"***-**-{digits[-4:]}" if len(digits) >= 4 else "***"
    if field == "dob":
        return _DIGIT.sub("#", raw[:RAW_CHARS])
    return scrub_text(raw)
