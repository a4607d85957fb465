"""Personal names: parse 'LAST, FIRST M', 'FIRST M LAST' or split fields into a `Name`.

Prefixes and generational suffixes are kept as their own fields; the comparison `key` keeps
the suffix so that JR and SR stay apart. Compound surnames (DE LA CRUZ, O'BRIEN, SMITH-JONES)
stay whole; accents are folded; clerical abbreviations (ROBT, WM) are expanded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import jellyfish

from skiptrace.normalize.fastbuild import builder
from skiptrace.normalize.nicknames import ABBREVIATIONS, first_name_keys
from skiptrace.normalize.text import upper_clean

PREFIXES = {
    "MR": "MR", "MISTER": "MR", "MRS": "MRS", "MS": "MS", "MISS": "MISS", "MX": "MX",
    "DR": "DR", "DOCTOR": "DR", "REV": "REV", "REVEREND": "REV", "PROF": "PROF",
    "HON": "HON", "SIR": "SIR", "FR": "FR", "CAPT": "CAPT", "SGT": "SGT", "LT": "LT",
    "COL": "COL", "MAJ": "MAJ", "GEN": "GEN",
}  # fmt: skip
SUFFIXES = {
    "JR": "JR", "JNR": "JR", "JUNIOR": "JR", "SR": "SR", "SNR": "SR", "SENIOR": "SR",
    "II": "II", "2ND": "II", "III": "III", "3RD": "III", "IV": "IV", "4TH": "IV",
    "V": "V", "5TH": "V",
}  # fmt: skip
# Professional credentials: recognised and dropped (not identity evidence).
CREDENTIALS = frozenset(
    {"MD", "PHD", "ESQ", "DDS", "DMD", "CPA", "RN", "LPN", "DVM", "JD", "PE", "CFP", "MBA"}
)
PARTICLES = frozenset(
    {"DE", "DA", "DEL", "DELLA", "DELA", "DI", "DU", "DOS", "DAS", "DES", "LA", "LE", "VAN",
     "VON", "DER", "DEN", "TER", "TEN", "ST", "SAINT", "MC", "MAC", "BIN", "BEN", "AL", "EL",
     "Y", "O"}
)  # fmt: skip
_AMBIGUOUS_SUFFIXES = frozenset({"V"})  # a middle initial in 'SMITH, JOHN V'

_DROP = re.compile(r"[^A-Z0-9',&+/\- ]+")
_HYPHEN = re.compile(r"\s*-+\s*")
_KEY_DROP = re.compile(r"[^A-Z0-9]+")


@dataclass(frozen=True, slots=True)
class Name:
    """A parsed personal name; `key` is LAST|FIRST|MIDDLE-INITIAL|SUFFIX in folded form."""

    raw: str
    ok: bool
    error: str | None
    canonical: str
    key: str
    prefix: str = ""
    first: str = ""
    middle: str = ""
    last: str = ""
    suffix: str = ""
    first_keys: frozenset[str] = frozenset()
    first_phonetic: str = ""
    last_phonetic: str = ""


def has_alpha(text: str) -> bool:
    """True when `text` holds a letter."""
    return text.isalpha() or any(c.isalpha() for c in text)


def clean_tokens(text: str) -> str:
    """Upper-case and fold accents; keep letters, digits, ' - , and the joiners & + /."""
    if not text:
        return ""
    cleaned = _DROP.sub(" ", upper_clean(text).replace(".", " "))
    if "-" in cleaned:
        cleaned = _HYPHEN.sub("-", cleaned)
    words = [w.strip("'-") for w in cleaned.replace(",", " , ").split()]
    # Tokens without letters are noise, except joiners, commas and '2ND'-style suffixes.
    return " ".join([w for w in words if w and (has_alpha(w) or w in SUFFIXES or w in ",&+/")])


def _key_part(text: str) -> str:
    if text.isascii() and text.isalnum() and (text.isupper() or text.isdigit()):
        return text  # nothing to drop
    return _KEY_DROP.sub("", text)


_metaphone = lru_cache(maxsize=20_000)(jellyfish.metaphone)
_nysiis = lru_cache(maxsize=20_000)(jellyfish.nysiis)
_name = builder(Name)


def build_name(
    raw: str,
    *,
    first: str = "",
    middle: str = "",
    last: str = "",
    suffix: str = "",
    prefix: str = "",
) -> Name:
    """Assemble a `Name` from already-cleaned upper-case parts, computing keys."""
    first = ABBREVIATIONS.get(first, first)
    if not (has_alpha(first) or has_alpha(last)):
        error = "empty" if not raw.strip() else "unparseable"
        return _name(raw, False, error, "", "", "", "", "", "", "", frozenset(), "", "")
    canonical = " ".join([p for p in (prefix, first, middle, last, suffix) if p])
    first_key, last_key = _key_part(first), _key_part(last)
    return _name(
        raw,
        True,
        None,
        canonical,
        f"{last_key}|{first_key}|{middle[:1]}|{suffix}",
        prefix,
        first,
        middle,
        last,
        suffix,
        first_name_keys(first_key) if first_key else frozenset(),
        _metaphone(first_key) if first_key.isalpha() else first_key,
        _nysiis(last_key) if last_key.isalpha() else last_key,
    )


