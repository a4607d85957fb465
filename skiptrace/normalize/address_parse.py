"""Street-line parsing: boxes and routes by pattern, then the fast tagger, then usaddress.

Both taggers emit usaddress labels; `standardize` turns labelled components into USPS
Publication 28 form, so the fast path and usaddress agree whenever the fast path answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import usaddress

from skiptrace.normalize.address_fastpath import split_line, street_fields
from skiptrace.normalize.address_usps import (
    DIRECTIONALS,
    ORDINALS,
    STREET_SUFFIXES,
    UNIT_DESIGNATORS,
    UNITS_WITHOUT_NUMBER,
)
from skiptrace.normalize.fastbuild import builder
from skiptrace.normalize.text import fold

_PO_BOX = re.compile(
    r"(?:P\s*O\s*B(?:OX)?|POST\s+OFFICE\s+BOX|POST\s+BOX|BOX|PO|CALLER|DRAWER|LOCKBOX)"
    r"\s*(?:NO\s*)?#?\s*([A-Z]?\d+[A-Z]?(?:-\d+)?)"
)
_ROUTE = re.compile(
    r"(RR|RFD|R\s*R|RURAL\s+ROUTE|RURAL\s+RTE|RT|ROUTE|HC|H\s*C|HCR|HIGHWAY\s+CONTRACT"
    r"(?:\s+ROUTE)?|STAR\s+ROUTE)\s*#?\s*(\d+)\s*,?\s*(?:BOX|BX)\s*#?\s*(\d+[A-Z]?)"
)
# A spelled-out designator before a final unit id; usaddress misreads 'ST APARTMENT 16'.
_SPELLED_UNIT = re.compile(
    r"(?<=\S )(APARTMENT|APPT|APTS|SUITE|UNT|ROOM|SPACE|TRAILER)"
    r"(?= (?:# )?(?:[A-Z0-9-]{0,7}\d[A-Z0-9-]{0,7}|[A-Z])$)"
)
# `fold` leaves ASCII only: upper-case letters, drop '.', space out '#', blank the rest.
_LINE_TABLE = str.maketrans(
    {
        **{chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) in "/-")},
        **{chr(c): chr(c).upper() for c in range(ord("a"), ord("z") + 1)},
        ".": None,
        "#": " # ",
    }
)
_UNIT_CLEAN = re.compile(r"[^A-Z0-9\-]+")


@dataclass(frozen=True, slots=True)
class StreetParts:
    """Standardized components of one street line ('' when absent)."""

    number: str = ""
    predir: str = ""
    street: str = ""
    street_type: str = ""
    postdir: str = ""
    unit_type: str = ""
    unit: str = ""
    po_box: str = ""
    route: str = ""
    error: str | None = None

    @property
    def primary(self) -> str:
        """The line without its unit: '123 N MAIN ST', 'PO BOX 12', 'RR 2 BOX 45'."""
        if self.route:
            return f"{self.route} BOX {self.po_box}"
        if self.po_box:
            return f"PO BOX {self.po_box}"
        parts = (self.number, self.predir, self.street, self.street_type, self.postdir)
        return " ".join([p for p in parts if p])

    @property
    def secondary(self) -> str:
        """The unit part: 'APT 4', '# 4', 'REAR' or ''."""
        if self.unit_type:
            return f"{self.unit_type} {self.unit}".strip()
        return f"# {self.unit}" if self.unit else ""


_street_parts = builder(StreetParts)


def clean_line(text: str | None) -> str:
    """Upper-case street text with punctuation other than # / - removed."""
    if not text:
        return ""
    return " ".join(fold(text).translate(_LINE_TABLE).split())


def _unit_value(text: str) -> str:
    return _UNIT_CLEAN.sub("", text.replace("#", "")).strip("-")


def _repair_type(name: str, post_type: str) -> tuple[str, str]:
    """Fix usaddress splits such as name 'PINE' + type 'PINE BOUL' or name 'ELM XING'."""
    words = [*name.split(), *post_type.split()]
    if len(words) >= 2 and words[-1] in STREET_SUFFIXES and (" " in post_type or not post_type):
        return " ".join(words[:-1]), words[-1]
    return name, post_type


