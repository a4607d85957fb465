"""Dates as real files write them, including partial dates (year only, year and month).

Two-digit years use a pivot: a two-digit year below `pivot` (default 30) is 20YY, otherwise
19YY, so '01/05/80' is 1980-01-05 and '01/05/15' is 2015-01-05. Callers that know the
context (a DOB on a world whose as_of is 2026) may pass their own pivot.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from skiptrace.normalize.fastbuild import builder

TWO_DIGIT_PIVOT = 30
MIN_YEAR, MAX_YEAR = 1800, 2199
_MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("JAN", "JANUARY"), ("FEB", "FEBRUARY"), ("MAR", "MARCH"), ("APR", "APRIL"),
            ("MAY",), ("JUN", "JUNE"), ("JUL", "JULY"), ("AUG", "AUGUST"),
            ("SEP", "SEPT", "SEPTEMBER"), ("OCT", "OCTOBER"), ("NOV", "NOVEMBER"),
            ("DEC", "DECEMBER"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_MON = "(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + ")"
_SEP = r"[\s/.\-]"
_PATTERNS = [
    re.compile(p)
    for p in (
        r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z?)?",
        r"(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})",
        r"(?P<m>\d{1,2})[/\-.](?P<d>\d{1,2})[/\-.](?P<y>\d{4}|\d{2})(?: \d\d?:\d\d(?::\d\d)?)?",
        r"(?P<y>(?:18|19|20|21)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)",
        r"(?P<m>[01]\d)(?P<d>[0-3]\d)(?P<y>(?:18|19|20|21)\d\d)",
        _MON + r"\.?,?\s*(?P<y>\d{4})",
        _MON + r"\.?\s*(?P<d>\d{1,2})(?:ST|ND|RD|TH)?(?:,\s*|\s+)(?P<y>\d{4}|\d{2})",
        r"(?P<d>\d{1,2})" + _SEP + "?" + _MON + r"\.?" + _SEP + r"?(?P<y>\d{4}|\d{2})",
        r"(?P<y>\d{4})[/\-](?P<m>\d{1,2})",
        r"(?P<m>\d{1,2})[/\-](?P<y>\d{4})",
        r"(?P<y>\d{4})",
    )
]
_PLACEHOLDERS = frozenset({"00000000", "99999999", "00/00/0000", "0000-00-00", "99/99/9999"})


@dataclass(frozen=True, slots=True)
class DateValue:
    """A full or partial date; `iso` is '1980-01-05', '1980-01' or '1980' by precision."""

    raw: str
    ok: bool
    error: str | None
    canonical: str
    key: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    precision: str | None = None
    iso: str = ""
    date: dt.date | None = None


_date_value = builder(DateValue)


def _failed(raw: str, error: str) -> DateValue:
    return DateValue(raw=raw, ok=False, error=error, canonical="", key="")


def _full_year(year: int, digits: int, pivot: int) -> int:
    if digits > 2:
        return year
    return 2000 + year if year < pivot else 1900 + year


def _build(raw: str, year: int, month: int | None, day: int | None) -> DateValue:
    """Validate parts (a 0 month or day means unknown) and assemble a `DateValue`."""
    month, day = month or None, day or None
    if not MIN_YEAR <= year <= MAX_YEAR:
        return _failed(raw, "out_of_range")
    if month is None:
        day = None
    elif not 1 <= month <= 12:
        return _failed(raw, "invalid_date")
    date = None
    if day is not None:
        try:
            date = dt.date(year, month, day)  # type: ignore[arg-type]
        except ValueError:
            return _failed(raw, "invalid_date")
    iso = f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else "")
    precision = "day" if day else "month" if month else "year"
    return _date_value(raw, True, None, iso, iso, year, month, day, precision, iso, date)


# English month abbreviations as strptime's %b reads them in the default (C) locale.
_ABBR = {calendar.month_abbr[i].upper(): i for i in range(1, 13)}
_FIXED_OK = all(len(a) == 3 and a.isascii() and a.isalpha() for a in _ABBR)
_WIDTHS = {"Y": 4, "m": 2, "d": 2, "b": 3}


_Layout = tuple[int, tuple[tuple[str, int], ...], str]


@cache
def _fixed_layout(fmt: str) -> _Layout | None:
    """(length, ((directive, start)...), literal text with directives blanked) of a format
    made of %Y, %m, %d, %b and punctuation ('%m/%d/%Y', '%Y%m%d', '%d-%b-%Y'), else None."""
    fields, literal, i = [], [], 0
    while i < len(fmt):
        char = fmt[i]
        if char == "%" and i + 1 < len(fmt) and fmt[i + 1] in _WIDTHS:
            fields.append((fmt[i + 1], len(literal)))
            literal.extend(" " * _WIDTHS[fmt[i + 1]])
            i += 2
        elif char.isascii() and not char.isalnum() and not char.isspace() and char != "%":
            literal.append(char)
            i += 1
        else:
            return None
    if not fields or len({d for d, _ in fields}) != len(fields) or not _FIXED_OK:
        return None
    return len(literal), tuple(fields), "".join(literal)


def _fixed(raw: str, text: str, layout: _Layout) -> DateValue | None:
    """`strptime` of a text in the exact fixed-width shape of `layout`; None for other
    shapes (single-digit months, spaces...), which go to strptime itself."""
    length, fields, literal = layout
    if len(text) != length or not text.isascii():
        return None
    year, month, day = 1900, 1, 1  # strptime's defaults
    blanked = list(text)
    for directive, start in fields:
        value = text[start : start + _WIDTHS[directive]]
        blanked[start : start + len(value)] = " " * len(value)
        if directive == "b":
            if value.upper() not in _ABBR:
                return None
            month = _ABBR[value.upper()]
        elif not value.isdigit():
            return None
        elif directive == "Y":
            year = int(value)
        elif directive == "m":
            month = int(value)
        else:
            day = int(value)
    if "".join(blanked) != literal:
        return None
    if not 1 <= month <= 12 or day < 1 or year < 1 or day > calendar.monthrange(year, month)[1]:
        return _failed(raw, "format_mismatch")  # strptime raises ValueError
    has = {d for d, _ in fields}
    return _build(
        raw, year, month if ("m" in has or "b" in has) else None, day if "d" in has else None
    )


def _with_formats(raw: str, text: str, formats: tuple[str, ...], pivot: int) -> DateValue:
    for fmt in formats:
        layout = _fixed_layout(fmt) if len(formats) == 1 else None
        if layout is not None:
            fixed = _fixed(raw, text, layout)
            if fixed is not None:
                return fixed
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        year = _full_year(parsed.year % 100, 2, pivot) if "%y" in fmt else parsed.year
        month = parsed.month if ("%m" in fmt or "%b" in fmt or "%B" in fmt) else None
        day = parsed.day if ("%d" in fmt or "%j" in fmt) else None
        return _build(raw, year, month, day)
    return _failed(raw, "format_mismatch")


def normalize_date(
    raw: str | None,
    formats: tuple[str, ...] | list[str] | None = None,
    pivot: int = TWO_DIGIT_PIVOT,
) -> DateValue:
    """Parse a date; `formats` (strptime-style, tried in order) replaces auto-detection."""
    return _normalize_date(raw, tuple(formats) if formats else None, pivot)


@lru_cache(maxsize=50_000)
def _normalize_date(raw: str | None, formats: tuple[str, ...] | None, pivot: int) -> DateValue:
    text = raw.strip().upper() if isinstance(raw, str) else ""
    raw = raw if isinstance(raw, str) else ""
    if not text:
        return _failed(raw, "empty")
    if text in _PLACEHOLDERS:
        return _failed(raw, "placeholder")
    if formats:
        return _with_formats(raw, raw.strip(), formats, pivot)
    text = re.sub(r"\s+", " ", text)
    for pattern in _PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            parts = match.groupdict()
            month = _MONTHS[parts["mon"]] if parts.get("mon") else int(parts.get("m") or 0)
            year = _full_year(int(parts["y"]), len(parts["y"]), pivot)
            return _build(raw, year, month, int(parts.get("d") or 0))
    return _failed(raw, "unparseable")


def plausible_dob(
    value: DateValue | dt.date | str | None,
    as_of: dt.date | str,
    *,
    min_age: int = 0,
    max_age: int = 120,
) -> bool:
    """True when `value` could be the birth date of someone alive on `as_of`.

    Partial dates are judged on their earliest and latest possible days.
    """
    if isinstance(as_of, str):
        ref = normalize_date(as_of).date
        if ref is None:
            return False
        as_of = ref
    if isinstance(value, dt.date):
        value = normalize_date(value.isoformat())
    elif not isinstance(value, DateValue):
        value = normalize_date(value)
    if not value.ok or value.year is None:
        return False
    latest_year = as_of.year - min_age
    earliest_year = as_of.year - max_age
    if value.date is not None:
        age = as_of.year - value.date.year - ((as_of.month, as_of.day) < (value.month, value.day))
        return min_age <= age <= max_age
    return earliest_year <= value.year <= latest_year
