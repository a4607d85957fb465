"""The demo's accuracy metrics (`skiptrace.accuracy.score_refresh`) on hand-made files."""

from __future__ import annotations

import csv
from pathlib import Path

from skiptrace.accuracy import score_refresh

TRUTH_ACCOUNTS = [
    # findable, right address; phone ok
    {"account_id": "A1", "person_id": "P1", "current_line1": "12 Main St", "current_line2": "",
     "current_city": "Boise", "current_state": "ID", "current_zip": "83702",
     "address_findable": "1", "findable_phones": "2085550101", "death_in_sources": "0",
     "deceased": "0"},
    # findable, but the engine returned someone else's address and phone (wrong party)
    {"account_id": "A2", "person_id": "P2", "current_line1": "9 Oak Ave", "current_line2": "Apt 4",
     "current_city": "Austin", "current_state": "TX", "current_zip": "78701",
     "address_findable": "1", "findable_phones": "", "death_in_sources": "1", "deceased": "1"},
    # unfindable: a low-confidence answer counts as a correct no-hit
    {"account_id": "A3", "person_id": "P3", "current_line1": "1 Elm Rd", "current_line2": "",
     "current_city": "Reno", "current_state": "NV", "current_zip": "89501",
     "address_findable": "0", "findable_phones": "", "death_in_sources": "0", "deceased": "0"},
]  # fmt: skip
ADDRESSES = [
    {"person_id": "P1", "line1": "12 Main St", "line2": "", "city": "Boise", "state": "ID",
     "zip": "83702"},
    {"person_id": "P1", "line1": "40 Pine St", "line2": "", "city": "Boise", "state": "ID",
     "zip": "83702"},
    {"person_id": "P2", "line1": "9 Oak Ave", "line2": "Apt 4", "city": "Austin", "state": "TX",
     "zip": "78701"},
    {"person_id": "P3", "line1": "7 Ash Ct", "line2": "", "city": "Reno", "state": "NV",
     "zip": "89501"},
]  # fmt: skip
PHONES = [{"person_id": "P1", "phone": "2085550101"}, {"person_id": "P2", "phone": "5125550123"}]


def _out(account: str, status: str, line: str, city: str, state: str, zip5: str, conf: str,
         phone: str, deceased: str) -> dict[str, str]:  # fmt: skip
    return {"ACCOUNT_ID": account, "match_status": status, "address_line": line,
            "address_city": city, "address_state": state, "address_zip": zip5,
            "address_confidence": conf, "phone_1": phone, "phone_2": "", "phone_3": "",
            "deceased": deceased}  # fmt: skip


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_score_refresh_counts_each_metric(tmp_path: Path) -> None:
    truth = tmp_path / "truth"
    truth.mkdir()
    _write(truth / "accounts.csv", TRUTH_ACCOUNTS)
    _write(truth / "addresses.csv", ADDRESSES)
    _write(truth / "phones.csv", PHONES)
    output = _write(tmp_path / "out.csv", [
        _out("A1", "hit", "12 MAIN ST", "BOISE", "ID", "83702", "0.910", "+12085550101", "N"),
        _out("A2", "hit", "55 ELSEWHERE BLVD", "AUSTIN", "TX", "78701", "0.800", "+15125550199",
             "Y"),
        _out("A3", "hit", "7 ASH CT", "RENO", "NV", "89501", "0.300", "", "N"),
    ])  # fmt: skip
    acc = score_refresh(output, truth, min_confidence=0.6)
    assert (acc.hit_rate.hits, acc.hit_rate.total) == (3, 3)
    assert (acc.address_top1_findable.hits, acc.address_top1_findable.total) == (1, 2)
    assert (acc.wrong_party.hits, acc.wrong_party.total) == (1, 3)
    assert (acc.no_hit_unfindable.hits, acc.no_hit_unfindable.total) == (1, 1)
    assert (acc.phone_any_top3.hits, acc.phone_any_top3.total) == (1, 1)
    assert (acc.deceased_recall.hits, acc.deceased_recall.total) == (1, 1)
    assert (acc.deceased_precision.hits, acc.deceased_precision.total) == (1, 1)
    assert str(acc.wrong_party) == "33.3% (1/3)"
    assert [label for label, _ in acc.rows()][:3] == [
        "hit rate", "address top-1 (findable)", "wrong-party rate (hits)"]  # fmt: skip
