"""Compliant searches end to end: look up one debtor, or refresh a batch file.

Public API::

    request = SearchRequest(purposes="fcra:collection", use_case="locate", operator="jdoe")
    report = lookup_account(request, store, {"full_name": ..., "dob": ...}) -> LookupReport
    summary = refresh_file(request, input, output, store, ...) -> BatchSummary

Both open a `SearchSession` (purpose, operator, data gating, audit log) before anything is
read, run the `Locator` on a connection gated by it, and pass every answer through
`GuardedLocate` (suppression, minors, third parties, withheld death records, audit).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skiptrace import __version__
from skiptrace.batch import BatchOptions, BatchSummary, LocateRenderer, QueryPolicy, run_batch
from skiptrace.batch.comply_renderer import ComplianceRenderer
from skiptrace.batch.protocol import Progress
from skiptrace.batch.queries import REJECT_REASONS, build_query
from skiptrace.comply.audit import AuditLog
from skiptrace.comply.locate_guard import GuardedLocate
from skiptrace.comply.masking import DisplayPolicy, render_dob, render_ssn
from skiptrace.comply.purposes import require_context
from skiptrace.comply.session import SearchSession, search_session, store_sources
from skiptrace.comply.suppression import SuppressionList
from skiptrace.errors import InputError
from skiptrace.ingest import open_store
from skiptrace.locate.locator import DEFAULT_MIN_CONFIDENCE, Locator
from skiptrace.locate.render import render_text, result_dict
from skiptrace.locate.results import LocateResult


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """Who searches and why (validated by `require_context`), and the do-not-contact list."""

    purposes: str | tuple[str, ...] | None
    use_case: str
    operator: str | None
    role: str = "agent"
    reveal: tuple[str, ...] = ()
    death_master_certified: bool = False
    suppression: SuppressionList | None = None
    log: AuditLog | None = None

    def check(self) -> None:
        """Refuse a missing/unknown purpose, use case, operator or reveal (ComplianceError)."""
        require_context(
            self.purposes,
            self.use_case,
            self.operator,
            role=self.role,
            reveal=self.reveal,
            death_master_certified=self.death_master_certified,
        )


@contextmanager
def request_session(request: SearchRequest, store: str | Path) -> Iterator[SearchSession]:
    """The validated, source-gated, audited session of `request` over the sources of `store`."""
    request.check()  # refuse before the store is touched
    con = open_store(store, read_only=True)
    try:
        sources = store_sources(con)
    finally:
        con.close()
    with search_session(
        request.purposes,
        request.use_case,
        request.operator,
        sources=sources,
        log=request.log,
        role=request.role,
        reveal=request.reveal,
        death_master_certified=request.death_master_certified,
        versions={"store": Path(store).name},
    ) as session:
        yield session


@contextmanager
def open_search(
    request: SearchRequest, store: str | Path, *, min_confidence: float = DEFAULT_MIN_CONFIDENCE
) -> Iterator[tuple[SearchSession, Locator]]:
    """A search session and a Locator whose store connection the session gates."""
    with (
        request_session(request, store) as session,
        Locator(store, min_confidence=min_confidence, source_gate=session.gate_connection) as loc,
    ):
        yield session, loc


def person_identifiers(locator: Locator, person_id: str, policy: DisplayPolicy) -> dict[str, str]:
    """The person's most reported SSN and DOB, rendered under ``policy`` (masked by default)."""
    found: dict[str, str] = {}
    for column, render in (("ssn", render_ssn), ("dob", render_dob)):
        rows = locator.con.execute(
            f"SELECT {column} FROM person_values WHERE person_id = ? AND {column} IS NOT NULL "
            f"GROUP BY {column} ORDER BY count(*) DESC, {column} LIMIT 1",
            [person_id],
        ).fetchall()
        if rows:
            found[column] = render(rows[0][0], policy)
    return found


