"""Golden cases for phone numbers, and the NANP fast path against phonenumbers itself."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skiptrace.normalize import normalize_phone, normalize_phones
from skiptrace.normalize.phones import _describe

# (raw, canonical, valid, number_type)
PHONE_CASES = [
    ("(415) 253-0000", "+14152530000", True, "fixed_line_or_mobile"),
    ("415.253.0000", "+14152530000", True, "fixed_line_or_mobile"),
    ("415-253-0000", "+14152530000", True, "fixed_line_or_mobile"),
    ("4152530000", "+14152530000", True, "fixed_line_or_mobile"),
    ("14152530000", "+14152530000", True, "fixed_line_or_mobile"),
    ("1-415-253-0000", "+14152530000", True, "fixed_line_or_mobile"),
    ("+1 (415) 253-0000", "+14152530000", True, "fixed_line_or_mobile"),
    ("  415 253 0000  ", "+14152530000", True, "fixed_line_or_mobile"),
    ("212-555-1212 ext 45", "+12125551212 x45", True, "fixed_line_or_mobile"),
    ("212-555-1212 x45", "+12125551212 x45", True, "fixed_line_or_mobile"),
    ("212-555-1212 #45", "+12125551212 x45", True, "fixed_line_or_mobile"),
    ("(212) 555-1212 Ext. 7", "+12125551212 x7", True, "fixed_line_or_mobile"),
    ("1-800-FLOWERS", "+18003569377", True, "toll_free"),
    ("1 (888) GO-FEDEX", "+18884633339", True, "toll_free"),
    ("800-555-0199", "+18005550199", True, "toll_free"),
    ("900-555-0100", "+19005550100", True, "premium_rate"),
    ("+44 20 7946 0958", "+442079460958", True, "fixed_line"),
    ("+1 555 253 0000", "+15552530000", False, "unknown"),
    ("(415) 153-0000", "+14151530000", False, "unknown"),
    ("+14152530000", "+14152530000", True, "fixed_line_or_mobile"),
]


@pytest.mark.parametrize(("raw", "canonical", "valid", "number_type"), PHONE_CASES)
def test_phone_golden(raw: str, canonical: str, valid: bool, number_type: str) -> None:
    phone = normalize_phone(raw)
    assert (phone.ok, phone.canonical, phone.valid, phone.number_type) == (
        True, canonical, valid, number_type,
    )  # fmt: skip
    assert phone.key == canonical.split(" x")[0]


@pytest.mark.parametrize(
    ("raw", "error"),
    [("", "empty"), (None, "empty"), ("abc", "unparseable"), ("12345", "impossible_length"),
     ("n/a", "unparseable")],
)  # fmt: skip
def test_phone_errors(raw: str | None, error: str) -> None:
    phone = normalize_phone(raw)
    assert (phone.ok, phone.error, phone.key) == (False, error, "")


def test_time_zones_per_exchange() -> None:
    assert normalize_phone("415-253-0000").timezones == ("America/Los_Angeles",)
    assert normalize_phone("850-230-0000").timezones == ("America/Chicago",)
    assert normalize_phone("212-555-1212").timezones == ("America/New_York",)
    assert len(normalize_phone("800-555-0199").timezones) > 2


@pytest.mark.parametrize(
    ("raw", "keys"),
    [("415-253-0000 / 212-253-0001", ("+14152530000", "+12122530001")),
     ("4152530000 2122530001", ("+14152530000", "+12122530001")),
     ("(415) 253-0000 or (212) 253-0001", ("+14152530000", "+12122530001")),
     ("415-253-0000; 212-253-0001", ("+14152530000", "+12122530001")),
     ("415-253-0000", ("+14152530000",)), ("", ("",))],
)  # fmt: skip
def test_two_numbers_in_one_field(raw: str, keys: tuple[str, ...]) -> None:
    assert tuple(p.key for p in normalize_phones(raw)) == keys


def test_us_metadata_decided_by_first_six_digits() -> None:
    """The fast path's premise: every US pattern ends in a free 4-digit line number."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("US")
    for desc in (metadata.fixed_line, metadata.mobile, metadata.toll_free, metadata.premium_rate,
                 metadata.personal_number):  # fmt: skip
        if desc is not None and desc.national_number_pattern:
            assert desc.national_number_pattern.endswith(("\\d{4}", "\\d{6}"))


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=2_000_000_000, max_value=9_999_999_999))
def test_fast_path_agrees_with_phonenumbers(number: int) -> None:
    digits = str(number)
    fast = normalize_phone(digits)
    parsed = phonenumbers.parse(digits, "US")
    slow = (fast.e164 == phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),)
    assert slow == (True,)
    assert (fast.valid, fast.number_type, fast.timezones) == _describe(parsed)