def _take_prefix(tokens: list[str]) -> tuple[str, list[str]]:
    if len(tokens) >= 2 and tokens[0] in PREFIXES:
        return PREFIXES[tokens[0]], tokens[1:]
    return "", tokens


def _take_suffix(tokens: list[str], keep: int, *, allow_ambiguous: bool) -> tuple[str, list[str]]:
    suffix = ""
    while len(tokens) > keep:
        tail = tokens[-1]
        if tail in CREDENTIALS:
            tokens = tokens[:-1]
        elif tail in SUFFIXES and (allow_ambiguous or tail not in _AMBIGUOUS_SUFFIXES):
            suffix = suffix or SUFFIXES[tail]
            tokens = tokens[:-1]
        else:
            break
    return suffix, tokens


def _split_last(tokens: list[str]) -> tuple[list[str], str]:
    """Split first_last tokens into (given tokens, surname) keeping particles with the surname."""
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1] in PARTICLES:
        start -= 1
    return tokens[:start], " ".join(tokens[start:])


def parse_given(raw: str, given: list[str], last: str, suffix: str = "") -> Name:
    """Build a `Name` from given-name tokens (prefix, first, middles, suffix) and a surname."""
    prefix, given = _take_prefix(given)
    own_suffix, given = _take_suffix(given, 1, allow_ambiguous=False)
    return build_name(
        raw,
        prefix=prefix,
        first=given[0] if given else "",
        middle=" ".join(given[1:]),
        last=last,
        suffix=suffix or own_suffix,
    )


def _parse_first_last(raw: str, tokens: list[str]) -> Name:
    prefix, tokens = _take_prefix(tokens)
    suffix, tokens = _take_suffix(tokens, 2, allow_ambiguous=True)
    if len(tokens) == 1:
        return build_name(raw, prefix=prefix, last=tokens[0], suffix=suffix)
    given, last = _split_last(tokens)
    return build_name(
        raw,
        prefix=prefix,
        first=given[0] if given else "",
        middle=" ".join(given[1:]),
        last=last,
        suffix=suffix,
    )


def _parse_last_first(raw: str, tokens: list[str]) -> Name:
    if "," in tokens:
        cut = tokens.index(",")
        surname, given = tokens[:cut], [t for t in tokens[cut + 1 :] if t != ","]
    else:
        end = 0
        while end < len(tokens) - 1 and tokens[end] in PARTICLES:
            end += 1
        surname, given = tokens[: end + 1], tokens[end + 1 :]
        while given and given[0] in SUFFIXES and given[0] not in _AMBIGUOUS_SUFFIXES:
            surname, given = [*surname, given[0]], given[1:]
    suffix, surname = _take_suffix(surname, 1, allow_ambiguous=True)
    if not given:
        return _parse_first_last(raw, surname + ([suffix] if suffix else []))
    return parse_given(raw, given, " ".join(surname), suffix)


def parse_tokens(raw: str, tokens: list[str], fmt: str) -> Name:
    """Parse cleaned tokens of one person in the given format."""
    if not tokens or all(t == "," for t in tokens):
        return build_name(raw)
    while tokens[0] == ",":
        tokens = tokens[1:]
    if "," in tokens:
        after = [t for t in tokens[tokens.index(",") :] if t != ","]
        if all(t in SUFFIXES or t in CREDENTIALS for t in after):  # 'JOHN SMITH, JR.'
            tokens = [t for t in tokens if t != ","]
    if fmt == "last_first" or (fmt != "first_last" and "," in tokens):
        return _parse_last_first(raw, tokens)
    return _parse_first_last(raw, [t for t in tokens if t != ","])


@lru_cache(maxsize=20_000)
def normalize_name(raw: str | None, fmt: str = "auto") -> Name:
    """Parse one personal name; a multi-party string yields its first person.

    `fmt` is 'auto' (comma means 'LAST, FIRST'), 'last_first', 'first_last' or 'multi_party'.
    """
    from skiptrace.normalize.parties import split_parties

    text = raw if isinstance(raw, str) else ""
    parties = split_parties(text, fmt)
    return parties[0] if parties else build_name(text)


_clean_part = lru_cache(maxsize=20_000)(clean_tokens)  # split name columns repeat a lot


def normalize_name_parts(
    *,
    first: str | None = None,
    middle: str | None = None,
    last: str | None = None,
    suffix: str | None = None,
    prefix: str | None = None,
) -> Name:
    """Normalize a name held in split columns (first / middle / last / suffix / prefix)."""
    given = _clean_part(first or "").replace(",", " ").split()
    given += _clean_part(middle or "").replace(",", " ").split()
    raw = " ".join([p for p in (prefix, first, middle, last, suffix) if p])
    sfx = _clean_part(suffix or "").replace(",", "").strip()
    pfx = _clean_part(prefix or "").replace(",", "").strip()
    return build_name(
        raw,
        prefix=PREFIXES.get(pfx, pfx),
        first=given[0] if given else "",
        middle=" ".join(given[1:]),
        last=" ".join(_clean_part(last or "").replace(",", " ").split()),
        suffix=SUFFIXES.get(sfx, ""),
    )
