"""The source catalog: one TOML file per source, loaded and validated into typed specs.

The format is documented in ``docs/catalog.md`` and ``docs/architecture.md``. Every problem
in a catalog file raises :class:`~skiptrace.errors.ConfigError` naming the file and the key.
"""

from __future__ import annotations

import codecs
import fnmatch
import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from skiptrace.errors import ConfigError

DATA_CLASSES = frozenset(
    {
        "public_record",
        "glba",
        "dppa",
        "fcra",
        "death_master",
        "ncoa",
        "telco",
        "utility",
        "marketing",
    }
)
ASSERTS = frozenset(
    {
        "residence",
        "mailing",
        "phone_listing",
        "employment",
        "property",
        "death",
        "move",
        "court",
        "email",
    }
)
FORMATS = frozenset({"csv", "tsv", "psv", "parquet", "jsonl"})
NAME_FORMATS = frozenset({"last_first", "first_last", "multi_party", "auto"})
PARTY_FIELDS = frozenset({"name", "dob", "ssn", "birth_year"})
ROW_FIELDS = frozenset(
    {
        "address",
        "mailing_address",
        "old_address",
        "new_address",
        "phone",
        "phone_type",
        "email",
        "employer",
        "first_seen",
        "last_seen",
        "end_date",
        "event_date",
        "status",
        "case_type",
        "record_id",
    }
)
DATE_FIELDS = frozenset({"dob", "first_seen", "last_seen", "end_date", "event_date"})
ADDRESS_FIELDS = frozenset({"address", "mailing_address", "old_address", "new_address"})
NAME_PARTS = ("prefix", "first", "middle", "last", "suffix")
ADDRESS_PARTS = ("line1", "line2", "city", "state", "zip")
_FIELD_KEYS = frozenset({"column", "columns", "format", "values", "date_format"})
_FILE_KEYS = frozenset({"pattern", "format", "encoding", "header", "date_format", "columns"})
_TOP_KEYS = frozenset(
    {
        "name",
        "title",
        "data_class",
        "asserts",
        "reliability",
        "reporting_lag_days",
        "file",
        "fields",
        "parties",
    }
)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """How one canonical field is read from a source's columns.

    Either ``column`` (one column), ``columns`` (several columns holding values of the same
    kind, e.g. two phone columns) or ``parts`` (a composite split over columns, such as
    ``(("first", "FNAME"), ("last", "LNAME"))``).
    """

    name: str
    column: str | None = None
    columns: tuple[str, ...] = ()
    parts: tuple[tuple[str, str], ...] = ()
    format: str = "auto"
    values: tuple[tuple[str, str], ...] = ()
    date_format: str | None = None

    @property
    def source_columns(self) -> tuple[str, ...]:
        """Every source column this field reads."""
        single = (self.column,) if self.column else ()
        return single + self.columns + tuple(col for _, col in self.parts)


@dataclass(frozen=True, slots=True)
class PartySpec:
    """One party block: who a row is about, with its role and party-level fields."""

    role: str
    fields: tuple[FieldSpec, ...]

    def get(self, name: str) -> FieldSpec | None:
        """The party-level field ``name``, or None when the source does not carry it."""
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True, slots=True)
class FileSpec:
    """How a source's files are found and parsed."""

    patterns: tuple[str, ...]
    format: str
    encoding: str = "utf-8"
    header: bool = True
    date_format: str | None = None
    columns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Source:
    """A validated catalog entry."""

    name: str
    title: str
    data_class: str
    asserts: tuple[str, ...]
    reliability: float
    reporting_lag_days: int
    file: FileSpec
    parties: tuple[PartySpec, ...]
    fields: tuple[FieldSpec, ...]
    path: str
    fingerprint: str

    def get(self, name: str) -> FieldSpec | None:
        """The row-level field ``name``, or None when the source does not carry it."""
        return next((f for f in self.fields if f.name == name), None)

    @property
    def source_columns(self) -> tuple[str, ...]:
        """Every source column the catalog entry reads, in first-use order."""
        specs = [f for p in self.parties for f in p.fields] + list(self.fields)
        return tuple(dict.fromkeys(col for f in specs for col in f.source_columns))

    def matches(self, relative: PurePath) -> bool:
        """Whether a file (path relative to the ingested directory) belongs to this source."""
        for pattern in self.file.patterns:
            target = relative.as_posix() if "/" in pattern else relative.name
            if fnmatch.fnmatchcase(target, pattern):
                return True
        return False


