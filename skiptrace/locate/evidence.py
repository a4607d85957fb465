"""Contact evidence: every address, phone, email and employer of a set of persons, in SQL.

One row per (person, kind, value) with its sources, first/last seen, the number of
independent sources, their combined reliability (from the source catalog) and the
superseding signals: an explicit end (disconnect, move-out, termination), a move filing
away from it, a deed sale (grantor), a later value of the same kind. `refreshes` lists the
reports saying until when a source still saw the value (`last_seen` as `day`, days since
1970-01-01), `ends` the reports that ended it (`day`: the end date, else the report's
date), for the staleness and end features of `skiptrace.locate.features`. The catalog gives
each source's `data_class` and `reliability`; nothing here keys on source names.

The index build (`materialize_evidence`) precomputes the evidence, flags and names of every
person with the catalog's reliabilities; a lookup then only selects its persons' rows. When
a search may use only some sources, or another catalog, the rows are computed on the fly.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from skiptrace.ingest.catalog import Catalog
from skiptrace.locate.tables import (
    CONTACT_EVIDENCE,
    CONTACT_LINKS,
    PERSON_FLAGS,
    PERSON_NAMES,
    PERSON_VALUES,
    batch_head,
    person_batches,
)

DEFAULT_RELIABILITY = 0.8
SELLER_ROLES = ("grantor", "seller")
UNIT_PATTERN = r" #[^|]*\|"
"""The unit part of an address key ('12 MAIN ST #4|02134'): a report of the same street
address without a unit is merged into the person's only unit at that street address
(sources often drop the unit)."""
VARIANT_SIMILARITY = 0.93
"""A person's address keys with the same house number and ZIP and a Jaro-Winkler similarity
at least this are one address misspelled; the less reported variant is merged."""

_EVIDENCE_SQL = f"""
WITH pc0 AS (
    SELECT v.person_id, v.role AS party_role, c.kind, c.role, c.value_key AS raw_key,
           c.display, c.source, c.first_seen, c.last_seen, c.ended, c.end_date, c.line_type,
           CASE WHEN c.kind = 'address'
                THEN regexp_replace(c.value_key, '{UNIT_PATTERN}', '|') END AS street_key,
           coalesce(s.reliability, {DEFAULT_RELIABILITY}) AS reliability,
           greatest(c.first_seen, c.last_seen, c.end_date) AS seen
    FROM lc_persons p
    JOIN {PERSON_VALUES} v ON v.person_id = p.person_id
    JOIN contacts c ON c.obs_id = v.obs_id
    LEFT JOIN lc_sources s ON s.source = c.source),
units AS (
    SELECT person_id, street_key, min(raw_key) AS unit_key
    FROM pc0 WHERE kind = 'address' AND raw_key <> street_key
    GROUP BY ALL HAVING count(DISTINCT raw_key) = 1),
pc1 AS (
    SELECT pc0.*, CASE WHEN pc0.raw_key = pc0.street_key AND u.unit_key IS NOT NULL
                       THEN u.unit_key ELSE pc0.raw_key END AS unit_merged
    FROM pc0 LEFT JOIN units u
      ON u.person_id = pc0.person_id AND u.street_key = pc0.street_key),
counted AS (
    SELECT person_id, unit_merged AS k, count(*) AS n,
           split_part(unit_merged, ' ', 1) AS number, split_part(unit_merged, '|', 2) AS zip
    FROM pc1 WHERE kind = 'address' GROUP BY ALL),
variants AS (
    SELECT a.person_id, 'address' AS kind, a.k AS from_key, arg_min(b.k, (-b.n, b.k)) AS to_key
    FROM counted a JOIN counted b
      ON b.person_id = a.person_id AND b.number = a.number AND b.zip = a.zip AND b.k <> a.k
     AND (b.n > a.n OR (b.n = a.n AND b.k < a.k))
     AND jaro_winkler_similarity(a.k, b.k) >= {VARIANT_SIMILARITY}
    GROUP BY ALL),
pc AS (
    SELECT pc1.*, coalesce(v.to_key, pc1.unit_merged) AS value_key
    FROM pc1 LEFT JOIN variants v
      ON v.person_id = pc1.person_id AND v.kind = pc1.kind AND v.from_key = pc1.unit_merged),
