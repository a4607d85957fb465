"""Contact features and scores: the pure, vectorised kernel over a `contact_evidence` table.

Features are generic (recency against the as-of date, corroboration, catalog reliability,
supersession, sharing, line type, staleness, ends); no feature keys on a source name or file
layout. An exclusive kind's best-ranked value per person may be re-scored by a second stage
(`top_scores`: boosted trees over the same evidence), where the evidence interacts.

Staleness: a source that re-reports what it still holds (a `last_seen` date, e.g. a credit
header) and has stopped refreshing a value is evidence that the value is out of date, even
when a source that never verifies it (marketing data) keeps listing it. Each source's usual
refresh interval is measured on the fitting world (`refresh_intervals`, stored with the
parameters); a deceased person's values are judged at the date of death.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from skiptrace.locate.params import ContactParams, KindModel, TopModel

NEVER_YEARS = 30.0
"""Years standing in for 'never' (no such date), the cap of every years-ago feature."""
DEATH_GRACE_DAYS = 60
"""Sources keep reporting a deceased person for about this long after the death."""
FIRST_STAGE = "first_stage_log_odds"
"""The second stage's name for a value's first-stage (logistic) log-odds."""
MIN_INTERVAL_DAYS = 30.0
"""Floor of a source's refresh interval (a source refreshing daily is not 30x as telling)."""
END_OVERLAP_DAYS = 90
"""A refresh up to this long after an end does not refute it (sources report with a lag)."""
MIN_END_REPORTS = 20
"""A source needs this many ended address reports for a measured `end_move_rates`."""


def _years_ago(column: pa.ChunkedArray, as_of: dt.date) -> np.ndarray:
    days = column.cast(pa.date32()).cast(pa.int32()).to_numpy(zero_copy_only=False)
    days = np.asarray(days, dtype=float)  # nulls become NaN
    years = (np.datetime64(as_of, "D").astype(int) - days) / 365.25
    return np.clip(np.nan_to_num(years, nan=NEVER_YEARS), 0.0, NEVER_YEARS)


def _flag(column: pa.ChunkedArray) -> np.ndarray:
    return np.asarray(column.fill_null(False).to_numpy(zero_copy_only=False), dtype=float)


def _num(column: pa.ChunkedArray, fill: float = 0.0) -> np.ndarray:
    return np.asarray(column.fill_null(fill).to_numpy(zero_copy_only=False), dtype=float)


def death_dates(flags: Mapping[str, Mapping[str, Any]]) -> dict[str, dt.date]:
    """person_id -> date of death, from per-person flags (`deceased`, `deceased_date`)."""
    return {
        person: row["deceased_date"]
        for person, row in flags.items()
        if row.get("deceased") and row.get("deceased_date") is not None
    }


def _reference_days(
    persons: np.ndarray, as_of: dt.date, died: Mapping[str, dt.date] | None
) -> np.ndarray:
    """Per row: the day (since 1970-01-01) a value's freshness is judged at: the as-of date,
    or shortly after the person's death."""
    ref = np.full(len(persons), float(np.datetime64(as_of, "D").astype(int)))
    if not died or len(persons) == 0:
        return ref
    persons = np.asarray(persons, dtype=str)
    names = np.array(sorted(died), dtype=str)
    deaths = np.array([np.datetime64(died[p], "D").astype(int) for p in names], dtype=float)
    at = np.clip(np.searchsorted(names, persons), 0, len(names) - 1)
    dead = names[at] == persons
    ref[dead] = np.minimum(ref[dead], deaths[at[dead]] + DEATH_GRACE_DAYS)
    return ref


def _reports(
    evidence: pa.Table, name: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list]:
    """(row, source code, reliability, day) of each source's newest report in the list
    column `name` (`refreshes`, `ends`) of each row, and the source names the codes index."""
    if name not in evidence.column_names or evidence.num_rows == 0:
        empty = np.zeros(0)
        return empty.astype(int), empty.astype(int), empty, empty, []
    column = evidence[name].combine_chunks()
    flat = pc.list_flatten(column)
    rows = np.asarray(pc.list_parent_indices(column).to_numpy(), dtype=int)
    encoded = flat.field("source").fill_null("").dictionary_encode()
    names = encoded.dictionary.to_pylist()
    source = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=int)
    reliability = flat.field("reliability").cast(pa.float64()).fill_null(0.0)
    reliability = np.asarray(reliability.to_numpy(zero_copy_only=False), dtype=float)
    day = np.asarray(flat.field("day").cast(pa.float64()).to_numpy(zero_copy_only=False), float)
    keep = ~np.isnan(day)
    rows, source, reliability, day = rows[keep], source[keep], reliability[keep], day[keep]
    order = np.lexsort((-day, source, rows))
    rows, source, reliability, day = rows[order], source[order], reliability[order], day[order]
    newest = np.ones(len(rows), bool)
    newest[1:] = (rows[1:] != rows[:-1]) | (source[1:] != source[:-1])
    return rows[newest], source[newest], reliability[newest], day[newest], names


