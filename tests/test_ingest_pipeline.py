"""ingest_paths end to end: accounting, parties, idempotency, replacement, stable ids."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from skiptrace.errors import InputError
from skiptrace.ingest import ingest_paths, open_store
from skiptrace.ingest.catalog import FileSpec
from skiptrace.ingest.readers import Chunk, read_chunks

HEADER = """name = "{name}"
data_class = "{data_class}"
asserts = {asserts}
reliability = 0.9
reporting_lag_days = 30
"""

CATALOG = {
    "bureau": HEADER.format(name="bureau", data_class="glba", asserts='["residence"]')
    + """
[file]
pattern = "bureau*.csv"
format = "csv"
date_format = "%m/%d/%Y"
[fields.name]
column = "NAME"
format = "last_first"
[fields.ssn]
column = "SSN"
[fields.dob]
column = "DOB"
date_format = "%Y%m%d"
[fields.address]
line1 = "ADDR"
city = "CITY"
state = "ST"
zip = "ZIP"
[fields.phone]
column = "PHONE"
[fields.phone_type]
column = "LT"
values = { W = "mobile", L = "landline" }
[fields.first_seen]
column = "FIRST"
[fields.last_seen]
column = "LAST"
""",
    "deeds": HEADER.format(name="deeds", data_class="public_record", asserts='["property"]')
    + """
