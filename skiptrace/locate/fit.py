"""Fitting the locate parameters from labelled examples (used by `bench/locate_fit.py`).

Identity: supervised Fellegi-Sunter m/u per comparison level over candidate pairs (m among
true persons, u among the other candidates: the retrieval keys already blocked them), a
Platt map of the summed weight, and an isotonic map of the posterior. Contacts: one
L2-regularised logistic regression per kind (IRLS) plus an isotonic map; the addresses'
model also sees how overdue their refreshing sources are (`features.refresh_staleness`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pyarrow as pa

from skiptrace.locate.calibration import fit_isotonic, fit_logistic
from skiptrace.locate.features import (
    contact_features,
    feature_matrix,
    refresh_intervals,
    top_of_person,
    uncalibrated_scores,
)
from skiptrace.locate.matching import COMPARISONS, field_weights, identity_scores
from skiptrace.locate.params import ContactParams, IdentityParams, KindModel

CONTACT_FEATURES: dict[str, list[str]] = {
    "address": [
        "years_since_seen", "log_years_since_seen", "person_log_years_since_any",
        "years_behind_person", "years_since_active", "active_within_1y", "active_within_3y",
        "tenure_years", "log_sources", "log_reports", "reliability", "open_report",
        "all_ended", "any_ended", "later_value", "latest_active", "newest_start",
        "moved_away", "moved_to", "sold", "mailing_only", "po_box", "log_shared",
        "refresh_staleness",
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
) -> ContactParams:
    """Contact parameters from evidence rows labelled current/not current.

    The logistic models use every row; the isotonic maps only `calibration_rows` (a mask,
    e.g. the contacts of debtors placed for collection, whose contacts go stale more often
    than the population's), when given. The sources' refresh intervals are measured on the
    same evidence (`died`: person_id -> date of death, as at lookup time).
    """
    intervals = refresh_intervals(evidence, as_of, died)
    features = contact_features(evidence, as_of, intervals, died)
    kinds = np.asarray(evidence["kind"].to_numpy(zero_copy_only=False))
    persons = np.asarray(evidence["person_id"].to_numpy(zero_copy_only=False))
    is_current = np.asarray(is_current, dtype=float)
    calibrate = np.ones(len(kinds), bool) if calibration_rows is None else calibration_rows
    models: dict[str, KindModel] = {}
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
    return ContactParams(models, intervals)
