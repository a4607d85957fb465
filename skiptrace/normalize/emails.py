"""E-mail addresses: trimmed, lower-cased, validated, with a provider-aliasing-folded key."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from skiptrace.normalize.fastbuild import builder

# Providers that ignore dots in the local part and deliver 'user+tag' to 'user'.
DOT_BLIND = frozenset({"gmail.com", "googlemail.com"})
PLUS_TAGS = frozenset(
    {"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
     "icloud.com", "me.com", "mac.com", "protonmail.com", "proton.me", "fastmail.com"}
)  # fmt: skip
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}

_LOCAL = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~\-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~\-]+)*")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?")
_TLD = re.compile(r"[a-z]{2,24}|xn--[a-z0-9\-]{2,59}")


@dataclass(frozen=True, slots=True)
class Email:
    """A normalized e-mail address; `key` folds dots and tags for providers that ignore them."""

    raw: str
    ok: bool
    error: str | None
    canonical: str
    key: str
    address: str = ""
    local: str = ""
    domain: str = ""


_email = builder(Email)


def _failed(raw: str, error: str) -> Email:
    return Email(raw=raw, ok=False, error=error, canonical="", key="")


def _valid_domain(domain: str) -> bool:
    labels = domain.split(".")
    return (
        len(labels) >= 2
        and len(domain) <= 253
        and all(_LABEL.fullmatch(label) for label in labels)
        and _TLD.fullmatch(labels[-1]) is not None
    )


@lru_cache(maxsize=20_000)
def normalize_email(raw: str | None) -> Email:
    """Normalize one e-mail address ('mailto:' prefix, '<...>' wrappers and spaces removed)."""
    text = raw if isinstance(raw, str) else ""
    value = text.strip().strip("<>").strip().lower()
    if value.startswith("mailto:"):
        value = value[7:].strip()
    if not value:
        return _failed(text, "empty")
    if value.count("@") != 1:
        return _failed(text, "missing_at" if "@" not in value else "unparseable")
    local, domain = value.split("@")
    domain = domain.rstrip(".")
    if not local or len(local) > 64 or not _LOCAL.fullmatch(local):
        return _failed(text, "invalid_local")
    if not _valid_domain(domain):
        return _failed(text, "invalid_domain")
    address = f"{local}@{domain}"
    key_domain = DOMAIN_ALIASES.get(domain, domain)
    key_local = local
    if key_domain in PLUS_TAGS:
        key_local = key_local.split("+", 1)[0] or key_local
    if key_domain in DOT_BLIND:
        key_local = key_local.replace(".", "") or key_local
    return _email(text, True, None, address, f"{key_local}@{key_domain}", address, local, domain)
