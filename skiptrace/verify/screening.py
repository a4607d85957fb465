"""Compliant application screening end to end: one application, or a batch file.

Public API::

    report = verify_application(request, store, {"first_name": ..., "ssn": ...})
    summary = verify_file(request, input, output, store)   # resumable, see docs/verify.md

Both open a `SearchSession` (purpose, operator, data gating, audit log) before the store is
read, screen on a connection gated by it, and audit every application screened.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from skiptrace import __version__
from skiptrace.batch import BatchOptions, BatchSummary, run_batch
from skiptrace.batch.protocol import Progress
from skiptrace.batch.queries import REJECT_REASONS, build_query
from skiptrace.comply.session import SearchSession
from skiptrace.errors import InputError
from skiptrace.locate.results import AccountQuery
from skiptrace.search import SearchRequest, request_session
from skiptrace.verify.inputs import VERIFY_POLICY, velocity_window
from skiptrace.verify.model import FITTED_FILE
from skiptrace.verify.renderer import VerifyRenderer
from skiptrace.verify.results import VerifyResult
from skiptrace.verify.velocity import VelocityIndex
from skiptrace.verify.verifier import Verifier


@contextmanager
def open_verify(
    request: SearchRequest, store: str | Path
) -> Iterator[tuple[SearchSession, Verifier]]:
    """A search session and a Verifier whose store connection the session gates."""
    with (
        request_session(request, store) as session,
        Verifier(store, sources=session.sources, source_gate=session.gate_connection) as verifier,
    ):
        yield session, verifier


def audit_inputs(query: AccountQuery) -> dict[str, str | None]:
    """The canonical input values of an application, for the audit record (hashed there)."""
    ok = query.usable_fields()
    return {
        "name": query.name.key if query.name and "name" in ok else None,
        "ssn": query.ssn.key if query.ssn and "ssn" in ok else None,
        "dob": query.dob.iso if query.dob and "dob" in ok else None,
        "address": query.address.key if query.address and "address" in ok else None,
        "phone": ",".join(p.e164 for p in query.phones if p.ok) or None,
        "employer": query.employer.key if query.employer and "employer" in ok else None,
    }


@dataclass(frozen=True, slots=True)
class AuditedVerify:
    """The batch processor: screen a block, audit each application."""

    session: SearchSession
    verifier: Verifier
    velocity: VelocityIndex | None

    def __call__(self, queries: list[AccountQuery]) -> Sequence[VerifyResult]:
        results = self.verifier.verify_many(queries, self.velocity)
        for query, result in zip(queries, results, strict=True):
            persons = [result.person_id] if result.person_id else []
            self.session.audit(
                query.account_id, audit_inputs(query), status=result.status, persons=persons
            )
        return results


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """One screened application with the session's compliance facts."""

    result: VerifyResult
    threshold: int
    compliance: dict[str, Any]


def verify_application(
    request: SearchRequest,
    store: str | Path,
    fields: Mapping[str, str | None],
    history: str | Path | None = None,
) -> VerifyReport:
    """Screen one application from canonical fields (`first_name`, `ssn`, `dob`, ...).

    `history` is an optional application file: the velocity window for this application.
    """
    request.check()
    given = {k: v for k, v in fields.items() if v}
    query, reason = build_query({"account_id": "application", **given}, 0, VERIFY_POLICY)
    if reason:
        raise InputError(REJECT_REASONS.get(reason, reason), field="application")
    velocity = velocity_window(history) if history else None
    if velocity is not None:
        velocity.add([query])
    with open_verify(request, store) as (session, verifier):
        result = AuditedVerify(session, verifier, velocity)([query])[0]
        return VerifyReport(result, verifier.params.threshold, session.manifest())


def _run_key(request: SearchRequest, store: Path) -> str:
    """Everything that can change the answers: engine, model, store and search context."""
    stat = store.stat()
    model = hashlib.sha256(FITTED_FILE.read_bytes()).hexdigest()
    parts = [
        __version__, model, str(store.resolve()), str(stat.st_size), str(stat.st_mtime_ns),
        repr(request.purposes), request.use_case, str(request.operator), request.role,
        str(request.death_master_certified),
    ]  # fmt: skip
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def verify_file(
    request: SearchRequest,
    input_path: str | Path,
    output_path: str | Path,
    store: str | Path,
    *,
    mapping: Mapping[str, str] | None = None,
    block_rows: int = 10_000,
    progress: Progress | None = None,
) -> BatchSummary:
    """Screen an application file (the batch runner's conventions; resumable).

    The whole file is the velocity window: a first pass indexes every application's SSN,
    phones and address before any block is screened.
    """
    request.check()
    options = BatchOptions(
        command="verify",
        mapping=dict(mapping or {}),
        policy=VERIFY_POLICY,
        block_rows=block_rows,
        run_key=_run_key(request, Path(store)),
        versions={"store": Path(store).name},
    )
    velocity = velocity_window(input_path, options)
    with open_verify(request, store) as (session, verifier):
        renderer = VerifyRenderer(verifier.params.threshold)
        extra = {"compliance": session.manifest(), "verify": {"threshold": renderer.threshold}}
        options = replace(options, manifest_extra=extra)
        processor = AuditedVerify(session, verifier, velocity)
        return run_batch(input_path, output_path, processor, renderer, options, progress)
