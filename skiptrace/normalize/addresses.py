"""US postal addresses: one-line or split fields -> USPS-standard components and keys.

`key` compares whole addresses (the unit discriminates: APT 4 != APT 14, but 'APT 4' ==
'# 4'); `street_key` is the same without the unit. Both end with the ZIP5, or with the
city and state when there is no ZIP.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from skiptrace.normalize.address_parse import StreetParts, clean_line, parse_street_line
from skiptrace.normalize.address_reference import check_consistency, city_key, lookup_zip
from skiptrace.normalize.address_usps import STATE_CODES, STATES
from skiptrace.normalize.fastbuild import builder
from skiptrace.normalize.text import squash, upper_clean

_ZIP = re.compile(r"(\d{5})(?:-?(\d{4}))?")
_ZIP_TOKEN = re.compile(r"\d{5}(?:-\d{4}|\d{4})?-?")
_COUNTRY = frozenset({"USA", "US", "UNITED STATES", "UNITED STATES OF AMERICA"})
_DIGIT = re.compile(r"[0-9]")
_UNIT_KEY = re.compile(r"^0+(?=[0-9A-Z])")


@dataclass(frozen=True, slots=True)
class Address:
    """A normalized US address. `line` is the canonical street line ('123 N MAIN ST APT 4')."""

    raw: str
    ok: bool
    error: str | None
    canonical: str
    key: str
    number: str = ""
    predir: str = ""
    street: str = ""
    street_type: str = ""
    postdir: str = ""
    unit_type: str = ""
    unit: str = ""
    po_box: str = ""
    city: str = ""
    state: str = ""
    zip5: str = ""
    zip4: str = ""
    line: str = ""
    street_key: str = ""
    is_po_box: bool = False
    has_unit: bool = False
    zip_consistent: bool | None = None
    timezone: str | None = None


def normalize_state(text: str | None) -> str:
    """Two-letter USPS state code of a code or full state name ('' when unknown)."""
    if not text:
        return ""
    if len(text) == 2 and text.upper() in STATE_CODES:
        return text.upper()
    value = squash(re.sub(r"[^A-Z ]", "", upper_clean(text)))
    if value in STATE_CODES:
        return value
    return STATES.get(value, "")


def normalize_zip(text: str | None) -> tuple[str, str]:
    """(ZIP5, ZIP4) of a ZIP field; restores leading zeros that spreadsheets drop."""
    if not text:
        return "", ""
    if len(text) == 5 and text.isdigit():
        return text, ""
    if len(text) == 10 and text[5] == "-" and text.isascii() and text.replace("-", "").isdigit():
        return text[:5], text[6:]
    digits = re.sub(r"\D", "", text.split(".")[0])
    if len(digits) in (3, 4, 7, 8):
        digits = "0" * (5 - len(digits) % 5 if len(digits) < 5 else 9 - len(digits)) + digits
    match = _ZIP.fullmatch(digits)
    if not match:
        return "", ""
    return match.group(1), match.group(2) or ""


def _split_city(head: str, zip5: str) -> tuple[str, str]:
    """Split 'STREET LINE CITY' (no comma) using the ZIP's accepted city names."""
    info = lookup_zip(zip5) if zip5 else None
    words = head.split()
    if info is not None:
        for size in range(min(4, len(words) - 1), 0, -1):
            if city_key(" ".join(words[-size:])) in info.city_keys:
                return " ".join(words[:-size]), " ".join(words[-size:])
    return head, ""


def _take_state(tokens: list[str]) -> str:
    """Pop a trailing state code or state name off `tokens`; return its code ('' if none)."""
    for size in (1, 2, 3, 4):
        if len(tokens) < size:
            break
        words = " ".join(tokens[-size:])
        code = words if size == 1 and words in STATE_CODES else STATES.get(words, "")
        if code:
            del tokens[-size:]
            return code
    return ""


def split_one_line(text: str) -> tuple[str, str, str, str]:
    """(street text, city, state, zip) of a one-line address; parts may be ''."""
    value = upper_clean(text).replace(";", ",").replace(".", "")
    tokens = value.replace(",", " , ").split()
    while tokens and (tokens[-1] == "," or tokens[-1] in _COUNTRY):
        tokens.pop()
    if len(tokens) >= 2 and " ".join(tokens[-2:]) in _COUNTRY:
        del tokens[-2:]
    zip_text = tokens.pop() if tokens and _ZIP_TOKEN.fullmatch(tokens[-1]) else ""
    while tokens and tokens[-1] == ",":
        tokens.pop()
    state = tokens.pop() if tokens and tokens[-1] in STATE_CODES else _take_state(tokens)
    if not zip_text and (not state or "," not in tokens):
        return value, "", "", ""  # no locality, or a bare 'CT' that may be a street type
    if zip_text and not state and "," not in tokens:
        return value, "", "", ""  # a lone 5-digit number may be a box or house number
    segments = [s.strip() for s in " ".join(tokens).split(",") if s.strip()]
    if not segments:
        return "", "", state, zip_text
    if not _DIGIT.search(segments[-1]):  # (`upper_clean` text is ASCII)
        return " ".join(segments[:-1]), segments[-1], state, zip_text
    street, city = _split_city(" ".join(segments), normalize_zip(zip_text)[0])
    return street, city, state, zip_text


