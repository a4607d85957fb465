"""Orchestration: find source files, skip unchanged ones, and load the rest into the store.

A file's new rows are written in transactions of about ``COMMIT_ROWS`` rows (so memory does
not grow with the file); its earlier rows (same source and path) are deleted and its ``files``
row written in the last one, so re-ingesting is a no-op and a changed file replaces its rows.
A file that fails leaves the store as it was: its partial rows are deleted again (and rows an
interrupted run left behind are deleted before the next load of the same content).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path, PurePath

import duckdb

from skiptrace.errors import InputError
from skiptrace.ingest.catalog import Catalog, Source, load_catalog
from skiptrace.ingest.mapping import map_chunk
from skiptrace.ingest.observations import ChunkTables, build_tables, file_id_for
from skiptrace.ingest.readers import Chunk, read_chunks
from skiptrace.ingest.store import FILE_TABLES, open_store
from skiptrace.ingest.summary import FileResult, IngestSummary
from skiptrace.normalize.batch import normalizer_cpu

Progress = Callable[[int, int | None], None]
IN_FLIGHT_PER_WORKER = 2
"""Chunks per worker submitted ahead of the one being inserted (bounds memory)."""
COMMIT_ROWS = 250_000
"""Source rows per transaction when a file is written in slices."""
DUCKDB_MEMORY_LIMIT = "256MB"
"""DuckDB's buffer pool while ingesting (it spills to a temp directory beyond this)."""
DUCKDB_THREADS = 1
"""DuckDB threads while ingesting: the workers use the other cores, and a second DuckDB
thread doubled the CPU its inserts and commits took (same tables, 100k-person world)."""
PARALLEL_BYTES = 64 * 1024 * 1024
"""Inputs smaller than this are normalized in-process (worker start-up costs seconds)."""


def process_chunk(source: Source, file_id: int, chunk: Chunk) -> ChunkTables:
    """Normalize one chunk and build its store tables (runs in worker processes).

    Workers live for the whole run, so the normalizers' LRU caches (each bounded) carry
    repeated values across chunks and files. The garbage collector is paused meanwhile: a
    chunk's objects are acyclic (reference counting frees them), and each collection would
    rescan every cached value (about a fifth of ingest CPU when it ran). The tables carry
    the chunk's CPU time and its normalizers' share.
    """
    start, normalizing = time.process_time(), normalizer_cpu()
    with gc_paused():
        tables = build_tables(source, file_id, chunk, map_chunk(source, chunk))
    tables.normalize_seconds = normalizer_cpu() - normalizing
    tables.cpu_seconds = time.process_time() - start
    return tables


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees acyclic objects)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def find_files(paths: list[str | Path]) -> list[tuple[Path, PurePath]]:
    """Expand files and directories (recursively, hidden entries skipped) to (path, relative)."""
    found: list[tuple[Path, PurePath]] = []
    for item in map(Path, paths):
        if item.is_dir():
            for path in sorted(item.rglob("*")):
                relative = path.relative_to(item)
                if path.is_file() and not any(p.startswith(".") for p in relative.parts):
                    found.append((path, relative))
        elif item.is_file():
            found.append((item, PurePath(item.name)))
        else:
            raise InputError("no such file or directory", file=str(item))
    return found


def _chunk_results(
    source: Source,
    file_id: int,
    chunks: Iterator[Chunk],
    pool: ProcessPoolExecutor | None,
    in_flight: int,
) -> Iterator[tuple[Chunk, ChunkTables]]:
    """Process chunks in order, at most ``in_flight`` at a time in the pool."""
    if pool is None:
        for chunk in chunks:
            yield chunk, process_chunk(source, file_id, chunk)
        return
    pending: list[tuple[Chunk, Future[ChunkTables]]] = []
    for chunk in chunks:
        pending.append((chunk, pool.submit(process_chunk, source, file_id, chunk)))
        if len(pending) >= in_flight:
            first, future = pending.pop(0)
            yield first, future.result()
    for chunk, future in pending:
        yield chunk, future.result()


