"""Split name fields naming several people ('SMITH JOHN A & MARY B', 'JOHN AND JANE DOE')."""

from __future__ import annotations

import re

from skiptrace.normalize.names import (
    PREFIXES,
    SUFFIXES,
    Name,
    build_name,
    clean_tokens,
    has_alpha,
    parse_given,
    parse_tokens,
)

_JOINERS = re.compile(r"\s*(?:&|\+|/|\bAND\b)\s*")
_ET_AL = re.compile(r"\bET\s+(?:AL|UX|VIR|UXOR)\b")


def _given_only(tokens: list[str]) -> bool:
    """True for a part holding given names only: 'MARY', 'MARY B', 'MARY B JR'."""
    core = [t for t in tokens if t not in SUFFIXES and t != ","]
    return len(core) == 1 or (len(core) == 2 and len(core[1]) == 1)


def split_parties(raw: str | None, fmt: str = "auto") -> tuple[Name, ...]:
    """One `Name` per person named in `raw`, left to right; shared surnames are carried.

    The empty tuple is never returned: unusable input yields one not-ok `Name`.
    """
    text = raw if isinstance(raw, str) else ""
    cleaned = clean_tokens(text.replace("&", " & ").replace("+", " + "))
    if "ET " in cleaned:
        cleaned = _ET_AL.sub(" ", cleaned)
    if "AND" in cleaned or "&" in cleaned or "+" in cleaned or "/" in cleaned:
        parts = [
            [t for t in words if has_alpha(t) or t in SUFFIXES or t == ","]
            for words in ([w.strip("'-") for w in p.split()] for p in _JOINERS.split(cleaned))
        ]
    else:  # one part; `clean_tokens` already stripped and filtered its words
        parts = [cleaned.split()]
    parts = [p for p in parts if any(t != "," for t in p)]
    if not parts:
        return (build_name(text),)
    person_fmt = "auto" if fmt == "multi_party" else fmt
    if len(parts) == 1:
        return (parse_tokens(text, parts[0], _part_format(parts[0], fmt == "multi_party", fmt)),)
    # 'MR & MRS JOHN SMITH': a part made of titles only shares the rest of the next part.
    for i in range(len(parts) - 1):
        if all(t in PREFIXES for t in parts[i]):
            parts[i] = parts[i] + [t for t in parts[i + 1] if t not in PREFIXES]
    names: list[Name] = []
    first, last_part = parts[0], parts[-1]
    if fmt != "last_first" and _given_only(first) and not _given_only(last_part):
        # 'JOHN AND JANE DOE': the surname comes from the last person.
        tail = parse_tokens(text, last_part, "first_last")
        for part in parts[:-1]:
            names.append(
                parse_given(text, part, tail.last) if _given_only(part) else
                parse_tokens(text, part, person_fmt)
            )  # fmt: skip
        return (*names, tail)
    recorder = fmt in ("last_first", "multi_party") or "," in first
    recorder = recorder or any(_given_only(p) for p in parts[1:])
    head = parse_tokens(text, first, _part_format(first, recorder, person_fmt))
    names.append(head)
    for part in parts[1:]:
        if _given_only(part) and head.last:
            names.append(parse_given(text, part, head.last))
        else:
            names.append(parse_tokens(text, part, _part_format(part, recorder, person_fmt)))
    return tuple(names)


def _part_format(part: list[str], recorder: bool, default: str) -> str:
    """Recorder style is 'LAST FIRST M' unless the part opens with a title ('MRS JANE DOE')."""
    return "last_first" if recorder and part[0] not in PREFIXES else default