def _unit_key(unit: str) -> str:
    unit = unit.replace("-", "")
    return _UNIT_KEY.sub("", unit) if unit.startswith("0") else unit


@dataclass(frozen=True, slots=True)
class _Locality:
    """Standardized city, state and ZIP of an address, with what the ZIP data says of them."""

    city: str
    state: str
    zip5: str
    zip4: str
    key: str
    display: str
    consistent: bool | None
    timezone: str | None


_address = builder(Address)
_locality = builder(_Locality)


def locality(city_text: str, state_text: str, zip_text: str) -> _Locality:
    """City, state and ZIP fields standardized, completed from the ZIP and checked."""
    zip5, zip4 = normalize_zip(zip_text)
    where = zip5_locality(city_text, state_text, zip5)
    if not zip4:
        return where
    return _locality(
        where.city, where.state, zip5, zip4, where.key, f"{where.display}-{zip4}",
        where.consistent, where.timezone,
    )  # fmt: skip


@lru_cache(maxsize=100_000)
def zip5_locality(city_text: str, state_text: str, zip5: str) -> _Locality:
    """`locality` without a ZIP+4 (cached: ZIP+4s are nearly unique per address, the rest
    repeats; with a ZIP+4 only ``zip4`` and the display's '-NNNN' tail differ)."""
    city = squash(upper_clean(city_text).replace(".", ""))
    state = normalize_state(state_text)
    info = lookup_zip(zip5) if zip5 else None
    if info is not None:
        city = city or info.city
        state = state or info.state
    key = zip5 or (f"{city_key(city)},{state}" if city or state else "")
    display = " ".join([p for p in (city, state, zip5) if p]) if (state or zip5) else city
    consistent = check_consistency(city, state, zip5)
    timezone = info.timezone if info else None
    return _locality(city, state, zip5, "", key, display, consistent, timezone)


def _assemble(raw: str, parts: StreetParts, where: _Locality) -> Address:
    primary, secondary = parts.primary, parts.secondary
    line = f"{primary} {secondary}" if primary and secondary else primary or secondary
    error = parts.error
    if error == "empty" and (where.city or where.state or where.zip5):
        error = "no_street"
    if error:
        canonical = key = street_key = ""
    else:
        display = where.display
        canonical = f"{line}, {display}" if line and display else line or display
        street_key = f"{primary}|{where.key}"
        unit = _unit_key(parts.unit) or parts.unit_type
        key = f"{primary} #{unit}|{where.key}" if unit else street_key
    return _address(
        raw,
        error is None,
        error,
        canonical,
        key,
        parts.number,
        parts.predir,
        parts.route or parts.street,
        parts.street_type,
        parts.postdir,
        parts.unit_type,
        parts.unit,
        parts.po_box,
        where.city,
        where.state,
        where.zip5,
        where.zip4,
        line,
        street_key,
        bool(parts.po_box) and not parts.route,
        bool(parts.unit or parts.unit_type),
        where.consistent,
        where.timezone,
    )


@lru_cache(maxsize=20_000)
def normalize_address(
    raw: str | None = None,
    *,
    line1: str | None = None,
    line2: str | None = None,
    city: str | None = None,
    state: str | None = None,
    zip: str | None = None,
) -> Address:
    """Normalize a one-line address (`raw`) or split fields; never raises.

    Split fields win over what a one-line `raw` says. A missing city or state is filled in
    from the ZIP reference data.
    """
    return address_of(raw, line1, line2, city, state, zip)


def address_of(
    raw: str | None,
    line1: str | None,
    line2: str | None,
    city: str | None,
    state: str | None,
    zip: str | None,
) -> Address:
    """`normalize_address` without its cache, arguments by position (for batch callers that
    pass each distinct value once: whole addresses almost never repeat across chunks)."""
    street_text = city_text = state_text = zip_text = ""
    raw_text = raw if isinstance(raw, str) else ""
    if raw_text and not raw_text.isspace():
        street_text, city_text, state_text, zip_text = split_one_line(raw_text)
    first = line1.strip() if isinstance(line1, str) else ""
    second = line2.strip() if isinstance(line2, str) else ""
    if first:
        street_text = f"{line1} {line2}" if second else line1  # type: ignore[assignment]
    elif second:
        street_text = line2  # type: ignore[assignment]
    if isinstance(city, str) and city:
        city_text = city
    if isinstance(state, str) and state:
        state_text = state
    if isinstance(zip, str) and zip:
        zip_text = zip
    shown = raw_text
    if not shown:
        fields = (first, second, city_text.strip(), state_text.strip(), zip_text.strip())
        shown = ", ".join([v for v in fields if v])
    parts = parse_street_line(clean_line(street_text))
    return _assemble(shown, parts, locality(city_text, state_text, zip_text))
