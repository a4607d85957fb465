"""Synthetic street addresses on real ZIPs, and how sources spell them.

An :class:`Addr` is the true address; :func:`render_line1` / :func:`render_line2` produce a
source's spelling of it with abbreviation variants, casing, typos and dropped units.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from skiptrace.simulate.geography import Geography

STREETS = [
    *(
        "Main Oak Maple Pine Cedar Elm Washington Lake Hill Park Walnut Sunset Lincoln Jackson "
        "Church Highland Jefferson Forest River Willow Spring Meadow Ridge Center Franklin Adams "
        "Madison Chestnut Valley Dogwood Magnolia Cherry Hickory Birch Laurel Sycamore Poplar "
        "Mill Railroad Broad Market Union Prospect Liberty Kennedy King Lee Wilson Cypress "
        "Mesquite Saguaro Bluebonnet Palmetto Aspen Sequoia Juniper Canyon Vista Mission Alamo"
    ).split(),
    "1st",
    "2nd",
    "3rd",
    "4th",
    "5th",
    "10th",
    "Martin Luther King Jr",
    "Old Mill",
]
TYPES = (
    ("St", "Street"),
    ("Ave", "Avenue"),
    ("Rd", "Road"),
    ("Dr", "Drive"),
    ("Ln", "Lane"),
    ("Ct", "Court"),
    ("Blvd", "Boulevard"),
    ("Way", "Way"),
    ("Pl", "Place"),
    ("Cir", "Circle"),
    ("Pkwy", "Parkway"),
    ("Ter", "Terrace"),
)
TYPE_WEIGHTS = (24, 18, 14, 14, 8, 6, 4, 4, 3, 2, 2, 1)
DIRS = {"N": "North", "S": "South", "E": "East", "W": "West", "NE": "Northeast", "SW": "Southwest"}
UNIT_SPELLINGS = {"Apt": ("Apt", "APT", "#", "Unit", "Apartment"), "Unit": ("Unit", "#", "Apt")}


@dataclass(frozen=True, slots=True)
class Addr:
    """A true address. ``po_box`` set means a PO Box mailing address (no street)."""

    aid: int
    number: int
    predir: str
    street: str
    stype: int
    postdir: str
    unit_type: str
    unit: str
    zid: int
    plus4: str
    po_box: str = ""

    def line1(self) -> str:
        """Canonical first line: '123 N Oak St' or 'PO Box 42'."""
        if self.po_box:
            return f"PO Box {self.po_box}"
        parts = [str(self.number), self.predir, self.street, TYPES[self.stype][0], self.postdir]
        return " ".join(p for p in parts if p)

    def line2(self) -> str:
        """Canonical second line: 'Apt 4B' or ''."""
        return f"{self.unit_type} {self.unit}" if self.unit else ""


def new_address(rng: random.Random, zid: int, aid: int, rental: bool) -> Addr:
    """A fresh synthetic street address in ZIP ``zid`` (rentals often have units)."""
    has_unit = rental and rng.random() < 0.65
    unit = ""
    if has_unit:
        unit = (
            str(rng.randint(1, 40) * (100 if rng.random() < 0.5 else 1))
            if rng.random() < 0.8
            else f"{rng.randint(1, 30)}{rng.choice('ABCD')}"
        )
    return Addr(
        aid=aid,
        number=rng.choice((rng.randint(1, 999), rng.randint(100, 9999), rng.randint(1000, 29999))),
        predir=rng.choice(("N", "S", "E", "W")) if rng.random() < 0.15 else "",
        street=rng.choice(STREETS),
        stype=rng.choices(range(len(TYPES)), weights=TYPE_WEIGHTS)[0],
        postdir=rng.choice(("NE", "SW", "N", "E")) if rng.random() < 0.04 else "",
        unit_type=("Apt" if rng.random() < 0.8 else "Unit") if has_unit else "",
        unit=unit,
        zid=zid,
        plus4=f"{rng.randint(1, 9999):04d}",
    )


def new_po_box(rng: random.Random, zid: int, aid: int) -> Addr:
    """A PO Box mailing address."""
    return Addr(
        aid,
        0,
        "",
        "",
        0,
        "",
        "",
        "",
        zid,
        f"{rng.randint(1, 9999):04d}",
        po_box=str(rng.randint(1, 99999)),
    )


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def render_line1(a: Addr, rng: random.Random, long_form: float, typo: float) -> str:
    """A source's spelling of the street line (abbreviation variants and typos)."""
    if a.po_box:
        return rng.choice(("PO Box ", "P.O. Box ", "POB ", "Post Office Box ")) + a.po_box
    spell_long = rng.random() < long_form
    street = _typo(a.street, rng) if rng.random() < typo else a.street
    parts = [
        str(a.number),
        DIRS[a.predir] if a.predir and spell_long else a.predir,
        street,
        TYPES[a.stype][1] if spell_long else TYPES[a.stype][0],
        DIRS[a.postdir] if a.postdir and spell_long else a.postdir,
    ]
    return " ".join(p for p in parts if p)


def render_line2(a: Addr, rng: random.Random, missing_unit: float) -> str:
    """A source's spelling of the unit ('Apt 4', '# 4', 'Unit 4') or '' when dropped."""
    if not a.unit or rng.random() < missing_unit:
        return ""
    label = rng.choice(UNIT_SPELLINGS[a.unit_type])
    return f"#{a.unit}" if label == "#" and rng.random() < 0.5 else f"{label} {a.unit}"


def render_zip(a: Addr, geo: Geography, rng: random.Random, zip4: float) -> str:
    """ZIP or ZIP+4 ('62704' / '62704-1234')."""
    z = geo.zips[a.zid]
    return f"{z}-{a.plus4}" if rng.random() < zip4 else z


def one_line(line1: str, line2: str, city: str, state: str, zipc: str) -> str:
    """'123 N Oak St Apt 4, Springfield, IL 62704' (one-line layouts)."""
    street = f"{line1} {line2}" if line2 else line1
    return f"{street}, {city}, {state} {zipc}"
