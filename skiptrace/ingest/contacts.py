"""Contact facts: the addresses, phones, e-mails and employers a row reports, per observation.

Each fact carries its role (residence, mailing, old, new, property, listing, work...), its
first/last seen dates and whether it has ended, so locate can rank current contact points.
The rules are documented in ``docs/catalog.md`` ("What becomes a contact fact").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from skiptrace.ingest.catalog import Source

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


def to_date(value: Any) -> dt.date | None:
    """A DateValue as a date; month/year precision is stored as the first day."""
    if value is None or not value.ok or value.year is None:
        return None
    return dt.date(value.year, value.month or 1, value.day or 1)


def line_types(values: dict[str, list[Any]], n: int) -> list[str | None]:
    """The (value-mapped) phone line type per row, lower case."""
    return [t.lower() if t else None for t in values.get("phone_type", [None] * n)]


def _address_role(source: Source) -> str:
    for role in ("residence", "property", "mailing"):
        if role in source.asserts:
            return role
    return "reported"


def contact_facts(
    source: Source, values: dict[str, list[Any]], n: int
) -> tuple[pa.Table, np.ndarray]:
    """One row per contact fact of a chunk's ``n`` rows, and each fact's row index."""
    first, last, end, event = (
        [to_date(d) for d in values.get(f, [None] * n)]
        for f in ("first_seen", "last_seen", "end_date", "event_date")
    )
    statuses = values.get("status", [None] * n)
    ended = [e is not None or (s or "").lower() in ENDED_STATUSES
             for e, s in zip(end, statuses, strict=True)]  # fmt: skip
    phone_role = "listing" if "phone_listing" in source.asserts else (
        "work" if "employment" in source.asserts else "reported")  # fmt: skip
    types = line_types(values, n)
    rows: list[int] = []
    facts: dict[str, list[Any]] = {c: [] for c in _FACT_COLUMNS}

    def add(i: int, kind: str, role: str, value: Any, line_type: str | None = None,
            tzs: list[str] | None = None, *, old: bool = False) -> None:  # fmt: skip
        rows.append(i)
        facts["kind"].append(kind)
        facts["role"].append(role)
        facts["value_key"].append(value.key)
        facts["display"].append(value.canonical)
        facts["first_seen"].append(first[i] if old else first[i] or event[i])
        facts["last_seen"].append(last[i])
        facts["ended"].append(True if old else ended[i])  # old: left at the move
        facts["end_date"].append(end[i] or event[i] if old else end[i])
        facts["line_type"].append(line_type)
        facts["timezones"].append(tzs)

    for field in ADDRESS_ORDER:
        role = _ROLES.get(field) or _address_role(source)
        for i, addr in enumerate(values.get(field) or ()):
            if addr.ok:
                tzs = [addr.timezone] if addr.timezone else None
                add(i, "address", role, addr, None, tzs, old=role == "old")
    for i, phones in enumerate(values.get("phone") or ()):
        for k, phone in enumerate(phones):
            add(i, "phone", phone_role, phone, types[i] if k == 0 else None,
                list(phone.timezones) or None)  # fmt: skip
    for i, emails in enumerate(values.get("email") or ()):
        for email in emails:
            add(i, "email", "personal", email)
    for i, employer in enumerate(values.get("employer") or ()):
        if employer.ok:
            add(i, "employer", "work", employer)
    table = pa.table({c: pa.array(v, _FACT_COLUMNS[c]) for c, v in facts.items()})
    return table, np.asarray(rows, dtype=np.int64)


def contacts_table(
    source: Source,
    file_id: int,
    values: dict[str, list[Any]],
    n: int,
    obs_rows: list[int],
    obs_roles: list[str],
    ids: np.ndarray,
) -> pa.Table:
    """Every contact fact of the chunk's ``n`` rows, once per observation of its row.

    ``obs_rows[j]`` is the row index of observation ``j`` (non-decreasing), ``ids[j]`` its id.
    """
    facts, fact_rows = contact_facts(source, values, n)
    rows = np.asarray(obs_rows, dtype=np.int64)  # non-decreasing by construction
    left = np.searchsorted(rows, fact_rows, "left")
    counts = np.searchsorted(rows, fact_rows, "right") - left
    fact_index = np.repeat(np.arange(len(fact_rows)), counts)
    obs_index = np.repeat(left - np.cumsum(counts) + counts, counts) + np.arange(len(fact_index))
    table = facts.take(pa.array(fact_index, pa.int64()))
    superseded = np.array([r in SUPERSEDED_ROLES for r in obs_roles], dtype=bool)
    kinds = table["kind"].to_numpy(zero_copy_only=False)
    mask = superseded[obs_index] & (kinds == "address") if len(obs_index) else None
    if mask is not None and mask.any():  # a grantor's address facts end at the event date
        events = [to_date(d) for d in values.get("event_date", [None] * n)]
        event = pa.array([events[r] for r in rows[obs_index]], pa.date32())
        flags = pa.array(mask)
        ended = pc.if_else(flags, True, table["ended"])
        end_date = pc.if_else(flags, pc.coalesce(table["end_date"], event), table["end_date"])
        table = table.set_column(table.schema.get_field_index("ended"), "ended", ended)
        table = table.set_column(table.schema.get_field_index("end_date"), "end_date", end_date)
    m = table.num_rows
    front = {
        "obs_id": pa.array(ids[obs_index] if m else [], pa.int64()),
        "file_id": pa.array(np.full(m, file_id, dtype=np.int64)),
        "source": pa.array([source.name] * m, pa.string()),
        "data_class": pa.array([source.data_class] * m, pa.string()),
    }
    return pa.table({**front, **{c: table[c] for c in table.column_names}})
