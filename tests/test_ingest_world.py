"""Every simulated source ingests through its catalog entry: no rejects, exact accounting,
and one observation per (row, party) that the simulator's truth lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from skiptrace.ingest import ingest_paths, load_catalog, open_store
from skiptrace.simulate import WorldConfig, simulate_world

REPO = Path(__file__).resolve().parent.parent
CATALOG = REPO / "sources"
SAMPLE = REPO / "data" / "sample"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    simulate_world(WorldConfig(persons=400, accounts=50, applications=50, seed=11), out)
    return out


def check_world(world: Path, store: Path) -> None:
    summary = ingest_paths([world / "sources"], CATALOG, store)
    assert not summary.skipped and not summary.errors
    assert {f.source for f in summary.files} == {s.name for s in load_catalog(CATALOG).sources}
    for f in summary.files:
        assert f.rows_read > 0
        assert f.rows_rejected == 0, (f.path, dict(f.rejects))
        assert f.rows_read == f.rows_ingested
    con = open_store(store, read_only=True)
    try:
        mismatch = con.execute(
            """
            WITH truth AS (
                SELECT source, file, row_number::BIGINT AS row_number,
                       party_index::INTEGER AS party_index
                FROM read_csv(?, all_varchar = true)
            ), seen AS (
                SELECT o.source, regexp_extract(f.path, '[^/]+$') AS file, o.row_number,
                       o.party_index
                FROM observations o JOIN files f USING (file_id)
            )
            SELECT (SELECT count(*) FROM (FROM truth EXCEPT FROM seen)),
                   (SELECT count(*) FROM (FROM seen EXCEPT FROM truth)),
                   (SELECT count(*) FROM truth)
            """,
            [str(world / "truth" / "source_rows.csv")],
        ).fetchone()
        rows = con.execute("SELECT sum(rows_read), sum(rows_ingested) FROM files").fetchone()
    finally:
        con.close()
    missing, extra, total = mismatch
    assert (missing, extra) == (0, 0) and total > 0
    assert rows[0] == rows[1]


def test_simulated_world_ingests_cleanly(world: Path, tmp_path: Path) -> None:
    check_world(world, tmp_path / "world.duckdb")


@pytest.mark.skipif(not (SAMPLE / "sources").is_dir(), reason="data/sample not generated")
def test_sample_world_ingests_cleanly(tmp_path: Path) -> None:
    check_world(SAMPLE, tmp_path / "sample.duckdb")
