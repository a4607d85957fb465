"""First-name equivalence: written abbreviations (Robt, Wm) and nickname sets (Bob, Peggy).

Abbreviations are certain and are expanded in the canonical first name. Nicknames come from
the `nicknames` package, whose table is noisy: a shared nickname key means "may be the same
name", a weaker level than an exact match, and every candidate canonical name is kept.
"""

from __future__ import annotations

from functools import cache

# Clerical abbreviations of given names found in older records and credit headers.
ABBREVIATIONS: dict[str, str] = {
    "ABM": "ABRAHAM",
    "ALEXR": "ALEXANDER",
    "ANDW": "ANDREW",
    "BARTW": "BARTHOLOMEW",
    "BENJ": "BENJAMIN",
    "CHAS": "CHARLES",
    "CHRISTR": "CHRISTOPHER",
    "DANL": "DANIEL",
    "DAVD": "DAVID",
    "EDW": "EDWARD",
    "EDWD": "EDWARD",
    "ELIZ": "ELIZABETH",
    "FREDK": "FREDERICK",
    "GEO": "GEORGE",
    "HY": "HENRY",
    "JAS": "JAMES",
    "JNO": "JOHN",
    "JOS": "JOSEPH",
    "MARGT": "MARGARET",
    "MICHL": "MICHAEL",
    "NATHL": "NATHANIEL",
    "PATK": "PATRICK",
    "RICHD": "RICHARD",
    "ROBT": "ROBERT",
    "SAML": "SAMUEL",
    "THOS": "THOMAS",
    "WM": "WILLIAM",
    "XTOPHER": "CHRISTOPHER",
}


def expand_abbreviation(first: str) -> str:
    """Return the full given name for a clerical abbreviation ('WM' -> 'WILLIAM')."""
    return ABBREVIATIONS.get(first, first)


@cache
def _canonical_table() -> dict[str, frozenset[str]]:
    """Nickname -> canonical names (upper case), loaded once from the `nicknames` package."""
    from nicknames import NickNamer

    table = NickNamer().canonical_lookup
    return {
        nick.upper(): frozenset(name.upper() for name in names) for nick, names in table.items()
    }


@cache
def first_name_keys(first: str) -> frozenset[str]:
    """The name itself plus every canonical name it may be a nickname of (upper case)."""
    if not first:
        return frozenset()
    return frozenset({first}) | _canonical_table().get(first, frozenset())


def first_name_relation(a: str, b: str) -> str:
    """How two canonical first names relate: 'exact', 'nickname', 'initial' or 'different'."""
    if not a or not b:
        return "different"
    if a == b:
        return "exact"
    if len(a) == 1 or len(b) == 1:
        return "initial" if a[0] == b[0] else "different"
    if first_name_keys(a) & first_name_keys(b):
        return "nickname"
    return "different"