@dataclass(frozen=True, slots=True)
class LookupReport:
    """One lookup's answer with what the compliance layer adds to the report."""

    result: LocateResult
    akas: list[str]
    identifiers: dict[str, str]
    call_windows: dict[str, list[str]]
    compliance: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the locate result plus identifiers, call windows and compliance."""
        data = result_dict(self.result, self.akas)
        for phone in data["phones"]:
            zones, now, start = self.call_windows.get(phone["e164"] or phone["value"], ["", "", ""])
            phone["call_window"] = {
                "zones": zones.split("|") if zones else [],
                "callable_now": now == "Y",
                "next_window_start": start,
            }
        return data | {"identifiers": self.identifiers, "compliance": self.compliance}

    def text(self) -> str:
        """The human report (masked identifiers; withheld data named)."""
        lines = [render_text(self.result, self.akas)]
        if self.identifiers:
            shown = "  ".join(f"{k.upper()} {v}" for k, v in self.identifiers.items())
            lines.append(f"identifiers: {shown}")
        if self.call_windows:
            lines.append(f"call windows at {self.compliance['call_at']} (8:00-21:00 local):")
            for phone, (zones, now, start) in self.call_windows.items():
                state = "callable now" if now == "Y" else f"next window {start}"
                lines.append(f"  {phone}  {state}  [{zones.replace('|', ', ')}]")
        withheld = {**self.compliance["sources_withheld"]}
        withheld |= {
            name.removesuffix(":recent"): "records under 3 years old need a certified subscriber"
            for name in self.result.withheld_sources
            if name.endswith(":recent")
        }
        for source, why in sorted(withheld.items()):
            lines.append(f"withheld: {source} ({why})")
        c = self.compliance
        lines.append(
            f"searched by {c['operator']} for {', '.join(c['purposes'])} ({c['use_case']}); audited"
        )
        return "\n".join(lines)


def lookup_account(
    request: SearchRequest,
    store: str | Path,
    fields: Mapping[str, str | None],
    *,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    best_only: bool = False,
    at: dt.datetime | None = None,
) -> LookupReport:
    """Locate one debtor from canonical batch fields (`full_name`, `dob`, `ssn`, ...)."""
    request.check()
    given = {k: v for k, v in fields.items() if v}
    query, reason = build_query({"account_id": "lookup", **given}, 0, QueryPolicy())
    if reason:
        raise InputError(REJECT_REASONS.get(reason, reason), field="query")
    at = at or dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    renderer = ComplianceRenderer(LocateRenderer(min_confidence, best_only), call_at=at)
    with open_search(request, store, min_confidence=min_confidence) as (session, locator):
        guard = GuardedLocate(session, locator, renderer.view, request.suppression)
        result = guard([query])[0]
        top = result.candidates[0].person_id if result.status == "hit" else None
        akas = locator.person_names([top]).get(top, []) if top else []
        identifiers = person_identifiers(locator, top, session.ctx.display) if top else {}
        compliance = session.manifest()
    address_zip = result.addresses[0].zip if result.addresses else ""
    windows = {
        p.e164 or p.value: renderer.call_columns(p.e164 or p.value, address_zip)
        for p in result.phones
    }
    compliance |= {"call_at": at.isoformat().replace("+00:00", "Z")}
    return LookupReport(result, akas, identifiers, windows, compliance)


def _run_key(request: SearchRequest, store: Path, renderer: ComplianceRenderer) -> str:
    """Everything that can change the answers: engine, store, context, suppression list."""
    stat = store.stat()
    suppression = request.suppression or SuppressionList()
    entries = sorted(
        f"{kind}:{key}:{e.reason}"
        for kind, index in (("a", suppression.by_account), ("p", suppression.by_person))
        for key, items in index.items()
        for e in items
    )
    parts = [
        __version__, str(store.resolve()), str(stat.st_size), str(stat.st_mtime_ns),
        repr(request.purposes), request.use_case, str(request.operator), request.role,
        str(request.death_master_certified), repr(renderer),
        hashlib.sha256("\n".join(entries).encode()).hexdigest(),
    ]  # fmt: skip
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


REFRESH_BLOCK_ROWS = 50_000
"""Rows per block of a refresh: each block is one `Locator.locate_many` call, whose fixed
part (scans of the person index: ~10 CPU-s at 1M persons) larger blocks amortize."""


def refresh_file(
    request: SearchRequest,
    input_path: str | Path,
    output_path: str | Path,
    store: str | Path,
    *,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    best_only: bool = False,
    prioritize: bool = False,
    mapping: Mapping[str, str] | None = None,
    call_at: dt.datetime | None = None,
    block_rows: int = REFRESH_BLOCK_ROWS,
    progress: Progress | None = None,
) -> BatchSummary:
    """Refresh a client file (see docs/batch.md) under a search session; resumable."""
    request.check()
    renderer = ComplianceRenderer(LocateRenderer(min_confidence, best_only), call_at=call_at)
    with open_search(request, store, min_confidence=min_confidence) as (session, locator):
        guard = GuardedLocate(session, locator, renderer.view, request.suppression)
        options = BatchOptions(
            mapping=dict(mapping or {}),
            prioritize=prioritize,
            block_rows=block_rows,
            run_key=_run_key(request, Path(store), renderer),
            versions={"store": Path(store).name},
            manifest_extra={"compliance": session.manifest()},
        )
        return run_batch(input_path, output_path, guard, renderer, options, progress)


__all__ = [
    "LookupReport",
    "SearchRequest",
    "lookup_account",
    "open_search",
    "person_identifiers",
    "refresh_file",
]
