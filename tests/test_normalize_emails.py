"""Golden cases for e-mail addresses and their provider-aliasing-folded keys."""

from __future__ import annotations

import pytest

from skiptrace.normalize import normalize_email

# (raw, canonical, key)
EMAIL_CASES = [
    ("john.smith@example.com", "john.smith@example.com", "john.smith@example.com"),
    ("  John.Smith@Example.COM ", "john.smith@example.com", "john.smith@example.com"),
    ("John.Smith+promo@Gmail.com", "john.smith+promo@gmail.com", "johnsmith@gmail.com"),
    ("j.o.h.n.smith@gmail.com", "j.o.h.n.smith@gmail.com", "johnsmith@gmail.com"),
    ("johnsmith@googlemail.com", "johnsmith@googlemail.com", "johnsmith@gmail.com"),
    ("jane+bills@outlook.com", "jane+bills@outlook.com", "jane@outlook.com"),
    ("jane.doe@outlook.com", "jane.doe@outlook.com", "jane.doe@outlook.com"),
    ("jane+x@icloud.com", "jane+x@icloud.com", "jane@icloud.com"),
    ("john+tag@example.com", "john+tag@example.com", "john+tag@example.com"),
    ("mailto:a@b.co", "a@b.co", "a@b.co"),
    ("<x@y.org>", "x@y.org", "x@y.org"),
    ("o'brien@example.ie", "o'brien@example.ie", "o'brien@example.ie"),
    ("user@sub.example.co.uk", "user@sub.example.co.uk", "user@sub.example.co.uk"),
    ("user@example.com.", "user@example.com", "user@example.com"),
]


@pytest.mark.parametrize(("raw", "canonical", "key"), EMAIL_CASES)
def test_email_golden(raw: str, canonical: str, key: str) -> None:
    email = normalize_email(raw)
    assert (email.ok, email.canonical, email.key) == (True, canonical, key)
    assert email.domain == canonical.split("@")[1]


@pytest.mark.parametrize(
    ("raw", "error"),
    [("", "empty"), (None, "empty"), ("nope", "missing_at"), ("a@@b.com", "unparseable"),
     ("bad@", "invalid_domain"), ("a@b", "invalid_domain"), ("x..y@b.com", "invalid_local"),
     ("@b.com", "invalid_local"), ("a b@c.com", "invalid_local"), ("a@-b.com", "invalid_domain"),
     ("a@b.c0m", "invalid_domain")],
)  # fmt: skip
def test_email_errors(raw: str | None, error: str) -> None:
    email = normalize_email(raw)
    assert (email.ok, email.error, email.key) == (False, error, "")
