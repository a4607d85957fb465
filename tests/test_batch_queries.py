"""Row -> AccountQuery: usable-identity rules and specific reject reasons."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skiptrace.batch.queries import REJECT_REASONS, QueryPolicy, build_query, reject_reason

STRICT = QueryPolicy()
LENIENT = QueryPolicy(reject_malformed=frozenset())


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"account_id": "A1", "first_name": "John", "last_name": "Smith", "dob": "1980-01-02"}, ""),
        ({"account_id": "A1", "ssn": "123-45-6780"}, ""),
        ({"account_id": "A1", "full_name": "SMITH, JOHN", "ssn_last4": "6780"}, ""),
        ({"account_id": "A1", "full_name": "John Smith", "phone_1": "312-555-0199"}, ""),
        ({"account_id": "A1", "full_name": "John Smith"}, "insufficient_identity"),
        ({"account_id": "A1", "ssn_last4": "6780", "zip": "62701"}, "insufficient_identity"),
        ({"account_id": "A1", "balance": "100"}, "nothing_usable"),
        ({"account_id": "A1", "full_name": "John Smith", "dob": "13/45/1980"}, "malformed_dob"),
        ({"account_id": "A1", "full_name": "John Smith", "ssn": "12345"}, "malformed_ssn"),
        ({"account_id": "A1", "full_name": "John Smith", "ssn": "000-12-3456"}, "malformed_ssn"),
        (
            {"account_id": " ", "full_name": "John Smith", "ssn": "123-45-6780"},
            "missing_account_id",
        ),
        ({"account_id": "", "full_name": "  "}, "empty_row"),
    ],
)
def test_reject_reasons(fields, reason):
    query, got = build_query(fields, 7, STRICT)
    assert got == reason
    assert query.row_number == 7
    assert got == "" or got in REJECT_REASONS


def test_lenient_policy_keeps_invalid_ssn_as_evidence():
    fields = {"account_id": "A1", "full_name": "John Smith", "dob": "1980", "ssn": "000-12-3456"}
    query, reason = build_query(fields, 1, LENIENT)
    assert reason == ""
    assert query.ssn is not None and not query.ssn.ok
    assert "ssn:invalid_area" in query.notes
    assert "ssn" not in query.usable_fields()


def test_fields_are_normalized():
    fields = {
        "account_id": " A1 ",
        "first_name": "john",
        "last_name": "smith",
        "address_line1": "12 Main St",
        "city": "Springfield",
        "state": "IL",
        "zip": "62701",
        "phone_1": "312-555-0199 / 312-555-0142",
        "phone_2": "not a phone",
        "email": "John.Smith@Example.com",
        "balance": "$1,234.50",
    }
    query, reason = build_query(fields, 1, STRICT)
    assert reason == ""
    assert query.account_id == "A1"
    assert (query.name.first, query.name.last) == ("JOHN", "SMITH")
    assert query.address.zip5 == "62701" and query.address.ok
    assert [p.ok for p in query.phones] == [True, True, False]
    assert query.email.ok
    assert query.balance == 1234.5
    assert any(note.startswith("phone:") for note in query.notes)


def test_split_name_wins_over_full_name_and_one_line_address_over_parts():
    fields = {
        "account_id": "A1",
        "full_name": "Somebody Else",
        "first_name": "Mary",
        "last_name": "Jones",
        "address": "9 Elm St, Chicago, IL 60601",
        "zip": "62701",
    }
    query, _ = build_query(fields, 1, STRICT)
    assert query.name.last == "JONES"
    assert query.address.zip5 == "60601"


@pytest.mark.parametrize(
    ("raw", "value"),
    [("100", 100.0), ("$1,000.25", 1000.25), ("(12.50)", -12.5), ("abc", None), ("nan", None)],
)
def test_balance_parsing(raw, value):
    query, _ = build_query({"account_id": "A1", "ssn": "123-45-6780", "balance": raw}, 1, STRICT)
    assert query.balance == value
    assert ("balance:unparseable" in query.notes) == (value is None)


@given(
    st.dictionaries(
        st.sampled_from(["account_id", "full_name", "dob", "ssn", "zip", "phone_1"]),
        st.text(max_size=20),
    )
)
def test_builder_is_total(fields):
    query, reason = build_query(fields, 1, STRICT)
    assert reason == "" or reason in REJECT_REASONS
    assert (reason == "") <= bool(query.usable_fields())


def test_reject_precedence():
    assert reject_reason("ragged_row", True, "malformed_dob") == "ragged_row"
    assert reject_reason("", True, "missing_account_id") == "missing_account_id"
    assert reject_reason("", True, "malformed_dob") == "duplicate_account_id"
    assert reject_reason("", False, "malformed_dob") == "malformed_dob"
    assert reject_reason("", False, "") == ""