ev AS (
    SELECT person_id, kind, value_key,
           arg_max(display, (raw_key = value_key, seen, display)) AS display,
           bool_or(raw_key LIKE 'PO BOX %') AS po_box,
           list(DISTINCT source ORDER BY source) AS sources,
           count(DISTINCT source) AS n_sources,
           count(*) AS n_reports,
           min(coalesce(first_seen, seen)) AS first_seen,
           max(seen) AS last_seen,
           max(seen) FILTER (WHERE NOT ended) AS last_active,
           count(*) FILTER (WHERE NOT ended AND last_seen IS NULL) AS n_open,
           bool_and(ended) AS all_ended,
           bool_or(ended) AS any_ended,
           list_sort(list({{'source': source, 'reliability': reliability,
                            'day': (last_seen - DATE '1970-01-01')::INTEGER}})
               FILTER (WHERE last_seen IS NOT NULL AND NOT ended)) AS refreshes,
           list_sort(list({{'source': source, 'reliability': reliability,
                            'day': (coalesce(end_date, seen) - DATE '1970-01-01')::INTEGER}})
               FILTER (WHERE ended)) AS ends,
           max(end_date) AS end_date,
           bool_or(role = 'old') AS moved_away,
           bool_or(role = 'new') AS moved_to,
           bool_and(role = 'mailing') AS mailing_only,
           bool_or(party_role IN {SELLER_ROLES}) AS sold,
           1 - coalesce(exp(list_sum(list_sort(list(ln(1 - least(reliability, 0.999)))
                                               FILTER (WHERE NOT ended)))), 1) AS reliability,
           arg_max(line_type, (seen, line_type)) FILTER (WHERE line_type IS NOT NULL)
               AS line_type
    FROM pc WHERE seen IS NOT NULL OR kind <> 'address'
    GROUP BY ALL),
later AS (
    SELECT a.person_id, a.kind, a.value_key, count(b.value_key) AS n_later
    FROM ev a LEFT JOIN ev b
      ON b.person_id = a.person_id AND b.kind = a.kind AND b.value_key <> a.value_key
     AND b.first_seen > a.last_seen AND NOT b.mailing_only
    GROUP BY ALL)
SELECT ev.*, later.n_later, a.line1, a.city, a.state, a.zip, coalesce(cl.n_persons, 1) AS n_persons,
       rank() OVER (PARTITION BY ev.person_id, ev.kind
                    ORDER BY ev.last_active DESC NULLS LAST) AS active_rank,
       rank() OVER (PARTITION BY ev.person_id, ev.kind
                    ORDER BY ev.first_seen DESC NULLS LAST) AS start_rank
FROM ev JOIN later USING (person_id, kind, value_key)
LEFT JOIN (SELECT v.person_id, 'address' AS kind, addr_key, min(addr_line) AS line1,
                  min(addr_city) AS city, min(addr_state) AS state, min(addr_zip5) AS zip
           FROM lc_persons p JOIN {PERSON_VALUES} v ON v.person_id = p.person_id
           WHERE addr_key IS NOT NULL GROUP BY ALL) a
       ON a.person_id = ev.person_id AND a.kind = ev.kind AND a.addr_key = ev.value_key
LEFT JOIN {CONTACT_LINKS} cl ON cl.kind = ev.kind AND cl.value_key = ev.value_key
ORDER BY ev.person_id, ev.kind, ev.value_key
"""

_FLAGS_SQL = f"""
SELECT p.person_id,
       bool_or(v.data_class = 'death_master') AS deceased,
       max(v.event_date) FILTER (WHERE v.data_class = 'death_master') AS deceased_date,
       bool_or(v.case_type = 'bankruptcy') AS bankruptcy
FROM lc_persons p JOIN {PERSON_VALUES} v ON v.person_id = p.person_id
GROUP BY p.person_id ORDER BY p.person_id
"""


_NAMES_SQL = f"""
SELECT person_id, list(name ORDER BY n DESC, name) AS names FROM (
    SELECT v.person_id, concat_ws(' ', first_name, middle_name, last_name, suffix) AS name,
           count(*) AS n
    FROM lc_persons p JOIN {PERSON_VALUES} v ON v.person_id = p.person_id
    WHERE last_name IS NOT NULL
    GROUP BY ALL)
GROUP BY person_id ORDER BY person_id
"""
PRECOMPUTED = ((CONTACT_EVIDENCE, _EVIDENCE_SQL), (PERSON_FLAGS, _FLAGS_SQL),
               (PERSON_NAMES, _NAMES_SQL))  # fmt: skip
"""Index tables holding every person's evidence, flags and names, with their SQL."""
IN_LIST_LIMIT = 64
"""Up to this many persons are selected with a bound IN list (an ART index probe, see
`index.LOOKUP_INDEXES`), more by a join with a registered table."""