@dataclass(frozen=True, slots=True)
class _Refreshes:
    """Each refreshing source's newest report of each row (`_reports`), with that source's
    refresh interval (`known` where it has one) and the report's age in days (>= 0)."""

    rows: np.ndarray
    source: np.ndarray
    reliability: np.ndarray
    day: np.ndarray
    interval: np.ndarray
    known: np.ndarray
    age: np.ndarray
    names: list
    persons: np.ndarray


def _refreshes(
    evidence: pa.Table,
    as_of: dt.date,
    intervals: Mapping[str, float],
    died: Mapping[str, dt.date] | None,
) -> _Refreshes:
    rows, source, reliability, day, names = _reports(evidence, "refreshes")
    persons = np.asarray(evidence["person_id"].to_numpy(zero_copy_only=False))
    interval = np.array([intervals.get(str(n), np.nan) for n in names], dtype=float)[source]
    age = np.maximum(_reference_days(persons, as_of, died)[rows] - day, 0.0)
    return _Refreshes(rows, source, reliability, day, interval, ~np.isnan(interval), age, names,
                      persons)  # fmt: skip


def refresh_intervals(
    evidence: pa.Table, as_of: dt.date, died: Mapping[str, dt.date] | None = None
) -> dict[str, float]:
    """Each refreshing source's usual interval in days: the median, over the persons it
    reports, of the age of its newest refresh of any of their values (unsupervised)."""
    rows, source, _, day, names = _reports(evidence, "refreshes")
    persons = np.asarray(evidence["person_id"].to_numpy(zero_copy_only=False))
    age = _reference_days(persons, as_of, died)[rows] - day
    out: dict[str, float] = {}
    for code in np.unique(source):
        mask = source == code
        _, person = np.unique(persons[rows[mask]], return_inverse=True)
        newest = np.full(person.max() + 1, np.inf)
        np.minimum.at(newest, person, age[mask])
        out[str(names[code])] = float(max(np.median(newest), MIN_INTERVAL_DAYS))
    return out


def refresh_staleness(
    evidence: pa.Table,
    as_of: dt.date,
    intervals: Mapping[str, float],
    died: Mapping[str, dt.date] | None = None,
) -> np.ndarray:
    """Per row: the largest, over the sources refreshing the value with a known interval,
    of reliability x log(1 + days since its last refresh / its interval); 0 when none."""
    return _staleness(_refreshes(evidence, as_of, intervals, died), evidence.num_rows)


def _staleness(r: _Refreshes, n: int) -> np.ndarray:
    stale = np.zeros(n)
    k = r.known
    np.maximum.at(stale, r.rows[k], r.reliability[k] * np.log1p(r.age[k] / r.interval[k]))
    return stale


def fastest_refresh_overdue(
    evidence: pa.Table,
    as_of: dt.date,
    intervals: Mapping[str, float],
    died: Mapping[str, dt.date] | None = None,
) -> np.ndarray:
    """Per row: log(1 + days since the last refresh / interval) of the refreshing source
    with the shortest interval among those refreshing the value (the one whose silence
    says most); 0 when none."""
    return _fastest_overdue(_refreshes(evidence, as_of, intervals, died), evidence.num_rows)


def _fastest_overdue(r: _Refreshes, n: int) -> np.ndarray:
    out = np.zeros(n)
    rows, interval, age = r.rows[r.known], r.interval[r.known], r.age[r.known]
    order = np.lexsort((interval, rows))
    first = np.ones(len(order), bool)
    first[1:] = rows[order][1:] != rows[order][:-1]
    chosen = order[first]
    out[rows[chosen]] = np.log1p(age[chosen] / interval[chosen])
    return out


