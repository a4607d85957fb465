"""Mapping: a chunk of source columns -> normalized canonical field values, per row.

Applies the catalog's value maps and date formats, assembles composite fields (split name
and address columns), splits multi-party names, and records every value that could not be
normalized as a field-level problem instead of failing the row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from skiptrace.ingest.catalog import ADDRESS_FIELDS, DATE_FIELDS, FieldSpec, Source
from skiptrace.ingest.readers import Chunk
from skiptrace.ingest.redact import redact_value
from skiptrace.normalize import normalize_name_parts
from skiptrace.normalize.batch import apply_each, encode, encode_address_columns, encode_column

TEXT_FIELDS = frozenset({"phone_type", "status", "case_type", "record_id"})


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """A value that could not be used; ``index`` is the row's position in the chunk."""

    index: int
    field: str
    reason: str
    raw: str


@dataclass(slots=True)
class Encoded:
    """A column of a chunk in encoded form: row ``i`` holds ``values[index[i]]``."""

    values: list[Any]
    index: np.ndarray

    def map(self, fn: Callable[[Any], Any]) -> Encoded:
        """The same rows with ``fn`` applied to each distinct value."""
        return Encoded([fn(v) for v in self.values], self.index)


@dataclass(slots=True)
class PartyValues:
    """One party block's values; ``names`` holds a tuple of persons per distinct value."""

    role: str
    names: Encoded
    dob: Encoded | None
    ssn: Encoded | None
    birth_year: Encoded | None


@dataclass(slots=True)
class MappedChunk:
    """Normalized values of a chunk, encoded per column, aligned with ``row_numbers``.

    Phones and e-mails hold a tuple of usable values per row (every column of the field).
    """

    row_numbers: list[int]
    parties: list[PartyValues]
    values: dict[str, Encoded]
    problems: list[FieldProblem]


def _value_map(spec: FieldSpec) -> Callable[[str | None], str | None]:
    """The field's value map (exact, then case-insensitive) as a function of a raw value."""
    table = dict(spec.values)
    folded = {k.strip().upper(): v for k, v in spec.values}

    def lookup(raw: str | None) -> str | None:
        if raw is None:
            return None
        text = raw.strip()
        return table.get(text, folded.get(text.upper(), raw))

    return lookup


def _joined(raw: Any) -> str:
    return raw if isinstance(raw, str) else " ".join(filter(None, raw))


