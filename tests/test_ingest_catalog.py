"""The source catalog loader: valid entries load into typed specs, invalid ones name the key."""

from __future__ import annotations

from pathlib import Path, PurePath

import pytest

from skiptrace.errors import ConfigError
from skiptrace.ingest.catalog import load_catalog, parse_source

HEADER = """
name = "{name}"
title = "Test source"
data_class = "glba"
asserts = ["residence", "phone_listing"]
reliability = 0.8
reporting_lag_days = 30
"""

SINGLE = (
    HEADER
    + """
[file]
pattern = "{name}*.csv"
format = "csv"

[fields.name]
column = "NAME"
format = "last_first"
[fields.dob]
column = "DOB"
date_format = "%Y%m%d"
[fields.address]
line1 = "ADDR1"
city = "CITY"
state = "ST"
zip = "ZIP"
[fields.phone_type]
column = "LT"
values = {{ W = "mobile", L = "landline" }}
"""
)

DEED = (
    HEADER
    + """
[file]
pattern = ["deeds_*.psv", "sub/deeds_*.psv"]
format = "psv"
encoding = "latin-1"

[[parties]]
role = "grantee"
name = {{ column = "GRANTEES", format = "multi_party" }}
[[parties]]
role = "grantor"
name = "GRANTORS"

[fields.address]
column = "PROPERTY"
[fields.event_date]
column = "RECORDED"
"""
)


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / f"{name}.toml"
    path.write_text(text.format(name=name), encoding="utf-8")
    return path


def test_single_party_entry_loads_with_subject_role(tmp_path: Path) -> None:
    source = parse_source(write(tmp_path, "header", SINGLE))
    assert source.data_class == "glba"
    assert [p.role for p in source.parties] == ["subject"]
    assert source.parties[0].get("name").format == "last_first"
    assert source.parties[0].get("dob").date_format == "%Y%m%d"
    address = source.get("address")
    assert dict(address.parts) == {"line1": "ADDR1", "city": "CITY", "state": "ST", "zip": "ZIP"}
    assert dict(source.get("phone_type").values) == {"W": "mobile", "L": "landline"}
    assert source.source_columns == ("DOB", "NAME", "ADDR1", "CITY", "ST", "ZIP", "LT")


def test_party_blocks_keep_catalog_order(tmp_path: Path) -> None:
    source = parse_source(write(tmp_path, "deeds", DEED))
    assert [p.role for p in source.parties] == ["grantee", "grantor"]
    assert source.parties[0].get("name").format == "multi_party"
    assert source.parties[1].get("name").column == "GRANTORS"
    assert source.file.encoding == "latin-1"


@pytest.mark.parametrize(
    ("relative", "expected"),
    [("deeds_2024.psv", True), ("x/deeds_2024.psv", True), ("sub/deeds_1.psv", True),
     ("deeds_2024.csv", False), ("old_deeds_2024.psv", False)],
)  # fmt: skip
def test_patterns_match_file_names(tmp_path: Path, relative: str, expected: bool) -> None:
    source = parse_source(write(tmp_path, "deeds", DEED))
    assert source.matches(PurePath(relative)) is expected


def test_ambiguous_match_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "a", SINGLE.replace("{name}*.csv", "*.csv"))
    write(tmp_path, "b", SINGLE.replace("{name}*.csv", "b*.csv"))
    catalog = load_catalog(tmp_path)
    assert catalog.match(PurePath("a1.csv")).name == "a"
    with pytest.raises(ConfigError, match="several catalog sources"):
        catalog.match(PurePath("b1.csv"))


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('data_class = "glba"', 'data_class = "secret"', "data_class"),
        ("reliability = 0.8", "reliability = 1.5", "reliability"),
        ('asserts = ["residence", "phone_listing"]', 'asserts = ["gossip"]', "asserts"),
        ('format = "csv"', 'format = "xlsx"', "file.format"),
        ('format = "csv"', 'format = "csv"\nencoding = "klingon"', "file.encoding"),
        ('format = "last_first"', 'format = "backwards"', "fields.name.format"),
        ('[fields.dob]\ncolumn = "DOB"', '[fields.dob]\ncolumn = "DOB"\ncolour = 1', "fields.dob"),
        ("[fields.dob]", '[fields.shoe_size]\ncolumn = "S"\n[fields.dob]', "fields"),
        ('zip = "ZIP"', 'zip = "ZIP"\ncolumn = "ADDR"', "fields.address"),
        ("reporting_lag_days = 30", "reporting_lag_days = -1", "reporting_lag_days"),
    ],
)
def test_invalid_entries_name_file_and_key(tmp_path: Path, old: str, new: str, key: str) -> None:
    assert old in SINGLE
    path = write(tmp_path, "header", SINGLE.replace(old, new))
    with pytest.raises(ConfigError) as info:
        parse_source(path)
    assert str(path) in info.value.message
    assert f": {key}:" in info.value.message


def test_name_must_equal_file_stem(tmp_path: Path) -> None:
    path = tmp_path / "other.toml"
    path.write_text(SINGLE.format(name="header"), encoding="utf-8")
    with pytest.raises(ConfigError, match="file name stem"):
        parse_source(path)


def test_parties_and_party_fields_are_exclusive(tmp_path: Path) -> None:
    text = DEED + '[fields.name]\ncolumn = "N"\n'
    with pytest.raises(ConfigError, match="either"):
        parse_source(write(tmp_path, "deeds", text))


def test_broken_toml_and_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("name = [", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.toml: toml"):
        load_catalog(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ConfigError, match=r"no \*\.toml"):
        load_catalog(empty)
    with pytest.raises(ConfigError, match="not found"):
        load_catalog(tmp_path / "missing")
