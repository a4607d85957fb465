"""The generic batch runner shared by `skiptrace batch` (locate) and `skiptrace verify`.

`run_batch` reads the input in fixed blocks, turns rows into `AccountQuery`s (rejecting
what cannot be queried), hands the rest to a `processor`, renders every row with a
`Renderer`, and checkpoints each finished block. When all blocks are done it writes the
wide output (every input column first, unchanged, then the renderer's columns), the long
file and the manifest, each atomically. One output row per input row, always.
"""

from __future__ import annotations

import datetime as dt
import math
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic

import numpy as np
import pyarrow as pa

from skiptrace.batch.assemble import PRIORITY_COLUMN, assemble, empty_schema
from skiptrace.batch.atomic import write_json
from skiptrace.batch.checkpoint import Checkpoint, file_sha256, fingerprint
from skiptrace.batch.columns import ColumnMapping, resolve_mapping
from skiptrace.batch.duplicates import DuplicateIds
from skiptrace.batch.manifest import Tally, build_manifest
from skiptrace.batch.output import check_columns, output_format, sibling_path
from skiptrace.batch.priority import priority_ranks
from skiptrace.batch.protocol import (
    BatchOptions,
    BatchSummary,
    Processor,
    Progress,
    R,
    Renderer,
)
from skiptrace.batch.queries import build_query, reject_reason
from skiptrace.batch.reader import Block, InputFile, iter_blocks, open_input
from skiptrace.errors import ConfigError, InputError
from skiptrace.locate.results import AccountQuery


@dataclass(slots=True)
class _Run(Generic[R]):
    table: InputFile
    mapping: ColumnMapping
    processor: Processor[R]
    renderer: Renderer[R]
    options: BatchOptions
    duplicates: DuplicateIds
    text_input: bool


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _account_id(row: Sequence[str], mapping: ColumnMapping) -> str:
    return row[mapping.positions["account_id"]].strip()


def inspect_input(path: Path, options: BatchOptions) -> tuple[InputFile, ColumnMapping]:
    """Open an input and resolve its column mapping (the CLI shows it before running)."""
    table = open_input(Path(path), encoding=options.encoding, delimiter=options.delimiter)
    return table, resolve_mapping(table.headers, options.mapping, file=str(path))


def _scan(table: InputFile, mapping: ColumnMapping, block_rows: int) -> tuple[int, DuplicateIds]:
    """First pass: count the rows and find repeated ids (8 bytes of memory per row)."""
    rows = 0

    def ids() -> Iterator[str]:
        nonlocal rows
        for block in iter_blocks(table, block_rows):
            rows += len(block.rows)
            yield from (_account_id(row, mapping) for row in block.rows)

    duplicates = DuplicateIds.from_ids(ids())
    return rows, duplicates


def _process(run: _Run[R], block: Block) -> tuple[pa.Table, pa.Table, dict[str, Any]]:
    queries: list[AccountQuery] = []
    reasons: list[str] = []
    for k, row in enumerate(block.rows):
        fields = {name: row[pos] for name, pos in run.mapping.positions.items()}
        query, field_reason = build_query(fields, block.start + k + 1, run.options.policy)
        repeat = run.duplicates.is_repeat(_account_id(row, run.mapping))
        reasons.append(reject_reason(block.problems.get(k, ""), repeat, field_reason))
        queries.append(query)
    todo = [q for q, reason in zip(queries, reasons, strict=True) if not reason]
    answers = list(run.processor(todo)) if todo else []
    if len(answers) != len(todo):
        raise RuntimeError("the processor must return exactly one result per query, in order")
    pending = iter(answers)
    results = [
        run.renderer.reject(q, r) if r else next(pending)
        for q, r in zip(queries, reasons, strict=True)
    ]
    renderer = run.renderer
    rendered = [renderer.render(q, res) for q, res in zip(queries, results, strict=True)]
    wide = [list(r.wide) for r in rendered]
    long = [list(row) for r in rendered for row in r.long]
    if any(len(row) != len(renderer.wide_columns) for row in wide):
        raise RuntimeError("the renderer returned a row of the wrong width")
    stats = {
        "rows": len(block.rows),
        "long_rows": len(long),
        "statuses": Counter(r.status for r in rendered),
        "reject_reasons": Counter(r for r in reasons if r),
        "sources": sorted(set().union(*(r.sources for r in rendered))),
        "priority": [r.priority for r in rendered] if run.options.prioritize else [],
    }
    if run.text_input or block.arrow is None:
        inputs = [pa.array(column, pa.string()) for column in zip(*block.rows, strict=True)]
    else:
        inputs = block.arrow.columns
    names = [*run.table.headers, *renderer.wide_columns]
    wide_table = pa.Table.from_arrays(
        [*inputs, *_string_columns(wide, renderer.wide_columns)], names=names
    )
    long_table = pa.Table.from_arrays(
        _string_columns(long, renderer.long_columns), names=list(renderer.long_columns)
    )
    return wide_table, long_table, stats


