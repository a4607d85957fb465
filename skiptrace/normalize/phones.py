"""Phone numbers: E.164, validity, number type, extension, vanity letters, time zones.

Plain 10-digit NANP numbers take a fast path: every US validity, type and time-zone rule in
phonenumbers' metadata is decided by the first six national digits (NPA-NXX), so those
answers are cached per exchange. Everything else goes through `phonenumbers.parse`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberType, timezone
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE, _number_type_helper

from skiptrace.normalize.fastbuild import builder

_TYPE_NAMES = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
}
_VANITY = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "22233344455566677778889999")
_PLAIN_NANP = re.compile(r"\+?1?[\s.\-]?\(?([2-9]\d\d)\)?[\s.\-]?([2-9]\d\d)[\s.\-]?(\d{4})")
_EXTENSION = re.compile(r"\s*(?:#|\bx\.?|\bext\.?|\bextension)\s*(\d{1,6})\s*$", re.IGNORECASE)
_UNKNOWN_TZ = frozenset({"Etc/Unknown"})


@dataclass(frozen=True, slots=True)
class Phone:
    """A normalized phone number; `key` is the E.164 form (extension excluded)."""

    raw: str
    ok: bool
    error: str | None
    canonical: str
    key: str
    e164: str = ""
    extension: str = ""
    valid: bool = False
    number_type: str = "unknown"
    timezones: tuple[str, ...] = ()


_phone = builder(Phone)


def _failed(raw: str, error: str) -> Phone:
    return Phone(raw=raw, ok=False, error=error, canonical="", key="")


def _describe(number: phonenumbers.PhoneNumber) -> tuple[bool, str, tuple[str, ...]]:
    """(valid, number type, time zones) of a parsed number, straight from phonenumbers."""
    valid = phonenumbers.is_valid_number(number)
    kind = _TYPE_NAMES.get(phonenumbers.number_type(number), "unknown")
    zones = tuple(z for z in timezone.time_zones_for_number(number) if z not in _UNKNOWN_TZ)
    return valid, kind, zones


@cache
def _nanp_regions() -> tuple[tuple[re.Pattern[str] | None, PhoneMetadata], ...]:
    """(leading-digits pattern, metadata) of each +1 region, in phonenumbers' search order."""
    found = []
    for region in COUNTRY_CODE_TO_REGION_CODE[1]:
        metadata = PhoneMetadata.metadata_for_region(region.upper(), None)
        if metadata is not None:
            leading = metadata.leading_digits
            found.append((re.compile(leading) if leading is not None else None, metadata))
    return tuple(found)


def _nanp_type(national: str) -> int:
    """`phonenumbers.number_type` of +1 `national`, typing the number against one region.

    (`number_type` first finds the region by typing the number against each region in turn,
    then types it again against the region found.)
    """
    for leading, metadata in _nanp_regions():
        if leading is None:
            kind = _number_type_helper(national, metadata)
            if kind != PhoneNumberType.UNKNOWN:
                return kind
        elif leading.match(national):
            return _number_type_helper(national, metadata)
    return PhoneNumberType.UNKNOWN


@cache
def _exchange_facts(npa_nxx: str) -> tuple[bool, str, tuple[str, ...]]:
    """Facts of a NANP exchange: `_describe` of its first number, typing it only once."""
    kind = _nanp_type(npa_nxx + "0000")
    number = phonenumbers.PhoneNumber(country_code=1, national_number=int(npa_nxx) * 10**4)
    if kind == PhoneNumberType.UNKNOWN:
        zones: tuple[str, ...] = ()
    elif phonenumbers.is_number_type_geographical(kind, 1):
        zones = tuple(timezone.time_zones_for_geographical_number(number))
    else:
        zones = tuple(timezone.time_zones_for_number(number))
    zones = tuple(z for z in zones if z not in _UNKNOWN_TZ)
    return kind != PhoneNumberType.UNKNOWN, _TYPE_NAMES.get(kind, "unknown"), zones


def _build(raw: str, e164: str, ext: str, facts: tuple[bool, str, tuple[str, ...]]) -> Phone:
    valid, kind, zones = facts
    canonical = f"{e164} x{ext}" if ext else e164
    return _phone(raw, True, None, canonical, e164, e164, ext, valid, kind, zones)


def _slow(raw: str, text: str, ext: str) -> Phone:
    if not any(c.isdigit() for c in text):
        return _failed(raw, "unparseable")
    if any(c.isalpha() for c in text):
        text = text.upper().translate(_VANITY)
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return _failed(raw, "unparseable")
    if not phonenumbers.is_possible_number(number):
        return _failed(raw, "impossible_length")
    ext = ext or (number.extension or "")
    number.extension = None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return _build(raw, e164, ext, _describe(number))


@lru_cache(maxsize=20_000)
def normalize_phone(raw: str | None) -> Phone:
    """Normalize one phone number (US default region); never raises."""
    if not isinstance(raw, str) or not raw.strip():
        return _failed(raw if isinstance(raw, str) else "", "empty")
    text = raw.strip()[:64]
    if len(text) == 10 and text.isdigit() and text.isascii() and text[0] > "1" and text[3] > "1":
        return _build(raw, "+1" + text, "", _exchange_facts(text[:6]))  # as `_PLAIN_NANP`
    ext = ""
    match = _EXTENSION.search(text)
    if match:
        ext, text = match.group(1), text[: match.start()]
    plain = _PLAIN_NANP.fullmatch(text)
    if plain:
        npa, nxx, line = plain.groups()
        return _build(raw, f"+1{npa}{nxx}{line}", ext, _exchange_facts(npa + nxx))
    return _slow(raw, text, ext)


_NANP_ANYWHERE = re.compile(r"(?:\+?1[\s.\-]?)?\(?[2-9]\d\d\)?[\s.\-]?\d{3}[\s.\-]?\d{4}\b")
_SEPARATORS = re.compile(r"\s*(?:[;,|/]|\s(?:or|and|&)\s)\s*", re.IGNORECASE)


def normalize_phones(raw: str | None) -> tuple[Phone, ...]:
    """Normalize a field that may hold several numbers ('555-1234 / 555-9876', '... or ...')."""
    if not isinstance(raw, str) or not raw.strip():
        return (normalize_phone(raw),)
    if raw.isdigit() and raw.isascii():  # no separator, at most one number
        return (normalize_phone(raw),)
    pieces = [p for p in _SEPARATORS.split(raw) if p.strip()]
    if len(pieces) <= 1:
        found = _NANP_ANYWHERE.findall(raw)
        pieces = found if len(found) > 1 else [raw]
    return tuple(normalize_phone(p.strip()) for p in pieces)
