"""The best address's second stage: end evidence, silence features, boosted trees."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from test_locate_staleness import AS_OF, EPOCH, INTERVALS, REFRESH_TYPE, _evidence, _refresh

import skiptrace.locate.fit as fit_module
from skiptrace.locate.boost import BoostConfig, fit_trees, tree_log_odds
from skiptrace.locate.calibration import fit_logistic, predict_logistic
from skiptrace.locate.features import (
    END_OVERLAP_DAYS,
    FIRST_STAGE,
    contact_features,
    contact_scores,
    end_evidence,
    end_move,
    end_move_rates,
    fastest_refresh_overdue,
    person_silence,
    refresh_staleness,
)
from skiptrace.locate.fit import TOP_FEATURES, fit_contacts, fit_top
from skiptrace.locate.params import (
    TOP_FILE,
    ContactParams,
    IdentityParams,
    TopModel,
    load_contacts,
    save_params,
)
from skiptrace.locate.results import DEFAULT_MIN_CONFIDENCE


def _end(source: str, reliability: float, days_ago: int) -> dict:
    return {"source": source, "reliability": reliability,
            "day": (AS_OF - dt.timedelta(days=days_ago) - EPOCH).days}  # fmt: skip


def _with_ends(evidence: pa.Table, ends: list[list[dict] | None]) -> pa.Table:
    return evidence.append_column("ends", pa.array(ends, REFRESH_TYPE))


def test_trees_learn_an_interaction_a_logistic_model_cannot() -> None:
    rng = np.random.default_rng(3)
    x = rng.random((2000, 3))
    y = (x[:, 0] > 0.5) ^ (x[:, 1] > 0.5)  # XOR: no main effects at all
    base, trees = fit_trees(x, y, BoostConfig(rounds=60, rate=0.2, depth=2))
    trees_right = np.mean((tree_log_odds(base, trees, x) > 0) == y)
    logistic_right = np.mean((predict_logistic(fit_logistic(x, y), x) > 0.5) == y)
    assert trees_right > 0.9 > 0.7 > logistic_right


def test_a_row_scores_the_same_alone_as_in_a_batch() -> None:
    rng = np.random.default_rng(4)
    x = rng.random((500, 4))
    base, trees = fit_trees(x, x[:, 0] + 0.3 * rng.random(500) > 0.6, BoostConfig(rounds=20))
    batch = tree_log_odds(base, trees, x)
    for i in (0, 77, 499):
        assert tree_log_odds(base, trees, x[i : i + 1])[0] == batch[i]


def test_end_evidence_combines_sources_and_asks_whether_the_end_was_the_last_word() -> None:
    evidence = _with_ends(
        _evidence(
            [
                {"person_id": "moved", "refreshes": [_refresh("bureau", 0.85, 700)]},
                {"person_id": "refuted", "refreshes": [_refresh("bureau", 0.85, 30)]},
                {"person_id": "open", "refreshes": [_refresh("bureau", 0.85, 30)]},
            ]
        ),
        [
            [_end("utility", 0.85, 730), _end("voter", 0.8, 900), _end("utility", 0.85, 2000)],
            [_end("telco", 0.85, 30 + END_OVERLAP_DAYS + 1)],
            None,
        ],
    )
    ends = end_evidence(evidence, AS_OF)
    assert ends["end_reliability"] == pytest.approx([1 - 0.15 * 0.2, 0.85, 0.0])
    assert ends["years_since_end"] == pytest.approx([730 / 365.25, 121 / 365.25, 30.0])
    # the bureau's refresh 30 days after the utility's end is its reporting lag, not a denial
    assert ends["end_last_word"].tolist() == [1.0, 0.0, 0.0]


def test_the_fastest_refreshing_source_speaks_for_the_value() -> None:
    """A payroll-like source refreshing every few years cannot vouch for an address the
    bureau (refreshing every two months) has not reported for a year."""
    intervals = {"bureau": 60.0, "payroll": 1000.0}
    evidence = _evidence(
        [{"person_id": "p", "refreshes": [_refresh("bureau", 0.85, 365),
                                          _refresh("payroll", 0.9, 10)]}]
    )  # fmt: skip
    assert fastest_refresh_overdue(evidence, AS_OF, intervals)[0] == pytest.approx(
        np.log1p(365 / 60)
    )
    assert fastest_refresh_overdue(evidence, AS_OF, {})[0] == 0.0


def test_person_silence_is_the_sources_silence_about_the_whole_person() -> None:
    """Every value of the person gets how overdue its most telling source is about them."""
    evidence = _evidence(
        [
            {"person_id": "a", "refreshes": [_refresh("bureau", 0.85, 900)]},
            {"person_id": "a", "refreshes": [_refresh("bureau", 0.85, 40)]},
            {"person_id": "b", "refreshes": [_refresh("bureau", 0.85, 900)]},
            {"person_id": "c", "refreshes": None},
        ]
    )
    silence = person_silence(evidence, AS_OF, INTERVALS)
    fresh, stale = 0.85 * np.log1p(40 / 60), 0.85 * np.log1p(900 / 60)
    assert silence == pytest.approx([fresh, fresh, stale, 0.0])


def test_old_evidence_without_ends_scores_without_end_evidence() -> None:
    evidence = _evidence([{"person_id": "p", "refreshes": [_refresh("bureau", 0.85, 30)]}])
    features = contact_features(evidence, AS_OF, INTERVALS)
    assert features["end_reliability"].tolist() == [0.0]
    assert features["end_last_word"].tolist() == [0.0]


def _population(n: int, seed: int) -> tuple[pa.Table, np.ndarray]:
    """One address per person; gone persons' bureau refresh is overdue and a utility ended
    the address, except when the end is refuted; current ones are refreshed."""
    rng = np.random.default_rng(seed)
    rows, ends, current = [], [], []
    for i in range(n):
        gone = rng.random() < 0.3
        days = int(rng.integers(300, 2000)) if gone else int(rng.integers(0, 150))
        rows.append({"person_id": f"p{i:04d}", "refreshes": [_refresh("bureau", 0.85, days)]})
        ended = rng.random() < (0.7 if gone else 0.2)
        ends.append([_end("utility", 0.85, days + 20)] if ended else None)
        current.append(not gone)
    return _with_ends(_evidence(rows), ends), np.array(current)


def test_contact_features_read_each_report_list_once_with_the_same_values() -> None:
    """The feature columns built from shared report lists equal the public functions'."""
    evidence, _ = _population(300, seed=11)
    rates = {"utility": 0.6}
    features = contact_features(evidence, AS_OF, INTERVALS, end_rates=rates)
    assert features["refresh_staleness"] == pytest.approx(
        refresh_staleness(evidence, AS_OF, INTERVALS)
    )
    assert features["person_silence"] == pytest.approx(person_silence(evidence, AS_OF, INTERVALS))
    assert features["fastest_overdue"] == pytest.approx(
        fastest_refresh_overdue(evidence, AS_OF, INTERVALS)
    )
    for name, column in end_evidence(evidence, AS_OF).items():
        assert features[name] == pytest.approx(column)
    assert features["end_move"] == pytest.approx(end_move(evidence, rates))
    assert features["end_move"].max() > 0 and features["end_last_word"].max() > 0