[file]
pattern = "deeds*.psv"
format = "psv"
date_format = "%Y%m%d"
[[parties]]
role = "grantee"
name = { column = "BUYERS", format = "multi_party" }
[[parties]]
role = "grantor"
name = { column = "SELLERS", format = "multi_party" }
[fields.address]
column = "SITUS"
[fields.event_date]
column = "RECORDED"
""",
}

BUREAU = """NAME,SSN,DOB,ADDR,CITY,ST,ZIP,PHONE,LT,FIRST,LAST
"SMITH, JOHN A JR",123-45-6789,19800105,123 N Main St Apt 4,Springfield,IL,62701,(217) 555-0134,W,01/02/2019,03/04/2024
"",987654321,19700101,9 Elm St,Peoria,IL,61602,309-555-0100,L,01/01/2020,01/01/2021
"DOE, JANE",,19751231,PO Box 12,Austin,TX,78701,not a phone,L,02/03/2020,
"ROE, RICHARD",000000000,1961,77 Pine Rd,Dallas,TX,75201,214-555-0199,X,05/06/2021,07/08/2023
"ROE, RICHARD",bad,row
"""  # noqa: E501
DEEDS = """BUYERS|SELLERS|SITUS|RECORDED
SMITH JOHN A & MARY B|DOE JANE & JOHN|123 N Main St, Springfield, IL 62701|20190102
||5 Oak Ave, Austin, TX 78701|20200101
|ROE RICHARD & ANN|77 Pine Rd, Dallas, TX 75201|20210301
"""


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    directory = tmp_path / "catalog"
    directory.mkdir()
    for name, text in CATALOG.items():
        (directory / f"{name}.toml").write_text(text, encoding="utf-8")
    return directory


@pytest.fixture
def world(tmp_path: Path) -> Path:
    directory = tmp_path / "world"
    directory.mkdir()
    (directory / "bureau_1.csv").write_text(BUREAU, encoding="utf-8")
    (directory / "deeds_1.psv").write_text(DEEDS, encoding="utf-8")
    return directory


def snapshot(store: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        return {
            table: sorted(map(repr, con.execute(f"SELECT * FROM {table}").fetchall()))
            for table in ("files", "observations", "contacts", "rejects", "meta")
        }
    finally:
        con.close()


def assert_accounting(store: Path) -> None:
    """Per file: rows read = rows with observations + rejected rows, and they are disjoint."""
    con = open_store(store, read_only=True)
    try:
        files = con.execute("SELECT file_id, rows_read, rows_ingested, rows_rejected FROM files")
        for file_id, read, ingested, rejected in files.fetchall():
            assert read == ingested + rejected
            seen = {r for (r,) in con.execute(
                "SELECT DISTINCT row_number FROM observations WHERE file_id = ?", [file_id]
            ).fetchall()}  # fmt: skip
            bad = {r for (r,) in con.execute(
                "SELECT DISTINCT row_number FROM rejects WHERE file_id = ? AND level = 'row'",
                [file_id],
            ).fetchall()}  # fmt: skip
            assert len(seen) == ingested and len(bad) == rejected
            assert seen | bad == set(range(1, read + 1)) and not seen & bad
    finally:
        con.close()


def test_rows_become_observations_or_rejects(catalog: Path, world: Path, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    summary = ingest_paths([world], catalog, store)
    bureau, deeds = summary.files
    assert (bureau.rows_read, bureau.rows_ingested, bureau.rows_rejected) == (5, 3, 2)
    assert bureau.rejects == {"name:missing_name": 1, "ragged_row": 1}
    assert bureau.field_problems["phone:unparseable"] == 1
    assert (deeds.rows_read, deeds.rows_ingested, deeds.rows_rejected) == (3, 2, 1)
    for result in summary.files:  # CPU timed per chunk; the normalizers' part is within it
        assert 0 <= result.normalize_seconds <= result.chunk_seconds
    assert_accounting(store)
    con = open_store(store, read_only=True)
    row = con.execute(
        "SELECT first_name, last_name, name_suffix, ssn_last4, dob, birth_year, addr_zip5, "
        "phone, phone_type, first_seen, data_class FROM observations "
        "WHERE source = 'bureau' AND row_number = 1"
    ).fetchone()
    assert row[:4] == ("JOHN", "SMITH", "JR", "6789")
    assert (str(row[4]), row[5], row[6], row[7], row[8]) == (
        "1980-01-05", 1980, "62701", "+12175550134", "mobile",
    )  # fmt: skip
    assert (str(row[9]), row[10]) == ("2019-01-02", "glba")
    # a bad secondary value keeps the row and its other facts
    doe = con.execute(
        "SELECT phone, addr_is_po_box FROM observations WHERE source = 'bureau' AND row_number = 3"
    ).fetchone()
    assert doe == (None, True)
    con.close()


def test_multi_party_rows_follow_party_order(catalog: Path, world: Path, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest_paths([world / "deeds_1.psv"], catalog, store)
    con = open_store(store, read_only=True)
    rows = con.execute(
        "SELECT row_number, party_index, role, first_name, last_name FROM observations "
        "ORDER BY row_number, party_index"
    ).fetchall()
    assert rows == [
        (1, 0, "grantee", "JOHN", "SMITH"),
        (1, 1, "grantee", "MARY", "SMITH"),
        (1, 2, "grantor", "JANE", "DOE"),
        (1, 3, "grantor", "JOHN", "DOE"),
        (3, 0, "grantor", "RICHARD", "ROE"),
        (3, 1, "grantor", "ANN", "ROE"),
    ]
    ended = con.execute(
        "SELECT o.role, c.role, c.ended, c.end_date::VARCHAR, c.first_seen::VARCHAR "
        "FROM contacts c JOIN observations o USING (obs_id) WHERE o.row_number = 1 "
        "ORDER BY o.party_index"
    ).fetchall()
    assert ended == [
        ("grantee", "property", False, None, "2019-01-02"),
        ("grantee", "property", False, None, "2019-01-02"),
        ("grantor", "property", True, "2019-01-02", "2019-01-02"),
        ("grantor", "property", True, "2019-01-02", "2019-01-02"),
    ]
    con.close()


def test_reingest_is_a_no_op(catalog: Path, world: Path, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest_paths([world], catalog, store)
    before = snapshot(store)
    again = ingest_paths([world], catalog, store)
    assert {f.status for f in again.files} == {"unchanged"}
    assert again.files[0].rejects == {"name:missing_name": 1, "ragged_row": 1}
    assert snapshot(store) == before


def test_changed_file_replaces_only_its_rows(catalog: Path, world: Path, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest_paths([world], catalog, store)
    before = snapshot(store)
    deeds = world / "deeds_1.psv"
    deeds.write_text(DEEDS.splitlines()[0] + "\n" + DEEDS.splitlines()[3] + "\n")
    summary = ingest_paths([world], catalog, store)
    assert [f.status for f in summary.files] == ["unchanged", "replaced"]
    after = snapshot(store)
    con = open_store(store, read_only=True)
    assert con.execute("SELECT count(*) FROM files").fetchone() == (2,)
    assert con.execute(
        "SELECT row_number, role FROM observations WHERE source = 'deeds'"
    ).fetchall() == [(1, "grantor"), (1, "grantor")]
    assert con.execute("SELECT count(*) FROM rejects WHERE source = 'deeds'").fetchone() == (0,)
    bureau = con.execute("SELECT * FROM observations WHERE source = 'bureau'").fetchall()
    con.close()
    assert sorted(map(repr, bureau)) == [r for r in before["observations"] if "'bureau'" in r]
    assert after != before
    assert_accounting(store)


def test_new_file_adds_only_its_rows(catalog: Path, world: Path, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest_paths([world / "bureau_1.csv"], catalog, store)
    before = snapshot(store)
    summary = ingest_paths([world], catalog, store)
    assert [f.status for f in summary.files] == ["unchanged", "ingested"]
    after = snapshot(store)
    assert set(before["observations"]) <= set(after["observations"])
    assert len(after["observations"]) - len(before["observations"]) == 6


def test_obs_ids_are_stable_and_unique(catalog: Path, world: Path, tmp_path: Path) -> None:
    ids = []
    for name in ("a.duckdb", "b.duckdb"):
        ingest_paths([world], catalog, tmp_path / name)
        con = open_store(tmp_path / name, read_only=True)
        ids.append(con.execute("SELECT obs_id FROM observations ORDER BY ALL").fetchall())
        con.close()
    assert ids[0] == ids[1]
    assert len(set(ids[0])) == len(ids[0]) == 9


def test_unreadable_file_is_reported_and_changes_nothing(
    catalog: Path, world: Path, tmp_path: Path
) -> None:
    store = tmp_path / "s.duckdb"
    ingest_paths([world], catalog, store)
    before = snapshot(store)
    (world / "bureau_1.csv").write_bytes(b"NAME,SSN\nx,y\n")  # changed and missing columns
    (world / "notes.txt").write_text("hello")
    summary = ingest_paths([world], catalog, store)
    statuses = {Path(f.path).name: (f.status, f.error) for f in summary.files}
    assert statuses["bureau_1.csv"][0] == "error"
    assert "bureau_1.csv" in statuses["bureau_1.csv"][1]
    assert "header lacks required column(s) DOB" in statuses["bureau_1.csv"][1]
    assert statuses["notes.txt"] == ("skipped", "matches no catalog source")
    assert snapshot(store) == before


def test_missing_input_path_is_an_input_error(catalog: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        ingest_paths([tmp_path / "nope"], catalog, tmp_path / "s.duckdb")


@pytest.mark.slow
def test_worker_processes_give_identical_store(catalog: Path, world: Path, tmp_path: Path) -> None:
    ingest_paths([world], catalog, tmp_path / "one.duckdb")
    ingest_paths([world], catalog, tmp_path / "two.duckdb", workers=2)
    one, two = snapshot(tmp_path / "one.duckdb"), snapshot(tmp_path / "two.duckdb")
    for table in ("observations", "contacts", "rejects"):
        assert one[table] == two[table]


def test_one_bad_party_name_is_a_field_reject(catalog: Path, tmp_path: Path) -> None:
    path = tmp_path / "deeds_2.psv"
    path.write_bytes(
        b"BUYERS|SELLERS|SITUS|RECORDED\n"
        b"PE\xd1A JOSE|ROE RICHARD & ANN|77 Pine Rd, Dallas, TX 75201|20210301\n"
    )
    store = tmp_path / "s.duckdb"
    (result,) = ingest_paths([path], catalog, store).files
    assert (result.rows_read, result.rows_ingested, result.observations) == (1, 1, 2)
    assert dict(result.field_problems) == {"name:encoding_error": 1}
    assert_accounting(store)


def _one_row_chunks(fail_after: int | None = None) -> Callable[..., Iterator[Chunk]]:
    """A read_chunks replacement yielding one-row chunks, raising after ``fail_after``."""

    def read(path: Path, spec: FileSpec, needed: tuple[str, ...]) -> Iterator[Chunk]:
        for n, chunk in enumerate(read_chunks(path, spec, needed, chunk_rows=1)):
            if n == fail_after:
                raise InputError("disk went away", file=str(path), row=n + 1)
            yield chunk

    return read


def test_sliced_commits_give_the_same_store(
    catalog: Path, world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths([world], catalog, tmp_path / "one.duckdb")
    monkeypatch.setattr("skiptrace.ingest.ingest.COMMIT_ROWS", 1)
    monkeypatch.setattr("skiptrace.ingest.ingest.read_chunks", _one_row_chunks())
    ingest_paths([world], catalog, tmp_path / "sliced.duckdb")
    one, sliced = snapshot(tmp_path / "one.duckdb"), snapshot(tmp_path / "sliced.duckdb")
    for table in ("observations", "contacts", "rejects"):
        assert sliced[table] == one[table]
    assert_accounting(tmp_path / "sliced.duckdb")


def test_failure_after_committed_slices_changes_nothing(
    catalog: Path, world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "s.duckdb"
    ingest_paths([world], catalog, store)
    before = snapshot(store)
    bureau = world / "bureau_1.csv"
    bureau.write_text(BUREAU + BUREAU.splitlines()[1] + "\n", encoding="utf-8")
    monkeypatch.setattr("skiptrace.ingest.ingest.COMMIT_ROWS", 1)
    monkeypatch.setattr("skiptrace.ingest.ingest.read_chunks", _one_row_chunks(fail_after=3))
    summary = ingest_paths([world], catalog, store)
    assert (summary.files[0].status, summary.files[0].error) == (
        "error",
        f"{bureau}, row 4: disk went away",
    )
    assert snapshot(store) == before


def test_rows_of_an_interrupted_load_are_replaced(
    catalog: Path, world: Path, tmp_path: Path
) -> None:
    store = tmp_path / "s.duckdb"
    ingest_paths([world], catalog, store)
    before = snapshot(store)
    con = open_store(store)
    con.execute("DELETE FROM files WHERE source = 'bureau'")  # slices committed, no files row
    con.close()
    summary = ingest_paths([world], catalog, store)
    assert [f.status for f in summary.files] == ["ingested", "unchanged"]
    assert snapshot(store)["observations"] == before["observations"]
    assert_accounting(store)


LISTING = (
    HEADER.format(name="listing", data_class="telco", asserts='["phone_listing"]')
    + """