def _fail(path: Path, key: str, reason: str) -> ConfigError:
    return ConfigError(f"{path}: {key}: {reason}")


def _str(path: Path, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, key, "must be a non-empty string")
    return value


def _check_keys(path: Path, key: str, table: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise _fail(path, key, f"unknown key(s) {', '.join(unknown)}")


def _parse_field(path: Path, key: str, name: str, spec: Any) -> FieldSpec:
    if isinstance(spec, str):
        spec = {"column": spec}
    if not isinstance(spec, dict):
        raise _fail(path, key, "must be a table or a column name")
    composite = NAME_PARTS if name == "name" else ADDRESS_PARTS if name in ADDRESS_FIELDS else ()
    _check_keys(path, key, spec, _FIELD_KEYS | frozenset(composite))
    parts = tuple((p, _str(path, f"{key}.{p}", spec[p])) for p in composite if p in spec)
    column = _str(path, f"{key}.column", spec["column"]) if "column" in spec else None
    columns: tuple[str, ...] = ()
    if "columns" in spec:
        raw = spec["columns"]
        if not isinstance(raw, list) or not raw:
            raise _fail(path, f"{key}.columns", "must be a non-empty list of column names")
        columns = tuple(_str(path, f"{key}.columns", c) for c in raw)
    if sum(map(bool, (column, columns, parts))) != 1:
        raise _fail(path, key, "give exactly one of column, columns or split part columns")
    if columns and name not in ("phone", "email"):
        raise _fail(path, f"{key}.columns", "only phone and email may list several columns")
    fmt = spec.get("format", "auto")
    if fmt not in NAME_FORMATS or (name != "name" and "format" in spec):
        raise _fail(path, f"{key}.format", f"must be one of {sorted(NAME_FORMATS)} on names")
    if fmt == "multi_party" and parts:
        raise _fail(path, f"{key}.format", "multi_party needs a single name column")
    values = spec.get("values", {})
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        raise _fail(path, f"{key}.values", "must be a table of strings")
    date_format = spec.get("date_format")
    if date_format is not None and (name not in DATE_FIELDS or not isinstance(date_format, str)):
        raise _fail(path, f"{key}.date_format", "only date fields take a date_format string")
    return FieldSpec(
        name=name,
        column=column,
        columns=columns,
        parts=parts,
        format=fmt,
        values=tuple(sorted(values.items())),
        date_format=date_format,
    )


def _parse_file(path: Path, raw: Any) -> FileSpec:
    if not isinstance(raw, dict):
        raise _fail(path, "file", "missing [file] table")
    _check_keys(path, "file", raw, _FILE_KEYS)
    pattern = raw.get("pattern")
    patterns = tuple(pattern) if isinstance(pattern, list) else (pattern,)
    patterns = tuple(_str(path, "file.pattern", p) for p in patterns)
    fmt = raw.get("format")
    if fmt not in FORMATS:
        raise _fail(path, "file.format", f"must be one of {sorted(FORMATS)}")
    encoding = _str(path, "file.encoding", raw.get("encoding", "utf-8"))
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise _fail(path, "file.encoding", f"unknown codec {encoding!r}") from None
    header = raw.get("header", True)
    if not isinstance(header, bool):
        raise _fail(path, "file.header", "must be true or false")
    columns = tuple(_str(path, "file.columns", c) for c in raw.get("columns", []))
    if fmt in ("csv", "tsv", "psv") and not header and not columns:
        raise _fail(path, "file.columns", "a file without a header must list its columns")
    date_format = raw.get("date_format")
    if date_format is not None and not isinstance(date_format, str):
        raise _fail(path, "file.date_format", "must be a string")
    return FileSpec(patterns, fmt, encoding, header, date_format, columns)


def _parse_parties(path: Path, doc: dict[str, Any], fields: dict[str, Any]) -> list[PartySpec]:
    party_keys = [k for k in fields if k in PARTY_FIELDS]
    blocks = doc.get("parties")
    if blocks is not None and party_keys:
        raise _fail(path, "parties", "use either [[parties]] or party fields in [fields]")
    if blocks is None:
        if "name" not in fields:
            raise _fail(path, "fields.name", "every source needs a name (or [[parties]])")
        specs = tuple(_parse_field(path, f"fields.{k}", k, fields[k]) for k in sorted(party_keys))
        return [PartySpec("subject", specs)]
    if not isinstance(blocks, list) or not blocks:
        raise _fail(path, "parties", "must be a non-empty array of tables")
    parties = []
    for i, block in enumerate(blocks):
        key = f"parties[{i}]"
        if not isinstance(block, dict):
            raise _fail(path, key, "must be a table")
        _check_keys(path, key, block, PARTY_FIELDS | {"role"})
        if "name" not in block:
            raise _fail(path, f"{key}.name", "every party needs a name")
        role = _str(path, f"{key}.role", block.get("role", "subject"))
        specs = tuple(
            _parse_field(path, f"{key}.{k}", k, block[k]) for k in sorted(PARTY_FIELDS & set(block))
        )
        parties.append(PartySpec(role, specs))
    return parties


def parse_source(path: Path) -> Source:
    """Load and validate one catalog file."""
    data = path.read_bytes()
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _fail(path, "toml", str(exc)) from None
    _check_keys(path, "top level", doc, _TOP_KEYS)
    name = _str(path, "name", doc.get("name"))
    if name != path.stem:
        raise _fail(path, "name", f"{name!r} must equal the file name stem {path.stem!r}")
    data_class = doc.get("data_class")
    if data_class not in DATA_CLASSES:
        raise _fail(path, "data_class", f"must be one of {sorted(DATA_CLASSES)}")
    asserts = doc.get("asserts", [])
    if not isinstance(asserts, list) or not asserts or not set(asserts) <= ASSERTS:
        raise _fail(path, "asserts", f"must be a non-empty list from {sorted(ASSERTS)}")
    reliability = doc.get("reliability")
    if not isinstance(reliability, int | float) or not 0 < reliability <= 1:
        raise _fail(path, "reliability", "must be a number in (0, 1]")
    lag = doc.get("reporting_lag_days", 0)
    if not isinstance(lag, int) or isinstance(lag, bool) or lag < 0:
        raise _fail(path, "reporting_lag_days", "must be a non-negative integer")
    fields = doc.get("fields", {})
    if not isinstance(fields, dict):
        raise _fail(path, "fields", "must be a table")
    unknown = sorted(set(fields) - PARTY_FIELDS - ROW_FIELDS)
    if unknown:
        raise _fail(path, "fields", f"unknown canonical field(s) {', '.join(unknown)}")
    row_fields = tuple(
        _parse_field(path, f"fields.{k}", k, v) for k, v in fields.items() if k in ROW_FIELDS
    )
    return Source(
        name=name,
        title=str(doc.get("title", name)),
        data_class=data_class,
        asserts=tuple(asserts),
        reliability=float(reliability),
        reporting_lag_days=lag,
        file=_parse_file(path, doc.get("file")),
        parties=tuple(_parse_parties(path, doc, fields)),
        fields=row_fields,
        path=str(path),
        fingerprint=hashlib.sha256(data).hexdigest(),
    )


@dataclass(frozen=True, slots=True)
class Catalog:
    """All sources of a catalog directory, in file-name order."""

    sources: tuple[Source, ...]

    def match(self, relative: PurePath) -> Source | None:
        """The one source whose pattern matches ``relative``; ConfigError when several do."""
        hits = [s for s in self.sources if s.matches(relative)]
        if len(hits) > 1:
            names = ", ".join(s.name for s in hits)
            raise ConfigError(f"{relative}: matches several catalog sources ({names})")
        return hits[0] if hits else None


def load_catalog(directory: str | Path) -> Catalog:
    """Load every ``*.toml`` file of a catalog directory."""
    root = Path(directory)
    if not root.is_dir():
        raise ConfigError(f"{root}: catalog directory not found")
    sources = tuple(parse_source(p) for p in sorted(root.glob("*.toml")))
    if not sources:
        raise ConfigError(f"{root}: no *.toml source files in the catalog directory")
    return Catalog(sources)
