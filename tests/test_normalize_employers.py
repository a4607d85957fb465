"""Golden cases for employer names: legal suffixes, store numbers, punctuation, aliases."""

from __future__ import annotations

import pytest

from skiptrace.normalize import normalize_employer

# (raw, canonical name, key)
EMPLOYER_CASES = [
    ("Wal-Mart Stores, Inc. #1234", "WALMART", "WALMART"),
    ("WALMART SUPERCENTER", "WALMART", "WALMART"),
    ("walmart", "WALMART", "WALMART"),
    ("Wal Mart Store 5521", "WALMART", "WALMART"),
    ("The Home Depot", "HOME DEPOT", "HOME DEPOT"),
    ("Home Depot U.S.A., Inc.", "HOME DEPOT", "HOME DEPOT"),
    ("McDonald's #4521", "MCDONALDS", "MCDONALDS"),
    ("MCDONALDS RESTAURANT", "MCDONALDS", "MCDONALDS"),
    ("Amazon.com Services LLC", "AMAZON", "AMAZON"),
    ("Federal Express Corp", "FEDEX", "FEDEX"),
    ("U.S. Postal Service", "USPS", "USPS"),
    ("United States Postal Service", "USPS", "USPS"),
    ("AT&T", "AT&T", "AT AND T"),
    ("AT and T Mobility", "AT&T", "AT AND T"),
    ("J.P. Morgan Chase & Co.", "JPMORGAN CHASE", "JPMORGAN CHASE"),
    ("Bank of America, N.A.", "BANK OF AMERICA", "BANK OF AMERICA"),
    ("KROGER STORE #512", "KROGER", "KROGER"),
    ("Acme Widgets, LLC", "ACME WIDGETS, LLC", "ACME WIDGETS"),
    ("ACME WIDGETS L.L.C.", "ACME WIDGETS L.L.C", "ACME WIDGETS"),
    ("Acme Widgets Incorporated", "ACME WIDGETS INCORPORATED", "ACME WIDGETS"),
    ("Johnson & Johnson", "JOHNSON & JOHNSON", "JOHNSON AND JOHNSON"),
    ("Smith & Sons Co.", "SMITH & SONS CO", "SMITH AND SONS"),
    ("A B C Plumbing", "A B C PLUMBING", "ABC PLUMBING"),
    ("Café Olé", "CAFE OLE", "CAFE OLE"),
    ("Store 12", "STORE 12", "STORE 12"),
]


@pytest.mark.parametrize(("raw", "name", "key"), EMPLOYER_CASES)
def test_employer_golden(raw: str, name: str, key: str) -> None:
    employer = normalize_employer(raw)
    assert (employer.ok, employer.name, employer.canonical, employer.key) == (True, name, name, key)


@pytest.mark.parametrize(("raw", "error"), [("", "empty"), (None, "empty"), ("---", "empty"),
                                            ("&", "unparseable")])  # fmt: skip
def test_employer_errors(raw: str | None, error: str) -> None:
    employer = normalize_employer(raw)
    assert (employer.ok, employer.error, employer.key) == (False, error, "")
