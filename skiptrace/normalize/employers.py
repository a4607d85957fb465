"""Employer names: a comparison key without legal suffixes, store numbers or punctuation.

'Wal-Mart Stores, Inc. #1234', 'WALMART SUPERCENTER' and 'walmart' share the key 'WALMART'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from skiptrace.normalize.employer_aliases import ALIASES
from skiptrace.normalize.text import squash, upper_clean

LEGAL_SUFFIXES = frozenset(
    {"INC", "INCORPORATED", "LLC", "LLP", "LP", "LTD", "LIMITED", "CORP", "CORPORATION",
     "CO", "COMPANY", "PLC", "PC", "PLLC", "PA", "NA", "GMBH", "SA", "DBA", "THE"}
)  # fmt: skip
_STORE = re.compile(
    r"(?:\s*[#№]\s*\d+[A-Z]?|\s+(?:STORE|STR|STORE NO|NO|NUMBER|LOCATION|LOC|UNIT|BRANCH)"
    r"\s*#?\s*\d+[A-Z]?)\s*$"
)
_PUNCT = re.compile(r"[^A-Z0-9 ]+")


@dataclass(frozen=True, slots=True)
class Employer:
    """A normalized employer; `name` is the display name, `key` the comparison key."""

    raw: str
    ok: bool
    error: str | None
    canonical: str
    key: str
    name: str = ""


@cache
def _alias_table() -> dict[str, str]:
    table = {canonical: canonical for canonical in ALIASES}
    for canonical, variants in ALIASES.items():
        table.update({fold_key(variant): canonical for variant in variants})
    return table


def _strip_store(text: str) -> str:
    while True:
        stripped = _STORE.sub("", text)
        if stripped == text or not stripped.strip():
            return text
        text = stripped


def fold_key(text: str) -> str:
    """Fold an upper-case employer name: no punctuation, '&' as AND, no legal suffix words."""
    text = text.replace("'", "").replace(".", " ").replace("&", " AND ")
    words: list[str] = []
    for word in _PUNCT.sub(" ", text).split():
        if (
            len(word) == 1
            and words
            and len(words[-1]) < 4
            and words[-1].isalpha()
            and (words[-1] != "AND")
        ):
            words[-1] += word  # 'L L C' -> 'LLC', 'U S' -> 'US'

        else:
            words.append(word)
    while len(words) > 1 and words[0] == "THE":
        words = words[1:]
    while len(words) > 1 and (words[-1] in LEGAL_SUFFIXES or words[-1] == "AND"):
        words = words[:-1]
    return " ".join(words)


@lru_cache(maxsize=50_000)
def normalize_employer(raw: str | None) -> Employer:
    """Normalize an employer name; store numbers and legal suffixes do not reach the key."""
    text = raw if isinstance(raw, str) else ""
    cleaned = upper_clean(text).strip(" ,.;-")
    if not cleaned:
        return Employer(raw=text, ok=False, error="empty", canonical="", key="")
    name = squash(_strip_store(cleaned).strip(" ,.;-"))
    folded = fold_key(name)
    if not any(c.isalnum() for c in name):
        return Employer(raw=text, ok=False, error="unparseable", canonical="", key="")
    alias = _alias_table().get(folded)
    if alias:
        return Employer(text, True, None, alias, fold_key(alias), alias)
    return Employer(text, True, None, name, folded, name)
