"""Golden cases for dates: real-file formats, partial dates, pivot, formats, DOB plausibility."""

from __future__ import annotations

import datetime as dt

import pytest

from skiptrace.normalize import normalize_date, plausible_dob

# (raw, iso, precision)
DATE_CASES = [
    ("1980-01-05", "1980-01-05", "day"),
    ("1980-1-5", "1980-01-05", "day"),
    ("1980/01/05", "1980-01-05", "day"),
    ("01/05/1980", "1980-01-05", "day"),
    ("1/5/1980", "1980-01-05", "day"),
    ("01-05-1980", "1980-01-05", "day"),
    ("01.05.1980", "1980-01-05", "day"),
    ("1/5/80", "1980-01-05", "day"),
    ("1/5/15", "2015-01-05", "day"),
    ("1/5/29", "2029-01-05", "day"),
    ("1/5/30", "1930-01-05", "day"),
    ("19800105", "1980-01-05", "day"),
    ("01051980", "1980-01-05", "day"),
    ("Jan 5 1980", "1980-01-05", "day"),
    ("Jan 5, 1980", "1980-01-05", "day"),
    ("January 5, 1980", "1980-01-05", "day"),
    ("Jan. 5th, 1980", "1980-01-05", "day"),
    ("jan 05 80", "1980-01-05", "day"),
    ("5 Jan 1980", "1980-01-05", "day"),
    ("05-JAN-1980", "1980-01-05", "day"),
    ("05-Jan-80", "1980-01-05", "day"),
    ("5-Sept-1980", "1980-09-05", "day"),
    ("1980-01-05T00:00:00", "1980-01-05", "day"),
    ("1980-01-05 13:45:00", "1980-01-05", "day"),
    ("01/05/1980 00:00", "1980-01-05", "day"),
    ("1980-01", "1980-01", "month"),
    ("01/1980", "1980-01", "month"),
    ("JAN 1980", "1980-01", "month"),
    ("January, 1980", "1980-01", "month"),
    ("19800100", "1980-01", "month"),
    ("19800000", "1980", "year"),
    ("1980", "1980", "year"),
    (" 1980 ", "1980", "year"),
    ("2/29/2000", "2000-02-29", "day"),
]


@pytest.mark.parametrize(("raw", "iso", "precision"), DATE_CASES)
def test_date_golden(raw: str, iso: str, precision: str) -> None:
    value = normalize_date(raw)
    assert (value.ok, value.iso, value.precision, value.canonical, value.key) == (
        True, iso, precision, iso, iso,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "error"),
    [("", "empty"), (None, "empty"), ("00/00/0000", "placeholder"), ("99999999", "placeholder"),
     ("02/30/1980", "invalid_date"), ("2/29/2001", "invalid_date"),
     ("13/01/1980", "invalid_date"), ("1700-01-01", "out_of_range"), ("yesterday", "unparseable"),
     ("1980-01-05-07", "unparseable")],
)  # fmt: skip
def test_date_errors(raw: str | None, error: str) -> None:
    value = normalize_date(raw)
    assert (value.ok, value.error, value.iso, value.date) == (False, error, "", None)


def test_partial_date_fields() -> None:
    value = normalize_date("1980-07")
    assert (value.year, value.month, value.day, value.date) == (1980, 7, None, None)
    full = normalize_date("1980-07-04")
    assert full.date == dt.date(1980, 7, 4)


@pytest.mark.parametrize(
    ("raw", "formats", "iso"),
    [("05/01/1980", ["%d/%m/%Y"], "1980-01-05"), ("80", ["%y"], "1980"),
     ("1980", ("%Y",), "1980"), ("198001", ["%Y%m"], "1980-01"),
     ("05/01/15", ["%d/%m/%y"], "2015-01-05"), ("Jan-1980", ["%b-%Y"], "1980-01"),
     ("1980-01-05", ["%m/%d/%Y", "%Y-%m-%d"], "1980-01-05")],
)  # fmt: skip
def test_explicit_formats(raw: str, formats: list[str], iso: str) -> None:
    assert normalize_date(raw, formats=formats).iso == iso


def test_explicit_format_mismatch() -> None:
    assert normalize_date("1980-01-05", formats=["%m/%d/%Y"]).error == "format_mismatch"


def test_custom_pivot() -> None:
    assert normalize_date("1/5/25", pivot=20).iso == "1925-01-05"
    assert normalize_date("1/5/25", pivot=30).iso == "2025-01-05"


@pytest.mark.parametrize(
    ("value", "plausible"),
    [("1980-01-05", True), ("2026-01-01", True), ("2030-01-05", False), ("1880", False),
     ("1906-06", True), ("1905", False), ("garbage", False), (dt.date(1990, 5, 1), True),
     (None, False)],
)  # fmt: skip
def test_plausible_dob(value: object, plausible: bool) -> None:
    assert plausible_dob(value, dt.date(2026, 1, 1)) is plausible  # type: ignore[arg-type]


def test_plausible_dob_age_bounds() -> None:
    assert not plausible_dob("2020-01-01", "2026-01-01", min_age=18)
    assert plausible_dob("2000-01-01", "2026-01-01", min_age=18)