class _Mapper:
    def __init__(self, source: Source, chunk: Chunk) -> None:
        self.source = source
        self.chunk = chunk
        self.problems: list[FieldProblem] = []

    def raw(self, spec: FieldSpec, column: str | None = None) -> Encoded:
        """A column's distinct raw values (after the field's value map) and row indices."""
        raws = Encoded(*encode(self.chunk.columns[column or spec.column or ""]))
        return raws.map(_value_map(spec)) if spec.values else raws

    def note(
        self,
        spec: FieldSpec,
        raw_of: Callable[[int], Any],
        results: Sequence[Any],
        index: np.ndarray,
    ) -> None:
        """Record a problem for each row whose non-empty value the normalizer rejected.

        Row ``i`` has result ``results[index[i]]``; ``raw_of(i)`` is its raw value (or parts).
        """
        bad = [r is not None and not r.ok and r.error != "empty" for r in results]
        if not any(bad):
            return
        for i in np.flatnonzero(np.asarray(bad)[index]).tolist():
            result = results[index[i]]
            raw = redact_value(spec.name, _joined(raw_of(i)))
            self.problems.append(FieldProblem(i, spec.name, result.error or "invalid", raw))

    def normalized(self, kind: str, spec: FieldSpec, **options: Any) -> tuple[Encoded, Encoded]:
        """(raw values, normalized values), one normalizer call per distinct raw value."""
        raws = self.raw(spec)
        results, index = encode_column(kind, raws.values, **options)
        return raws, Encoded(results, index[raws.index])

    def names(self, spec: FieldSpec) -> Encoded:
        if spec.parts:
            parts = [p for p, _ in spec.parts]
            distinct, index = encode(
                zip(*(self.chunk.columns[c] for _, c in spec.parts), strict=True)
            )

            def one(k: tuple[str | None, ...]) -> tuple[Any, ...]:
                return (normalize_name_parts(**dict(zip(parts, k, strict=True))),)

            return Encoded(apply_each(one, distinct), index)
        if spec.format == "multi_party":
            return self.normalized("parties", spec, fmt="multi_party")[1]
        return self.normalized("name", spec, fmt=spec.format)[1].map(lambda n: (n,))

    def dates(self, spec: FieldSpec) -> Encoded:
        fmt = spec.date_format or self.source.file.date_format
        return self.simple("date", spec, formats=(fmt,) if fmt else None)

    def simple(self, kind: str, spec: FieldSpec, **options: Any) -> Encoded:
        raws, results = self.normalized(kind, spec, **options)
        self.note(spec, _row_values(raws), results.values, results.index)
        return results

    def address(self, spec: FieldSpec) -> Encoded:
        if not spec.parts:
            return self.simple("address", spec)
        columns = {part: self.chunk.columns[c] for part, c in spec.parts}
        results, index = encode_address_columns(**columns)

        def keys(i: int) -> tuple[str | None, ...]:
            return tuple(column[i] for column in columns.values())

        if "line1" in columns:
            self.note(spec, keys, results, index)
        else:  # a locality-only address (e.g. ZIP of last residence): no street is expected
            self.note(spec, keys, [r if r.error != "no_street" else None for r in results], index)
        return Encoded(results, index)

    def multi(self, kind: str, spec: FieldSpec) -> Encoded:
        """Phones or e-mails: every column of the field, several numbers per value allowed."""
        per_column: list[Encoded] = []
        for column in (spec.column, *spec.columns) if spec.column else spec.columns:
            raws = self.raw(spec, column)
            results, index = encode_column("phones" if kind == "phone" else kind, raws.values)
            if kind == "phone":
                first_bad = [next((p for p in found if not p.ok), None) for found in results]
                self.note(spec, _row_values(raws), first_bad, index[raws.index])
                usable = [tuple(p for p in found if p.ok) for found in results]
            else:
                self.note(spec, _row_values(raws), results, index[raws.index])
                usable = [(r,) if r.ok else () for r in results]
            per_column.append(Encoded(usable, index[raws.index]))
        if len(per_column) == 1:
            return per_column[0]
        combos, index = encode(zip(*(c.index.tolist() for c in per_column), strict=True))
        values = [
            sum((c.values[k] for c, k in zip(per_column, combo, strict=True)), ())
            for combo in combos
        ]
        return Encoded(values, index)

    def text(self, spec: FieldSpec) -> Encoded:
        return self.raw(spec).map(lambda v: v.strip() or None if v is not None else None)

    def birth_year(self, spec: FieldSpec) -> Encoded:
        raws = self.raw(spec)
        years: list[int | None] = []
        bad: list[str | None] = []
        for raw in raws.values:
            text = (raw or "").strip()
            year = int(text) if text.isdigit() and len(text) == 4 else None
            invalid = bool(text) and (year is None or not 1850 <= year <= 2100)
            years.append(None if invalid else year)
            bad.append(text if invalid else None)
        if any(b is not None for b in bad):
            for i in np.flatnonzero(np.asarray([b is not None for b in bad])[raws.index]):
                text = bad[raws.index[i]] or ""
                self.problems.append(
                    FieldProblem(int(i), spec.name, "unparseable", redact_value("dob", text))
                )
        return Encoded(years, raws.index)

    def field(self, spec: FieldSpec) -> Encoded:
        name = spec.name
        if name in DATE_FIELDS:
            return self.dates(spec)
        if name in ADDRESS_FIELDS:
            return self.address(spec)
        if name in ("phone", "email"):
            return self.multi(name, spec)
        if name in TEXT_FIELDS:
            return self.text(spec)
        if name == "birth_year":
            return self.birth_year(spec)
        return self.simple(name, spec)


def _row_values(encoded: Encoded) -> Callable[[int], Any]:
    """Row ``i``'s value of an encoded column."""
    return lambda i: encoded.values[encoded.index[i]]


def map_chunk(source: Source, chunk: Chunk) -> MappedChunk:
    """Normalize every catalog field of ``chunk``; unusable values become problems."""
    mapper = _Mapper(source, chunk)
    parties = []
    for party in source.parties:
        specs = {f.name: f for f in party.fields}
        parties.append(
            PartyValues(
                role=party.role,
                names=mapper.names(specs["name"]),
                dob=mapper.field(specs["dob"]) if "dob" in specs else None,
                ssn=mapper.field(specs["ssn"]) if "ssn" in specs else None,
                birth_year=mapper.field(specs["birth_year"]) if "birth_year" in specs else None,
            )
        )
    values = {spec.name: mapper.field(spec) for spec in source.fields}
    if chunk.value_problems:
        index = {n: i for i, n in enumerate(chunk.row_numbers)}
        for problem in chunk.value_problems:
            for spec in (*(f for p in source.parties for f in p.fields), *source.fields):
                if problem.column in spec.source_columns:
                    raw = redact_value(spec.name, problem.raw)
                    mapper.problems.append(
                        FieldProblem(index[problem.row_number], spec.name, problem.reason, raw)
                    )
    return MappedChunk(chunk.row_numbers, parties, values, mapper.problems)