def test_fitting_adds_a_second_stage_that_separates_stale_best_addresses(tmp_path: Path) -> None:
    evidence, current = _population(800, 8)
    params = fit_contacts(evidence, AS_OF, current, boost=BoostConfig(rounds=60))
    top = params.top["address"]
    assert top.features == TOP_FEATURES["address"] and top.trees and top.iso_x
    scores = contact_scores(evidence, AS_OF, params)
    assert scores[current].mean() > 0.9 and scores[~current].mean() < 0.1
    save_params(IdentityParams(m={}, u={}), params, tmp_path)
    assert (tmp_path / TOP_FILE).exists()
    again = contact_scores(evidence, AS_OF, load_contacts(tmp_path))
    assert np.array_equal(again, scores)
    save_params(IdentityParams(m={}, u={}), ContactParams(params.kinds, INTERVALS), tmp_path)
    assert not (tmp_path / TOP_FILE).exists() and load_contacts(tmp_path).top == {}


def test_the_second_stage_trains_only_on_its_train_rows_and_calibrates_on_all() -> None:
    rng = np.random.default_rng(5)
    n = 400
    features = {name: rng.random(n) for name in TOP_FEATURES["address"] if name != FIRST_STAGE}
    current = features["end_reliability"] < 0.6
    train = rng.random(n) < 0.7
    current[~train] = ~current[~train]  # rows the trees must not learn from
    rows, first, config = np.arange(n), np.full(n, 0.5), BoostConfig(rounds=20)
    model = fit_top(features, rows, first, current, np.ones(n, bool), "address", config, train)
    x = np.column_stack([np.zeros(n) if name == FIRST_STAGE else features[name]
                         for name in model.features])  # fmt: skip
    base, trees = fit_trees(x[train], current[train], config)
    assert model.base == base and model.trees == trees
    assert model.iso_x  # calibrated, on every row's out-of-fold score
    everything = fit_top(features, rows, first, current, np.ones(n, bool), "address", config)
    assert everything.trees != trees