def _insert(con: duckdb.DuckDBPyConnection, tables: ChunkTables) -> None:
    for name, table in (
        ("observations", tables.observations),
        ("contacts", tables.contacts),
        ("rejects", tables.rejects),
    ):
        if table.num_rows:
            con.register("_ingest_batch", table)
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _ingest_batch")
            con.unregister("_ingest_batch")


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction, if any (a failed COMMIT leaves none)."""
    with contextlib.suppress(duckdb.TransactionException):
        con.execute("ROLLBACK")


def _delete(con: duckdb.DuckDBPyConnection, file_ids: list[int]) -> None:
    """Delete every stored row of these files."""
    for old_id in file_ids:
        for table in (*FILE_TABLES, "files"):
            con.execute(f"DELETE FROM {table} WHERE file_id = ?", [old_id])


def _load_file(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    path: Path,
    result: FileResult,
    pool: ProcessPoolExecutor | None,
    advance: Callable[[int], None],
    in_flight: int = IN_FLIGHT_PER_WORKER,
) -> None:
    """Load one file (caller has checked it is new or changed); see the module docstring.

    Content already stored under an older catalog entry keeps its ``file_id``, so its old
    and new rows cannot coexist: that (rare) replacement is done in one transaction.
    """
    resolved = str(path.resolve())
    file_id = file_id_for(source.name, result.sha256)
    stale = [
        row[0]
        for row in con.execute(
            "SELECT file_id FROM files WHERE file_id = ? OR (source = ? AND path = ?)",
            [file_id, source.name, resolved],
        ).fetchall()
    ]
    sliced = file_id not in stale
    con.execute("BEGIN TRANSACTION")
    try:
        _delete(con, [file_id] if sliced else stale)  # sliced: leftovers of an interrupted run
        pending = 0
        chunks = read_chunks(path, source.file, source.source_columns)
        for chunk, tables in _chunk_results(source, file_id, chunks, pool, in_flight):
            _insert(con, tables)
            result.add(chunk.rows_read, tables)
            advance(chunk.position)
            pending += chunk.rows_read
            if sliced and pending >= COMMIT_ROWS:
                con.execute("COMMIT")
                con.execute("BEGIN TRANSACTION")
                pending = 0
        if sliced:
            _delete(con, stale)
        con.execute(
            "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                file_id, source.name, source.data_class, resolved, result.sha256,
                path.stat().st_size, source.fingerprint, result.rows_read,
                result.rows_ingested, result.rows_rejected, result.observations,
                result.contacts, dt.datetime.now(dt.UTC).replace(tzinfo=None),
            ],
        )  # fmt: skip
        con.execute("COMMIT")
    except BaseException:
        _rollback(con)
        if sliced:
            with contextlib.suppress(duckdb.Error):  # else: removed by the next load
                _delete(con, [file_id])  # the slices committed so far
        raise
    result.status = "replaced" if stale else "ingested"


def _previous(con: duckdb.DuckDBPyConnection, source: Source, sha256: str) -> FileResult | None:
    """The earlier result of this exact content and catalog entry, if it was ingested."""
    row = con.execute(
        "SELECT path, rows_read, rows_ingested, rows_rejected, observations, contacts "
        "FROM files WHERE file_id = ? AND catalog_sha256 = ?",
        [file_id_for(source.name, sha256), source.fingerprint],
    ).fetchone()
    if row is None:
        return None
    result = FileResult(path=row[0], source=source.name, status="unchanged", sha256=sha256)
    result.rows_read, result.rows_ingested, result.rows_rejected = row[1], row[2], row[3]
    result.observations, result.contacts = row[4], row[5]
    counts = con.execute(
        "SELECT level, coalesce(field || ':', '') || reason, count(*) FROM rejects "
        "WHERE file_id = ? GROUP BY ALL",
        [file_id_for(source.name, sha256)],
    ).fetchall()
    for level, reason, n in counts:
        (result.rejects if level == "row" else result.field_problems)[reason] = n
    return result


def ingest_paths(
    paths: list[str | Path],
    catalog_dir: str | Path,
    store_path: str | Path,
    progress: Progress | None = None,
    workers: int | None = None,
) -> IngestSummary:
    """Ingest source files (or directories of them) into the store at ``store_path``.

    Files matching no catalog entry are reported as skipped; a file that cannot be read at
    all is reported with its error and leaves the store unchanged. ``progress`` receives
    (bytes done, bytes total). ``workers`` > 1 normalizes chunks in that many processes;
    None picks 2 (if the machine has 2 cores) for inputs over ``PARALLEL_BYTES``, else 1.
    """
    catalog: Catalog = load_catalog(catalog_dir)
    files = find_files(paths)
    summary = IngestSummary(store=str(store_path))
    total = sum(p.stat().st_size for p, _ in files)
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if total > PARALLEL_BYTES else 1
    done = 0

    def advance(position: int) -> None:
        if progress is not None:
            progress(done + position, total)

    con = open_store(store_path)
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
    con.execute(f"SET threads = {DUCKDB_THREADS}")
    con.execute("SET preserve_insertion_order = false")
    pool = None
    if workers > 1:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["skiptrace.ingest.preload"])
        pool = ProcessPoolExecutor(workers, context)
    try:
        for path, relative in files:
            source = catalog.match(relative)
            if source is None:
                summary.files.append(
                    FileResult(
                        path=str(path),
                        source=None,
                        status="skipped",
                        error="matches no catalog source",
                    )
                )
            else:
                sha = sha256_of(path)
                result = _previous(con, source, sha)
                if result is None:
                    result = FileResult(path=str(path), source=source.name, sha256=sha)
                    try:
                        with gc_paused():  # see process_chunk
                            _load_file(
                                con, source, path, result, pool, advance,
                                IN_FLIGHT_PER_WORKER * workers,
                            )  # fmt: skip
                    except InputError as exc:
                        result.fail(exc.message)
                summary.files.append(result)
            done += path.stat().st_size
            advance(0)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        con.close()
    return summary