def _string_columns(rows: list[list[str]], columns: Sequence[str]) -> list[pa.Array]:
    if not rows:
        return [pa.array([], pa.string()) for _ in columns]
    return [pa.array(column, pa.string()) for column in zip(*rows, strict=True)]


def run_batch(
    input_path: Path | str,
    output_path: Path | str,
    processor: Processor[R],
    renderer: Renderer[R],
    options: BatchOptions | None = None,
    progress: Progress | None = None,
) -> BatchSummary:
    """Run a whole batch file through `processor`; resumes a previous interrupted run.

    Writes `output_path` (CSV or Parquet by suffix), its long file `<stem>.long<suffix>`
    and `<stem>.manifest.json`. Re-running the same command after a crash continues from
    the last finished block, and the outputs are byte-identical to an uninterrupted run.
    """
    options = options or BatchOptions()
    input_path, output_path = Path(input_path), Path(output_path)
    if options.block_rows < 1:
        raise ConfigError("block_rows must be at least 1")
    if not output_path.parent.is_dir():
        raise ConfigError(f"output directory {output_path.parent} does not exist")
    long_path = sibling_path(output_path, "long")
    manifest_path = output_path.with_name(f"{output_path.stem}.manifest.json")
    if input_path.resolve() in {p.resolve() for p in (output_path, long_path, manifest_path)}:
        raise ConfigError(f"the outputs of {output_path} would overwrite the input")
    table, mapping = inspect_input(input_path, options)
    fmt = output_format(output_path)
    appended = (*renderer.wide_columns, *((PRIORITY_COLUMN,) if options.prioritize else ()))
    check_columns(table.headers, appended, fmt)
    total, duplicates = _scan(table, mapping, options.block_rows)
    input_facts = {
        "path": str(input_path),
        "format": table.format,
        "sha256": file_sha256(input_path),
        "bytes": input_path.stat().st_size,
        "columns": list(table.headers),
        "rows": total,
    }
    facts = {
        "input": input_facts,
        "output_format": fmt,
        "options": _options_facts(options),
        "renderer": repr(renderer),
        "columns": [list(renderer.wide_columns), list(renderer.long_columns)],
    }
    checkpoint = Checkpoint.open(output_path, fingerprint(facts), _now())
    text_input = table.format == "csv" or fmt == "csv"
    run = _Run(table, mapping, processor, renderer, options, duplicates, text_input)
    tally, priorities, resumed, blocks = Tally(), array("d"), 0, 0
    if progress:
        progress(0, total)
    for block in iter_blocks(table, options.block_rows):
        stats = checkpoint.finished(block.index)
        if stats is None:
            wide, long, stats = _process(run, block)
            checkpoint.save(block.index, wide, long, stats)
        else:
            resumed += 1
            for row in block.rows:
                duplicates.is_repeat(_account_id(row, mapping))
        tally.add(stats)
        priorities.extend(math.nan if p is None else p for p in stats["priority"])
        blocks += 1
        if progress:
            progress(tally.rows, total)
    if tally.rows != total:
        raise InputError("the input file changed during the run", file=str(input_path))
    if blocks:
        schema = checkpoint.load(0, "wide").schema
    else:
        schema = empty_schema(table, renderer.wide_columns, text_input=text_input)
    written = assemble(
        checkpoint,
        blocks,
        (output_path, schema),
        (long_path, pa.schema([(name, pa.string()) for name in renderer.long_columns])),
        priority_ranks(np.frombuffer(priorities)) if options.prioritize else None,
    )
    if written != total:
        raise RuntimeError(f"wrote {written} rows for {total} input rows")
    input_facts |= {"encoding": table.encoding or "utf-8 (auto)", "delimiter": table.delimiter}
    input_facts |= {"lines_decoded_as_cp1252": table.fallback_lines}
    input_facts |= {"blank_lines_skipped": table.blank_lines}
    manifest = build_manifest(
        command=options.command,
        input_facts=input_facts,
        outputs={"path": output_path, "long_path": long_path},
        mapping=mapping.describe(),
        tally=tally,
        blocks={"count": blocks, "rows_per_block": options.block_rows, "resumed": resumed},
        options=_options_facts(options),
        timestamps={"started_at": checkpoint.started_at, "finished_at": _now()},
        extra_versions=options.versions,
    ) | dict(options.manifest_extra)
    write_json(manifest_path, manifest)
    checkpoint.remove()
    return BatchSummary(
        output_path=output_path,
        long_path=long_path,
        manifest_path=manifest_path,
        mapping=mapping.describe(),
        input_rows=total,
        output_rows=written,
        resumed_blocks=resumed,
        manifest=manifest,
    )


def _options_facts(options: BatchOptions) -> dict[str, Any]:
    return {
        "mapping_overrides": dict(options.mapping),
        "reject_malformed": sorted(options.policy.reject_malformed),
        "block_rows": options.block_rows,
        "encoding": options.encoding,
        "delimiter": options.delimiter,
        "prioritize": options.prioritize,
        "run_key": options.run_key,
    }
