"""Fitting the locate parameters from labelled examples (used by `bench/locate_fit.py`).

Identity: supervised Fellegi-Sunter m/u per comparison level over candidate pairs (m among
true persons, u among the other candidates: the retrieval keys already blocked them), a
Platt map of the summed weight, and an isotonic map of the posterior. Contacts: one
L2-regularised logistic regression per kind (IRLS) plus an isotonic map; the addresses'
model also sees how overdue their refreshing sources are (`features.refresh_staleness`) and
how often the sources that ended an address end one at a move (`features.end_move_rates`,
measured without labels on the same evidence).
Each person's best-ranked address is then re-scored by boosted trees over the same
evidence plus the person's silence and the reports that ended it (`fit_top`), trained on
the persons whose best address is current or whose current one no source knows (a person
whose current address is another known one is a ranking error, not a silent move).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pyarrow as pa

from skiptrace.locate.boost import BoostConfig, fit_trees
from skiptrace.locate.calibration import fit_isotonic, fit_logistic, sigmoid
from skiptrace.locate.features import (
    FIRST_STAGE,
    contact_features,
    end_move_rates,
    feature_matrix,
    refresh_intervals,
    top_matrix,
    top_of_person,
    uncalibrated_scores,
)
from skiptrace.locate.matching import COMPARISONS, field_weights, identity_scores
from skiptrace.locate.params import ContactParams, IdentityParams, KindModel, TopModel

CONTACT_FEATURES: dict[str, list[str]] = {
    "address": [
        "years_since_seen", "log_years_since_seen", "person_log_years_since_any",
        "years_behind_person", "years_since_active", "active_within_1y", "active_within_3y",
        "tenure_years", "log_sources", "log_reports", "reliability", "open_report",
        "all_ended", "any_ended", "later_value", "latest_active", "newest_start",
        "moved_away", "moved_to", "sold", "mailing_only", "po_box", "log_shared",
        "refresh_staleness", "end_move",
    ],
    "phone": [
        "years_since_seen", "log_years_since_seen", "person_log_years_since_any",
        "years_behind_person", "years_since_active", "active_within_1y", "active_within_3y",
        "tenure_years", "log_sources", "log_reports", "reliability", "open_report",
        "all_ended", "any_ended", "later_value", "latest_active", "newest_start",
        "log_shared", "mobile", "landline",
    ],
    "email": [
        "years_since_seen", "active_within_1y", "active_within_3y", "log_sources",
        "reliability", "later_value", "latest_active", "newest_start", "log_shared",
    ],
    "employer": [
        "years_since_seen", "years_since_active", "active_within_1y", "active_within_3y",
        "tenure_years", "log_sources", "reliability", "all_ended", "any_ended",
        "later_value", "latest_active", "newest_start",
    ],
}  # fmt: skip
"""Features of each kind's model (generic: see `skiptrace.locate.features`)."""
EXCLUSIVE_KINDS = frozenset({"address", "employer"})
"""Kinds with at most one current value per person (phones and e-mails may have several)."""
TOP_FEATURES: dict[str, list[str]] = {
    "address": [FIRST_STAGE, *CONTACT_FEATURES["address"], "person_silence",
                "fastest_overdue", "end_reliability", "years_since_end", "end_last_word"],
}  # fmt: skip
"""Kinds whose best-ranked value per person is re-scored by a second stage, its features."""
CALIBRATION_FOLDS = 4
"""The second stage's isotonic map is fitted to scores from trees that did not see the row."""


def fit_identity(levels: pa.Table, is_match: np.ndarray, smoothing: float = 1.0) -> IdentityParams:
    """Identity parameters from candidate rows (`candidate_levels`) labelled true/false."""
    is_match = np.asarray(is_match, dtype=bool)
    m: dict[str, list[float]] = {}
    u: dict[str, list[float]] = {}
    for comparison in COMPARISONS:
        level = np.asarray(levels[comparison.name], dtype=np.int64)
        size = len(comparison.levels) + 1
        for target, mask in ((m, is_match), (u, ~is_match)):
            counts = np.bincount(level[mask & (level >= 0)], minlength=size)[:size]
            counts = counts + smoothing
            target[comparison.name] = (counts / counts.sum()).tolist()
    params = IdentityParams(m=m, u=u)
    total = sum(field_weights(levels, params).values())
    beta = fit_logistic(np.asarray(total)[:, None], is_match)
    params.platt = (float(beta[0]), float(beta[1]))
    qid = np.asarray(levels["qid"], dtype=np.int64)
    posterior = identity_scores(qid, np.asarray(total), params)
    knots, values = fit_isotonic(posterior, is_match)
    params.iso_x, params.iso_y = knots.tolist(), values.tolist()
    return params


