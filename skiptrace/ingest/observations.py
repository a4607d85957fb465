"""Observations: normalized chunk values -> Arrow tables of observations and rejects.

One observation per person a row mentions (party blocks in catalog order, persons of a
multi-party name left to right). A row that names nobody usable is a reject; a bad
secondary value is a field-level reject only. Contact facts are built in ``contacts``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from skiptrace.ingest.catalog import Source
from skiptrace.ingest.contacts import (
    ADDRESS_ORDER,
    SUPERSEDED_ROLES,
    contacts_table,
    line_types,
    row_column,
    take,
    to_date,
)
from skiptrace.ingest.mapping import Encoded, MappedChunk
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
    cpu_seconds: float = 0.0
    """CPU time spent making these tables (set by the ingest's chunk processing)."""
    normalize_seconds: float = 0.0
    """The part of ``cpu_seconds`` spent in the normalizers."""


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


def obs_ids(file_id: int, row_numbers: Any, party_index: Any) -> np.ndarray:
    """Stable observation ids derived from (file content id, row number, party index)."""
    rows = np.asarray(row_numbers, dtype=np.uint64)
    parties = np.asarray(party_index, dtype=np.uint64)
    seed = _mix(np.full(len(rows), file_id, dtype=np.uint64))
    mixed = _mix(seed ^ _mix((rows << np.uint64(16)) | parties))
    return (mixed >> np.uint64(1)).astype(np.int64)


def _strings(objects: list[Any], attrs: dict[str, str]) -> dict[str, pa.Array]:
    """String attributes of objects (None entries allowed) as Arrow columns; "" becomes null."""
    get = attrgetter(*attrs.values())
    if len(attrs) == 1:
        columns: list[Any] = [[get(o) if o is not None else None for o in objects]]
    else:
        empty = (None,) * len(attrs)
        rows = [get(o) if o is not None else empty for o in objects]
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(attrs)
    null = pa.scalar(None, pa.string())
    out = {}
    for name, values in zip(attrs, columns, strict=True):
        array = pa.array(values, pa.string())
        out[name] = pc.if_else(pc.equal(array, ""), null, array)
    return out


_NAME_ATTRS = {
    "name": "canonical", "name_prefix": "prefix", "first_name": "first",
    "middle_name": "middle", "last_name": "last", "name_suffix": "suffix", "name_key": "key",
    "first_phonetic": "first_phonetic", "last_phonetic": "last_phonetic",
}  # fmt: skip
_ADDR_ATTRS = {
    "addr_line": "line", "addr_number": "number", "addr_street": "street",
    "addr_unit": "unit", "addr_po_box": "po_box", "addr_city": "city", "addr_state": "state",
    "addr_zip5": "zip5", "addr_zip4": "zip4", "addr_key": "key",
    "addr_street_key": "street_key", "addr_timezone": "timezone",
}  # fmt: skip
_EMPTY = np.zeros(0, dtype=np.intp)


def _ok(value: Any) -> Any:
    return value if value is not None and value.ok else None


def _first(values: tuple[Any, ...]) -> Any:
    return values[0] if values else None


def _concat(
    encodings: list[Encoded | None], rows: list[np.ndarray]
) -> tuple[list[Any], np.ndarray]:
    """Distinct values of several encodings, and per (encoding, rows) group the value ids.

    A missing encoding gives None (the last value) for its rows.
    """
    values: list[Any] = []
    ids = [_EMPTY]
    for encoded, picked in zip(encodings, rows, strict=True):
        if encoded is None:
            ids.append(np.full(len(picked), -1, dtype=np.intp))
        else:
            ids.append(encoded.index[picked] + len(values))
            values.extend(encoded.values)
    values.append(None)
    return values, np.where((joined := np.concatenate(ids)) < 0, len(values) - 1, joined)


class _Builder:
    def __init__(self, source: Source, file_id: int, chunk: Chunk, mapped: MappedChunk) -> None:
        self.source = source
        self.file_id = file_id
        self.chunk = chunk
        self.mapped = mapped
        self.n = len(mapped.row_numbers)
        # per observation, in (row, party block, person) order
        self.rows = _EMPTY
        self.party_index = _EMPTY
        self.block = _EMPTY
        self.names: list[Any] = []
        self.name_ids = _EMPTY
        self.block_rows: list[np.ndarray] = []  # per block: the rows of its observations
        self.order = _EMPTY  # block-major observation order -> row order
        # rejects
        self.rejects: list[tuple[int, str, str | None, str, str]] = []

    def expand_parties(self) -> tuple[int, int, dict[str, int]]:
        """Lay out the observations; return (rows ingested, rows rejected, reasons)."""
        n = self.n
        rows, slots, name_ids, blocks = [], [], [], []
        slot_base = np.zeros(n, dtype=np.intp)
        found = np.zeros(n, dtype=np.intp)
        failing: list[tuple[list[Any], np.ndarray]] = []  # per block: first failed name
        for b, party in enumerate(self.mapped.parties):
            encoded = party.names
            base = len(self.names)
            n_distinct = len(encoded.values)
            starts = np.zeros(n_distinct, dtype=np.intp)
            n_ok = np.zeros(n_distinct, dtype=np.intp)
            n_slots = np.zeros(n_distinct, dtype=np.intp)
            slot_of: list[int] = []
            failed: list[Any] = []
            for d, persons in enumerate(encoded.values):
                starts[d] = len(self.names) - base
                slot = 0
                first_failed = None
                for name in persons:
                    if not name.ok and name.error == "empty":
                        continue  # an empty name column names nobody: no party slot
                    if name.ok:
                        self.names.append(name)
                        slot_of.append(slot)
                    elif first_failed is None:
                        first_failed = name
                    slot += 1
                n_ok[d] = len(self.names) - base - starts[d]
                n_slots[d] = slot
                failed.append(first_failed)
            index = encoded.index
            per_row = n_ok[index]
            block_rows = np.repeat(np.arange(n), per_row)
            k = np.arange(len(block_rows)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
            item = starts[index[block_rows]] + k
            rows.append(block_rows)
            slots.append(slot_base[block_rows] + np.asarray(slot_of, dtype=np.intp)[item])
            name_ids.append(item + base)
            blocks.append(np.full(len(block_rows), b, dtype=np.intp))
            self.block_rows.append(block_rows)
            slot_base += n_slots[index]
            found += per_row
            failing.append((failed, index))
        all_rows = np.concatenate(rows) if rows else _EMPTY
        self.order = np.argsort(all_rows, kind="stable")
        self.rows = all_rows[self.order]
        self.party_index = np.concatenate(slots)[self.order] if slots else _EMPTY
        self.name_ids = np.concatenate(name_ids)[self.order] if name_ids else _EMPTY
        self.block = np.concatenate(blocks)[self.order] if blocks else _EMPTY
        return self._name_rejects(found, failing)

    def _name_rejects(
        self, found: np.ndarray, failing: list[tuple[list[Any], np.ndarray]]
    ) -> tuple[int, int, dict[str, int]]:
        """Row rejects (nobody usable named) and field rejects (one bad name of several)."""
        name_problems = {p.index: p for p in self.mapped.problems if p.field == "name"}
        attention = found == 0
        for failed, index in failing:
            has_failed = np.fromiter((f is not None for f in failed), bool, len(failed))
            if len(has_failed):
                attention |= has_failed[index]
        reasons: dict[str, int] = {}
        for i in sorted({*np.flatnonzero(attention).tolist(), *name_problems}):
            failed = next((f[x[i]] for f, x in failing if f[x[i]] is not None), None)
            problem = name_problems.get(i)
            if found[i]:
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
        ingested = int(np.count_nonzero(found))
        return ingested, self.n - ingested, reasons

    def reject(self, i: int, level: str, field: str | None, reason: str, raw: str) -> None:
        self.rejects.append((self.mapped.row_numbers[i], level, field, reason, scrub_text(raw)))

    def party_values(self, field: str) -> tuple[list[Any], np.ndarray]:
        """A party-level field per observation: distinct values and each observation's id."""
        encodings = [getattr(party, field) for party in self.mapped.parties]
        values, ids = _concat(encodings, self.block_rows)
        return values, ids[self.order]

    def primary_addresses(self) -> tuple[list[Any], np.ndarray]:
        """Per row: the first usable address field, else the first with a ZIP, else None."""
        fields = [f for f in ADDRESS_ORDER if f in self.mapped.values]
        encodings = [self.mapped.values[f] for f in fields]
        every = np.arange(self.n)
        values, ids = _concat(encodings, [every] * len(fields))
        choice = np.full(self.n, len(values) - 1, dtype=np.intp)
        ok = np.fromiter((a is not None and a.ok for a in values), bool, len(values))
        partial = np.fromiter(
            (a is not None and bool(a.zip5) and not a.ok for a in values), bool, len(values)
        )
        per_field = ids.reshape(len(fields), self.n) if fields else ids.reshape(0, self.n)
        for usable in (partial, ok):
            for field_ids in per_field[::-1]:  # the first field in priority order wins
                picked = usable[field_ids]
                choice[picked] = field_ids[picked]
        return values, choice

    def observations(self, ids: np.ndarray) -> pa.Table:
        values = self.mapped.values
        n, m, rows = self.n, len(ids), self.rows
        names = _strings(self.names, _NAME_ATTRS)
        dobs, dob_ids = self.party_values("dob")
        dobs = [_ok(d) for d in dobs]
        ssns, ssn_ids = self.party_values("ssn")
        ssns = [_ok(s) for s in ssns]
        years, year_ids = self.party_values("birth_year")
        dob_years = take([d.year if d else None for d in dobs], dob_ids, pa.int16())
        columns: dict[str, Any] = {
            "obs_id": pa.array(ids, pa.int64()),
            "source": pa.repeat(pa.scalar(self.source.name), m),
            "file_id": pa.array(np.full(m, self.file_id, dtype=np.int64)),
            "row_number": pa.array(np.asarray(self.mapped.row_numbers, np.int64)[rows]),
            "party_index": pa.array(self.party_index.astype(np.int32)),
            "role": take([p.role for p in self.mapped.parties], self.block, pa.string()),
            "data_class": pa.repeat(pa.scalar(self.source.data_class), m),
            "record_id": row_column(values, "record_id", n, _same, pa.string()).take(rows),
        }
        for column in ("name", "name_prefix", "first_name", "middle_name", "last_name",
                       "name_suffix", "name_key"):  # fmt: skip
            columns[column] = names[column].take(self.name_ids)
        columns["first_keys"] = take(
            [sorted(x.first_keys) for x in self.names], self.name_ids, pa.list_(pa.string())
        )
        for column in ("first_phonetic", "last_phonetic"):
            columns[column] = names[column].take(self.name_ids)
        columns["dob"] = take([to_date(d) for d in dobs], dob_ids, pa.date32())
        columns["dob_precision"] = _strings(dobs, {"p": "precision"})["p"].take(dob_ids)
        columns["birth_year"] = pc.coalesce(take(years, year_ids, pa.int16()), dob_years)
        ssn_strings = _strings(ssns, {"ssn": "digits", "ssn_last4": "last4"})
        columns["ssn"] = ssn_strings["ssn"].take(ssn_ids)
        columns["ssn_last4"] = ssn_strings["ssn_last4"].take(ssn_ids)
        columns["ssn_valid"] = take([s.valid if s else None for s in ssns], ssn_ids, pa.bool_())
        columns["ssn_flags"] = take(
            [list(s.flags) if s else None for s in ssns], ssn_ids, pa.list_(pa.string())
        )
        addrs, addr_ids = self.primary_addresses()
        addr_ids = addr_ids[rows]
        for column, array in _strings(addrs, _ADDR_ATTRS).items():
            columns[column] = array.take(addr_ids)
        columns["addr_is_po_box"] = take(
            [a.is_po_box if a else None for a in addrs], addr_ids, pa.bool_()
        )
        phone = row_column(values, "phone", n, _first, pa.string(), attr="e164")
        columns["phone"] = phone.take(rows)
        columns["phone_type"] = line_types(values, n).take(rows)
        for column, attr in (("email", "address"), ("email_key", "key")):
            columns[column] = row_column(values, "email", n, _first, pa.string(), attr).take(rows)
        for column, attr in (("employer", "canonical"), ("employer_key", "key")):
            array = row_column(values, "employer", n, _ok, pa.string(), attr)
            columns[column] = array.take(rows)
        for field in ("first_seen", "last_seen", "end_date", "event_date"):
            columns[field] = row_column(values, field, n, to_date, pa.date32()).take(rows)
        for field in ("status", "case_type"):
            columns[field] = row_column(values, field, n, _same, pa.string()).take(rows)
        return pa.table(columns)

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


def _same(value: Any) -> Any:
    return value


def build_tables(source: Source, file_id: int, chunk: Chunk, mapped: MappedChunk) -> ChunkTables:
    """Turn one mapped chunk into observation, contact and reject tables plus its accounting."""
    builder = _Builder(source, file_id, chunk, mapped)
    ingested, rejected, reasons = builder.expand_parties()
    numbers = np.asarray(mapped.row_numbers, dtype=np.int64)
    ids = obs_ids(file_id, numbers[builder.rows], builder.party_index)
    observations = builder.observations(ids)
    superseded = np.array([p.role in SUPERSEDED_ROLES for p in mapped.parties], dtype=bool)
    contacts = contacts_table(
        source,
        file_id,
        mapped.values,
        builder.n,
        builder.rows,
        superseded[builder.block],
        ids,
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
