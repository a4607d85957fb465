"""The runner's contract with each command: processor, renderer, options and summary."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol, TypeVar

from skiptrace.batch.queries import QueryPolicy
from skiptrace.locate.results import AccountQuery

R = TypeVar("R")
Processor = Callable[[list[AccountQuery]], Sequence[R]]
Progress = Callable[[int, int | None], None]


class Rendered(NamedTuple):
    """One row rendered: its wide values, long rows, and what the manifest counts."""

    wide: Sequence[str]
    long: Sequence[Sequence[str]]
    status: str
    sources: frozenset[str]
    priority: float | None
    """Work-priority score (higher first); None leaves the row unranked."""


class Renderer(Protocol[R]):
    """Turns a processor result into output columns; one implementation per command."""

    wide_columns: tuple[str, ...]
    long_columns: tuple[str, ...]

    def reject(self, query: AccountQuery, reason: str) -> R:
        """The result standing for a row the runner rejected (the processor never sees it)."""

    def render(self, query: AccountQuery, result: R) -> Rendered:
        """Values of `wide_columns`, rows of `long_columns`, status, sources and priority."""


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """How to read, map and write a batch. `run_key` must change whenever the processor's
    answers could (engine version, store, thresholds): it is part of the resume check."""

    command: str = "batch"
    mapping: Mapping[str, str] = field(default_factory=dict)
    policy: QueryPolicy = field(default_factory=QueryPolicy)
    block_rows: int = 10_000
    encoding: str | None = None
    delimiter: str | None = None
    prioritize: bool = False
    run_key: str = ""
    versions: Mapping[str, str] = field(default_factory=dict)
    manifest_extra: Mapping[str, Any] = field(default_factory=dict)
    """Extra top-level manifest sections from the caller (e.g. `compliance`)."""


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """What a finished run wrote; `manifest` is the content of the manifest file."""

    output_path: Path
    long_path: Path
    manifest_path: Path
    mapping: dict[str, str]
    input_rows: int
    output_rows: int
    resumed_blocks: int
    manifest: dict[str, Any]
