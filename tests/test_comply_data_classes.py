"""Purpose-based gating of sources and records."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from skiptrace.comply.data_classes import (
    DATA_CLASSES,
    adult_sql,
    gate_sources,
    is_minor,
    record_withhold_reason,
    relationship_allowed,
    visible_sql,
)
from skiptrace.comply.purposes import require_context
from skiptrace.errors import ConfigError

CATALOG = {
    "credit_header": "glba",
    "dmv": "dppa",
    "bureau_tradeline": "fcra",
    "county_deeds": "public_record",
    "death_index": "death_master",
    "ncoa_feed": "ncoa",
    "telco_header": "telco",
    "utility_connects": "utility",
    "marketing_list": "marketing",
}
AS_OF = dt.date(2026, 6, 30)


def ctx(purposes="fcra:collection", use_case="locate", **kw):
    return require_context(purposes, use_case, "op1", **kw)


def test_glba_source_is_invisible_without_a_glba_purpose():
    gate = gate_sources(ctx("fcra:collection,dppa:debt_recovery"), CATALOG)
    assert "credit_header" not in gate.allowed
    assert gate.withheld["credit_header"] == "no_glba_purpose"
    assert "GLBA" in gate.explain()["credit_header"]


def test_glba_source_is_visible_with_a_glba_purpose():
    gate = gate_sources(ctx("glba:consumer_transaction"), CATALOG)
    assert gate.allowed["credit_header"] == "glba"
    assert gate.withheld["dmv"] == "no_dppa_purpose"
    assert gate.withheld["bureau_tradeline"] == "no_fcra_purpose"


@pytest.mark.parametrize("law", ["glba", "dppa", "fcra"])
def test_each_regulated_class_needs_its_own_law(law):
    purposes = {"glba": "glba:consumer_transaction", "dppa": "dppa:debt_recovery"}
    code = purposes.get(law, "fcra:collection")
    gate = gate_sources(ctx(code), CATALOG)
    regulated = {n for n, c in CATALOG.items() if c in ("glba", "dppa", "fcra")}
    assert {n for n in regulated if CATALOG[n] == law} <= set(gate.allowed)
    assert {n for n in regulated if CATALOG[n] != law} <= set(gate.withheld)


def test_every_source_is_either_allowed_or_withheld():
    gate = gate_sources(ctx(), CATALOG)
    assert set(gate.allowed) | set(gate.withheld) == set(CATALOG)
    assert not set(gate.allowed) & set(gate.withheld)


def test_ncoa_is_not_a_locate_source_but_flagged_for_refresh():
    assert gate_sources(ctx(), CATALOG).withheld["ncoa_feed"] == "ncoa_mailing_hygiene_only"
    refresh = gate_sources(ctx(use_case="refresh"), CATALOG)
    assert refresh.allowed["ncoa_feed"] == "ncoa"
    assert refresh.flags["ncoa_feed"] == ("ncoa_mailing_hygiene",)


def test_unknown_data_class_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown data class 'gossip'"):
        gate_sources(ctx(), {"x": "gossip"})


def test_recent_death_records_need_certification():
    plain, certified = ctx(), ctx(death_master_certified=True)
    recent, old = dt.date(2024, 1, 1), dt.date(2023, 6, 29)
    kw = {"as_of": AS_OF}
    assert record_withhold_reason(plain, "death_master", event_date=recent, **kw) == (
        "recent_death_uncertified"
    )
    assert record_withhold_reason(plain, "death_master", event_date=None, **kw)
    assert record_withhold_reason(plain, "death_master", event_date=old, **kw) is None
    assert record_withhold_reason(certified, "death_master", event_date=recent, **kw) is None
    assert "death_index" in gate_sources(plain, CATALOG).flags
    assert "death_index" not in gate_sources(certified, CATALOG).flags


@pytest.mark.parametrize("relationship", ["spouse", "relative", "neighbour", "workplace"])
def test_third_party_contacts_only_for_locate(relationship):
    assert relationship_allowed(ctx(), relationship)
    assert not relationship_allowed(ctx(use_case="refresh"), relationship)
    assert not relationship_allowed(ctx("fcra:credit_transaction", "verify"), relationship)
    assert relationship_allowed(ctx("fcra:credit_transaction", "verify"), "subject")


def test_minor_boundaries():
    assert is_minor(AS_OF, dob=dt.date(2008, 7, 1))
    assert not is_minor(AS_OF, dob=dt.date(2008, 6, 30))
    assert is_minor(AS_OF, birth_year=2008)  # may still be 17
    assert not is_minor(AS_OF, birth_year=2007)
    assert not is_minor(AS_OF)


@given(st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)), st.dates(dt.date(1990, 1, 1)))
def test_minor_agrees_with_age_arithmetic(dob, as_of):
    age = as_of.year - dob.year - ((as_of.month, as_of.day) < (dob.month, dob.day))
    assert is_minor(as_of, dob=dob) == (age < 18)


def _observations():
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE observations (obs_id INT, data_class VARCHAR, event_date DATE, "
        "dob DATE, birth_year INT)"
    )
    rows = [(i, c, dt.date(2025, 1, 1) if c == "death_master" else None, None, None)
            for i, c in enumerate(DATA_CLASSES)]  # fmt: skip
    rows.append((100, "death_master", dt.date(2010, 1, 1), None, None))
    rows += [(200, "public_record", None, dt.date(2010, 1, 1), 2010),
             (201, "public_record", None, None, 1980)]  # fmt: skip
    con.executemany("INSERT INTO observations VALUES (?, ?, ?, ?, ?)", rows)
    return con


def test_visible_sql_matches_record_rules():
    con = _observations()
    for context in (
        ctx(),
        ctx("glba:consumer_transaction", "refresh"),
        ctx(death_master_certified=True),
    ):
        sql, params = visible_sql(context, AS_OF)
        got = {
            r[0]
            for r in con.execute(f"SELECT obs_id FROM observations WHERE {sql}", params).fetchall()
        }
        rows = con.execute("SELECT obs_id, data_class, event_date FROM observations").fetchall()
        want = {
            i
            for i, c, e in rows
            if record_withhold_reason(context, c, as_of=AS_OF, event_date=e) is None
        }
        assert got == want


def test_adult_sql_drops_minors():
    sql, params = adult_sql(AS_OF)
    got = _observations().execute(
        f"SELECT obs_id FROM observations WHERE {sql} AND obs_id >= 200", params
    )
    assert [r[0] for r in got.fetchall()] == [201]
