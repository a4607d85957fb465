"""Column mapping: header auto-detection and --map overrides."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skiptrace.batch.columns import (
    ALIASES,
    CANONICAL,
    detect_mapping,
    fold_header,
    parse_map_options,
    resolve_mapping,
)
from skiptrace.errors import ConfigError, InputError


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("FNAME", "first_name"),
        ("First Name", "first_name"),
        ("first_name", "first_name"),
        ("SSN", "ssn"),
        ("SOC_SEC_NO", "ssn"),
        ("ZIP", "zip"),
        ("ZIP_CODE", "zip"),
        ("POSTAL", "zip"),
        ("PHONE1", "phone_1"),
        ("HOME_PHONE", "phone_1"),
        ("DOB", "dob"),
        ("BIRTH_DATE", "dob"),
        ("ACCT_NO", "account_id"),
        ("ACCOUNT_ID", "account_id"),
        ("Balance", "balance"),
        ("Debtor Name", "full_name"),
        ("Full Address", "address"),
        ("e-mail", "email"),
    ],
)
def test_common_headers_are_detected(header, field):
    assert detect_mapping(["unrelated", header]) == {field: 1}


def test_split_address_columns_and_several_phones():
    headers = ["ACCT", "ADDRESS", "CITY", "STATE", "ZIP", "CELL", "HOME_PHONE", "WORK_PHONE"]
    assert detect_mapping(headers) == {
        "account_id": 0,
        "address_line1": 1,
        "city": 2,
        "state": 3,
        "zip": 4,
        "phone_1": 5,
        "phone_2": 6,
        "phone_3": 7,
    }


def test_lone_address_column_is_a_one_line_address():
    assert detect_mapping(["ACCT", "NAME", "ADDRESS"])["address"] == 2


def test_preferred_alias_wins_over_column_order():
    assert detect_mapping(["ID", "ACCOUNT_NUMBER"])["account_id"] == 1


@given(
    field=st.sampled_from(sorted(ALIASES)),
    data=st.data(),
    separator=st.sampled_from(["_", " ", "-", ".", ""]),
    case=st.sampled_from([str.upper, str.lower, str.title]),
)
def test_detection_ignores_case_and_separators(field, data, separator, case):
    alias = data.draw(st.sampled_from(ALIASES[field]))
    header = case(alias.replace("_", separator))
    assert detect_mapping([header]) == {field: 0} or (
        field == "address_line1" and detect_mapping([header]) == {"address": 0}
    )


@given(st.permutations(["ACCT_NO", "FNAME", "LNAME", "SSN", "DOB", "ZIP", "PHONE1"]))
def test_detection_does_not_depend_on_column_order(headers):
    found = detect_mapping(headers)
    assert {field: headers[pos] for field, pos in found.items()} == {
        "account_id": "ACCT_NO",
        "first_name": "FNAME",
        "last_name": "LNAME",
        "ssn": "SSN",
        "dob": "DOB",
        "zip": "ZIP",
        "phone_1": "PHONE1",
    }


@given(st.lists(st.text(max_size=12), max_size=8))
def test_detection_never_maps_one_column_twice(headers):
    found = detect_mapping(headers)
    assert len(set(found.values())) == len(found)
    assert set(found) <= set(CANONICAL)


def test_overrides_win_and_can_switch_a_field_off():
    headers = ["ACCT_NO", "NAME", "DOB", "BIRTH_YR"]
    mapping = resolve_mapping(headers, {"dob": "birth_yr", "full_name": "NAME"})
    assert mapping.describe() == {"account_id": "ACCT_NO", "full_name": "NAME", "dob": "BIRTH_YR"}
    assert "dob" not in resolve_mapping(headers, {"dob": ""}).positions


def test_override_takes_a_column_away_from_its_detected_field():
    mapping = resolve_mapping(["ACCT_NO", "NAME", "ZIP"], {"account_id": "ZIP"})
    assert mapping.describe() == {"account_id": "ZIP", "full_name": "NAME"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"birthday": "DOB"}, "unknown field 'birthday'"),
        ({"dob": "NOPE"}, "no column named 'NOPE'"),
        ({"ssn": "X"}, "appears 2 times"),
    ],
)
def test_bad_overrides_are_clear_errors(overrides, message):
    with pytest.raises(ConfigError, match=message):
        resolve_mapping(["ACCT_NO", "NAME", "DOB", "X", "X"], overrides)


def test_files_without_id_or_identity_are_errors():
    with pytest.raises(InputError, match="no account id column"):
        resolve_mapping(["NAME", "DOB"], {})
    with pytest.raises(InputError, match="no usable identity column"):
        resolve_mapping(["ACCT_NO", "BALANCE", "NOTES"], {})


def test_parse_map_options():
    assert parse_map_options(["dob=Birth Date", "ssn = SSN ", "email="]) == {
        "dob": "Birth Date",
        "ssn": "SSN",
        "email": "",
    }
    with pytest.raises(ConfigError, match="canonical=COLUMN"):
        parse_map_options(["dob"])


def test_fold_header():
    assert fold_header(" First-Name ") == fold_header("first_name") == "FIRSTNAME"