def fit_contacts(
    evidence: pa.Table,
    as_of: dt.date,
    is_current: np.ndarray,
    calibration_rows: np.ndarray | None = None,
    died: Mapping[str, dt.date] | None = None,
    boost: BoostConfig | None = None,
) -> ContactParams:
    """Contact parameters from evidence rows labelled current/not current (`boost`: the
    second stage's settings, default `BoostConfig()`).

    The logistic models use every row; the isotonic maps only `calibration_rows` (a mask,
    e.g. the contacts of debtors placed for collection, whose contacts go stale more often
    than the population's), when given. The sources' refresh intervals are measured on the
    same evidence (`died`: person_id -> date of death, as at lookup time).
    """
    intervals = refresh_intervals(evidence, as_of, died)
    end_rates = end_move_rates(evidence)
    features = contact_features(evidence, as_of, intervals, died, end_rates)
    kinds = np.asarray(evidence["kind"].to_numpy(zero_copy_only=False))
    persons = np.asarray(evidence["person_id"].to_numpy(zero_copy_only=False))
    is_current = np.asarray(is_current, dtype=float)
    calibrate = np.ones(len(kinds), bool) if calibration_rows is None else calibration_rows
    models: dict[str, KindModel] = {}
    tops: dict[str, TopModel] = {}
    for kind, names in CONTACT_FEATURES.items():
        rows = np.flatnonzero(kinds == kind)
        if len(rows) < 20 or is_current[rows].min() == is_current[rows].max():
            continue
        x = feature_matrix(features, names, rows)
        model = KindModel(names, fit_logistic(x, is_current[rows], l2=1.0).tolist())
        model.exclusive = kind in EXCLUSIVE_KINDS
        p = uncalibrated_scores(features, persons, rows, model)
        top = top_of_person(persons[rows], p)
        y, used = is_current[rows], calibrate[rows]
        if used.sum() < 20:
            used = np.ones(len(rows), bool)
        for mask, (xs, ys) in ((~top & used, ("iso_x", "iso_y")), (top & used, ("top_x", "top_y"))):
            knots, values = fit_isotonic(p[mask], y[mask])
            setattr(model, xs, knots.tolist())
            setattr(model, ys, values.tolist())
        models[kind] = model
        if kind in TOP_FEATURES:
            # rank errors (another known value is current) are the first stage's business
            _, group = np.unique(persons[rows], return_inverse=True)
            other = (np.bincount(group, weights=y) > 0)[group] & (y == 0)
            tops[kind] = fit_top(
                features, rows[top], p[top], y[top], used[top], kind, boost, ~other[top]
            )
    return ContactParams(models, intervals, tops, end_rates)


def fit_top(
    features: dict[str, np.ndarray],
    rows: np.ndarray,
    first: np.ndarray,
    is_current: np.ndarray,
    calibrate: np.ndarray,
    kind: str,
    config: BoostConfig | None = None,
    train: np.ndarray | None = None,
) -> TopModel:
    """The second stage of `kind` from its persons' best-ranked `rows` (first-stage
    probabilities `first`): boosted trees on the `train` rows (default: all), i.e. whether
    the best value is still current or the person has moved to a value no source knows;
    the isotonic map on `calibrate`, fitted to out-of-fold scores of every row (trees
    score their own training rows too confidently)."""
    model = TopModel(TOP_FEATURES[kind], 0.0, [])
    x = top_matrix(features, rows, first, model.features)
    train = np.ones(len(rows), bool) if train is None else np.asarray(train, bool)
    model.base, model.trees = fit_trees(x[train], is_current[train], config)
    if calibrate.sum() < 20:
        return model
    fold = np.random.default_rng(0).permutation(len(rows)) % CALIBRATION_FOLDS
    raw = np.zeros(len(rows))
    for k in range(CALIBRATION_FOLDS):
        held = fold == k
        fitted = fit_trees(x[~held & train], is_current[~held & train], config)
        raw[held] = sigmoid(TopModel(model.features, *fitted).log_odds(x[held]))
    knots, values = fit_isotonic(raw[calibrate], is_current[calibrate])
    model.iso_x, model.iso_y = knots.tolist(), values.tolist()
    return model
