"""One small simulated world run through `run_demo`, shared by the search/compliance tests."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from skiptrace.demo import DemoReport, run_demo
from skiptrace.simulate import WorldConfig, simulate_world

AUDIT_KEY = "test-audit-key-0123456789abcdef"


@dataclass(frozen=True)
class SearchWorld:
    """A simulated world, its resolved store and the demo's refresh of its accounts."""

    world: Path
    store: Path
    report: DemoReport

    @property
    def accounts(self) -> list[dict[str, str]]:
        with (self.world / "accounts.csv").open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    @property
    def truth(self) -> dict[str, dict[str, str]]:
        path = self.world / "truth" / "accounts.csv"
        with path.open(newline="", encoding="utf-8") as handle:
            return {row["account_id"]: row for row in csv.DictReader(handle)}


_CACHE: dict[str, SearchWorld] = {}


def search_world(factory: pytest.TempPathFactory) -> SearchWorld:
    """Build once per test session (simulate 600 persons, ingest, resolve, refresh)."""
    if "world" not in _CACHE:
        root = factory.mktemp("search_world")
        world = root / "world"
        simulate_world(WorldConfig(persons=600, accounts=120, applications=10, seed=31), world)
        report = run_demo(root / "demo", sample=world)
        _CACHE["world"] = SearchWorld(world, root / "demo" / "demo.duckdb", report)
    return _CACHE["world"]