def standardize(parts: dict[str, str]) -> StreetParts:
    """USPS Pub 28 form of usaddress-labelled components."""
    name, pretype = parts.get("StreetName", ""), parts.get("StreetNamePreType", "")
    if pretype and name in STREET_SUFFIXES and not parts.get("StreetNamePostType"):
        name, pretype = f"{pretype} {name}", ""  # '1 E PINE BOUL' read as pre-type PINE
    name, suffix_text = _repair_type(name, parts.get("StreetNamePostType", ""))
    if pretype:
        pre = " ".join(STREET_SUFFIXES.get(w, w) for w in pretype.split())
        name = f"{pre} {name}".strip()
    name = " ".join(ORDINALS.get(w, w) for w in name.split()) if name else ""
    pre_mod = parts.get("StreetNamePreModifier", "")
    if pre_mod:
        name = f"{pre_mod} {name}".strip()
    street_type = " ".join(STREET_SUFFIXES.get(w, w) for w in suffix_text.split())
    predir = DIRECTIONALS.get(parts.get("StreetNamePreDirectional", ""), "")
    postdir = DIRECTIONALS.get(parts.get("StreetNamePostDirectional", ""), "")
    if not name and (predir or postdir):  # '123 NORTH ST': the directional is the name
        name, predir = predir or postdir, ""
    unit_type = parts.get("OccupancyType", "")
    unit_type = UNIT_DESIGNATORS.get(unit_type, unit_type)
    unit = _unit_value(parts.get("OccupancyIdentifier", ""))
    if unit and not unit_type and UNIT_DESIGNATORS.get(unit) in UNITS_WITHOUT_NUMBER:
        unit_type, unit = UNIT_DESIGNATORS[unit], ""  # '123 MAIN ST REAR'
    sub_type, sub_id = parts.get("SubaddressType", ""), parts.get("SubaddressIdentifier", "")
    if sub_type and not unit_type and not unit:
        unit_type, unit = UNIT_DESIGNATORS.get(sub_type, sub_type), _unit_value(sub_id)
    elif sub_id and unit:  # 'BLDG 5 APT 3' -> 'APT 5-3'
        unit = f"{_unit_value(sub_id)}-{unit}"
    number = parts.get("AddressNumber", "")
    if parts.get("AddressNumberSuffix"):
        number = f"{number} {parts['AddressNumberSuffix']}"
    return StreetParts(
        number=number,
        predir=predir,
        street=name,
        street_type=street_type,
        postdir=postdir,
        unit_type=unit_type,
        unit=unit,
        error=None if number and name else "unparseable",
    )


@lru_cache(maxsize=20_000)
def _fast_street(body: tuple[str, ...]) -> tuple[str, str, str, str] | None:
    """`standardize` of `street_fields`: (pre-directional, name, type, post-directional)."""
    fields = street_fields(body)
    if fields is None:
        return None
    predir, name, post_type, postdir = fields
    return (
        DIRECTIONALS[predir] if predir else "",
        " ".join([ORDINALS.get(w, w) for w in name]),
        STREET_SUFFIXES[post_type],
        DIRECTIONALS[postdir] if postdir else "",
    )


def _fast_parse(line: str) -> StreetParts | None:
    """The fast tagger's reading of a line, standardized; None when it is unsure."""
    split = split_line(line)
    if split is None:
        return None
    street = _fast_street(split[1])
    if street is None:
        return None
    number, _, unit_type, unit = split
    if unit_type == "#":
        unit_type = ""
        if UNIT_DESIGNATORS.get(unit) in UNITS_WITHOUT_NUMBER:
            unit_type, unit = UNIT_DESIGNATORS[unit], ""  # '123 MAIN ST # REAR'
    elif unit_type:
        unit_type = UNIT_DESIGNATORS[unit_type]
    return _street_parts(number, *street, unit_type, unit, "", "", None)


def _usaddress_tag(line: str) -> dict[str, str]:
    try:
        tagged, _ = usaddress.tag(line)
        return dict(tagged)
    except usaddress.RepeatedLabelError as exc:
        first: dict[str, str] = {}
        for token, label in exc.parsed_string:
            first[label] = f"{first[label]} {token}" if label in first else token
        return first
    except Exception:  # usaddress may fail on odd input; the line is then unparseable
        return {}


def slow_parse(line: str) -> StreetParts:
    """Parse a clean street line with usaddress only (the reference path)."""
    return standardize(_usaddress_tag(line))


def _box_or_route(line: str) -> StreetParts | None:
    route = _ROUTE.fullmatch(line)
    if route:
        kind = (
            "HC" if route.group(1).replace(" ", "").startswith(("HC", "HIGHWAY", "STAR")) else "RR"
        )
        return StreetParts(route=f"{kind} {route.group(2)}", po_box=route.group(3))
    box = _PO_BOX.fullmatch(line)
    if box:
        return StreetParts(po_box=box.group(1))
    return None


@lru_cache(maxsize=50_000)
def parse_street_line(line: str) -> StreetParts:
    """Parse one clean street line (see `clean_line`), fastest sure path first."""
    if not line:
        return StreetParts(error="empty")
    special = None if line[0].isdigit() else _box_or_route(line)  # both open with a word
    if special:
        return special
    if (  # a part of every word `_SPELLED_UNIT` rewrites (cheaper than the regex alone)
        "AP" in line
        or "SUITE" in line
        or "UNT" in line
        or "ROOM" in line
        or "SPACE" in line
        or "TRAILER" in line
    ):
        line = _SPELLED_UNIT.sub(lambda m: UNIT_DESIGNATORS[m.group(1)], line)
    return _fast_parse(line) or slow_parse(line)
