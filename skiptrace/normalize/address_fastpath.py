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


def fast_tag(line: str) -> dict[str, str] | None:
    """usaddress-style components of a clean upper-case street line, or None when unsure."""
    tokens = _TOKENS.findall(line)
    n = len(tokens)
    if n < 3 or not _NUMBER.fullmatch(tokens[0]):
        return None
    parts = {"AddressNumber": tokens[0]}
    i = 1
    if tokens[i] in DIRECTIONALS:
        parts["StreetNamePreDirectional"] = tokens[i]
        i += 1
    end = n
    unit_type = unit_id = ""
    if n - i >= 3 and tokens[-2] in FAST_UNITS and _UNIT_ID.fullmatch(tokens[-1]):
        unit_type, unit_id, end = tokens[-2], tokens[-1], n - 2
    if (
        end - i >= 3
        and tokens[end - 1] in DIRECTIONALS
        and len(tokens[end - 1]) <= 2
        and STREET_SUFFIXES.get(tokens[end - 2]) == tokens[end - 2]  # 'BLVD E', not 'BOULEVARD E'
    ):
        parts["StreetNamePostDirectional"] = tokens[end - 1]
        end -= 1
    if end - i < 2 or tokens[end - 1] not in FAST_TYPES:
        return None
    name = tokens[i : end - 1]
    if len(name) > MAX_NAME_WORDS or any(not _NAME.fullmatch(t) or t in _UNSURE for t in name):
        return None
    predir = parts.get("StreetNamePreDirectional")
    spelled_dir = predir is not None and len(predir) > 2
    if spelled_dir and any(t in STREET_SUFFIXES for t in name):  # 'SOUTHWEST RIDGE PKWY'
        return None
    spelled_type = STREET_SUFFIXES[tokens[end - 1]] != tokens[end - 1]
    if spelled_type and predir is not None and name[0][0].isdigit():
        return None  # usaddress misreads 'E 1ST ROAD' (but reads '12 1ST ROAD' right)
    parts["StreetName"] = " ".join(name)
    parts["StreetNamePostType"] = tokens[end - 1]
    if unit_type == "#":
        parts["OccupancyIdentifier"] = "# " + unit_id
    elif unit_type:
        parts["OccupancyType"] = unit_type
        if unit_id:
            parts["OccupancyIdentifier"] = unit_id
    return parts