def source_table(catalog: Catalog | None) -> pa.Table:
    """`(source, reliability)` of every catalog source (empty without a catalog), by name."""
    sources = sorted(catalog.sources if catalog is not None else (), key=lambda s: s.name)
    return pa.table(
        {
            "source": pa.array([s.name for s in sources], pa.string()),
            "reliability": pa.array([s.reliability for s in sources], pa.float64()),
        }
    )


def store_as_of(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The store's reference date: its latest reported date (never the wall clock)."""
    ((latest,),) = con.execute(
        "SELECT greatest(max(first_seen), max(last_seen), max(end_date)) FROM contacts"
    ).fetchall()
    return latest or dt.date(1970, 1, 1)


def materialize_evidence(con: duckdb.DuckDBPyConnection, sources: pa.Table) -> None:
    """(Re)create the `PRECOMPUTED` tables for every person of the index, one batch of
    persons per statement (`tables.person_batches`)."""
    con.register("lc_sources", sources)
    try:
        for i, persons in enumerate(person_batches(con)):
            con.register("lc_persons", persons)
            for table, sql in PRECOMPUTED:
                con.execute(f"{batch_head(table, i)} {sql}")
    finally:
        con.unregister("lc_persons")
        con.unregister("lc_sources")


def _select(
    con: duckdb.DuckDBPyConnection,
    person_ids: list[str],
    sources: pa.Table,
    precomputed: bool,
    parts: tuple[tuple[str, str], ...],
) -> tuple[pa.Table, ...]:
    """The rows of `person_ids` of each (table, SQL) part: from the table when
    `precomputed`, else computed by the SQL; sorted by person (evidence: kind, key)."""
    order = {CONTACT_EVIDENCE: "person_id, kind, value_key"}
    if precomputed and 0 < len(person_ids) <= IN_LIST_LIMIT:
        marks = ", ".join("?" * len(person_ids))
        return tuple(
            con.sql(
                f"SELECT * FROM {table} WHERE person_id IN ({marks}) "
                f"ORDER BY {order.get(table, 'person_id')}",
                params=person_ids,
            ).to_arrow_table()
            for table, _ in parts
        )
    con.register("lc_persons", pa.table({"person_id": pa.array(person_ids, pa.string())}))
    con.register("lc_sources", sources)
    try:
        if not precomputed:
            return tuple(con.sql(sql).to_arrow_table() for _, sql in parts)
        return tuple(
            con.sql(
                f"SELECT t.* FROM {table} t JOIN lc_persons p ON p.person_id = t.person_id "
                f"ORDER BY {order.get(table, 'person_id')}"
            ).to_arrow_table()
            for table, _ in parts
        )
    finally:
        con.unregister("lc_persons")
        con.unregister("lc_sources")


def contact_evidence(
    con: duckdb.DuckDBPyConnection,
    person_ids: list[str],
    sources: pa.Table,
    precomputed: bool = False,
) -> tuple[pa.Table, pa.Table]:
    """Evidence rows of every contact of `person_ids` and per-person deceased/bankruptcy
    flags, sorted by person. With `precomputed`, the rows come from the index tables (whose
    evidence used `sources`); otherwise they are computed with `sources`."""
    evidence, flags = _select(con, sorted(set(person_ids)), sources, precomputed, PRECOMPUTED[:2])
    return evidence, flags


def contact_evidence_only(
    con: duckdb.DuckDBPyConnection,
    person_ids: list[str],
    sources: pa.Table,
    precomputed: bool = False,
) -> pa.Table:
    """The evidence rows of `contact_evidence` without the flags (one select fewer)."""
    (evidence,) = _select(con, sorted(set(person_ids)), sources, precomputed, PRECOMPUTED[:1])
    return evidence


def person_names(
    con: duckdb.DuckDBPyConnection,
    person_ids: list[str],
    sources: pa.Table,
    precomputed: bool = False,
) -> dict[str, list[str]]:
    """person_id -> every name reported for the person, most frequent first (AKAs)."""
    (names,) = _select(con, sorted(set(person_ids)), sources, precomputed, PRECOMPUTED[2:])
    return dict(zip(names["person_id"].to_pylist(), names["names"].to_pylist(), strict=True))