def end_evidence(
    evidence: pa.Table, as_of: dt.date, died: Mapping[str, dt.date] | None = None
) -> dict[str, np.ndarray]:
    """Per row, from the reports that ended the value (a disconnect, a move-out, an
    inactive registration): the combined reliability of the sources ending it, the years
    since the latest end, and whether that end is the last word (no source refreshed the
    value more than `END_OVERLAP_DAYS` after it)."""
    refreshed, _, _, refresh_day, _ = _reports(evidence, "refreshes")
    return _end_evidence(evidence, as_of, died, _reports(evidence, "ends"), refreshed, refresh_day)


def _end_evidence(
    evidence: pa.Table,
    as_of: dt.date,
    died: Mapping[str, dt.date] | None,
    ends: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list],
    refreshed: np.ndarray,
    refresh_day: np.ndarray,
) -> dict[str, np.ndarray]:
    n = evidence.num_rows
    rows, _, reliability, day, _ = ends
    kept = np.ones(n)
    np.multiply.at(kept, rows, 1.0 - np.minimum(reliability, 0.999))
    last_end = np.full(n, np.nan)
    np.fmax.at(last_end, rows, day)
    last_refresh = np.full(n, np.nan)
    np.fmax.at(last_refresh, refreshed, refresh_day)
    persons = np.asarray(evidence["person_id"].to_numpy(zero_copy_only=False))
    years = (_reference_days(persons, as_of, died) - last_end) / 365.25
    ended = ~np.isnan(last_end)
    last_word = ended & ~(last_refresh > last_end + END_OVERLAP_DAYS)
    return {
        "end_reliability": 1.0 - kept,
        "years_since_end": np.clip(np.nan_to_num(years, nan=NEVER_YEARS), 0.0, NEVER_YEARS),
        "end_last_word": last_word.astype(float),
    }


def end_move_rates(evidence: pa.Table, window_days: int = 365) -> dict[str, float]:
    """Each source's share of ended address reports followed by a move: another address of
    the person first seen from `END_OVERLAP_DAYS` before the end to `window_days` after it
    (unsupervised: a disconnect at a move-out says more than a line change at home)."""
    rows, source, _, day, names = _reports(evidence, "ends")
    kinds = np.asarray(evidence["kind"].to_numpy(zero_copy_only=False))
    address = kinds == "address"
    keep = address[rows]
    rows, source, day = rows[keep], source[keep], day[keep]
    if len(rows) == 0:
        return {}
    persons = np.asarray(evidence["person_id"].to_numpy(zero_copy_only=False))
    _, group = np.unique(persons, return_inverse=True)
    first = evidence["first_seen"].cast(pa.date32()).cast(pa.int32())
    first = np.asarray(first.to_numpy(zero_copy_only=False), dtype=float)
    width = 1 << 20  # days since 1970 stay far below
    known = address & ~np.isnan(first)
    keys = np.sort(group[known] * width + first[known])
    lo = group[rows] * width + day - END_OVERLAP_DAYS
    hi = group[rows] * width + day + window_days
    count = np.searchsorted(keys, hi, side="right") - np.searchsorted(keys, lo, side="left")
    own = (first[rows] >= day - END_OVERLAP_DAYS) & (first[rows] <= day + window_days)
    moved = (count - own.astype(int)) > 0
    out: dict[str, float] = {}
    for code in np.unique(source):
        mask = source == code
        if mask.sum() >= MIN_END_REPORTS:
            out[str(names[code])] = float(moved[mask].mean())
    return out


def end_move(evidence: pa.Table, rates: Mapping[str, float]) -> np.ndarray:
    """Per row: 1 - the product over the sources ending the value of (1 - the source's
    `end_move_rates`); 0 when no source with a rate ended it."""
    return _end_move(_reports(evidence, "ends"), rates, evidence.num_rows)


def _end_move(
    ends: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list],
    rates: Mapping[str, float],
    n: int,
) -> np.ndarray:
    rows, source, _, _, names = ends
    rate = np.array([rates.get(str(name), 0.0) for name in names], dtype=float)[source]
    kept = np.ones(n)
    np.multiply.at(kept, rows, 1.0 - np.minimum(rate, 0.999))
    return 1.0 - kept


