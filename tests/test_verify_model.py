"""Verify units without a store: codes, features' missing-field rule, model, velocity, inputs."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skiptrace.batch.queries import build_query
from skiptrace.errors import ConfigError
from skiptrace.verify.codes import INFORMATIONAL, REASON_TEXT, Reason
from skiptrace.verify.features import (
    ELEMENTS,
    FEATURE_NAMES,
    FEATURES,
    feature_matrix,
    given_elements,
)
from skiptrace.verify.inputs import VERIFY_POLICY, read_applications
from skiptrace.verify.model import fit_params, load_params, risk_scores, save_params
from skiptrace.verify.reasons import input_reasons, reason_evidence
from skiptrace.verify.results import VerifyResult
from skiptrace.verify.velocity import VelocityIndex

DOCS = Path(__file__).resolve().parent.parent / "docs" / "verify.md"
FULL = {
    "account_id": "A1", "first_name": "Ann", "last_name": "Lee", "ssn": "123-45-6780",
    "dob": "1980-02-03", "address_line1": "12 Main St", "city": "Boston", "state": "MA",
    "zip": "02134", "phone_1": "6175550123", "employer": "Acme Corp",
}  # fmt: skip


def _query(**changes: str):
    fields = {k: v for k, v in (FULL | changes).items() if v}
    query, reason = build_query(fields, 1, VERIFY_POLICY)
    return query, reason


def test_every_feature_raises_a_documented_code() -> None:
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", DOCS.read_text(), re.M))
    assert documented == set(REASON_TEXT)
    assert {f.code for f in FEATURES} | INFORMATIONAL <= set(REASON_TEXT)
    with pytest.raises(ValueError):
        Reason("NOT_A_CODE", "")


def test_missing_fields_are_named_not_matched() -> None:
    query, reason = _query(ssn="", dob="", phone_1="")
    assert reason == ""
    elements = given_elements(query)
    assert not elements["ssn"] and not elements["dob"] and not elements["phone"]
    assert elements["name"]
    codes = {r.code for r in input_reasons(query)}
    assert codes == {"INPUT_MISSING_SSN", "INPUT_MISSING_DOB", "INPUT_MISSING_PHONE"}
    partial, _ = _query(ssn="6780")
    assert [r.code for r in input_reasons(partial)] == ["INPUT_PARTIAL_SSN"]
    assert "6780" in input_reasons(partial)[0].evidence
    bad_dob, _ = _query(dob="not a date")
    assert [r.evidence for r in input_reasons(bad_dob)] == ["unusable (unparseable)"]
    year_only, _ = _query(dob="1980")
    assert [r.evidence for r in input_reasons(year_only)] == ["only the year of birth given"]


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(FULL)), TEXT))
def test_any_row_text_gives_a_query_or_a_reason_and_total_checks(raw: dict[str, str]) -> None:
    query, reason = build_query(raw, 1, VERIFY_POLICY)
    assert reason == "" or isinstance(reason, str)
    codes = {r.code for r in input_reasons(query)}
    for element, present in given_elements(query).items():
        missing = {f"INPUT_MISSING_{element.upper()}", "INPUT_PARTIAL_SSN"}
        assert present != bool(codes & missing) or element == "ssn"
    VelocityIndex().counts(query)


def test_invalid_ssn_is_kept_as_evidence_not_rejected() -> None:
    query, reason = _query(ssn="666-12-3456")
    assert reason == "" and query.ssn is not None and not query.ssn.ok
    assert given_elements(query)["ssn"]


def test_missing_elements_take_the_fit_mean_and_weights_are_non_negative() -> None:
    rng = np.random.default_rng(5)
    n, k = 4000, len(FEATURES)
    x = (rng.random((n, k)) < 0.1).astype(float)
    logit = -2 + 3 * x[:, 0] + 2 * x[:, 7] - 0.5 * x[:, 8]
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)
    complete = np.ones((n, len(ELEMENTS)), dtype=bool)
    params = fit_params(x, complete, y)
    assert min(params.beta[1:]) >= 0 and params.beta[1] > 2
    one = np.zeros((1, k))
    one[0, 0] = 1.0  # an SSN feature fired, but the SSN is 'missing': the mean replaces it
    missing = np.ones((1, len(ELEMENTS)), dtype=bool)
    missing[0, ELEMENTS.index("ssn")] = False
    imputed = params.impute(one, missing)
    assert imputed[0, 0] == pytest.approx(params.missing_means[0])
    assert params.probability(one, missing)[0] < params.probability(one, ~missing | True)[0]
    scores = risk_scores(params.probability(x, complete))
    assert scores.min() >= 0 and scores.max() <= 100


def test_packaged_params_load_and_a_mismatch_is_a_config_error(tmp_path: Path) -> None:
    params = load_params()
    assert 0 < params.threshold <= 100 and len(params.beta) == len(FEATURES) + 1
    params.features = params.features[:-1]
    save_params(params, tmp_path / "risk.json")
    with pytest.raises(ConfigError, match="refit"):
        load_params(tmp_path / "risk.json")
    with pytest.raises(ConfigError):
        load_params(tmp_path / "missing.json")


def test_velocity_counts_other_identities_only() -> None:
    index = VelocityIndex()
    me, _ = _query()
    again, _ = _query(account_id="A2")
    others = [_query(account_id=f"B{i}", first_name=f"Zed{i}", last_name=f"Q{i}")[0]
              for i in range(3)]  # fmt: skip
    index.add([me, again, *others])
    assert index.counts(me) == {"ssn": 3, "phone": 3, "address": 3}
    alone = VelocityIndex()
    alone.add([me, again])
    assert alone.counts(me) == {"ssn": 0, "phone": 0, "address": 0}


def test_result_keeps_the_three_outputs_apart() -> None:
    result = VerifyResult("A1", "pass", identity_confidence=0.99, risk_score=12,
                          elements={"name": True, "ssn": True, "dob": False, "address": True,
                                    "phone": None, "employer": None})  # fmt: skip
    assert result.verification_index == 30
    assert VerifyResult.rejected("A2", "empty_row").verification_index is None
    with pytest.raises(ValueError):
        VerifyResult("A3", "pass", risk_score=101)
    with pytest.raises(ValueError):
        VerifyResult("A4", "rejected")


def test_bad_rows_are_rejected_with_reasons(tmp_path: Path) -> None:
    path = tmp_path / "apps.csv"
    path.write_text(
        "APPLICATION_ID,FIRST_NAME,LAST_NAME,SSN,DOB\n"
        "A1,Ann,Lee,123456780,1980-02-03\n"
        ",Bob,Ray,123456781,1970-01-01\n"
        "A3,Cy,,,\n"
        "A4,Di,Fox,123456782\n"
        ",,,,\n",
        encoding="utf-8",
    )
    reasons = [reason for _, reason in read_applications(path)]
    assert reasons == ["", "missing_account_id", "insufficient_identity", "ragged_row",
                       "empty_row"]  # fmt: skip


def _evidence(rows: list[dict[str, object]]):
    """An `application_evidence`-shaped table: a clean subject, overridden per row."""
    old = dt.date(2010, 1, 1)
    base: dict[str, object] = {
        "ssn_persons": 1, "ssn_others": 0, "subj_dead": False, "subj_ssn_exact": True,
        "ssn_dead": False, "subj_other_ssns": 0, "ssn_name_part": True, "subj_dobs": 1,
        "subj_dob_ok": True, "subj_state_seen": True, "subj_zip3_seen": True,
        "subj_addr_ok": True, "addr_persons": 1, "addr_last_seen": old,
        "other_addr_first_seen": None, "subj_addr_last_seen": old, "subj_first_seen": old,
        "subj_sources": 5, "subj_employer_ok": True, "employer_last_seen": old,
        "phone_others": 0, "phone_coresidents": 0, "phone_namesakes": 0, "subj_phone_ok": True,
        "subj_other_phone_seen": None, "subj_employers": 1, "subj_years": 1,
        "subj_year_ok": True, "employer_persons": 40, "employer_persons_area": 3,
    }  # fmt: skip
    merged = [base | r for r in rows]
    return pa.table({k: [r[k] for r in merged] for k in base})


def test_graded_evidence_needs_the_stronger_fact() -> None:
    as_of = dt.date(2026, 10, 1)
    recent = dt.date(2026, 8, 1)
    unknown_addr = {"subj_addr_ok": False, "addr_persons": 0}
    other_employer = {"subj_employer_ok": False}
    rows = [
        unknown_addr,  # unassociated address, applicant last reported elsewhere long ago
        unknown_addr | {"subj_addr_last_seen": recent},  # ... reported elsewhere recently
        unknown_addr | {"subj_addr_last_seen": dt.date(2026, 9, 10)},  # ... three weeks ago
        other_employer | {"employer_last_seen": dt.date(2025, 1, 1)},  # 1.7 years ago
        other_employer | {"employer_last_seen": recent},
    ]
    queries = [_query()[0]] * len(rows)
    velocity = [{"ssn": 0, "phone": 0, "address": 0}] * len(rows)
    x, _ = feature_matrix(_evidence(rows), queries, np.ones(len(rows), bool), velocity, as_of)
    col = {name: x[:, j] for j, name in enumerate(FEATURE_NAMES)}
    assert list(col["address_unknown"]) == [1, 1, 1, 0, 0]
    assert list(col["address_current_elsewhere"]) == [0, 1, 1, 0, 0]
    assert list(col["address_elsewhere_60d"]) == [0, 0, 1, 0, 0]
    assert list(col["employer_not_associated"]) == [0, 0, 0, 1, 1]
    assert list(col["employer_current_elsewhere"]) == [0, 0, 0, 0, 1]
    # Boston address, 617 phone: no conjunction with a phone elsewhere fires
    assert col["address_unknown_phone_elsewhere"].sum() == 0 and col["phone_unknown_far"].sum() == 0


def test_phone_of_household_or_namesake_is_not_another_person() -> None:
    as_of = dt.date(2026, 10, 1)
    other_phone = {"subj_phone_ok": False}
    rows = [
        other_phone | {"phone_others": 1},  # a stranger holds the phone
        other_phone | {"phone_others": 1, "phone_coresidents": 1},  # spouse's landline
        other_phone | {"phone_others": 1, "phone_namesakes": 1},  # unmerged own record
        other_phone,  # on file for nobody; no other phone of the applicant
        other_phone | {"subj_other_phone_seen": dt.date(2026, 5, 1)},  # own phone, recent
        other_phone | {"subj_other_phone_seen": dt.date(2024, 5, 1)},  # own phone, old
    ]
    queries = [_query()[0]] * len(rows)
    velocity = [{"ssn": 0, "phone": 0, "address": 0}] * len(rows)
    x, _ = feature_matrix(_evidence(rows), queries, np.ones(len(rows), bool), velocity, as_of)
    col = {name: x[:, j] for j, name in enumerate(FEATURE_NAMES)}
    assert list(col["phone_other_person"]) == [1, 0, 0, 0, 0, 0]
    assert list(col["phone_not_associated"]) == [0, 0, 0, 1, 1, 1]
    assert list(col["phone_unknown_own_recent"]) == [0, 0, 0, 0, 1, 0]


def test_recent_employer_elsewhere_is_graded_by_age() -> None:
    as_of = dt.date(2026, 10, 1)
    ages = [400, 200, 30]  # days since another employer of the applicant was reported
    rows = [{"subj_employer_ok": False, "employer_last_seen": as_of - dt.timedelta(d)}
            for d in ages]  # fmt: skip
    queries = [_query()[0]] * len(rows)
    velocity = [{"ssn": 0, "phone": 0, "address": 0}] * len(rows)
    x, _ = feature_matrix(_evidence(rows), queries, np.ones(len(rows), bool), velocity, as_of)
    col = {name: x[:, j] for j, name in enumerate(FEATURE_NAMES)}
    assert list(col["employer_not_associated"]) == [1, 1, 1]
    assert list(col["employer_current_elsewhere"]) == [0, 1, 1]
    assert list(col["employer_elsewhere_180d"]) == [0, 0, 1]


def test_no_employer_on_file_is_told_apart_from_old_employers() -> None:
    as_of = dt.date(2026, 10, 1)
    rows = [
        {"subj_employer_ok": False, "subj_employers": 0, "employer_last_seen": None},
        {"subj_employer_ok": False, "subj_employers": 2},  # old employers only (2010)
        {"subj_employer_ok": False, "employer_last_seen": dt.date(2026, 6, 1)},  # recent
        {"subj_employers": 0, "employer_last_seen": None},  # given employer agrees (ok)
    ]
    queries = [_query()[0]] * len(rows)
    velocity = [{"ssn": 0, "phone": 0, "address": 0}] * len(rows)
    x, _ = feature_matrix(_evidence(rows), queries, np.ones(len(rows), bool), velocity, as_of)
    col = {name: x[:, j] for j, name in enumerate(FEATURE_NAMES)}
    assert list(col["employer_unverifiable"]) == [1, 1, 0, 0]
    assert list(col["employer_none_on_file"]) == [1, 0, 0, 0]
    assert list(col["employer_not_associated"]) == [0, 0, 1, 0]


def test_employer_unknown_in_the_applicants_area_is_graded() -> None:
    as_of = dt.date(2026, 10, 1)
    unverified = {"subj_employer_ok": False}
    rows = [
        unverified | {"employer_persons_area": 0},  # others work there, none in the area
        unverified | {"employer_persons": 0, "employer_persons_area": 0},  # nobody anywhere
        unverified,  # others in the applicant's ZIP3 area work there
        {"employer_persons_area": 0},  # the applicant's own employer agrees: no check fails
        unverified | {"employer_persons_area": 0},  # no address given: geography unknown
    ]
    queries = [_query()[0]] * 4 + [_query(address_line1="", city="", state="", zip="")[0]]
    velocity = [{"ssn": 0, "phone": 0, "address": 0}] * len(rows)
    x, _ = feature_matrix(_evidence(rows), queries, np.ones(len(rows), bool), velocity, as_of)
    col = {name: x[:, j] for j, name in enumerate(FEATURE_NAMES)}
    assert list(col["employer_not_local"]) == [1, 1, 0, 0, 0]
    text = reason_evidence("employer_not_local", queries[0], {"employer_persons": 0})
    assert "ACME CORP" in text and "021xx" in text and "0 person(s) anywhere" in text


def test_year_of_birth_only_on_file_is_checked_when_no_full_dob_is() -> None:
    as_of = dt.date(2026, 10, 1)
    rows = [
        {"subj_dobs": 0, "subj_dob_ok": False, "subj_year_ok": False},  # voter year differs
        {"subj_dobs": 0, "subj_dob_ok": False, "subj_year_ok": True},  # year agrees
        {"subj_dobs": 0, "subj_dob_ok": False, "subj_years": 0, "subj_year_ok": False},
        {"subj_dob_ok": False, "subj_year_ok": False},  # full DOB on file: DOB check only
    ]
    queries = [_query()[0]] * len(rows)
    velocity = [{"ssn": 0, "phone": 0, "address": 0}] * len(rows)
    x, _ = feature_matrix(_evidence(rows), queries, np.ones(len(rows), bool), velocity, as_of)
    col = {name: x[:, j] for j, name in enumerate(FEATURE_NAMES)}
    assert list(col["dob_year_mismatch"]) == [1, 0, 0, 0]
    assert list(col["dob_mismatch"]) == [0, 0, 0, 1]


def test_new_checks_explain_themselves_without_a_full_dob() -> None:
    query = _query()[0]
    row = {"subj_addr_last_seen": dt.date(2026, 9, 10), "subj_birth_years": [1972, 1973]}
    assert "2026-09-10" in reason_evidence("address_elsewhere_60d", query, row)
    assert "no employer was ever reported" in reason_evidence("employer_none_on_file", query, row)
    text = reason_evidence("dob_year_mismatch", query, row)
    assert "1980" in text and "1972, 1973" in text and "02-03" not in text
