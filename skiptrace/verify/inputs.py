"""Application files -> `AccountQuery`s, with the batch runner's reader, mapping and rules.

Verify keeps malformed SSNs and DOBs (an impossible SSN is evidence, not a broken row), so
its `QueryPolicy` rejects no malformed field.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from skiptrace.batch.protocol import BatchOptions
from skiptrace.batch.queries import QueryPolicy, build_query
from skiptrace.batch.reader import iter_blocks
from skiptrace.batch.runner import inspect_input
from skiptrace.locate.results import AccountQuery
from skiptrace.verify.velocity import VelocityIndex

VERIFY_POLICY = QueryPolicy(reject_malformed=frozenset())


def read_applications(
    path: Path | str, options: BatchOptions | None = None
) -> Iterator[tuple[AccountQuery, str]]:
    """Every data row of an application file as (query, reject reason or '')."""
    options = options or BatchOptions(command="verify", policy=VERIFY_POLICY)
    table, mapping = inspect_input(Path(path), options)
    for block in iter_blocks(table, options.block_rows):
        for k, row in enumerate(block.rows):
            fields = {name: row[pos] for name, pos in mapping.positions.items()}
            query, reason = build_query(fields, block.start + k + 1, options.policy)
            yield query, block.problems.get(k, "") or reason


def velocity_window(path: Path | str, options: BatchOptions | None = None) -> VelocityIndex:
    """The velocity window of a file: every queryable application in it."""
    index = VelocityIndex()
    index.add(q for q, reason in read_applications(path, options) if not reason)
    return index
