"""The locate engine's entry point: `Locator(store).lookup(query)` and `.locate_many(queries)`.

Stages: query table -> candidate levels (SQL over the person index) -> identity confidence
(NumPy kernel) -> status (hit / multiple / no_hit, with the `min_confidence` wrong-party
guard) -> contact evidence of hit persons (SQL) -> contact confidence (NumPy kernel) x
identity confidence. A single lookup computes the same candidate levels without planning
SQL (`matching.single_candidates`: one key select, one `person_packed` select, the
comparisons in Python) and takes the hit's evidence from the packed row: identical answers
(tests/test_locate_speed_pairwise.py), a fraction of the latency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

import duckdb
import numpy as np

import skiptrace
from skiptrace.errors import ConfigError
from skiptrace.ingest import load_catalog, open_store
from skiptrace.ingest.catalog import Catalog
from skiptrace.locate.assemble import (
    Grouped,
    MatchParts,
    group_contacts,
    locate_result,
    person_match,
    scaled_contacts,
)
from skiptrace.locate.evidence import (
    contact_evidence,
    contact_evidence_only,
    person_names,
    source_table,
    store_as_of,
)
from skiptrace.locate.features import contact_scores, death_dates
from skiptrace.locate.index import (
    build_person_index,
    create_lookup_indexes,
    has_lookup_indexes,
    index_state,
)
from skiptrace.locate.matching import (
    LEVEL_COLUMNS,
    PAIRWISE,
    SingleCandidates,
    candidate_levels,
    check_identity_params,
    field_weights,
    identity_scores,
    single_candidates,
)
from skiptrace.locate.packed import PackedReader
from skiptrace.locate.params import load_contacts, load_identity
from skiptrace.locate.query_table import query_row, query_table
from skiptrace.locate.results import (
    DEFAULT_MIN_CONFIDENCE,
    AccountQuery,
    LocateResult,
    PersonMatch,
)
from skiptrace.locate.tables import PERSON_KEYS, PERSON_PACKED, PERSON_VALUES

AMBIGUITY_FLOOR = 0.2
"""Candidates at or above this confidence are 'plausible'; two of them below the guard
make the status `multiple` (Jr/Sr, twins) instead of `no_hit`."""
CHUNK = 100_000
"""Queries scored per SQL round trip in `locate_many` (bounds memory). Each round trip
reads the key and value tables once (a hash join scans them), so larger calls amortize
that: ~10 CPU-s per round trip at 1M persons."""


def default_catalog() -> Catalog | None:
    """The repository's `sources/` catalog next to the package, when present."""
    path = Path(skiptrace.__file__).resolve().parent.parent / "sources"
    return load_catalog(path) if path.is_dir() else None


