"""Contact features and scores: the pure, vectorised kernel over a `contact_evidence` table.

Features are generic (recency against the as-of date, corroboration, catalog reliability,
supersession, sharing, line type); no feature keys on a source name or file layout.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from skiptrace.locate.params import ContactParams, KindModel

NEVER_YEARS = 30.0
"""Years standing in for 'never' (no such date), the cap of every years-ago feature."""


def _years_ago(column: pa.ChunkedArray, as_of: dt.date) -> np.ndarray:
    days = column.cast(pa.date32()).cast(pa.int32()).to_numpy(zero_copy_only=False)
    days = np.asarray(days, dtype=float)  # nulls become NaN
    years = (np.datetime64(as_of, "D").astype(int) - days) / 365.25
    return np.clip(np.nan_to_num(years, nan=NEVER_YEARS), 0.0, NEVER_YEARS)


def _flag(column: pa.ChunkedArray) -> np.ndarray:
    return np.asarray(column.fill_null(False).to_numpy(zero_copy_only=False), dtype=float)


def _num(column: pa.ChunkedArray, fill: float = 0.0) -> np.ndarray:
    return np.asarray(column.fill_null(fill).to_numpy(zero_copy_only=False), dtype=float)


def contact_features(evidence: pa.Table, as_of: dt.date) -> dict[str, np.ndarray]:
    """Named feature columns, one value per evidence row."""
    seen = _years_ago(evidence["last_seen"], as_of)
    active = _years_ago(evidence["last_active"], as_of)
    first = _years_ago(evidence["first_seen"], as_of)
    has_active = ~np.isnan(
        np.asarray(evidence["last_active"].cast(pa.int32()).to_numpy(zero_copy_only=False), float)
    )
    line_type = np.asarray(evidence["line_type"].fill_null("").to_numpy(zero_copy_only=False))
    persons = np.asarray(evidence["person_id"].to_numpy(zero_copy_only=False))
    _, group = np.unique(persons, return_inverse=True)
    person_seen = np.full(group.max() + 1 if len(group) else 0, NEVER_YEARS)
    np.minimum.at(person_seen, group, seen)
    return {
        "years_since_seen": seen,
        "log_years_since_seen": np.log1p(seen),
        "person_log_years_since_any": np.log1p(person_seen[group]),
        "years_behind_person": seen - person_seen[group],
        "years_since_active": active,
        "active_within_1y": (active < 1.0).astype(float),
        "active_within_3y": (active < 3.0).astype(float),
        "tenure_years": np.clip(first - seen, 0.0, NEVER_YEARS),
        "log_sources": np.log1p(_num(evidence["n_sources"])),
        "log_reports": np.log1p(_num(evidence["n_reports"])),
        "reliability": _num(evidence["reliability"]),
        "open_report": (_num(evidence["n_open"]) > 0).astype(float),
        "all_ended": _flag(evidence["all_ended"]),
        "any_ended": _flag(evidence["any_ended"]),
        "later_value": (_num(evidence["n_later"]) > 0).astype(float),
        "latest_active": ((_num(evidence["active_rank"]) == 1) & has_active).astype(float),
        "newest_start": (_num(evidence["start_rank"]) == 1).astype(float),
        "moved_away": _flag(evidence["moved_away"]),
        "moved_to": _flag(evidence["moved_to"]),
        "sold": _flag(evidence["sold"]),
        "mailing_only": _flag(evidence["mailing_only"]),
        "po_box": _flag(evidence["po_box"]),
        "log_shared": np.log(np.maximum(_num(evidence["n_persons"], 1.0), 1.0)),
        "mobile": (line_type == "mobile").astype(float),
        "landline": (line_type == "landline").astype(float),
    }


def feature_matrix(
    features: dict[str, np.ndarray], names: list[str], rows: np.ndarray
) -> np.ndarray:
    """The (len(rows), len(names)) matrix of the named features at `rows`."""
    return np.column_stack([features[name][rows] for name in names])


def uncalibrated_scores(
    features: dict[str, np.ndarray], persons: np.ndarray, rows: np.ndarray, model: KindModel
) -> np.ndarray:
    """The logistic probability of `rows`; for exclusive kinds, shared per person with a
    'none of these' outcome of weight 1."""
    x = feature_matrix(features, model.features, rows)
    log_odds = np.clip(np.asarray(model.beta[0]) + x @ np.asarray(model.beta[1:]), -50, 50)
    if not model.exclusive:
        return 1.0 / (1.0 + np.exp(-log_odds))
    _, group = np.unique(persons[rows], return_inverse=True)
    odds = np.exp(log_odds)
    return odds / (1.0 + np.bincount(group, weights=odds))[group]


def top_of_person(persons: np.ndarray, p: np.ndarray) -> np.ndarray:
    """True where `p` is its person's highest score (ties: all of them)."""
    _, group = np.unique(persons, return_inverse=True)
    best = np.full(group.max() + 1 if len(group) else 0, -np.inf)
    np.maximum.at(best, group, p)
    return p >= best[group]


def contact_scores(evidence: pa.Table, as_of: dt.date, params: ContactParams) -> np.ndarray:
    """Calibrated probability that each contact is current (phones: reaches the person)."""
    features = contact_features(evidence, as_of)
    kinds = np.asarray(evidence["kind"].to_numpy(zero_copy_only=False))
    persons = np.asarray(evidence["person_id"].to_numpy(zero_copy_only=False))
    scores = np.zeros(len(kinds))
    for kind, model in params.kinds.items():
        rows = np.flatnonzero(kinds == kind)
        if len(rows) == 0:
            continue
        p = uncalibrated_scores(features, persons, rows, model)
        p = model.calibrate(p, top_of_person(persons[rows], p))
        scores[rows] = p
    return scores
