"""Staleness evidence of contact values: sources that stopped refreshing what they list."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from skiptrace.locate.boost import BoostConfig
from skiptrace.locate.features import (
    DEATH_GRACE_DAYS,
    contact_features,
    contact_scores,
    death_dates,
    refresh_intervals,
    refresh_staleness,
)
from skiptrace.locate.fit import fit_contacts
from skiptrace.locate.params import (
    ContactParams,
    IdentityParams,
    load_contacts,
    save_params,
)
from skiptrace.locate.results import DEFAULT_MIN_CONFIDENCE

AS_OF = dt.date(2026, 10, 1)
EPOCH = dt.date(1970, 1, 1)
REFRESH_TYPE = pa.list_(
    pa.struct([("source", pa.string()), ("reliability", pa.float64()), ("day", pa.int32())])
)
INTERVALS = {"bureau": 60.0, "marketing": 120.0}


def _refresh(source: str, reliability: float, days_ago: int) -> dict:
    return {"source": source, "reliability": reliability,
            "day": (AS_OF - dt.timedelta(days=days_ago) - EPOCH).days}  # fmt: skip


def _evidence(rows: list[dict]) -> pa.Table:
    """Address evidence rows: one listed value per person, reported by a bureau and a
    marketing file; `refreshes` and `person_id` per row, everything else alike."""
    n = len(rows)
    recent = AS_OF - dt.timedelta(days=30)
    return pa.table(
        {
            "person_id": [r["person_id"] for r in rows],
            "kind": ["address"] * n,
            "value_key": [f"{i} MAIN ST|02134" for i in range(n)],
            "first_seen": pa.array([dt.date(2015, 1, 1)] * n, pa.date32()),
            "last_seen": pa.array([recent] * n, pa.date32()),
            "last_active": pa.array([recent] * n, pa.date32()),
            "line_type": pa.array([None] * n, pa.string()),
            "n_sources": [2] * n,
            "n_reports": [2] * n,
            "reliability": [0.94] * n,
            "n_open": [0] * n,
            "all_ended": [False] * n,
            "any_ended": [False] * n,
            "n_later": [0] * n,
            "active_rank": [1] * n,
            "start_rank": [1] * n,
            "moved_away": [False] * n,
            "moved_to": [False] * n,
            "sold": [False] * n,
            "mailing_only": [False] * n,
            "po_box": [False] * n,
            "n_persons": [1] * n,
            "refreshes": pa.array([r["refreshes"] for r in rows], REFRESH_TYPE),
        }
    )


def test_staleness_grows_with_the_time_since_the_last_refresh() -> None:
    evidence = _evidence(
        [
            {"person_id": "fresh", "refreshes": [_refresh("bureau", 0.85, 30)]},
            {"person_id": "stale", "refreshes": [_refresh("bureau", 0.85, 1460)]},
            {"person_id": "never", "refreshes": None},
            {"person_id": "unknown", "refreshes": [_refresh("other", 0.9, 1460)]},
        ]
    )
    stale = refresh_staleness(evidence, AS_OF, INTERVALS)
    assert stale[0] == pytest.approx(0.85 * np.log1p(30 / 60))
    assert stale[1] == pytest.approx(0.85 * np.log1p(1460 / 60))
    assert stale[2] == 0.0  # no source refreshes it: no staleness evidence either way
    assert stale[3] == 0.0  # a source of unknown cadence says nothing


def test_the_most_telling_overdue_source_counts_not_the_freshest() -> None:
    """The bureau stopped refreshing the address four years ago; a marketing file (which
    never verifies the postal address) still lists it: the bureau's silence counts."""
    refreshes = [_refresh("marketing", 0.6, 20), _refresh("bureau", 0.85, 1460),
                 _refresh("bureau", 0.85, 2000)]  # fmt: skip
    evidence = _evidence([{"person_id": "p", "refreshes": refreshes}])
    stale = refresh_staleness(evidence, AS_OF, INTERVALS)
    assert stale[0] == pytest.approx(0.85 * np.log1p(1460 / 60))


def test_a_deceased_persons_values_are_judged_at_the_date_of_death() -> None:
    death = AS_OF - dt.timedelta(days=1500)
    evidence = _evidence(
        [{"person_id": "dead", "refreshes": [_refresh("bureau", 0.85, 1500 - DEATH_GRACE_DAYS)]}]
    )
    alive = refresh_staleness(evidence, AS_OF, INTERVALS)
    dead = refresh_staleness(evidence, AS_OF, INTERVALS, {"dead": death})
    assert dead[0] == 0.0 < alive[0]
    flags = {"dead": {"deceased": True, "deceased_date": death},
             "alive": {"deceased": False, "deceased_date": None}}  # fmt: skip
    assert death_dates(flags) == {"dead": death}


