"""Text helpers shared by the normalizers: accent folding, case and whitespace cleanup."""

from __future__ import annotations

import unicodedata

# Characters NFKD does not decompose into ASCII but real files contain.
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "Æ": "AE",
        "æ": "ae",
        "Ø": "O",
        "ø": "o",
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Œ": "OE",
        "œ": "oe",
        "Þ": "TH",
        "þ": "th",
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
        "–": "-",
        "—": "-",
    }
)


def fold(text: str) -> str:
    """Return `text` with accents removed and only ASCII characters kept."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(c for c in decomposed if c.isascii())


def squash(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return " ".join(text.split())


def upper_clean(text: str | None) -> str:
    """Fold accents, upper-case and squash whitespace; `None` becomes ``""``."""
    if not text:
        return ""
    return " ".join(fold(text).upper().split())
