"""Contact facts: the addresses, phones, e-mails and employers a row reports, per observation.

Each fact carries its role (residence, mailing, old, new, property, listing, work...), its
first/last seen dates and whether it has ended, so locate can rank current contact points.
The rules are documented in ``docs/catalog.md`` ("What becomes a contact fact").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from operator import attrgetter
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from skiptrace.ingest.catalog import Source
from skiptrace.ingest.mapping import Encoded

ENDED_STATUSES = frozenset(
    {"disconnected", "inactive", "closed", "terminated", "ended", "former", "moved", "cancelled"}
)
"""Status values (after the value map, case-insensitive) that mark a contact as ended."""
SUPERSEDED_ROLES = frozenset({"grantor", "seller"})
"""Party roles whose address facts end at the row's event date (they sold or left)."""
ADDRESS_ORDER = ("address", "new_address", "mailing_address", "old_address")
"""Address fields in priority order (an observation's ``addr_*`` columns use the first)."""
_ROLES = {"mailing_address": "mailing", "old_address": "old", "new_address": "new"}
_FACT_COLUMNS = {
    "kind": pa.string(), "role": pa.string(), "value_key": pa.string(),
    "display": pa.string(), "first_seen": pa.date32(), "last_seen": pa.date32(),
    "ended": pa.bool_(), "end_date": pa.date32(), "line_type": pa.string(),
    "timezones": pa.list_(pa.string()),
}  # fmt: skip
_FACT_SCHEMA = pa.schema(list(_FACT_COLUMNS.items()))
_KEY_DISPLAY = attrgetter("key", "canonical")


def to_date(value: Any) -> dt.date | None:
    """A DateValue as a date; month/year precision is stored as the first day."""
    if value is None or not value.ok or value.year is None:
        return None
    return dt.date(value.year, value.month or 1, value.day or 1)


def take(values: list[Any], index: np.ndarray, type_: pa.DataType) -> pa.Array:
    """``values[index[i]]`` for every ``i``, as an Arrow array of ``type_``."""
    return pa.array(values, type_).take(index)


def row_column(
    values: dict[str, Encoded],
    field: str,
    n: int,
    fn: Callable[[Any], Any],
    type_: pa.DataType,
    attr: str | None = None,
) -> pa.Array:
    """``fn`` of a field's value per row (null for all ``n`` rows when the field is absent).

    With ``attr``: that attribute of ``fn``'s result, empty strings and None as null.
    """
    encoded = values.get(field)
    if encoded is None:
        return pa.nulls(n, type_)
    results = [fn(v) for v in encoded.values]
    if attr is not None:
        results = [(getattr(r, attr) or None) if r is not None else None for r in results]
    return take(results, encoded.index, type_)


def line_types(values: dict[str, Encoded], n: int) -> pa.Array:
    """The (value-mapped) phone line type per row, lower case."""
    return row_column(values, "phone_type", n, lambda t: t.lower() if t else None, pa.string())


def row_dates(values: dict[str, Encoded], field: str, n: int) -> pa.Array:
    """A date field per row (null when absent or unusable)."""
    return row_column(values, field, n, to_date, pa.date32())


def _address_role(source: Source) -> str:
    for role in ("residence", "property", "mailing"):
        if role in source.asserts:
            return role
    return "reported"


