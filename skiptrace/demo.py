"""`skiptrace demo`: the whole pipeline on the committed sample world, with its accuracy.

Public API::

    report = run_demo(out_dir, stage=None, progress=None) -> DemoReport
    report.text() -> str

Steps: ingest `data/sample/sources` into `<out_dir>/demo.duckdb` (unchanged files are
skipped on a re-run), resolve, batch-refresh `data/sample/accounts.csv` as a demo operator
(purposes `fcra:collection`, `glba:consumer_transaction`, `dppa:debt_recovery`, use case
`refresh`, certified Death Master subscriber), and score the output against
`data/sample/truth` with :func:`skiptrace.accuracy.score_refresh`. The demo keeps its own
audit log and a random audit key in `<out_dir>` (mode 0600), never the user's.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import skiptrace
from skiptrace.accuracy import RefreshAccuracy, score_refresh
from skiptrace.batch.protocol import BatchSummary, Progress
from skiptrace.comply.audit import AuditLog
from skiptrace.errors import ConfigError, InputError
from skiptrace.ingest import ingest_paths, open_store
from skiptrace.locate.locator import DEFAULT_MIN_CONFIDENCE
from skiptrace.search import SearchRequest, refresh_file

REPO = Path(skiptrace.__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"
CATALOG = REPO / "sources"
DEMO_PURPOSES = ("fcra:collection", "glba:consumer_transaction", "dppa:debt_recovery")
DEMO_OPERATOR = "demo"
Stage = Callable[[str], None]


@dataclass(slots=True)
class DemoReport:
    """What the demo did, how long each step took, and how accurate the refresh was."""

    out_dir: Path
    world: dict[str, object]
    persons: int
    observations: int
    summary: BatchSummary
    accuracy: RefreshAccuracy
    truth_dir: Path
    seconds: dict[str, float] = field(default_factory=dict)
    audited: int = 0

    def text(self) -> str:
        """A short human summary (no personal data)."""
        counts = self.summary.manifest["counts"]
        refresh = self.seconds.get("refresh", 0.0)
        rate = self.summary.input_rows / refresh if refresh else 0.0
        compliance = self.summary.manifest["compliance"]
        lines = [
            f"sample world: seed {self.world.get('seed')}, as of {self.world.get('as_of')}",
            f"store {self.out_dir / 'demo.duckdb'}: {self.observations:,} observations "
            f"-> {self.persons:,} persons",
            f"refreshed {self.summary.input_rows:,} accounts -> {self.summary.output_path}",
            "status: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()),
            "time: "
            + ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items())
            + f" ({rate:,.0f} accounts/s refresh)",
            f"searched as {compliance['operator']} for {', '.join(compliance['purposes'])} "
            f"({compliance['use_case']}); {self.audited:,} searches audited in "
            f"{compliance['audit_log']}",
            f"accuracy against {self.truth_dir}:",
        ]
        lines += [f"  {label:28s} {rate_}" for label, rate_ in self.accuracy.rows()]
        return "\n".join(lines)


def _demo_key(out_dir: Path) -> bytes:
    """A random audit key kept in `<out_dir>/audit.key` (0600), made on first use."""
    path = out_dir / "audit.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text(encoding="utf-8").strip().encode()


def _lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def _count(store: Path) -> tuple[int, int]:
    con = open_store(store, read_only=True)
    try:
        ((observations,),) = con.execute("SELECT count(*) FROM observations").fetchall()
        ((persons,),) = con.execute("SELECT count(DISTINCT person_id) FROM persons").fetchall()
    finally:
        con.close()
    return int(observations), int(persons)


def run_demo(
    out_dir: str | Path,
    *,
    sample: Path = SAMPLE,
    stage: Stage | None = None,
    progress: Progress | None = None,
) -> DemoReport:
    """Build the sample store, refresh the sample accounts and score them (see module doc)."""
    from skiptrace.resolve.resolve import resolve_store  # heavy: only when running

    if not (sample / "sources").is_dir() or not CATALOG.is_dir():
        raise ConfigError(f"sample data not found under {sample} (needs a source checkout)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    store = out / "demo.duckdb"
    seconds: dict[str, float] = {}
    say = stage or (lambda _name: None)

    say("ingest")
    started = time.monotonic()
    ingested = ingest_paths([sample / "sources"], CATALOG, store)
    if ingested.errors:
        raise InputError(f"sample source not ingested: {ingested.errors[0].error}")
    seconds["ingest"] = time.monotonic() - started

    say("resolve")
    started = time.monotonic()
    con = open_store(store)
    try:
        resolve_store(con)
    finally:
        con.close()
    seconds["resolve"] = time.monotonic() - started

    say("refresh")
    started = time.monotonic()
    log = AuditLog(out / "audit.jsonl", _demo_key(out))
    before = _lines(log.path)
    request = SearchRequest(
        DEMO_PURPOSES, "refresh", DEMO_OPERATOR, death_master_certified=True, log=log
    )
    summary = refresh_file(
        request,
        sample / "accounts.csv",
        out / "accounts.refreshed.csv",
        store,
        prioritize=True,
        progress=progress,
    )
    seconds["refresh"] = time.monotonic() - started

    say("score")
    accuracy = score_refresh(summary.output_path, sample / "truth", DEFAULT_MIN_CONFIDENCE)
    observations, persons = _count(store)
    world = json.loads((sample / "world.json").read_text(encoding="utf-8"))
    audited = _lines(log.path) - before
    return DemoReport(
        out, world, persons, observations, summary, accuracy, sample / "truth", seconds, audited
    )
