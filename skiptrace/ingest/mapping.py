"""Mapping: a chunk of source columns -> normalized canonical field values, per row.

Applies the catalog's value maps and date formats, assembles composite fields (split name
and address columns), splits multi-party names, and records every value that could not be
normalized as a field-level problem instead of failing the row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from skiptrace.ingest.catalog import ADDRESS_FIELDS, DATE_FIELDS, FieldSpec, Source
from skiptrace.ingest.readers import Chunk
from skiptrace.ingest.redact import redact_value
from skiptrace.normalize import normalize_address_columns, normalize_column, normalize_name_parts

TEXT_FIELDS = frozenset({"phone_type", "status", "case_type", "record_id"})


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """A value that could not be used; ``index`` is the row's position in the chunk."""

    index: int
    field: str
    reason: str
    raw: str


@dataclass(slots=True)
class PartyValues:
    """One party block's values per row; ``names[i]`` holds the persons of row ``i``."""

    role: str
    names: list[tuple[Any, ...]]
    dob: list[Any] | None
    ssn: list[Any] | None
    birth_year: list[int | None] | None


@dataclass(slots=True)
class MappedChunk:
    """Normalized values of a chunk: per-row lists aligned with ``row_numbers``."""

    row_numbers: list[int]
    parties: list[PartyValues]
    values: dict[str, list[Any]]
    problems: list[FieldProblem]


def _distinct(fn: Callable[[Any], Any], values: Sequence[Any]) -> list[Any]:
    """Apply ``fn`` once per distinct value (composite keys are tuples)."""
    cache = {v: fn(v) for v in dict.fromkeys(values)}
    return [cache[v] for v in values]


def _mapped(spec: FieldSpec, values: list[str | None]) -> list[str | None]:
    """Apply the field's value map (exact, then case-insensitive) to raw values."""
    if not spec.values:
        return values
    table = dict(spec.values)
    folded = {k.strip().upper(): v for k, v in spec.values}

    def lookup(raw: str | None) -> str | None:
        if raw is None:
            return None
        text = raw.strip()
        return table.get(text, folded.get(text.upper(), raw))

    return _distinct(lookup, values)


class _Mapper:
    def __init__(self, source: Source, chunk: Chunk) -> None:
        self.source = source
        self.chunk = chunk
        self.problems: list[FieldProblem] = []

    def raw(self, spec: FieldSpec, column: str | None = None) -> list[str | None]:
        return _mapped(spec, self.chunk.columns[column or spec.column or ""])

    def note(self, spec: FieldSpec, raws: Sequence[Any], results: Sequence[Any]) -> None:
        """Record a problem for each non-empty value the normalizer rejected."""
        for i, result in enumerate(results):
            if result is not None and not result.ok and result.error != "empty":
                raw = raws[i] if isinstance(raws[i], str) else " ".join(filter(None, raws[i]))
                self.problems.append(
                    FieldProblem(
                        i, spec.name, result.error or "invalid", redact_value(spec.name, raw)
                    )
                )

    def names(self, spec: FieldSpec) -> list[tuple[Any, ...]]:
        if spec.parts:
            keys = list(zip(*(self.chunk.columns[c] for _, c in spec.parts), strict=True))
            parts = [p for p, _ in spec.parts]
            single = _distinct(
                lambda k: normalize_name_parts(**dict(zip(parts, k, strict=True))), keys
            )
            return [(n,) for n in single]
        raws = self.raw(spec)
        if spec.format == "multi_party":
            return normalize_column("parties", raws, fmt="multi_party")
        return [(n,) for n in normalize_column("name", raws, fmt=spec.format)]

    def dates(self, spec: FieldSpec) -> list[Any]:
        fmt = spec.date_format or self.source.file.date_format
        raws = self.raw(spec)
        results = normalize_column("date", raws, formats=(fmt,) if fmt else None)
        self.note(spec, raws, results)
        return results

    def simple(self, kind: str, spec: FieldSpec) -> list[Any]:
        raws = self.raw(spec)
        results = normalize_column(kind, raws)
        self.note(spec, raws, results)
        return results

    def address(self, spec: FieldSpec) -> list[Any]:
        if not spec.parts:
            return self.simple("address", spec)
        columns = {part: self.chunk.columns[c] for part, c in spec.parts}
        results = normalize_address_columns(**columns)
        keys = list(zip(*columns.values(), strict=True))
        if "line1" in columns:
            self.note(spec, keys, results)
        else:  # a locality-only address (e.g. ZIP of last residence): no street is expected
            self.note(spec, keys, [r if r.error != "no_street" else None for r in results])
        return results

    def multi(self, kind: str, spec: FieldSpec) -> list[tuple[Any, ...]]:
        """Phones or e-mails: every column of the field, several numbers per value allowed."""
        per_row: list[tuple[Any, ...]] = [() for _ in self.chunk.row_numbers]
        for column in (spec.column, *spec.columns) if spec.column else spec.columns:
            raws = self.raw(spec, column)
            results = normalize_column("phones" if kind == "phone" else kind, raws)
            if kind == "phone":
                self.note(spec, raws, [next((p for p in f if not p.ok), None) for f in results])
                results = [tuple(p for p in found if p.ok) for found in results]
            else:
                self.note(spec, raws, results)
                results = [(r,) if r.ok else () for r in results]
            per_row = [a + b for a, b in zip(per_row, results, strict=True)]
        return per_row

    def text(self, spec: FieldSpec) -> list[str | None]:
        return [v.strip() or None if v is not None else None for v in self.raw(spec)]

    def birth_year(self, spec: FieldSpec) -> list[int | None]:
        raws = self.raw(spec)
        years: list[int | None] = []
        for i, raw in enumerate(raws):
            text = (raw or "").strip()
            year = int(text) if text.isdigit() and len(text) == 4 else None
            if text and (year is None or not 1850 <= year <= 2100):
                self.problems.append(
                    FieldProblem(i, spec.name, "unparseable", redact_value("dob", text))
                )
                year = None
            years.append(year)
        return years

    def field(self, spec: FieldSpec) -> list[Any]:
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
    index = {n: i for i, n in enumerate(chunk.row_numbers)}
    for problem in chunk.value_problems:
        for spec in (*(f for p in source.parties for f in p.fields), *source.fields):
            if problem.column in spec.source_columns:
                raw = redact_value(spec.name, problem.raw)
                mapper.problems.append(
                    FieldProblem(index[problem.row_number], spec.name, problem.reason, raw)
                )
    return MappedChunk(chunk.row_numbers, parties, values, mapper.problems)
