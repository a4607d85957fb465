"""Do-not-contact list: loading, keys and precedence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skiptrace.comply.suppression import REASONS, Suppression, SuppressionList
from skiptrace.errors import InputError


def _csv(tmp_path, text, name="dnc.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_and_check_by_account_and_person(tmp_path):
    path = _csv(
        tmp_path,
        "account_id,person_id,reason,effective_date\n"
        "A1,,cease-and-desist,2026-01-02\n"
        ",P9,Bankruptcy,\n"
        "A2,P7,attorney,\n",
    )
    dnc = SuppressionList.load(path)
    assert len(dnc) == 3
    hit = dnc.check(account_id="A1")
    assert hit.reason == "cease_and_desist" and hit.matched_on == "account"
    assert hit.effective_date == "2026-01-02"
    assert dnc.check(account_id="OTHER", person_id="P9").reason == "bankruptcy"
    assert dnc.check(account_id="A2").reason == "attorney_represented"
    assert dnc.check(person_id="P7").matched_on == "person"
    assert dnc.check(account_id="A3", person_id="P1") is None
    assert dnc.check() is None


def test_most_binding_reason_wins():
    dnc = SuppressionList(
        [Suppression("cease_and_desist", account_id="A1"), Suppression("deceased", person_id="P1")]
    )
    assert dnc.check(account_id="A1", person_id="P1").reason == "deceased"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("account_id,reason\nA1,angry\n", r"row 1, field 'reason': reason must be one of"),
        ("account_id,person_id,reason\n,,deceased\n", "row 1: account_id or person_id required"),
        ("name,reason\nX,deceased\n", "header needs reason"),
    ],
)
def test_bad_rows_name_file_row_and_field(tmp_path, text, match):
    with pytest.raises(InputError, match=match):
        SuppressionList.load(_csv(tmp_path, text))


def test_unreadable_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read suppression list"):
        SuppressionList.load(tmp_path / "missing.csv")
    bad = tmp_path / "latin.csv"
    bad.write_bytes(b"account_id,reason\nA\xff,deceased\n")
    with pytest.raises(InputError, match="cannot read"):
        SuppressionList.load(bad)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A1", "A2", ""]), st.sampled_from(["P1", ""]), st.sampled_from(REASONS)
        ),
        max_size=8,
    ),
    st.sampled_from(["A1", "A2", None]),
    st.sampled_from(["P1", None]),
)
def test_check_agrees_with_a_linear_scan(entries, account, person):
    rows = [Suppression(r, a or None, p or None) for a, p, r in entries if a or p]
    hit = SuppressionList(rows).check(account_id=account, person_id=person)
    matches = [
        e
        for e in rows
        if (account and e.account_id == account) or (person and e.person_id == person)
    ]
    if not matches:
        assert hit is None
    else:
        assert hit.reason == min((e.reason for e in matches), key=REASONS.index)