def _flatten(encoded: Encoded) -> tuple[list[Any], np.ndarray, np.ndarray, np.ndarray]:
    """Tuple-valued rows -> (items of the distinct tuples, and per fact: row, item, position)."""
    items: list[Any] = []
    starts = np.zeros(len(encoded.values), dtype=np.intp)
    for d, found in enumerate(encoded.values):
        starts[d] = len(items)
        items.extend(found)
    counts = np.fromiter((len(f) for f in encoded.values), np.intp, len(encoded.values))
    per_row = counts[encoded.index]
    rows = np.repeat(np.arange(len(encoded.index)), per_row)
    position = np.arange(len(rows)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    return items, rows, starts[encoded.index[rows]] + position, position


def contact_facts(
    source: Source, values: dict[str, Encoded], n: int
) -> tuple[pa.Table, np.ndarray]:
    """One row per contact fact of a chunk's ``n`` rows, and each fact's row index."""
    first, last, end, event = (
        row_dates(values, f, n) for f in ("first_seen", "last_seen", "end_date", "event_date")
    )
    ended_status = row_column(
        values, "status", n, lambda s: (s or "").lower() in ENDED_STATUSES, pa.bool_()
    )
    ended = pc.or_(end.is_valid(), pc.fill_null(ended_status, False))
    first_or_event = pc.coalesce(first, event)
    end_or_event = pc.coalesce(end, event)
    phone_role = "listing" if "phone_listing" in source.asserts else (
        "work" if "employment" in source.asserts else "reported")  # fmt: skip
    groups: list[pa.Table] = []
    fact_rows: list[np.ndarray] = []

    def add(kind: str, role: str, items: list[Any], rows: np.ndarray, item_ids: np.ndarray,
            timezones: list[Any] | None = None, line_type: pa.Array | None = None,
            *, old: bool = False) -> None:  # fmt: skip
        m = len(rows)
        if not m:
            return
        keys, displays = zip(*map(_KEY_DISPLAY, items), strict=True) if items else ((), ())
        columns = {
            "kind": pa.repeat(pa.scalar(kind), m),
            "role": pa.repeat(pa.scalar(role), m),
            "value_key": take(list(keys), item_ids, pa.string()),
            "display": take(list(displays), item_ids, pa.string()),
            "first_seen": (first if old else first_or_event).take(rows),
            "last_seen": last.take(rows),
            "ended": pa.repeat(pa.scalar(True), m) if old else ended.take(rows),
            "end_date": (end_or_event if old else end).take(rows),
            "line_type": line_type if line_type is not None else pa.nulls(m, pa.string()),
            "timezones": take(timezones, item_ids, _FACT_COLUMNS["timezones"])
            if timezones is not None
            else pa.nulls(m, _FACT_COLUMNS["timezones"]),
        }
        groups.append(pa.Table.from_pydict(columns, schema=_FACT_SCHEMA))
        fact_rows.append(rows)

    for field in ADDRESS_ORDER:
        encoded = values.get(field)
        if encoded is None:
            continue
        role = _ROLES.get(field) or _address_role(source)
        ok = np.fromiter((a.ok for a in encoded.values), bool, len(encoded.values))
        rows = np.flatnonzero(ok[encoded.index]) if len(ok) else np.zeros(0, np.intp)
        tzs = [[a.timezone] if a.timezone else None for a in encoded.values]
        add("address", role, encoded.values, rows, encoded.index[rows], tzs, old=role == "old")
    if "phone" in values:
        items, rows, ids, position = _flatten(values["phone"])
        types = line_types(values, n).take(rows)
        line_type = pc.if_else(pa.array(position == 0), types, pa.nulls(len(rows), pa.string()))
        tzs = [list(p.timezones) or None for p in items]
        add("phone", phone_role, items, rows, ids, tzs, line_type)
    if "email" in values:
        items, rows, ids, _ = _flatten(values["email"])
        add("email", "personal", items, rows, ids)
    if "employer" in values:
        encoded = values["employer"]
        ok = np.fromiter((e.ok for e in encoded.values), bool, len(encoded.values))
        rows = np.flatnonzero(ok[encoded.index]) if len(ok) else np.zeros(0, np.intp)
        add("employer", "work", encoded.values, rows, encoded.index[rows])
    if not groups:
        return _FACT_SCHEMA.empty_table(), np.zeros(0, dtype=np.int64)
    return pa.concat_tables(groups), np.concatenate(fact_rows).astype(np.int64)


def contacts_table(
    source: Source,
    file_id: int,
    values: dict[str, Encoded],
    n: int,
    obs_rows: np.ndarray,
    superseded: np.ndarray,
    ids: np.ndarray,
) -> pa.Table:
    """Every contact fact of the chunk's ``n`` rows, once per observation of its row.

    ``obs_rows[j]`` is the row index of observation ``j`` (non-decreasing), ``ids[j]`` its id,
    ``superseded[j]`` whether its party's address facts end at the row's event date.
    """
    facts, fact_rows = contact_facts(source, values, n)
    rows = np.asarray(obs_rows, dtype=np.int64)  # non-decreasing by construction
    left = np.searchsorted(rows, fact_rows, "left")
    counts = np.searchsorted(rows, fact_rows, "right") - left
    fact_index = np.repeat(np.arange(len(fact_rows)), counts)
    obs_index = np.repeat(left - np.cumsum(counts) + counts, counts) + np.arange(len(fact_index))
    table = facts.take(pa.array(fact_index, pa.int64()))
    m = table.num_rows
    if m and superseded.any():  # a grantor's address facts end at the event date
        is_address = pc.equal(table["kind"], "address").to_numpy(zero_copy_only=False)
        mask = superseded[obs_index] & is_address
        if mask.any():
            event = row_dates(values, "event_date", n).take(rows[obs_index])
            flags = pa.array(mask)
            ended = pc.if_else(flags, True, table["ended"])
            end_date = pc.if_else(flags, pc.coalesce(table["end_date"], event), table["end_date"])
            table = table.set_column(table.schema.get_field_index("ended"), "ended", ended)
            table = table.set_column(table.schema.get_field_index("end_date"), "end_date", end_date)
    front = {
        "obs_id": pa.array(ids[obs_index] if m else [], pa.int64()),
        "file_id": pa.array(np.full(m, file_id, dtype=np.int64)),
        "source": pa.repeat(pa.scalar(source.name), m),
        "data_class": pa.repeat(pa.scalar(source.data_class), m),
    }
    return pa.table({**front, **{c: table[c] for c in table.column_names}})
