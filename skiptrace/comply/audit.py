"""Append-only, hash-chained audit log of searches (JSON Lines, one record per line).

Public API::

    log = AuditLog(path, key)                 # key: bytes, e.g. keys.audit_key()
    default_log_path(env=None) -> Path        # $SKIPTRACE_AUDIT_LOG or ./skiptrace-audit.jsonl
    log.record(ctx, account_ref, input_fields, sources, *, status, withheld=None,
               disclosed=None, versions=None, at=None) -> dict   # the record written
    with log.session(): ...                  # batch: one lock, buffered appends, fsync per 1000
    log.verify() -> VerifyReport             # .ok, .message, .bad_line, .bad_seq
    log.export(dest, fmt="jsonl"|"csv") -> VerifyReport
    log.purge(operator_id, retention_days=1095, now=None) -> PurgeReport

Each record holds when, who (operator, role), purpose codes, use case, account reference,
which input fields were present (a keyed HMAC of each value, for correlation; never the
value), sources queried and withheld, persons disclosed (ids) and contact points disclosed
(kind + keyed HMAC), whether full SSN/DOB display was revealed, the status and versions.
The chain (see :mod:`skiptrace.comply.audit_chain`) makes edits, insertions, deletions and
a truncated tail detectable; ``purge`` replaces the expired prefix by a keyed checkpoint.
An ``AuditLog`` is not thread-safe; processes are serialised by a lock file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from skiptrace import __version__
from skiptrace.comply.audit_chain import GENESIS, Chain, VerifyReport, tip_of
from skiptrace.comply.audit_export import write_csv, write_jsonl
from skiptrace.comply.audit_file import append_lines, last_line, locked, read_lines, replace_lines
from skiptrace.comply.keys import derive_key
from skiptrace.comply.masking import safe_repr
from skiptrace.comply.purposes import SearchContext, validate_operator
from skiptrace.errors import ComplianceError

LOG_ENV = "SKIPTRACE_AUDIT_LOG"
DEFAULT_LOG = "skiptrace-audit.jsonl"
DEFAULT_RETENTION_DAYS = 3 * 365
FLUSH_EVERY = 1000
CSV_COLUMNS = (
    "seq", "kind", "ts", "operator", "role", "purposes", "use_case", "account_ref",
    "inputs", "sources", "withheld", "disclosed", "reveal", "status", "versions", "prev", "mac",
)  # fmt: skip


def default_log_path(env: Mapping[str, str] | None = None) -> Path:
    """The audit log path: ``$SKIPTRACE_AUDIT_LOG``, else ``skiptrace-audit.jsonl`` here."""
    env = os.environ if env is None else env
    return Path(env.get(LOG_ENV) or DEFAULT_LOG)


def _iso(at: dt.datetime | None) -> str:
    at = at or dt.datetime.now(dt.UTC)
    if at.tzinfo is None:
        raise ComplianceError("audit timestamps must be timezone-aware")
    return at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _parse_ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """How many records a purge removed and kept, and the last purged seq."""

    purged: int
    kept: int
    through_seq: int | None


class AuditLog:
    """A tamper-evident search log at ``path`` keyed by ``key`` (never stored in the log)."""

    def __init__(self, path: str | os.PathLike[str], key: bytes) -> None:
        self.path = Path(path)
        self.head_path = self.path.with_name(self.path.name + ".head")
        self._chain = Chain(key)
        self._input_key = derive_key(key, "audit-input")
        self._tip: tuple[int, str] | None = None  # set while a session holds the lock
        self._pending: list[str] = []

    def fingerprint(self, field: str, value: str | None) -> str | None:
        """Keyed hash of one input value (None when absent) for correlating searches."""
        if value is None or not str(value).strip():
            return None
        data = f"{field}\x1f{str(value).strip().upper()}".encode()
        return hmac.new(self._input_key, data, hashlib.sha256).hexdigest()[:32]

    def _load_tip(self) -> tuple[int, str]:
        tip = tip_of(last_line(self.path))
        head = self._chain.read_head(self.head_path)
        if isinstance(head, str) or (head is None and tip[0]) or (head and head[0] > tip[0]):
            raise ComplianceError("audit log head does not match the log; run audit verify")
        return tip

    def _flush(self) -> None:
        if self._pending and self._tip is not None:
            append_lines(self.path, self._pending)
            self._chain.write_head(self.head_path, *self._tip)
            self._pending = []

    @contextmanager
    def session(self) -> Iterator[AuditLog]:
        """Hold the lock across many records (a batch); pending records flush on exit."""
        with locked(self.path):
            self._tip = self._load_tip()
            try:
                yield self
            finally:
                self._flush()
                self._tip = None

    def record(
        self,
        ctx: SearchContext,
        account_ref: str | None,
        input_fields: Mapping[str, str | None],
        sources: Iterable[str],
        *,
        status: str,
        withheld: Mapping[str, str] | None = None,
        disclosed: Mapping[str, Iterable[str]] | None = None,
        versions: Mapping[str, str] | None = None,
        at: dt.datetime | None = None,
    ) -> dict[str, object]:
        """Append one search record; ``disclosed`` maps "persons" to ids, other kinds to values."""
        disclosed = disclosed or {}
        contacts = {
            kind: sorted({self.fingerprint(kind, v) or "" for v in values} - {""})
            for kind, values in disclosed.items()
            if kind != "persons"
        }
        body: dict[str, object] = {
            "kind": "search",
            "ts": _iso(at),
            "operator": ctx.operator_id,
            "role": ctx.role,
            "purposes": list(ctx.purpose_codes),
            "use_case": ctx.use_case,
            "death_master_certified": ctx.death_master_certified,
            "reveal": sorted(ctx.reveal),
            "account_ref": account_ref,
            "inputs": {k: self.fingerprint(k, v) for k, v in sorted(input_fields.items())},
            "sources": sorted(sources),
            "withheld": dict(sorted((withheld or {}).items())),
            "disclosed": {"persons": sorted(disclosed.get("persons", ())), **contacts},
            "status": status,
            "versions": {"skiptrace": __version__, **(versions or {})},
        }
        if self._tip is None:
            with self.session():
                return self._append(body)
        return self._append(body)

    def _append(self, body: dict[str, object]) -> dict[str, object]:
        assert self._tip is not None  # only inside session()
        seq, prev = self._tip
        record = self._chain.seal({"seq": seq + 1, **body, "prev": prev})
        self._pending.append(json.dumps(record, sort_keys=True))
        self._tip = (seq + 1, str(record["mac"]))
        if len(self._pending) >= FLUSH_EVERY:
            self._flush()
        return record

    def _check(self) -> tuple[list[str], VerifyReport]:
        lines = read_lines(self.path)
        return lines, self._chain.check(lines, self._chain.read_head(self.head_path))

    def verify(self) -> VerifyReport:
        """Check every record's MAC, sequence and link, and the head; name the first bad row."""
        with locked(self.path):
            return self._check()[1]

    def export(self, dest: IO[str], fmt: str = "jsonl") -> VerifyReport:
        """Write the log for an auditor (records as stored; CSV flattens lists and maps)."""
        if fmt not in ("jsonl", "csv"):
            raise ComplianceError(f"unknown export format {safe_repr(fmt, 10)} (jsonl or csv)")
        with locked(self.path):
            lines, report = self._check()
        records = [json.loads(line) for line in lines]
        if fmt == "jsonl":
            write_jsonl(dest, records)
        else:
            write_csv(dest, records, CSV_COLUMNS)
        return report

    def purge(
        self,
        operator_id: str,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        now: dt.datetime | None = None,
    ) -> PurgeReport:
        """Drop records older than the retention, keeping the chain verifiable by a checkpoint."""
        operator_id = validate_operator(operator_id)
        if retention_days < 0:
            raise ComplianceError("retention must be zero or more days")
        now_text = _iso(now)
        cutoff = _parse_ts(now_text) - dt.timedelta(days=retention_days)
        with locked(self.path):
            lines, report = self._check()
            if not report.ok:
                raise ComplianceError(f"refusing to purge a broken log: {report.message}")
            records = [json.loads(line) for line in lines]
            old = records[0] if records and records[0]["kind"] == "checkpoint" else None
            body = records[1:] if old else records
            expired = 0
            while expired < len(body) and _parse_ts(body[expired]["ts"]) < cutoff:
                expired += 1
            if expired == 0:
                return PurgeReport(0, len(body), old["seq"] if old else None)
            last = body[expired - 1]
            checkpoint = self._chain.seal(
                {
                    "seq": last["seq"],
                    "kind": "checkpoint",
                    "ts": now_text,
                    "operator": operator_id,
                    "anchor": last["mac"],
                    "cutoff": _iso(cutoff),
                    "retention_days": retention_days,
                    "purged_total": (old["purged_total"] if old else 0) + expired,
                    "prev": old["mac"] if old else GENESIS,
                }
            )
            kept = [json.dumps(r, sort_keys=True) for r in body[expired:]]
            replace_lines(self.path, [json.dumps(checkpoint, sort_keys=True), *kept])
        return PurgeReport(expired, len(kept), int(last["seq"]))