class Locator:
    """Query a resolved store. Open once, query many times; close (or use `with`)."""

    def __init__(
        self,
        store: str | Path,
        *,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        catalog: Catalog | str | Path | None = None,
        params_dir: str | Path | None = None,
        as_of: dt.date | None = None,
        source_gate: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
    ) -> None:
        """`source_gate`, when given, is called once on the store connection before any
        query; it restricts what the search may see (e.g. `SearchSession.gate_connection`)."""
        if not 0.0 <= min_confidence <= 1.0:
            raise ConfigError(f"min_confidence must be in [0, 1], got {min_confidence}")
        self.min_confidence = min_confidence
        self.identity = load_identity(params_dir)
        check_identity_params(self.identity)
        self.match_parts = MatchParts(self.identity)
        self.contact_params = load_contacts(params_dir)
        if isinstance(catalog, str | Path):
            catalog = load_catalog(catalog)
        self.sources = source_table(catalog if catalog is not None else default_catalog())
        self.con = self._open(store)
        # a gate shadows `person_values`: evidence is then computed from the permitted rows
        self.precomputed = source_gate is None and index_state(self.con, self.sources) == "current"
        if source_gate is not None:
            source_gate(self.con)
        self.as_of = as_of or store_as_of(self.con)
        self._names: dict[str, list[str]] = {}
        self.packed = PackedReader(self.con) if self.precomputed else None

    def _open(self, store: str | Path) -> duckdb.DuckDBPyConnection:
        """Open read-only; (re)build the person index first when missing or stale, or add
        its lookup indexes when an older build lacks them."""
        con = open_store(store, read_only=True)
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if "person_records" not in tables:
            con.close()
            raise ConfigError(f"{store}: store is not resolved; run `skiptrace resolve` first")
        stale = index_state(con, self.sources) == "stale"
        if not stale and has_lookup_indexes(con):
            return con
        con.close()
        writable = open_store(store)
        try:
            if stale:
                build_person_index(writable, self.sources)
            else:
                create_lookup_indexes(writable)
        finally:
            writable.close()
        return open_store(store, read_only=True)

    def close(self) -> None:
        """Close the store connection."""
        self.con.close()

    def __enter__(self) -> Locator:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def warm(self) -> None:
        """Read what single lookups probe (the keys and the packed rows, or the values)
        once, so that the first lookups do not pay for reading those blocks (a service
        calls this at start; ~4 s at 1M persons)."""
        rows = (PERSON_PACKED, "packed") if self.packed else (PERSON_VALUES, "last_name")
        for table, column in ((PERSON_KEYS, "key"), rows):
            self.con.execute(
                f"SELECT max(length(person_id)), max(length({column})) FROM {table}"
            ).fetchall()

    def lookup(self, query: AccountQuery) -> LocateResult:
        """Locate one debtor (a batch of one)."""
        return self.locate_many([query])[0]

    def locate_many(
        self,
        queries: Sequence[AccountQuery],
        progress: Callable[[int, int | None], None] | None = None,
    ) -> list[LocateResult]:
        """Locate many debtors; results in input order, one per query."""
        results: list[LocateResult] = []
        for start in range(0, len(queries), CHUNK):
            results.extend(self._chunk(list(queries[start : start + CHUNK])))
            if progress is not None:
                progress(len(results), len(queries))
        return results

    def person_names(self, person_ids: Sequence[str]) -> dict[str, list[str]]:
        """person_id -> every name reported for the person, most frequent first (AKAs);
        the last single lookup's candidates are answered without a query."""
        if self._names.keys() >= set(person_ids):
            return {p: self._names[p] for p in person_ids if p in self._names}
        return person_names(self.con, list(person_ids), self.sources, self.precomputed)

    def _chunk(self, queries: list[AccountQuery]) -> list[LocateResult]:
        single = None
        if len(queries) == 1 and PAIRWISE:
            single = single_candidates(self.con, query_row(queries[0]), self.packed)
            rows = single.rows
            fields = list(rows[0]) if rows else LEVEL_COLUMNS
            columns: dict[str, list] = {name: [r[name] for r in rows] for name in fields}
            self._names = single.names
        else:
            columns = candidate_levels(self.con, query_table(queries)).to_pydict()
        qid = np.asarray(columns["qid"], dtype=np.int64)
        weights = field_weights(columns, self.identity)
        total = np.sum(list(weights.values()), axis=0) if weights else np.zeros(len(qid))
        confidence = identity_scores(qid, np.asarray(total, dtype=float), self.identity)
        order = np.lexsort((np.asarray(columns["person_id"]), -confidence, qid))
        scores = confidence.tolist()
        clamped = [min(max(c, 0.0), 1.0) for c in scores]  # as PersonMatch holds them
        persons = columns["person_id"]
        ranked: dict[int, list[int]] = {}
        for i in order.tolist():
            ranked.setdefault(columns["qid"][i], []).append(i)
        statuses = {q: self._status([clamped[i] for i in rank]) for q, rank in ranked.items()}
        hits = [persons[rank[0]] for q, rank in ranked.items() if statuses[q] == "hit"]
        shown = {q: [i for i in rank if clamped[i] > 0.001][:5] for q, rank in ranked.items()}
        if single is not None:
            names = single.names
        else:
            names = self.person_names(sorted({persons[i] for rank in shown.values() for i in rank}))
        contacts, flags = self._contacts(hits, single)

        def match(i: int) -> PersonMatch:
            display = (names.get(persons[i]) or [""])[0]
            return person_match(columns, i, scores[i], self.match_parts, display)

        results = []
        for q, query in enumerate(queries):
            candidates = tuple(match(i) for i in shown.get(q, ()))
            status = statuses.get(q, "no_hit")
            person = candidates[0].person_id if status == "hit" else ""
            scaled = (
                scaled_contacts(contacts[person], candidates[0].identity_confidence)
                if person in contacts
                else {}
            )
            results.append(
                locate_result(query.account_id, status, candidates, scaled, flags.get(person))
            )
        return results

    def _status(self, confidences: list[float]) -> str:
        """hit / multiple / no_hit from a query's candidates' confidences, best first."""
        if confidences[0] >= self.min_confidence:
            return "hit"
        plausible = sum(c >= AMBIGUITY_FLOOR for c in confidences)
        return "multiple" if plausible >= 2 else "no_hit"

    def _contacts(
        self, hits: list[str], single: SingleCandidates | None = None
    ) -> tuple[Grouped, dict]:
        """Contact points per hit person (confidence that each is current) and flags; a
        single lookup's flags (and packed evidence) come with its candidates."""
        if not hits:
            return {}, {}
        if single is None:
            evidence, flag_table = contact_evidence(self.con, hits, self.sources, self.precomputed)
            flags = {row["person_id"]: row for row in flag_table.to_pylist()}
        else:
            (person,) = hits
            flags = {person: single.flags[person]}
            if single.packed is not None and self.packed and self.packed.has_evidence:
                evidence = self.packed.evidence(person, single.packed[person])
            else:
                evidence = contact_evidence_only(self.con, hits, self.sources, self.precomputed)
        scores = contact_scores(evidence, self.as_of, self.contact_params, death_dates(flags))
        return group_contacts(evidence, scores), flags
