"""A search session: one validated purpose, the data it may see, and its audit trail.

Public API::

    with search_session(purposes, use_case, operator, sources=..., log=...) as session:
        session.gate_connection(con)        # the store connection sees permitted data only
        ...search...
        session.audit(account_ref, inputs, status=..., persons=..., contacts=...)

    store_sources(con) -> {source: data_class}     # the sources a store holds
    PURPOSE_ENV, OPERATOR_ENV                      # env defaults for batch jobs

`lookup`, `batch` and `verify` all open one. `search_session` refuses a missing or unknown
purpose, use case or operator (`ComplianceError`), gates the store's sources by data class
(`gate_sources`), and holds the audit log's lock so that every search of the session is
recorded in one hash chain. Gating works on the store's own `data_class` column: the
connection's `person_values` (the locate index) is shadowed by a temporary view holding only
rows of permitted classes, without Death Master records under 3 years old unless the
subscriber is certified. Candidate retrieval keys stay shared; a person found through a key
of a withheld source is scored and reported from permitted rows only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import duckdb

from skiptrace.comply.audit import AuditLog, default_log_path
from skiptrace.comply.data_classes import (
    DATA_CLASSES,
    GateResult,
    death_cutoff,
    gate_sources,
    visible_classes,
)
from skiptrace.comply.keys import audit_key
from skiptrace.comply.purposes import SearchContext, require_context
from skiptrace.errors import ConfigError

PURPOSE_ENV = "SKIPTRACE_PURPOSE"
OPERATOR_ENV = "SKIPTRACE_OPERATOR"
GATED_TABLE = "person_values"
_CLASSES = "comply_visible_classes"
_DEATH = "comply_death_rule"


def store_sources(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """`source -> data_class` of every source with observations in the store."""
    rows = con.execute("SELECT DISTINCT source, data_class FROM observations").fetchall()
    return {source: data_class for source, data_class in sorted(rows)}


def base_table(con: duckdb.DuckDBPyConnection) -> str:
    """The store's own (ungated) `person_values`, qualified past the gating view."""
    ((name,),) = con.execute("SELECT current_database()").fetchall()
    return '"' + str(name).replace('"', '""') + f'".main.{GATED_TABLE}'


def _store_as_of(con: duckdb.DuckDBPyConnection) -> dt.date:
    ((latest,),) = con.execute(
        "SELECT greatest(max(first_seen), max(last_seen), max(end_date)) FROM contacts"
    ).fetchall()
    return latest or dt.date(1970, 1, 1)


@dataclass(slots=True)
class SearchSession:
    """One operator's searches under one context; see the module docstring."""

    ctx: SearchContext
    gate: GateResult
    log: AuditLog
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def sources(self) -> list[str]:
        """The sources this session may query (audited as `sources`)."""
        return sorted(self.gate.allowed)

    def gate_connection(self, con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None) -> None:
        """Shadow the connection's `person_values` by the rows this session may see.

        Works on read-only connections (temporary objects only); idempotent.
        """
        as_of = as_of or _store_as_of(con)
        cutoff = death_cutoff(self.ctx, as_of)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {_CLASSES} (data_class VARCHAR)")
        con.executemany(
            f"INSERT INTO {_CLASSES} VALUES (?)", [[c] for c in visible_classes(self.ctx)]
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE {_DEATH} (certified BOOLEAN, cutoff DATE)")
        con.execute(f"INSERT INTO {_DEATH} VALUES (?, ?)", [cutoff is None, cutoff])
        con.execute(
            f"""CREATE OR REPLACE TEMP VIEW {GATED_TABLE} AS
                SELECT * FROM {base_table(con)}
                WHERE data_class IN (SELECT data_class FROM temp.main.{_CLASSES})
                  AND NOT (data_class = 'death_master'
                           AND NOT (SELECT certified FROM temp.main.{_DEATH})
                           AND coalesce(event_date > (SELECT cutoff FROM temp.main.{_DEATH}),
                                        TRUE))"""
        )

    def audit(
        self,
        account_ref: str | None,
        inputs: Mapping[str, str | None],
        *,
        status: str,
        persons: Iterable[str] = (),
        contacts: Mapping[str, Iterable[str]] | None = None,
        withheld: Mapping[str, str] | None = None,
    ) -> dict[str, object]:
        """Record one search: inputs present (keyed hashes), sources, what was disclosed."""
        return self.log.record(
            self.ctx,
            account_ref,
            inputs,
            self.sources,
            status=status,
            withheld={**self.gate.withheld, **(withheld or {})},
            disclosed={"persons": list(persons), **(contacts or {})},
            versions=self.versions,
        )

    def manifest(self) -> dict[str, Any]:
        """The compliance block of a batch manifest (no secrets, no personal data)."""
        return {
            "operator": self.ctx.operator_id,
            "role": self.ctx.role,
            "purposes": list(self.ctx.purpose_codes),
            "use_case": self.ctx.use_case,
            "death_master_certified": self.ctx.death_master_certified,
            "sources_permitted": self.sources,
            "sources_withheld": self.gate.explain(),
            "source_flags": {k: list(v) for k, v in self.gate.flags.items()},
            "audit_log": str(self.log.path),
        }


@contextmanager
def search_session(
    purposes: str | Iterable[str] | None,
    use_case: str | None,
    operator_id: str | None,
    *,
    sources: Mapping[str, str],
    log: AuditLog | None = None,
    role: str = "agent",
    reveal: Iterable[str] = (),
    death_master_certified: bool = False,
    versions: Mapping[str, str] | None = None,
) -> Iterator[SearchSession]:
    """Validate the request, gate `sources` (name -> data class), lock the audit log.

    Raises `ComplianceError` (missing/unknown purpose, use case, operator, role or reveal)
    before anything is read, and `ConfigError` when no audit key is configured. `log`
    defaults to `$SKIPTRACE_AUDIT_LOG` (else ./skiptrace-audit.jsonl) keyed by `audit_key()`.
    """
    ctx = require_context(
        purposes,
        use_case,
        operator_id,
        role=role,
        reveal=reveal,
        death_master_certified=death_master_certified,
    )
    unknown = sorted(c for c in sources.values() if c not in DATA_CLASSES)
    if unknown:
        raise ConfigError(f"store holds an unknown data class {unknown[0]!r}")
    gate = gate_sources(ctx, sources)
    log = log or AuditLog(default_log_path(), audit_key())
    with log.session():
        yield SearchSession(ctx, gate, log, dict(versions or {}))
