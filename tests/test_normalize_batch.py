"""The columnar entry point gives exactly the per-value results, for lists and Arrow arrays."""

from __future__ import annotations

import pyarrow as pa
import pytest

from skiptrace.errors import ConfigError
from skiptrace.normalize import (
    normalize_address,
    normalize_address_columns,
    normalize_column,
    normalize_date,
    normalize_name,
    normalize_phone,
)
from skiptrace.normalize.batch import (
    apply_each,
    cached_values,
    clear_caches,
    encode,
    encode_address_columns,
    encode_column,
    normalizer_cpu,
)

VALUES = ["415-253-0000", None, "(415) 253-0000", "", "415-253-0000", "bogus"]


def test_column_matches_single_values() -> None:
    assert normalize_column("phone", VALUES) == [normalize_phone(v) for v in VALUES]


@pytest.mark.parametrize(
    "column",
    [pa.array(VALUES), pa.chunked_array([VALUES[:3], VALUES[3:]]),
     pa.array(VALUES).dictionary_encode()],
)  # fmt: skip
def test_column_accepts_arrow(column: pa.Array | pa.ChunkedArray) -> None:
    assert normalize_column("phone", column) == [normalize_phone(v) for v in VALUES]


def test_column_options_reach_normalizer() -> None:
    names = normalize_column("name", ["SMITH JOHN A"], fmt="last_first")
    assert names == [normalize_name("SMITH JOHN A", "last_first")]
    dates = normalize_column("date", ["05/01/80"], formats=["%d/%m/%y"])
    assert dates[0].iso == "1980-01-05" == normalize_date("05/01/80", ["%d/%m/%y"]).iso


def test_column_handles_empty_and_generators() -> None:
    assert normalize_column("email", []) == []
    assert [e.key for e in normalize_column("email", (v for v in ["A@B.COM"]))] == ["a@b.com"]


def test_parties_and_phones_kinds_return_tuples() -> None:
    parties = normalize_column("parties", ["JOHN AND JANE DOE"])
    assert [p.canonical for p in parties[0]] == ["JOHN DOE", "JANE DOE"]
    assert len(normalize_column("phones", ["415-253-0000 / 212-253-0001"])[0]) == 2


def test_unknown_kind_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown normalizer kind 'shoe'"):
        normalize_column("shoe", ["x"])


def test_address_columns_match_single_calls() -> None:
    line1 = ["1 Main St", "1 Main St", None]
    zips = ["62701", "62701", "62701"]
    out = normalize_address_columns(line1=line1, zip=zips)
    assert out == [normalize_address(line1=a, zip=z) for a, z in zip(line1, zips, strict=True)]
    assert out[2].error == "no_street"


def test_address_columns_must_align() -> None:
    with pytest.raises(ConfigError, match="differ in length"):
        normalize_address_columns(line1=["1 Main St"], zip=["62701", "62702"])


def test_clearing_caches_keeps_results() -> None:
    values = ["123 Main St, Springfield, IL 62701", "PO Box 5, Austin, TX 78701", None]
    before = normalize_column("address", values)
    assert cached_values() > 0
    clear_caches()
    assert cached_values() == 0
    assert normalize_column("address", values) == before


def test_encode_keeps_first_seen_order() -> None:
    distinct, index = encode(["b", None, "a", "b", None])
    assert distinct == ["b", None, "a"]
    assert index.tolist() == [0, 1, 2, 0, 1]


def test_encoded_column_spreads_to_the_per_value_results() -> None:
    results, index = encode_column("phone", VALUES)
    assert len(results) == len(set(VALUES))
    assert [results[i] for i in index] == normalize_column("phone", VALUES)
    dates, index = encode_column("date", ["01/02/2020", "x"], formats=["%m/%d/%Y"])
    assert [dates[i].iso or dates[i].error for i in index] == ["2020-01-02", "format_mismatch"]


def test_encoded_address_columns_spread_to_the_per_row_results() -> None:
    line1 = ["1 Main St", "1 Main St", None, "1 Main St"]
    zips = ["62701", "62701", "62701", "62702"]
    results, index = encode_address_columns(line1=line1, zip=zips)
    assert len(results) == 3 and index.tolist() == [0, 0, 1, 2]
    assert [results[i] for i in index] == normalize_address_columns(line1=line1, zip=zips)


def test_normalizer_time_is_counted() -> None:
    clear_caches()
    before = normalizer_cpu()
    lines = [f"{n} Main St Apt {n % 7}, Springfield, IL 62701" for n in range(1, 400)]
    assert apply_each(normalize_address, lines) == [normalize_address(v) for v in lines]
    assert normalizer_cpu() > before  # 399 fresh addresses take well over a clock tick