def test_refresh_interval_is_the_median_age_of_each_persons_newest_refresh() -> None:
    evidence = _evidence(
        [
            {"person_id": "a", "refreshes": [_refresh("bureau", 0.85, 40)]},
            {"person_id": "a", "refreshes": [_refresh("bureau", 0.85, 900)]},  # older address
            {"person_id": "b", "refreshes": [_refresh("bureau", 0.85, 100)]},
            {"person_id": "c", "refreshes": [_refresh("bureau", 0.85, 200)]},
            {"person_id": "c", "refreshes": [_refresh("marketing", 0.6, 5)]},
        ]
    )
    intervals = refresh_intervals(evidence, AS_OF)
    assert intervals == {"bureau": 100.0, "marketing": 30.0}  # floored at 30 days


def test_evidence_without_refreshes_has_no_staleness() -> None:
    """Evidence from an index built before the column existed scores as before."""
    evidence = _evidence([{"person_id": "p", "refreshes": [_refresh("bureau", 0.85, 999)]}])
    older = evidence.drop_columns(["refreshes"])
    assert contact_features(older, AS_OF, INTERVALS)["refresh_staleness"].tolist() == [0.0]


def test_refresh_intervals_are_saved_and_old_parameter_files_still_load(tmp_path: Path) -> None:
    params = load_contacts()
    assert params.refresh_days  # the packaged parameters carry the fitted intervals
    save_params(IdentityParams(m={}, u={}), ContactParams(params.kinds, INTERVALS), tmp_path)
    assert load_contacts(tmp_path).refresh_days == INTERVALS
    data = json.loads((tmp_path / "contacts.json").read_text())
    del data["refresh_days"]
    (tmp_path / "contacts.json").write_text(json.dumps(data))
    assert load_contacts(tmp_path).refresh_days == {}


def test_packaged_model_doubts_an_address_the_bureau_stopped_refreshing() -> None:
    listed = _refresh("marketing", 0.6, 40)
    evidence = _evidence(
        [
            {"person_id": "stayer", "refreshes": [_refresh("bureau", 0.85, 40), listed]},
            {"person_id": "gone", "refreshes": [_refresh("bureau", 0.85, 1500), listed]},
        ]
    )
    params = ContactParams(load_contacts().kinds, INTERVALS)
    stayer, gone = contact_scores(evidence, AS_OF, params)
    assert gone < DEFAULT_MIN_CONFIDENCE <= stayer


def test_fitting_learns_that_an_overdue_source_means_a_stale_value() -> None:
    """Synthetic population: a value is current unless its bureau refresh is overdue."""
    rng = np.random.default_rng(11)
    rows, current = [], []
    for i in range(600):
        gone = rng.random() < 0.3
        days = int(rng.integers(400, 3000)) if gone else int(rng.integers(0, 120))
        rows.append({"person_id": f"p{i}", "refreshes": [_refresh("bureau", 0.85, days)]})
        current.append(not gone if rng.random() < 0.95 else gone)
    evidence = _evidence(rows)
    params = fit_contacts(evidence, AS_OF, np.array(current), boost=BoostConfig(rounds=20))
    model = params.kinds["address"]
    assert model.beta[1 + model.features.index("refresh_staleness")] < -1.0
    assert 30.0 <= params.refresh_days["bureau"] <= 120.0


def test_a_person_scores_the_same_alone_as_in_a_batch() -> None:
    """A lookup (a batch of one) must give the batch's confidences bit for bit."""
    rng = np.random.default_rng(5)
    rows = [
        {"person_id": f"p{i:03d}",
         "refreshes": [_refresh("bureau", 0.85, int(rng.integers(0, 3000))),
                       _refresh("marketing", 0.6, int(rng.integers(0, 400)))]}
        for i in range(257)
    ]  # fmt: skip
    evidence = _evidence(rows)
    params = ContactParams(load_contacts().kinds, INTERVALS)
    batch = contact_scores(evidence, AS_OF, params)
    for i in (0, 100, 256):
        assert contact_scores(evidence.slice(i, 1), AS_OF, params)[0] == batch[i]
