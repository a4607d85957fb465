"""Observations: normalized chunk values -> Arrow tables of observations and rejects.

One observation per person a row mentions (party blocks in catalog order, persons of a
multi-party name left to right). A row that names nobody usable is a reject; a bad
secondary value is a field-level reject only. Contact facts are built in ``contacts``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from skiptrace.ingest.catalog import Source
from skiptrace.ingest.contacts import ADDRESS_ORDER, contacts_table, line_types, to_date
from skiptrace.ingest.mapping import MappedChunk
from skiptrace.ingest.readers import Chunk
from skiptrace.ingest.redact import scrub_text

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


@dataclass(slots=True)
class ChunkTables:
    """What one chunk contributes to the store, with its accounting."""

    observations: pa.Table
    contacts: pa.Table
    rejects: pa.Table
    rows_ingested: int
    rows_rejected: int
    reject_reasons: dict[str, int]
    field_problems: dict[str, int]


def file_id_for(source: str, sha256: str) -> int:
    """Stable 63-bit id of a file's content as ingested for ``source``."""
    digest = hashlib.blake2b(f"{source}\0{sha256}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser over uint64 arrays (wrapping arithmetic)."""
    x = x ^ (x >> np.uint64(30))
    x = (x * np.uint64(0xBF58476D1CE4E5B9)) & _MASK64
    x = x ^ (x >> np.uint64(27))
    x = (x * np.uint64(0x94D049BB133111EB)) & _MASK64
    return x ^ (x >> np.uint64(31))


def obs_ids(file_id: int, row_numbers: list[int], party_index: list[int]) -> np.ndarray:
    """Stable observation ids derived from (file content id, row number, party index)."""
    rows = np.asarray(row_numbers, dtype=np.uint64)
    parties = np.asarray(party_index, dtype=np.uint64)
    seed = _mix(np.full(len(rows), file_id, dtype=np.uint64))
    mixed = _mix(seed ^ _mix((rows << np.uint64(16)) | parties))
    return (mixed >> np.uint64(1)).astype(np.int64)


def _first_ok(values: tuple[Any, ...] | None) -> Any:
    return next((v for v in values or () if v.ok), None)


def _attr(objects: list[Any], name: str) -> list[Any]:
    """``obj.name`` per object, None for missing objects and empty strings."""
    return [(getattr(o, name) or None) if o is not None else None for o in objects]


def _ok_or_none(values: list[Any] | None, n: int) -> list[Any]:
    if values is None:
        return [None] * n
    return [v if v is not None and v.ok else None for v in values]


_ADDR_ATTRS = {
    "addr_line": "line", "addr_number": "number", "addr_street": "street",
    "addr_unit": "unit", "addr_po_box": "po_box", "addr_city": "city", "addr_state": "state",
    "addr_zip5": "zip5", "addr_zip4": "zip4", "addr_key": "key",
    "addr_street_key": "street_key", "addr_timezone": "timezone",
}  # fmt: skip


class _Builder:
    def __init__(self, source: Source, file_id: int, chunk: Chunk, mapped: MappedChunk) -> None:
        self.source = source
        self.file_id = file_id
        self.chunk = chunk
        self.mapped = mapped
        self.n = len(mapped.row_numbers)
        # per observation
        self.rows: list[int] = []
        self.party_index: list[int] = []
        self.roles: list[str] = []
        self.names: list[Any] = []
        self.dobs: list[Any] = []
        self.ssns: list[Any] = []
        self.birth_years: list[int | None] = []
        # rejects
        self.rejects: list[tuple[int, str, str | None, str, str]] = []

    def expand_parties(self) -> tuple[int, int, dict[str, int]]:
        """Fill the per-observation lists; return (rows ingested, rows rejected, reasons)."""
        name_problems = {p.index: p for p in self.mapped.problems if p.field == "name"}
        reasons: dict[str, int] = {}
        ingested = 0
        for i in range(self.n):
            index = 0
            found = 0
            failed: Any = None
            for party in self.mapped.parties:
                for name in party.names[i]:
                    if not name.ok and name.error == "empty":
                        continue  # an empty name column names nobody: no party slot
                    if name.ok:
                        self.rows.append(i)
                        self.party_index.append(index)
                        self.roles.append(party.role)
                        self.names.append(name)
                        self.dobs.append(party.dob[i] if party.dob else None)
                        self.ssns.append(party.ssn[i] if party.ssn else None)
                        self.birth_years.append(party.birth_year[i] if party.birth_year else None)
                        found += 1
                    elif failed is None:
                        failed = name
                    index += 1
            problem = name_problems.get(i)
            if found:
                ingested += 1
                if failed is not None:
                    self.reject(i, "field", "name", failed.error or "unparseable", failed.raw)
                elif problem is not None:  # e.g. one party's name column had bad bytes
                    self.reject(i, "field", "name", problem.reason, problem.raw)
                continue
            if problem is not None:
                reason, raw = problem.reason, problem.raw
            elif failed is not None:
                reason, raw = failed.error or "unparseable", failed.raw
            else:
                reason, raw = "missing_name", ""
            self.reject(i, "row", "name", reason, raw)
            reasons[f"name:{reason}"] = reasons.get(f"name:{reason}", 0) + 1
        return ingested, self.n - ingested, reasons

    def reject(self, i: int, level: str, field: str | None, reason: str, raw: str) -> None:
        self.rejects.append((self.mapped.row_numbers[i], level, field, reason, scrub_text(raw)))

    def row_column(self, values: list[Any]) -> list[Any]:
        return [values[i] for i in self.rows]

    def observations(self, ids: np.ndarray) -> pa.Table:
        values = self.mapped.values
        n = self.n
        primary: list[Any] = [None] * n
        for field in reversed(ADDRESS_ORDER):  # partial (locality-only) ones first, then usable
            for i, addr in enumerate(values.get(field) or ()):
                if addr.zip5 and not addr.ok and (primary[i] is None or not primary[i].ok):
                    primary[i] = addr
        for field in reversed(ADDRESS_ORDER):
            for i, addr in enumerate(_ok_or_none(values.get(field), n)):
                if addr is not None:
                    primary[i] = addr
        addrs = self.row_column(primary)
        phones = self.row_column([_first_ok(p) for p in values.get("phone", [()] * n)])
        emails = self.row_column([_first_ok(e) for e in values.get("email", [()] * n)])
        employers = self.row_column(_ok_or_none(values.get("employer"), n))
        dobs = [d if d is not None and d.ok else None for d in self.dobs]
        ssns = [s if s is not None and s.ok else None for s in self.ssns]
        names = self.names
        columns: dict[str, Any] = {
            "obs_id": pa.array(ids, pa.int64()),
            "source": [self.source.name] * len(ids),
            "file_id": pa.array([self.file_id] * len(ids), pa.int64()),
            "row_number": pa.array(self.row_column(self.mapped.row_numbers), pa.int64()),
            "party_index": pa.array(self.party_index, pa.int32()),
            "role": self.roles,
            "data_class": [self.source.data_class] * len(ids),
            "record_id": self.row_column(values.get("record_id", [None] * n)),
            "name": _attr(names, "canonical"),
            "name_prefix": _attr(names, "prefix"),
            "first_name": _attr(names, "first"),
            "middle_name": _attr(names, "middle"),
            "last_name": _attr(names, "last"),
            "name_suffix": _attr(names, "suffix"),
            "name_key": _attr(names, "key"),
            "first_keys": pa.array([sorted(n.first_keys) for n in names], pa.list_(pa.string())),
            "first_phonetic": _attr(names, "first_phonetic"),
            "last_phonetic": _attr(names, "last_phonetic"),
            "dob": pa.array([to_date(d) for d in dobs], pa.date32()),
            "dob_precision": _attr(dobs, "precision"),
            "birth_year": pa.array(
                [y or (d.year if d else None) for y, d in zip(self.birth_years, dobs, strict=True)],
                pa.int16(),
            ),
            "ssn": _attr(ssns, "digits"),
            "ssn_last4": _attr(ssns, "last4"),
            "ssn_valid": pa.array([s.valid if s else None for s in ssns], pa.bool_()),
            "ssn_flags": pa.array(
                [list(s.flags) if s else None for s in ssns], pa.list_(pa.string())
            ),
        }
        for column, attr in _ADDR_ATTRS.items():
            columns[column] = _attr(addrs, attr)
        columns["addr_is_po_box"] = pa.array(
            [a.is_po_box if a else None for a in addrs], pa.bool_()
        )
        columns["phone"] = _attr(phones, "e164")
        columns["phone_type"] = self.row_column(line_types(values, n))
        columns["email"] = _attr(emails, "address")
        columns["email_key"] = _attr(emails, "key")
        columns["employer"] = _attr(employers, "canonical")
        columns["employer_key"] = _attr(employers, "key")
        for field in ("first_seen", "last_seen", "end_date", "event_date"):
            dates = [to_date(d) for d in values.get(field, [None] * n)]
            columns[field] = pa.array(self.row_column(dates), pa.date32())
        for field in ("status", "case_type"):
            columns[field] = self.row_column(values.get(field, [None] * n))
        return pa.table(
            {
                k: v if isinstance(v, pa.Array) else pa.array(v, pa.string())
                for k, v in columns.items()
            }
        )

    def reject_table(self) -> pa.Table:
        for problem in self.chunk.row_problems:
            self.rejects.append((problem.row_number, "row", None, problem.reason, problem.raw))
        for problem in self.mapped.problems:
            if problem.field != "name":
                self.reject(problem.index, "field", problem.field, problem.reason, problem.raw)
        cols = list(zip(*self.rejects, strict=True)) if self.rejects else [()] * 5
        m = len(self.rejects)
        return pa.table(
            {
                "source": pa.array([self.source.name] * m, pa.string()),
                "file_id": pa.array([self.file_id] * m, pa.int64()),
                "row_number": pa.array(cols[0], pa.int64()),
                "level": pa.array(cols[1], pa.string()),
                "field": pa.array(cols[2], pa.string()),
                "reason": pa.array(cols[3], pa.string()),
                "raw": pa.array(cols[4], pa.string()),
            }
        )


def build_tables(source: Source, file_id: int, chunk: Chunk, mapped: MappedChunk) -> ChunkTables:
    """Turn one mapped chunk into observation, contact and reject tables plus its accounting."""
    builder = _Builder(source, file_id, chunk, mapped)
    ingested, rejected, reasons = builder.expand_parties()
    numbers = mapped.row_numbers
    ids = obs_ids(file_id, [numbers[i] for i in builder.rows], builder.party_index)
    observations = builder.observations(ids)
    contacts = contacts_table(
        source, file_id, mapped.values, builder.n, builder.rows, builder.roles, ids
    )
    rejects = builder.reject_table()
    for problem in chunk.row_problems:
        reasons[problem.reason] = reasons.get(problem.reason, 0) + 1
    fields: dict[str, int] = {}
    for _, level, field, reason, _ in builder.rejects:
        if level == "field":
            fields[f"{field}:{reason}"] = fields.get(f"{field}:{reason}", 0) + 1
    rejected += len(chunk.row_problems)
    return ChunkTables(observations, contacts, rejects, ingested, rejected, reasons, fields)
