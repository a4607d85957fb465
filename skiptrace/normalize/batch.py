"""Columnar entry point for ingest: normalize each distinct value of a column once."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from functools import partial
from typing import Any

import numpy as np
import pyarrow as pa

from skiptrace.errors import ConfigError
from skiptrace.normalize.address_parse import parse_street_line
from skiptrace.normalize.addresses import address_of, normalize_address, zip5_locality
from skiptrace.normalize.dates import TWO_DIGIT_PIVOT, _normalize_date, normalize_date
from skiptrace.normalize.emails import normalize_email
from skiptrace.normalize.employers import normalize_employer
from skiptrace.normalize.names import normalize_name
from skiptrace.normalize.parties import split_parties
from skiptrace.normalize.phones import normalize_phone, normalize_phones
from skiptrace.normalize.ssns import normalize_ssn


def _one_line_address(raw: str | None) -> Any:
    """`normalize_address` of a one-line address, uncached (see `address_of`)."""
    return address_of(raw, None, None, None, None, None)


NORMALIZERS: dict[str, Callable[..., Any]] = {
    "name": normalize_name,
    "parties": split_parties,
    "address": _one_line_address,
    "phone": normalize_phone,
    "phones": normalize_phones,
    "date": normalize_date,
    "ssn": normalize_ssn,
    "email": normalize_email,
    "employer": normalize_employer,
}
KINDS = tuple(NORMALIZERS)
_CACHED = (normalize_name, normalize_address, parse_street_line, zip5_locality, normalize_phone,
           _normalize_date, normalize_ssn, normalize_email, normalize_employer)  # fmt: skip


def cached_values() -> int:
    """How many distinct values the normalizers' caches hold (in this process)."""
    return sum(fn.cache_info().currsize for fn in _CACHED)


def clear_caches() -> None:
    """Empty the per-value caches; reference tables (ZIPs, exchanges, nicknames) stay loaded."""
    for fn in _CACHED:
        fn.cache_clear()


def _as_string_array(values: Iterable[str | None] | pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        if pa.types.is_dictionary(values.type):
            values = values.cast(pa.string())
        return values if pa.types.is_string(values.type) else values.cast(pa.string())
    items = values if isinstance(values, Sequence) else list(values)
    return pa.array([v if isinstance(v, str) else None for v in items], type=pa.string())


def encode(values: Iterable[Hashable]) -> tuple[list[Any], np.ndarray]:
    """Distinct values in first-seen order, and each value's position among them."""
    positions: dict[Hashable, int] = {}
    index = np.fromiter((positions.setdefault(v, len(positions)) for v in values), np.intp)
    return list(positions), index


_cpu_seconds = [0.0]


def normalizer_cpu() -> float:
    """CPU seconds this process has spent in `apply_each` (every batch entry point uses it)."""
    return _cpu_seconds[0]


def apply_each(fn: Callable[..., Any], values: Iterable[Any]) -> list[Any]:
    """``fn`` over values with the garbage collector paused (results are acyclic), timed.

    The process CPU time it takes is added to `normalizer_cpu` (one clock read per call,
    cheap next to the values it normalizes).
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()  # collections would rescan every cached result
    start = time.process_time()
    try:
        return [fn(v) for v in values]
    finally:
        _cpu_seconds[0] += time.process_time() - start
        if gc_was_enabled:
            gc.enable()


def map_distinct(
    fn: Callable[[str | None], Any],
    values: Iterable[str | None] | pa.Array | pa.ChunkedArray,
) -> list[Any]:
    """Apply `fn` once per distinct value (None included) and spread the results back."""
    array = _as_string_array(values)
    if len(array) == 0:
        return []
    encoded = array.dictionary_encode()
    results = np.empty(len(encoded.dictionary) + 1, dtype=object)
    for i, result in enumerate(apply_each(fn, [*encoded.dictionary.to_pylist(), None])):
        results[i] = result  # element-wise: numpy would unpack tuple results
    indices = encoded.indices.fill_null(len(encoded.dictionary)).to_numpy(zero_copy_only=False)
    return results[indices].tolist()


def _normalizer(kind: str, options: dict[str, Any]) -> Callable[[str | None], Any]:
    fn = NORMALIZERS.get(kind)
    if fn is None:
        raise ConfigError(f"unknown normalizer kind {kind!r}; expected one of {', '.join(KINDS)}")
    if kind == "date" and set(options) <= {"formats", "pivot"}:
        formats, pivot = options.get("formats"), options.get("pivot", TWO_DIGIT_PIVOT)
        formats = tuple(formats) if formats else None
        return lambda raw: _normalize_date(raw, formats, pivot)  # as `normalize_date`
    return partial(fn, **options) if options else fn


def normalize_column(
    kind: str,
    values: Iterable[str | None] | pa.Array | pa.ChunkedArray,
    **options: Any,
) -> list[Any]:
    """Normalize a column of raw values of one kind, each distinct value once.

    `kind` is one of `KINDS`; `options` go to the normalizer (e.g. `fmt="last_first"` for
    names, `formats=["%m/%d/%Y"]` for dates). Accepts a list, a pyarrow array or chunked
    array; returns one result per input value, in order.
    """
    return map_distinct(_normalizer(kind, options), values)


def encode_column(
    kind: str, values: Sequence[str | None], **options: Any
) -> tuple[list[Any], np.ndarray]:
    """`normalize_column` in encoded form: one result per distinct value, and each row's index.

    ``results[index[i]]`` is the result for ``values[i]``; non-string values count as None.
    """
    fn = _normalizer(kind, options)
    distinct, index = encode(values)
    return apply_each(fn, (v if isinstance(v, str) else None for v in distinct)), index


def encode_address_columns(
    *,
    line1: Sequence[str | None] | None = None,
    line2: Sequence[str | None] | None = None,
    city: Sequence[str | None] | None = None,
    state: Sequence[str | None] | None = None,
    zip: Sequence[str | None] | None = None,
) -> tuple[list[Any], np.ndarray]:
    """Split address columns in encoded form (see `encode_column`); missing columns are empty."""
    columns = [
        _as_string_array(c).to_pylist() if c is not None else None
        for c in (line1, line2, city, state, zip)
    ]
    length = max((len(c) for c in columns if c is not None), default=0)
    distinct, index = encode(_rows([c if c is not None else [None] * length for c in columns]))

    def one(row: tuple[str | None, ...]) -> Any:
        return address_of(None, *row)

    return apply_each(one, distinct), index


def normalize_address_columns(
    *,
    line1: Sequence[str | None] | None = None,
    line2: Sequence[str | None] | None = None,
    city: Sequence[str | None] | None = None,
    state: Sequence[str | None] | None = None,
    zip: Sequence[str | None] | None = None,
) -> list[Any]:
    """Normalize split address columns (equal lengths; missing columns count as empty)."""
    results, index = encode_address_columns(
        line1=line1, line2=line2, city=city, state=state, zip=zip
    )
    return [results[i] for i in index]


def _rows(columns: list[list[str | None]]) -> Iterable[tuple[str | None, ...]]:
    """Rows of equal-length columns, checking the lengths."""
    lengths = {len(c) for c in columns}
    if len(lengths) > 1:
        raise ConfigError(f"address columns differ in length: {sorted(lengths)}")
    return zip(*columns, strict=True)
