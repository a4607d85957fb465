"""Batch files: read a client file, query every row, write it back with appended results.

`run_batch` is the generic, resumable runner shared by `skiptrace batch` (locate, rendered
by `LocateRenderer`) and `skiptrace verify`; see docs/batch.md.
"""

from skiptrace.batch.columns import CANONICAL, ColumnMapping, parse_map_options, resolve_mapping
from skiptrace.batch.locate_renderer import LONG_COLUMNS, WIDE_COLUMNS, LocateRenderer
from skiptrace.batch.policies import (
    apply_min_confidence,
    priority_score,
    single_best,
)
from skiptrace.batch.priority import priority_ranks
from skiptrace.batch.protocol import BatchOptions, BatchSummary, Processor, Rendered, Renderer
from skiptrace.batch.queries import REJECT_REASONS, QueryPolicy, build_query
from skiptrace.batch.runner import inspect_input, run_batch
from skiptrace.locate.results import DEFAULT_MIN_CONFIDENCE

__all__ = [
    "CANONICAL",
    "DEFAULT_MIN_CONFIDENCE",
    "LONG_COLUMNS",
    "REJECT_REASONS",
    "WIDE_COLUMNS",
    "BatchOptions",
    "BatchSummary",
    "ColumnMapping",
    "LocateRenderer",
    "Processor",
    "QueryPolicy",
    "Rendered",
    "Renderer",
    "apply_min_confidence",
    "build_query",
    "inspect_input",
    "parse_map_options",
    "priority_ranks",
    "priority_score",
    "resolve_mapping",
    "run_batch",
    "single_best",
]