def person_silence(
    evidence: pa.Table,
    as_of: dt.date,
    intervals: Mapping[str, float],
    died: Mapping[str, dt.date] | None = None,
) -> np.ndarray:
    """Per row: how overdue the person's refreshing sources are about the person as a whole
    (the largest reliability x log(1 + days since the source's newest refresh of any of
    the person's values / its interval)); 0 when no refreshing source reports them."""
    return _silence(_refreshes(evidence, as_of, intervals, died), evidence.num_rows)


def _silence(r: _Refreshes, n: int) -> np.ndarray:
    if len(r.rows) == 0:
        return np.zeros(n)
    _, group = np.unique(r.persons, return_inverse=True)
    k, width = r.known, len(r.names) + 1
    value = r.reliability[k] * np.log1p(r.age[k] / r.interval[k])
    pair = (group[r.rows] * width + r.source)[k]
    # each (person, source) counts with its newest refresh of any value: the smallest value
    order = np.lexsort((value, pair))
    first = np.ones(len(order), bool)
    first[1:] = pair[order][1:] != pair[order][:-1]
    silence = np.zeros(group.max() + 1)
    np.maximum.at(silence, pair[order][first] // width, value[order][first])
    return silence[group]


def contact_features(
    evidence: pa.Table,
    as_of: dt.date,
    intervals: Mapping[str, float] | None = None,
    died: Mapping[str, dt.date] | None = None,
    end_rates: Mapping[str, float] | None = None,
) -> dict[str, np.ndarray]:
    """Named feature columns, one value per evidence row (`intervals`: each refreshing
    source's refresh interval; `died`: person_id -> date of death; `end_rates`: each
    source's `end_move_rates`)."""
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
    n = evidence.num_rows
    refreshes = _refreshes(evidence, as_of, intervals or {}, died)  # each list read once
    ends = _reports(evidence, "ends")
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
        "refresh_staleness": _staleness(refreshes, n),
        "person_silence": _silence(refreshes, n),
        "fastest_overdue": _fastest_overdue(refreshes, n),
        **_end_evidence(evidence, as_of, died, ends, refreshes.rows, refreshes.day),
        "end_move": _end_move(ends, end_rates or {}, n),
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
    # a row-wise sum, not `x @ beta`: BLAS may round a row differently with the number of
    # rows, and a lookup must score exactly as the same person in a batch
    weighted = (x * np.asarray(model.beta[1:])).sum(axis=1) if len(rows) else np.zeros(0)
    log_odds = np.clip(np.asarray(model.beta[0]) + weighted, -50, 50)
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


def top_matrix(
    features: dict[str, np.ndarray], rows: np.ndarray, first: np.ndarray, names: list[str]
) -> np.ndarray:
    """The second stage's (len(rows), len(names)) inputs: the named features at `rows`,
    `FIRST_STAGE` being the log-odds of the first-stage probabilities `first`."""
    p = np.clip(first, 1e-9, 1 - 1e-9)
    return np.column_stack(
        [np.log(p / (1 - p)) if name == FIRST_STAGE else features[name][rows] for name in names]
    )


def top_scores(
    features: dict[str, np.ndarray], rows: np.ndarray, first: np.ndarray, model: TopModel
) -> np.ndarray:
    """Calibrated probability that each of `rows` (persons' best-ranked values, with
    first-stage probabilities `first`) is current, by the second-stage `model`."""
    x = top_matrix(features, rows, first, model.features)
    log_odds = np.clip(model.log_odds(x), -50, 50)
    return model.calibrate(1.0 / (1.0 + np.exp(-log_odds)))


def contact_scores(
    evidence: pa.Table,
    as_of: dt.date,
    params: ContactParams,
    died: Mapping[str, dt.date] | None = None,
) -> np.ndarray:
    """Calibrated probability that each contact is current (phones: reaches the person);
    `died`: person_id -> date of death (`death_dates`)."""
    features = contact_features(evidence, as_of, params.refresh_days, died, params.end_rates)
    kinds = np.asarray(evidence["kind"].to_numpy(zero_copy_only=False))
    persons = np.asarray(evidence["person_id"].to_numpy(zero_copy_only=False))
    scores = np.zeros(len(kinds))
    for kind, model in params.kinds.items():
        rows = np.flatnonzero(kinds == kind)
        if len(rows) == 0:
            continue
        p = uncalibrated_scores(features, persons, rows, model)
        top = top_of_person(persons[rows], p)
        scores[rows] = model.calibrate(p, top)
        if kind in params.top and top.any():
            scores[rows[top]] = top_scores(features, rows[top], p[top], params.top[kind])
    return scores
