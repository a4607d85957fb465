"""Pure scoring kernels: identity posterior with a 'none' outcome, query table, renderer."""

from __future__ import annotations

import json

import numpy as np
import pytest

from skiptrace.errors import ConfigError
from skiptrace.locate.calibration import sigmoid
from skiptrace.locate.matching import COMPARISONS, check_identity_params, identity_scores
from skiptrace.locate.params import IdentityParams, load_contacts, load_identity
from skiptrace.locate.query_table import query_table
from skiptrace.locate.render import render_text, result_dict
from skiptrace.locate.results import AccountQuery, ContactPoint, LocateResult, PersonMatch
from skiptrace.normalize import (
    normalize_address,
    normalize_date,
    normalize_name,
    normalize_phones,
    normalize_ssn,
)


def _params() -> IdentityParams:
    return IdentityParams(m={}, u={}, platt=(-2.0, 0.5))


def test_single_candidate_posterior_is_its_platt_probability() -> None:
    weights = np.array([3.0, 10.0, -4.0])
    scores = identity_scores(np.array([0, 1, 2]), weights, _params())
    assert scores == pytest.approx(sigmoid(-2.0 + 0.5 * weights))


def test_two_equal_candidates_share_the_mass() -> None:
    """Jr/Sr or twins with identical evidence: neither may look certain."""
    alone = identity_scores(np.array([0]), np.array([20.0]), _params())[0]
    pair = identity_scores(np.array([0, 0]), np.array([20.0, 20.0]), _params())
    assert alone > 0.99
    assert pair[0] == pytest.approx(pair[1])
    assert pair.sum() < 1.0 and pair[0] < 0.5


def test_scores_depend_only_on_the_own_query() -> None:
    """Batching must not change a query's scores (lookup == batch of one)."""
    qid = np.array([0, 0, 1, 2, 2])
    weights = np.array([5.0, 1.0, 7.0, -3.0, 9.0])
    together = identity_scores(qid, weights, _params())
    for q in range(3):
        rows = qid == q
        alone = identity_scores(np.zeros(rows.sum(), dtype=np.int64), weights[rows], _params())
        assert together[rows] == pytest.approx(alone)


def test_packaged_parameters_load_and_cover_every_comparison() -> None:
    identity = load_identity()
    for comparison in COMPARISONS:
        weights = identity.weights(comparison.name)
        assert len(weights) == len(comparison.levels) + 2
        assert weights[1] < 0  # 'different' is evidence against
    for name in ("first_name", "dob", "ssn", "phone", "email"):
        assert identity.weights(name)[-1] > 2  # exact agreement is strong evidence for
    assert {"address", "phone"} <= set(load_contacts().kinds)
    check_identity_params(identity)


def test_parameters_of_other_comparison_levels_are_a_clear_error() -> None:
    identity = load_identity()
    identity.m["address"] = identity.m["address"][:-1]  # fitted before a level was added
    with pytest.raises(ConfigError, match="refit"):
        check_identity_params(identity)


def test_query_table_uses_only_ok_values() -> None:
    query = AccountQuery(
        account_id="A1",
        name=normalize_name("SMITH, JOHN A"),
        dob=normalize_date("not a date"),
        ssn=normalize_ssn("123-45-6789"),
        address=normalize_address("12 Main St Apt 4, Springfield IL 62704"),
        phones=normalize_phones("(217) 555-0134"),
    )
    row = query_table([query]).to_pylist()[0]
    assert row["first_name"] == "JOHN" and row["last_name"] == "SMITH"
    assert row["dob"] is None and row["birth_year"] is None
    assert row["ssn"] == "123456789" and row["ssn_last4"] == "6789"
    assert row["addr_zip5"] == "62704"
    assert row["phones"] == ["+12175550134"]
    assert row["email_key"] is None


def _hit() -> LocateResult:
    phone = ContactPoint(kind="phone", value="+12175550134", key="+12175550134",
                         confidence=0.85, line_type="mobile", reasons=("2 sources",))  # fmt: skip
    match = PersonMatch("P1", 0.97, display_name="JOHN SMITH")
    return LocateResult(account_id="A1", status="hit", identity_confidence=0.97,
                        candidates=(match,), phones=(phone,), deceased=False,
                        bankruptcy=True)  # fmt: skip


def test_text_report_shows_flags_stars_and_akas() -> None:
    text = render_text(_hit(), ["JOHN SMITH", "JOHNNY SMITH"])
    assert "status: hit" in text and "BANKRUPTCY" in text
    assert "also known as: JOHNNY SMITH" in text
    assert "*****" in text  # 0.85 -> 5 stars


def test_json_result_is_serialisable_with_stars() -> None:
    data = json.loads(json.dumps(result_dict(_hit(), ["JOHN SMITH"])))
    assert data["phones"][0]["stars"] == 5
    assert data["phones"][0]["third_party"] is False
    assert data["status"] == "hit"


def test_calibrated_candidates_never_sum_above_one() -> None:
    """An isotonic map that inflates mid-range posteriors must not make twins both 'hits'."""
    params = IdentityParams(m={}, u={}, platt=(0.0, 1.0), iso_x=[0.0, 0.4, 1.0],
                            iso_y=[0.0, 0.9, 1.0])  # fmt: skip
    scores = identity_scores(np.array([0, 0, 1]), np.array([8.0, 8.0, 8.0]), params)
    assert scores[0] + scores[1] <= 1.0 + 1e-12
    assert scores[0] == pytest.approx(scores[1]) and scores[0] < 0.6
    assert scores[2] > 0.99
