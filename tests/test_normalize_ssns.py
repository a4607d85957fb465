"""Golden cases for SSNs: structure rules, published numbers, last-4 partials, masking."""

from __future__ import annotations

import pytest

from skiptrace.normalize import mask_ssn, normalize_ssn

# (raw, ok, error, key, flags)
SSN_CASES = [
    ("234-56-7890", True, None, "234567890", ()),
    ("234567890", True, None, "234567890", ()),
    ("234 56 7890", True, None, "234567890", ()),
    (" 234-56-7890 ", True, None, "234567890", ()),
    ("078-05-1120", True, None, "078051120", ("published",)),
    ("219-09-9999", True, None, "219099999", ("published",)),
    ("123-45-6789", True, None, "123456789", ("published",)),
    ("111-11-1111", True, None, "111111111", ("published", "repeated_digit")),
    ("000-12-3456", False, "invalid_area", "", ("invalid_area",)),
    ("666-12-3456", False, "invalid_area", "", ("invalid_area",)),
    ("900-12-3456", False, "itin_or_invalid_area", "", ("itin_or_invalid_area",)),
    ("999-99-9999", False, "itin_or_invalid_area", "", ("itin_or_invalid_area",
                                                        "repeated_digit")),
    ("123-00-4567", False, "invalid_group", "", ("invalid_group",)),
    ("123-45-0000", False, "invalid_serial", "", ("invalid_serial",)),
    ("6789", True, None, "L4:6789", ()),
    ("XXX-XX-6789", True, None, "L4:6789", ()),
    ("***-**-6789", True, None, "L4:6789", ()),
    ("xxxxx6789", True, None, "L4:6789", ()),
    ("0000", False, "invalid_serial", "", ("invalid_serial",)),
    ("12345", False, "unparseable", "", ()),
    ("1234567890", False, "unparseable", "", ()),
    ("abc-de-fghi", False, "unparseable", "", ()),
    ("", False, "empty", "", ()),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "ok", "error", "key", "flags"), SSN_CASES)
def test_ssn_golden(raw: str, ok: bool, error: str | None, key: str, flags: tuple) -> None:
    ssn = normalize_ssn(raw)
    assert (ssn.ok, ssn.error, ssn.key, ssn.flags) == (ok, error, key, flags)


def test_ssn_fields() -> None:
    ssn = normalize_ssn("234-56-7890")
    assert (ssn.canonical, ssn.digits, ssn.last4, ssn.valid, ssn.partial) == (
        "234-56-7890", "234567890", "7890", True, False,
    )  # fmt: skip
    assert ssn.masked == "***-**-7890"
    assert not normalize_ssn("078-05-1120").valid
    partial = normalize_ssn("6789")
    assert (partial.partial, partial.digits, partial.valid, partial.canonical) == (
        True, None, False, "***-**-6789",
    )  # fmt: skip


def test_ssn_repr_is_masked() -> None:
    assert "234567890" not in repr(normalize_ssn("234-56-7890"))
    assert "234-56" not in repr(normalize_ssn("234-56-7890"))


@pytest.mark.parametrize(
    ("value", "masked"),
    [("234-56-7890", "***-**-7890"), ("234567890", "***-**-7890"), ("7890", "***-**-7890"),
     ("12", "***-**-****"), ("", "***-**-****"), (None, "***-**-****"), (1234, "***-**-****")],
)  # fmt: skip
def test_mask_ssn(value: object, masked: str) -> None:
    assert mask_ssn(value) == masked


def test_mask_ssn_accepts_result() -> None:
    assert mask_ssn(normalize_ssn("234-56-7890")) == "***-**-7890"
