"""Screen a labelled simulated world: features and truth for fitting and evaluation."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from skiptrace.comply.audit import AuditLog
from skiptrace.comply.session import search_session, store_sources
from skiptrace.ingest import open_store
from skiptrace.verify.inputs import read_applications, velocity_window
from skiptrace.verify.model import VerifyParams
from skiptrace.verify.verifier import Screen, Verifier

VERIFY_PURPOSES = "glba:fraud_prevention,fcra:credit_transaction,dppa:verify_submitted"
"""The purposes the model is fitted and evaluated under (what `skiptrace verify` sees)."""


@dataclass(frozen=True, slots=True)
class LabelledScreen:
    """A world's screening with its truth: 1 = tampered, and the tamper type ('' genuine)."""

    screen: Screen
    y: np.ndarray
    types: list[str]
    ids: list[str]


def screen_world(world: Path | str, verifier: Verifier) -> LabelledScreen:
    """Screen `world/applications.csv` and join `world/truth/applications.csv`."""
    world = Path(world)
    path = world / "applications.csv"
    with open(world / "truth" / "applications.csv", newline="", encoding="utf-8") as f:
        truth = {r["application_id"]: r for r in csv.DictReader(f)}
    queries = [q for q, reason in read_applications(path) if not reason]
    screen = verifier.screen(queries, velocity_window(path))
    ids = [q.account_id for q in queries]
    y = np.array([truth[i]["label"] == "tampered" for i in ids], dtype=float)
    return LabelledScreen(screen, y, [truth[i]["tamper_type"] for i in ids], ids)


@contextmanager
def gated_verifier(store: Path | str, params: VerifyParams | None = None) -> Iterator[Verifier]:
    """A Verifier seeing exactly what a `VERIFY_PURPOSES` search sees (throwaway audit log)."""
    con = open_store(store, read_only=True)
    try:
        sources = store_sources(con)
    finally:
        con.close()
    with tempfile.TemporaryDirectory() as tmp:
        log = AuditLog(Path(tmp) / "audit.jsonl", b"bench-audit-key-0123456789")
        with (
            search_session(VERIFY_PURPOSES, "verify", "bench", sources=sources, log=log) as s,
            Verifier(store, params=params, sources=s.sources, source_gate=s.gate_connection) as v,
        ):
            yield v