def test_rank_errors_do_not_train_the_second_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    """A person whose current address is another known one than the best-ranked is the
    first stage's mistake, not a move to an unknown address: the trees do not see them."""
    evidence, current = _population(300, 9)
    extra = _with_ends(
        _evidence([{"person_id": f"p{i:04d}", "refreshes": [_refresh("bureau", 0.85, 900)]}
                   for i in range(0, 300, 3)]),
        [None] * 100,
    )  # fmt: skip
    evidence = pa.concat_tables([evidence, extra.cast(evidence.schema)])
    current = np.concatenate([current, np.zeros(100, bool)])
    current[:300:3] = False  # those persons' second, overdue address is the current one
    current[300:] = True
    seen: dict[str, np.ndarray] = {}

    def spy(*args: Any) -> TopModel:
        seen.update(rows=args[1], is_current=args[3], train=args[7])
        return fit_top(*args)

    monkeypatch.setattr(fit_module, "fit_top", spy)
    fit_contacts(evidence, AS_OF, current, boost=BoostConfig(rounds=10))
    persons = np.asarray(evidence["person_id"].to_pylist())
    current_elsewhere = {p for p, c in zip(persons, current, strict=True) if c}
    rows, is_current, train = seen["rows"], seen["is_current"], seen["train"]
    expected = (is_current > 0) | ~np.isin(persons[rows], list(current_elsewhere))
    assert np.array_equal(train, expected)
    assert (~train).sum() > 0 and train.sum() > 200


def test_the_second_stage_rescores_only_each_persons_best_address() -> None:
    evidence = _evidence(
        [
            {"person_id": "p", "refreshes": [_refresh("bureau", 0.85, 20)]},
            {"person_id": "p", "refreshes": [_refresh("bureau", 0.85, 2500)]},
        ]
    )
    first = ContactParams(load_contacts().kinds, INTERVALS)
    half = TopModel(["end_reliability"], 0.0, [], iso_x=[], iso_y=[])
    both = ContactParams(first.kinds, INTERVALS, {"address": half})
    before, after = contact_scores(evidence, AS_OF, first), contact_scores(evidence, AS_OF, both)
    best = int(np.argmax(before))
    assert after[best] == 0.5  # no trees: the base log-odds 0
    assert after[1 - best] == before[1 - best]


def test_packaged_model_doubts_a_best_address_a_utility_ended_and_the_bureau_left() -> None:
    recent = [_refresh("bureau", 0.85, 40), _refresh("marketing", 0.6, 40)]
    stale = [_refresh("bureau", 0.85, 700), _refresh("marketing", 0.6, 40)]
    evidence = _with_ends(
        _evidence([{"person_id": "stayer", "refreshes": recent},
                   {"person_id": "gone", "refreshes": stale}]),
        [None, [_end("utility_connects", 0.85, 720)]],
    )  # fmt: skip
    params = load_contacts()
    assert "address" in params.top
    params.refresh_days.update(INTERVALS)
    stayer, gone = contact_scores(evidence, AS_OF, params)
    assert gone < DEFAULT_MIN_CONFIDENCE <= stayer


def test_end_move_rates_measure_how_often_a_sources_end_comes_with_a_move(
    tmp_path: Path,
) -> None:
    """A utility end followed by another address (3 persons in 4) means a move; a telco end
    followed by nothing, or by an address first seen long before, does not; a source with
    too few ends gets no rate."""
    rows, ends, first = [], [], []
    for i in range(40):
        rows.append({"person_id": f"u{i:02d}", "refreshes": None})
        ends.append([_end("utility", 0.85, 400)])
        first.append(AS_OF - dt.timedelta(days=3000))
        if i % 4:
            rows.append({"person_id": f"u{i:02d}", "refreshes": None})
            ends.append(None)
            first.append(AS_OF - dt.timedelta(days=380))
        rows.append({"person_id": f"t{i:02d}", "refreshes": None})
        ends.append([_end("telco", 0.9, 400)] + ([_end("rare", 0.9, 400)] if i < 5 else []))
        first.append(AS_OF - dt.timedelta(days=3000))
        if i % 2:
            rows.append({"person_id": f"t{i:02d}", "refreshes": None})
            ends.append(None)
            first.append(AS_OF - dt.timedelta(days=2000))
    evidence = _with_ends(_evidence(rows), ends)
    evidence = evidence.set_column(
        evidence.schema.get_field_index("first_seen"), "first_seen", pa.array(first, pa.date32())
    )
    rates = end_move_rates(evidence)
    assert rates == {"utility": pytest.approx(0.75), "telco": 0.0}
    both = _with_ends(
        _evidence([{"person_id": "p", "refreshes": None}] * 2),
        [[_end("utility", 0.85, 10), _end("other", 0.9, 10)], None],
    )
    assert end_move(both, {"utility": 0.75, "other": 0.5}) == pytest.approx([0.875, 0.0])
    params = ContactParams(load_contacts().kinds, INTERVALS, end_rates=rates)
    save_params(IdentityParams(m={}, u={}), params, tmp_path)
    assert load_contacts(tmp_path).end_rates == rates
