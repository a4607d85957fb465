"""Text helpers shared by the normalizers: accent folding, case and whitespace cleanup."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
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
    return _SPACE.sub(" ", text).strip()


def upper_clean(text: str | None) -> str:
    """Fold accents, upper-case and squash whitespace; `None` becomes ``""``."""
    if not text:
        return ""
    return squash(fold(text).upper())
