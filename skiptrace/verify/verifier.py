"""`Verifier(store).verify_many(queries)`: screen applications against a resolved store.

Stages: identity matching with the locate engine (`Locator`: candidates and calibrated
identity confidence) -> the subject (top candidate at or above `SUBJECT_FLOOR`) ->
evidence in SQL (`application_evidence`) -> binary features -> logistic risk, isotonic
calibration -> reason codes with masked evidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from skiptrace.locate.locator import Locator
from skiptrace.locate.query_table import query_table
from skiptrace.locate.results import AccountQuery
from skiptrace.verify.codes import Reason
from skiptrace.verify.evidence import application_evidence
from skiptrace.verify.features import ELEMENTS, FEATURES, feature_matrix, given_elements
from skiptrace.verify.model import VerifyParams, load_params, risk_scores
from skiptrace.verify.reasons import input_reasons, reason_evidence
from skiptrace.verify.results import VerifyResult
from skiptrace.verify.velocity import VelocityIndex

SUBJECT_FLOOR = 0.5
"""Identity confidence at which the top candidate is taken as the person the application
describes; below it the application matches nobody (IDENTITY_NOT_FOUND)."""
CHUNK = 20_000
_ELEMENT_COLUMNS = {
    "ssn": "subj_ssn_exact", "dob": "subj_dob_ok", "address": "subj_addr_ok",
    "phone": "subj_phone_ok", "employer": "subj_employer_ok",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Screen:
    """The raw screening of a list of applications (features before the model)."""

    x: np.ndarray
    given: np.ndarray
    subjects: list[str]
    confidence: np.ndarray
    evidence: pa.Table
    velocity: list[dict[str, int]]


class Verifier:
    """Screen applications against a resolved store. Use as a context manager."""

    def __init__(
        self,
        store: str | Path,
        *,
        params: VerifyParams | None = None,
        sources: Sequence[str] | None = None,
        as_of: dt.date | None = None,
        source_gate: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
    ) -> None:
        """`sources` limits the sources read (default: all); `source_gate` restricts the
        store connection (e.g. `SearchSession.gate_connection`) before any query."""
        self.locator = Locator(store, as_of=as_of, source_gate=source_gate)
        self.params = params or load_params()
        self.as_of = self.locator.as_of
        con = self.locator.con
        known = [r[0] for r in con.execute("SELECT DISTINCT source FROM files").fetchall()]
        self.sources = sorted(set(known) if sources is None else set(known) & set(sources))

    def close(self) -> None:
        """Close the store."""
        self.locator.close()

    def __enter__(self) -> Verifier:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def screen(self, queries: Sequence[AccountQuery], velocity: VelocityIndex | None) -> Screen:
        """Identity matching, evidence and features for applications (no model yet)."""
        matches = self.locator.locate_many(list(queries))
        subjects, confidence = [], []
        for match in matches:
            top = match.candidates[0] if match.candidates else None
            confidence.append(top.identity_confidence if top else 0.0)
            ok = top is not None and top.identity_confidence >= SUBJECT_FLOOR
            subjects.append(top.person_id if ok and top else "")
        apps = query_table(list(queries))
        apps = apps.append_column("subject", pa.array([s or None for s in subjects], pa.string()))
        evidence = application_evidence(self.locator.con, apps, self.sources)
        counts = [velocity.counts(q) if velocity else {} for q in queries]
        counts = [{"ssn": 0, "phone": 0, "address": 0} | c for c in counts]
        has_subject = np.array([bool(s) for s in subjects], dtype=bool)
        x, given = feature_matrix(evidence, queries, has_subject, counts, self.as_of)
        return Screen(x, given, subjects, np.array(confidence), evidence, counts)

    def verify_many(
        self,
        queries: Sequence[AccountQuery],
        velocity: VelocityIndex | None = None,
        progress: Callable[[int, int | None], None] | None = None,
    ) -> list[VerifyResult]:
        """Screen applications; results in input order, one per query."""
        results: list[VerifyResult] = []
        for start in range(0, len(queries), CHUNK):
            chunk = list(queries[start : start + CHUNK])
            results.extend(self._chunk(chunk, velocity))
            if progress is not None:
                progress(len(results), len(queries))
        return results

    def verify(self, query: AccountQuery, velocity: VelocityIndex | None = None) -> VerifyResult:
        """Screen one application (a batch of one)."""
        return self.verify_many([query], velocity)[0]

    def _chunk(
        self, queries: list[AccountQuery], velocity: VelocityIndex | None
    ) -> list[VerifyResult]:
        if not queries:
            return []
        s = self.screen(queries, velocity)
        p = self.params.probability(s.x, s.given)
        scores = risk_scores(p)
        weights = self.params.contributions(s.x, s.given)
        rows = s.evidence.to_pylist()
        results = []
        for i, query in enumerate(queries):
            row = rows[i] | {"identity_confidence": float(s.confidence[i])}
            row |= {f"velocity_{k}": v for k, v in s.velocity[i].items()}
            merged: dict[str, Reason] = {}
            for j, f in enumerate(FEATURES):
                if s.x[i, j] > 0:
                    text, w = reason_evidence(f.name, query, row), float(weights[i, j])
                    if f.code in merged:  # several checks behind one code: one reason
                        text, w = f"{merged[f.code].evidence}; {text}", merged[f.code].weight + w
                    merged[f.code] = Reason(f.code, text, w)
            reasons = sorted(merged.values(), key=lambda r: -r.weight)
            reasons.extend(input_reasons(query))
            results.append(
                VerifyResult(
                    application_id=query.account_id,
                    status="review" if scores[i] >= self.params.threshold else "pass",
                    person_id=s.subjects[i],
                    identity_confidence=round(float(s.confidence[i]), 4),
                    elements=_elements(query, row, bool(s.subjects[i])),
                    risk_score=int(scores[i]),
                    probability=float(p[i]),
                    reasons=tuple(reasons),
                )
            )
        return results


def _elements(query: AccountQuery, row: dict[str, Any], subject: bool) -> dict[str, bool | None]:
    """Element -> found on the subject (True), given but not found (False), else None."""
    given = given_elements(query)
    found = {k: bool(row.get(c)) for k, c in _ELEMENT_COLUMNS.items()}
    found["name"] = bool(row.get("subj_first_ok")) and bool(row.get("subj_last_ok"))
    return {e: (found[e] if given[e] and subject else None) for e in ELEMENTS}
