"""A token tagger for the common street-line shape, tried before usaddress.

It accepts only 'NUMBER [DIR] NAME... TYPE [DIR] [UNIT-DESIGNATOR ID | # ID]' where every
token has exactly one reading, and returns None (meaning: ask usaddress) whenever it is not
sure. Its output uses usaddress's labels so both paths share one standardization step.
"""

from __future__ import annotations

import re

from skiptrace.normalize.address_usps import (
    DIRECTIONALS,
    STREET_SUFFIXES,
    UNIT_DESIGNATORS,
)

# The street types and unit designators usaddress reads reliably (checked by property test).
FAST_TYPES = frozenset(
    {"ST", "STREET", "AVE", "AVENUE", "RD", "ROAD", "DR", "DRIVE", "LN", "LANE", "CT", "COURT",
     "BLVD", "BOULEVARD", "WAY", "PL", "PLACE", "CIR", "CIRCLE", "TER", "TERRACE", "PKWY",
     "PARKWAY", "TRL", "TRAIL"}
)  # fmt: skip
FAST_UNITS = frozenset({"APT", "UNIT", "STE", "SUITE", "LOT", "#"})
MAX_NAME_WORDS = 5
"""Longest street name taken ('MARTIN LUTHER KING JR'); names are checked word by word."""
_NUMBER = re.compile(r"[1-9]\d{0,5}")
_NAME = re.compile(r"[A-Z]{2,}|\d{1,3}(?:ST|ND|RD|TH)")
_UNIT_ID = re.compile(r"[A-Z0-9]{1,6}")
_TOKENS = re.compile(r"#|[^\s#]+")
# Words usaddress reads in other roles (boxes, routes, highways, recipients, corners).
_UNSURE = frozenset(
    {"BOX", "PO", "POB", "RR", "HC", "ROUTE", "RTE", "HWY", "HIGHWAY", "COUNTY", "STATE",
     "US", "FM", "SR", "CR", "AND", "AT", "OF", "THE", "CO", "C", "O", "ATTN", "APT", "UNIT",
     "STE", "SUITE", "BLDG", "FL", "FLOOR", "ROOM", "RM", "LOT", "SPC", "TRLR", "DEPT",
     "STREET", "AVENUE", "ST", "AVE", "SAINT", "MOUNT", "MT", "FORT", "FT", "SAN",
     "SANTA", "LOS", "LAS", "DEL", "DE", "LA", "EL", "CAMINO", "CALLE", "VIA", "RUE"}
) | frozenset(DIRECTIONALS) | frozenset(UNIT_DESIGNATORS)  # fmt: skip


StreetFields = tuple[str, tuple[str, ...], str, str]
"""(pre-directional, street name words, post-type, post-directional) as written ('' when
absent)."""


def _is_number(token: str) -> bool:
    if token.isascii():  # the common case, without the regex
        return token.isdigit() and token[0] != "0" and len(token) <= 6
    return _NUMBER.fullmatch(token) is not None


def _is_name(word: str) -> bool:
    if word.isascii() and word.isalpha():
        return word.isupper() and len(word) >= 2
    return _NAME.fullmatch(word) is not None


def split_line(line: str) -> tuple[str, tuple[str, ...], str, str] | None:
    """(house number, street tokens, unit designator ('#' for '# ID'), unit id) of a clean
    street line, or None when it does not start with a house number."""
    tokens = _TOKENS.findall(line) if "#" in line else line.split()
    n = len(tokens)
    if n < 3 or not _is_number(tokens[0]):
        return None
    i = 2 if tokens[1] in DIRECTIONALS else 1
    if n - i >= 3 and tokens[-2] in FAST_UNITS and _UNIT_ID.fullmatch(tokens[-1]):
        return tokens[0], tuple(tokens[1:-2]), tokens[-2], tokens[-1]
    return tokens[0], tuple(tokens[1:]), "", ""


def street_fields(body: tuple[str, ...]) -> StreetFields | None:
    """The street between the house number and the unit ('E CYPRESS AVE E'), or None when
    any token may have another reading."""
    predir = body[0]
    i = 1
    if predir not in DIRECTIONALS:
        predir, i = "", 0
    end = len(body)
    postdir = ""
    if end - i >= 3:
        last = body[-1]
        if (
            last in DIRECTIONALS
            and len(last) <= 2
            and STREET_SUFFIXES.get(body[-2]) == body[-2]  # 'BLVD E', not 'BOULEVARD E'
        ):
            postdir = last
            end -= 1
    post_type = body[end - 1]
    if end - i < 2 or post_type not in FAST_TYPES:
        return None
    name = body[i : end - 1]
    if len(name) > MAX_NAME_WORDS:
        return None
    for word in name:
        if word in _UNSURE or not _is_name(word):
            return None
    if len(predir) > 2 and any(t in STREET_SUFFIXES for t in name):  # 'SOUTHWEST RIDGE PKWY'
        return None
    if predir and name[0][0].isdigit() and STREET_SUFFIXES[post_type] != post_type:
        return None  # usaddress misreads 'E 1ST ROAD' (but reads '12 1ST ROAD' right)
    return predir, name, post_type, postdir


def fast_tag(line: str) -> dict[str, str] | None:
    """usaddress-style components of a clean upper-case street line, or None when unsure."""
    split = split_line(line)
    street = street_fields(split[1]) if split else None
    if split is None or street is None:
        return None
    number, _, unit_type, unit_id = split
    predir, name, post_type, postdir = street
    parts = {"AddressNumber": number}
    if predir:
        parts["StreetNamePreDirectional"] = predir
    parts["StreetName"] = " ".join(name)
    parts["StreetNamePostType"] = post_type
    if postdir:
        parts["StreetNamePostDirectional"] = postdir
    if unit_type == "#":
        parts["OccupancyIdentifier"] = "# " + unit_id
    elif unit_type:
        parts["OccupancyType"] = unit_type
        parts["OccupancyIdentifier"] = unit_id
    return parts
