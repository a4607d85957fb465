"""Ingest results: per-file accounting and the per-source summary the CLI renders."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from skiptrace.ingest.observations import ChunkTables


@dataclass(slots=True)
class FileResult:
    """What happened to one file.

    ``status`` is ``ingested`` (new), ``replaced`` (changed content or catalog entry),
    ``unchanged`` (already in the store; counts are the stored ones), ``skipped`` (matches
    no catalog source) or ``error`` (unreadable as a whole; ``error`` says why).
    Invariant for ingested files: ``rows_read == rows_ingested + rows_rejected``.
    """

    path: str
    source: str | None
    status: str = "pending"
    sha256: str = ""
    rows_read: int = 0
    rows_ingested: int = 0
    rows_rejected: int = 0
    observations: int = 0
    contacts: int = 0
    rejects: Counter[str] = field(default_factory=Counter)
    field_problems: Counter[str] = field(default_factory=Counter)
    error: str | None = None
    chunk_seconds: float = 0.0
    """CPU time spent normalizing and building the file's tables (in whichever process)."""
    normalize_seconds: float = 0.0
    """The normalizers' part of ``chunk_seconds``."""

    def add(self, rows_read: int, tables: ChunkTables) -> None:
        """Account for one processed chunk."""
        self.rows_read += rows_read
        self.rows_ingested += tables.rows_ingested
        self.rows_rejected += tables.rows_rejected
        self.observations += tables.observations.num_rows
        self.contacts += tables.contacts.num_rows
        self.rejects.update(tables.reject_reasons)
        self.field_problems.update(tables.field_problems)
        self.chunk_seconds += tables.cpu_seconds
        self.normalize_seconds += tables.normalize_seconds

    def fail(self, message: str) -> None:
        """Mark the file as not ingested; nothing of it was written."""
        self.status = "error"
        self.error = message
        self.rows_read = self.rows_ingested = self.rows_rejected = 0
        self.observations = self.contacts = 0
        self.rejects.clear()
        self.field_problems.clear()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "path": self.path,
            "source": self.source,
            "status": self.status,
            "sha256": self.sha256 or None,
            "rows_read": self.rows_read,
            "rows_ingested": self.rows_ingested,
            "rows_rejected": self.rows_rejected,
            "observations": self.observations,
            "contacts": self.contacts,
            "rejects": dict(sorted(self.rejects.items())),
            "field_problems": dict(sorted(self.field_problems.items())),
            "error": self.error,
        }


@dataclass(slots=True)
class IngestSummary:
    """The result of one ``ingest_paths`` call."""

    store: str
    files: list[FileResult] = field(default_factory=list)

    @property
    def errors(self) -> list[FileResult]:
        """Files that could not be ingested at all."""
        return [f for f in self.files if f.status == "error"]

    @property
    def skipped(self) -> list[FileResult]:
        """Files that match no catalog source."""
        return [f for f in self.files if f.status == "skipped"]

    def by_source(self) -> dict[str, dict[str, Any]]:
        """Totals per source over the files that were ingested or were already present."""
        totals: dict[str, dict[str, Any]] = {}
        for f in self.files:
            if f.source is None or f.status == "error":
                continue
            entry = totals.setdefault(
                f.source,
                {"files": 0, "rows_read": 0, "rows_ingested": 0, "rows_rejected": 0,
                 "observations": 0, "contacts": 0, "rejects": Counter()},
            )  # fmt: skip
            entry["files"] += 1
            for key in ("rows_read", "rows_ingested", "rows_rejected", "observations", "contacts"):
                entry[key] += getattr(f, key)
            entry["rejects"].update(f.rejects)
        return dict(sorted(totals.items()))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: per-file results and per-source totals."""
        sources = {
            name: {**entry, "rejects": dict(sorted(entry["rejects"].items()))}
            for name, entry in self.by_source().items()
        }
        return {
            "store": self.store,
            "files": [f.to_dict() for f in self.files],
            "sources": sources,
        }
