"""Result assembly: contact points built once per evidence row and scaled per result, match
parts cached per identity parameters, refresh blocks that do not change the output."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from search_world import AUDIT_KEY, SearchWorld, search_world

from skiptrace.comply.audit import AuditLog
from skiptrace.locate.assemble import MatchParts, group_contacts, person_match, scaled_contacts
from skiptrace.locate.matching import CODE_FIELDS, COMPARISONS
from skiptrace.locate.params import load_identity
from skiptrace.locate.results import (
    ContactPoint,
    FieldContribution,
    LocateResult,
    MatchCodes,
)
from skiptrace.search import SearchRequest, refresh_file


def _evidence() -> pa.Table:
    day = dt.date(2025, 3, 1)
    rows = [
        # person, kind, key, sources, ended, n_later
        ("p1", "address", "1 MAIN ST|02134", ["a", "b"], False, 0),
        ("p1", "address", "9 ELM ST|02134", ["a"], True, 1),
        ("p1", "phone", "+16175550100", ["c"], False, 0),
        ("p2", "email", "X@Y.COM", ["d"], False, 0),
        ("p1", "address", "5 OAK ST|02134", ["b"], False, 0),
    ]
    return pa.table(
        {
            "person_id": [r[0] for r in rows],
            "kind": [r[1] for r in rows],
            "display": [r[2].lower() for r in rows],
            "value_key": [r[2] for r in rows],
            "line1": [r[2].split("|")[0] if r[1] == "address" else None for r in rows],
            "city": ["BOSTON" if r[1] == "address" else None for r in rows],
            "state": ["MA" if r[1] == "address" else None for r in rows],
            "zip": ["02134" if r[1] == "address" else None for r in rows],
            "line_type": [None if r[1] != "phone" else "mobile" for r in rows],
            "first_seen": [day] * len(rows),
            "last_seen": [day] * len(rows),
            "sources": [r[3] for r in rows],
            "n_sources": [len(r[3]) for r in rows],
            "all_ended": [r[4] for r in rows],
            "end_date": [day if r[4] else None for r in rows],
            "moved_to": [False] * len(rows),
            "moved_away": [r[4] for r in rows],
            "sold": [False] * len(rows),
            "n_later": [r[5] for r in rows],
            "n_persons": [1, 1, 2, 1, 1],
            "refreshes": [[{"source": "a", "day": 1}]] * len(rows),  # not shown: ignored
        }
    )


def test_contacts_are_grouped_ranked_and_scaled_per_result() -> None:
    confidence = np.array([0.7, 0.2, 1.3, 0.5, 0.7])  # 1.3: clamped to 1 as before
    grouped = group_contacts(_evidence(), confidence)
    assert set(grouped) == {"p1", "p2"} and set(grouped["p1"]) == {"address", "phone"}
    points = scaled_contacts(grouped["p1"], 0.5)
    # ties (0.7) by key; the unscaled point's confidence times the identity confidence
    assert [p.key for p in points["address"]] == ["1 MAIN ST|02134", "5 OAK ST|02134",
                                                  "9 ELM ST|02134"]  # fmt: skip
    assert [p.confidence for p in points["address"]] == [0.7 * 0.5, 0.7 * 0.5, 0.2 * 0.5]
    (phone,) = points["phone"]
    assert phone == ContactPoint(
        kind="phone", value="+16175550100".lower(), confidence=0.5, key="+16175550100",
        e164="+16175550100", line_type="mobile", first_seen=dt.date(2025, 3, 1),
        last_seen=dt.date(2025, 3, 1), sources=("c",), n_independent_sources=1,
        reasons=("1 source, last seen 2025-03", "linked to 2 persons"),
    )  # fmt: skip
    ended = points["address"][2]
    assert ended.superseded_by == ("later_address", "move_filing", "move_out")
    assert ended.line1 == "9 ELM ST" and ended.city == "BOSTON" and ended.zip == "02134"
    # each result gets its own points; the grouped rows are not changed by scaling
    again = scaled_contacts(grouped["p1"], 1.0)
    assert [p.confidence for p in again["address"]] == [0.7, 0.7, 0.2]
    assert replace(again["phone"][0], confidence=0.5) == phone


def test_match_parts_equal_contributions_computed_per_row() -> None:
    params = load_identity()
    parts = MatchParts(params)
    for c in COMPARISONS:
        weights = params.weights(c.name)
        for level, label in c.level_labels().items():
            if level < 0:
                assert level not in parts.contributions[c.name]
                continue
            expected = FieldContribution(c.name, label, round(float(weights[level + 1]), 3))
            assert parts.contributions[c.name][level] == expected
    values = (True, False, None, True, None, False, True)
    codes = parts.codes(values)
    assert codes == MatchCodes(**dict(zip(CODE_FIELDS, values, strict=True)))
    assert parts.codes(values) is codes and codes.code == "NTD"
    columns: dict[str, list] = {c.name: [-1, 0] for c in COMPARISONS}
    columns |= {f"code_{f}": [None, v] for f, v in zip(CODE_FIELDS, values, strict=True)}
    columns["person_id"] = ["a", "b"]
    match = person_match(columns, 1, 1.2, parts, "ANN LEE")
    assert match.person_id == "b" and match.identity_confidence == 1.0
    assert [c.field for c in match.contributions] == [c.name for c in COMPARISONS]
    assert all(c.level == "different" for c in match.contributions)
    assert person_match(columns, 0, 0.5, parts, "").contributions == ()


def test_results_refuse_misfiled_or_unwarranted_contacts() -> None:
    phone, email = ContactPoint("phone", "+16175550100", 0.4), ContactPoint("email", "x@y", 0.2)
    ok = LocateResult("a", "hit", identity_confidence=0.9, phones=(phone, phone), emails=(email,))
    assert list(ok.contacts()) == [phone, phone, email]
    with pytest.raises(ValueError, match="phone list holds a contact of another kind"):
        LocateResult("a", "hit", identity_confidence=0.9, phones=(phone, email))
    with pytest.raises(ValueError, match="a no_hit result cannot carry contact points"):
        LocateResult("a", "no_hit", emails=(email,))


@pytest.mark.slow
def test_refresh_output_does_not_depend_on_block_size(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    """Larger refresh blocks (fewer locator calls) give byte-identical outputs."""
    sw: SearchWorld = search_world(tmp_path_factory)
    outputs = []
    for rows in (7, 50_000):
        log = AuditLog(tmp_path / f"audit{rows}.jsonl", AUDIT_KEY.encode())
        request = SearchRequest(("fcra:collection",), "refresh", "agent7", log=log)
        out = tmp_path / f"out{rows}.csv"
        summary = refresh_file(
            request, sw.world / "accounts.csv", out, sw.store, block_rows=rows,
            call_at=dt.datetime(2026, 12, 1, 15, tzinfo=dt.UTC),
        )  # fmt: skip
        assert summary.manifest["blocks"]["rows_per_block"] == rows
        outputs.append((out.read_bytes(), summary.long_path.read_bytes()))
    assert outputs[0] == outputs[1]
