"""Locate results: the contract's invariants, output policies and the batch columns."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skiptrace.batch import (
    DEFAULT_MIN_CONFIDENCE,
    LONG_COLUMNS,
    WIDE_COLUMNS,
    LocateRenderer,
    apply_min_confidence,
    priority_ranks,
    priority_score,
    single_best,
)
from skiptrace.batch.policies import PHONE_FLOOR
from skiptrace.locate.results import (
    AccountQuery,
    ContactPoint,
    LocateResult,
    MatchCodes,
    stars_for,
)

ISSUE_COLUMNS = [
    "match_status", "reject_reason", "identity_confidence", "address_line", "address_city",
    "address_state", "address_zip", "address_confidence", "address_last_seen",
    *(f"phone_{n}{s}" for n in (1, 2, 3) for s in ("", "_type", "_confidence", "_stars")),
    "email_1", "email_1_confidence", "employer_name", "employer_name_confidence", "deceased",
    "deceased_date", "bankruptcy", "contactability",
]  # fmt: skip


def address(n: int, confidence: float) -> ContactPoint:
    return ContactPoint(
        "address",
        f"{n} MAIN ST, SPRINGFIELD IL 62701",
        confidence,
        line1=f"{n} MAIN ST",
        city="SPRINGFIELD",
        state="IL",
        zip="62701",
        last_seen=dt.date(2026, 6, 1),
        sources=("credit_header", "utility"),
        n_independent_sources=2,
        reasons=("2 sources, last seen 2026-06",),
    )


def phone(n: int, confidence: float, relationship: str = "subject") -> ContactPoint:
    e164 = f"+1312555{n:04d}"
    return ContactPoint(
        "phone", e164, confidence, e164=e164, line_type="mobile", relationship=relationship
    )


HIT = LocateResult(
    "A1",
    "hit",
    identity_confidence=0.97,
    match_codes=MatchCodes(name=True, street=True, city=True, state=True, zip=True, dob=False),
    addresses=(address(1, 0.9), address(2, 0.3)),
    phones=(phone(1, 0.85), phone(2, 0.5, "co_resident"), phone(3, 0.3), phone(4, 0.1)),
    emails=(ContactPoint("email", "JS@EXAMPLE.COM", 0.6),),
    employers=(ContactPoint("employer", "ACME", 0.7, relationship="workplace"),),
    deceased=False,
    bankruptcy=True,
    contactability=0.85,
)
QUERY = AccountQuery("A1", row_number=3, balance=1000.0)


def wide(result: LocateResult, **kwargs) -> dict[str, str]:
    renderer = LocateRenderer(**kwargs)
    return dict(zip(WIDE_COLUMNS, renderer.render(QUERY, result).wide, strict=True))


def test_wide_columns_hold_every_issue_column_in_order():
    positions = [WIDE_COLUMNS.index(c) for c in ISSUE_COLUMNS]
    assert positions == sorted(positions)
    assert {f"match_{f}" for f in ("name", "street", "city", "state", "zip", "ssn", "dob")} < set(
        WIDE_COLUMNS
    )


def test_a_hit_renders_best_contacts_first():
    row = wide(HIT)
    assert row["match_status"] == "hit" and row["reject_reason"] == ""
    assert row["identity_confidence"] == "0.970"
    assert row["match_codes"] == "NACTZ"
    assert (row["match_dob"], row["match_ssn"], row["match_name"]) == ("N", "", "Y")
    assert row["address_line"] == "1 MAIN ST" and row["address_last_seen"] == "2026-06-01"
    assert [row[f"phone_{n}"] for n in (1, 2, 3)] == [
        "+13125550001",
        "+13125550002",
        "+13125550003",
    ]
    assert [row[f"phone_{n}_stars"] for n in (1, 2, 3)] == ["5", "3", "2"]
    assert row["employer_name"] == "ACME" and row["employer_name_confidence"] == "0.700"
    assert (row["deceased"], row["bankruptcy"], row["deceased_date"]) == ("N", "Y", "")


def test_long_rows_carry_provenance_for_every_contact():
    rows = LocateRenderer().render(QUERY, HIT).long
    assert len(rows) == len(list(HIT.contacts()))
    first = dict(zip(LONG_COLUMNS, rows[0], strict=True))
    assert first["account_id"] == "A1" and first["input_row"] == "3" and first["rank"] == "1"
    assert first["sources"] == "credit_header|utility" and first["n_independent_sources"] == "2"
    co_resident = dict(zip(LONG_COLUMNS, rows[3], strict=True))
    assert (co_resident["relationship"], co_resident["third_party"]) == ("co_resident", "Y")


def test_min_confidence_guard_turns_a_weak_hit_into_no_hit():
    guarded = apply_min_confidence(HIT, 0.98)
    assert guarded.status == "no_hit"
    assert list(guarded.contacts()) == []
    assert guarded.deceased is None and guarded.bankruptcy is None
    assert guarded.identity_confidence == HIT.identity_confidence
    assert apply_min_confidence(HIT, 0.97) == HIT
    row = wide(HIT, min_confidence=0.98)
    assert row["match_status"] == "no_hit" and row["phone_1"] == "" and row["address_line"] == ""
    assert LocateRenderer(min_confidence=0.98).render(QUERY, HIT).long == []


def test_guard_keeps_ambiguity_visible():
    multiple = LocateResult(
        "A1", "multiple", identity_confidence=0.45, addresses=(address(1, 0.9),), deceased=True
    )
    guarded = apply_min_confidence(multiple, 0.7)
    assert guarded.status == "multiple"
    assert list(guarded.contacts()) == [] and guarded.deceased is None


def test_default_guard_matches_the_engine():
    from skiptrace.locate import locator

    assert DEFAULT_MIN_CONFIDENCE == locator.DEFAULT_MIN_CONFIDENCE


def test_guard_leaves_non_hits_alone():
    rejected = LocateResult.rejected("A1", "malformed_ssn")
    assert apply_min_confidence(rejected, 0.99) is rejected
    assert wide(rejected)["reject_reason"] == "malformed_ssn"


def test_single_best_keeps_top_address_and_phone_only():
    best = single_best(HIT)
    assert best.addresses == HIT.addresses[:1] and best.phones == HIT.phones[:1]
    assert best.emails == () and best.employers == ()
    row = wide(HIT, best_only=True)
    assert row["phone_1"] and not row["phone_2"] and not row["email_1"]


def test_priority_score_only_for_workable_results():
    assert priority_score(1000.0, HIT) == pytest.approx(850.0)
    assert priority_score(None, HIT) == 0.0
    assert priority_score(1000.0, LocateResult("A1", "no_hit")) is None


@given(st.lists(st.one_of(st.none(), st.floats(0, 1e6)), max_size=30))
def test_priority_ranks_match_a_naive_sort(scores):
    ranks = priority_ranks(scores)
    order = sorted(
        (i for i, s in enumerate(scores) if s is not None), key=lambda i: (-scores[i], i)
    )
    expected = [0] * len(scores)
    for rank, i in enumerate(order, start=1):
        expected[i] = rank
    assert ranks.tolist() == expected


@given(st.floats(0, 1), st.floats(0, 1))
def test_stars_are_monotone_in_confidence(a, b):
    assert 1 <= stars_for(a) <= 5
    if a <= b:
        assert stars_for(a) <= stars_for(b)


@pytest.mark.parametrize(
    "make",
    [
        lambda: LocateResult("A1", "rejected"),
        lambda: LocateResult("A1", "hit", reject_reason="x"),
        lambda: LocateResult("A1", "no_hit", phones=(phone(1, 0.5),)),
        lambda: LocateResult("A1", "hit", addresses=(phone(1, 0.5),)),
        lambda: LocateResult("A1", "found"),
        lambda: LocateResult("A1", "hit", identity_confidence=1.5),
        lambda: ContactPoint("fax", "x", 0.5),
        lambda: ContactPoint("phone", "x", 0.5, relationship="neighbour_of_cousin"),
    ],
)
def test_results_refuse_inconsistent_content(make):
    with pytest.raises(ValueError):
        make()


def test_match_codes_letters_follow_convention():
    codes = MatchCodes(name=True, street=False, zip=True, ssn=True, dob=True)
    assert codes.code == "NZSD"
    assert [codes.flag(f) for f in ("name", "street", "city")] == ["Y", "N", ""]


def test_phones_below_the_floor_are_not_returned():
    result = replace(HIT, phones=(phone(1, 0.9), phone(2, PHONE_FLOOR / 2), phone(3, 0.3)))
    shown = LocateRenderer(min_confidence=0.0).view(result)
    assert [p.confidence for p in shown.phones] == [0.9, 0.3]
    wide = dict(zip(WIDE_COLUMNS, LocateRenderer(min_confidence=0.0)._wide(shown), strict=True))
    assert wide["phone_2"] == phone(3, 0.3).e164 and wide["phone_3"] == ""