[file]
pattern = "listing*.csv"
format = "csv"
[fields.name]
column = "NAME"
format = "first_last"
[fields.phone]
columns = ["HOME", "CELL"]
[fields.phone_type]
column = "LT"
[fields.email]
columns = ["E1", "E2"]
"""
)
LISTING_ROWS = """NAME,HOME,CELL,LT,E1,E2
JOHN SMITH,217-555-0134 / 217-555-0199,309-555-0100,landline,a@x.com,b@x.com
JANE DOE,,not a phone,mobile,bad@,c@x.com
JANE DOE,217-555-0134,217-555-0134,,,
"""


def test_several_phone_and_email_columns(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "listing.toml").write_text(LISTING, encoding="utf-8")
    path = tmp_path / "listing_1.csv"
    path.write_text(LISTING_ROWS, encoding="utf-8")
    store = tmp_path / "s.duckdb"
    (result,) = ingest_paths([path], catalog, store).files
    assert (result.rows_read, result.rows_ingested, result.contacts) == (3, 3, 8)
    con = duckdb.connect(str(store), read_only=True)
    obs = con.execute(
        "SELECT row_number, phone, phone_type, email FROM observations ORDER BY row_number"
    ).fetchall()
    facts = con.execute(
        "SELECT o.row_number, c.kind, c.value_key, c.line_type FROM contacts c "
        "JOIN observations o USING (obs_id) ORDER BY ALL"
    ).fetchall()
    field_rejects = con.execute(
        "SELECT row_number, field FROM rejects WHERE level = 'field' ORDER BY ALL"
    ).fetchall()
    con.close()
    assert obs == [
        (1, "+12175550134", "landline", "a@x.com"),
        (2, None, "mobile", "c@x.com"),
        (3, "+12175550134", None, None),
    ]
    phones = [(r, k, line) for r, kind, k, line in facts if kind == "phone"]
    assert phones == [
        (1, "+12175550134", "landline"),
        (1, "+12175550199", None),
        (1, "+13095550100", None),
        (3, "+12175550134", None),
        (3, "+12175550134", None),
    ]
    emails = [(r, k) for r, kind, k, _ in facts if kind == "email"]
    assert emails == [(1, "a@x.com"), (1, "b@x.com"), (2, "c@x.com")]
    assert field_rejects == [(2, "email"), (2, "phone")]
    assert_accounting(store)


def test_reject_keeps_the_raw_value_behind_a_value_map(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    text = LISTING.replace('columns = ["HOME", "CELL"]', 'column = "HOME"\nvalues = { NONE = "" }')
    (catalog / "listing.toml").write_text(text.replace('columns = ["E1", "E2"]', 'column = "E1"'))
    path = tmp_path / "listing_1.csv"
    path.write_text(
        "NAME,HOME,CELL,LT,E1,E2\nA B,NONE,,,,\nC D,none,,,,\nE F,555,,,,\n", encoding="utf-8"
    )
    store = tmp_path / "s.duckdb"
    ingest_paths([path], catalog, store)
    con = duckdb.connect(str(store), read_only=True)
    rejects = con.execute("SELECT row_number, field, raw FROM rejects").fetchall()
    con.close()
    assert rejects == [(3, "phone", "555")]
