"""Permissible purpose and search-context validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skiptrace.comply.purposes import PURPOSES, USE_CASES, require_context
from skiptrace.errors import ComplianceError


@pytest.mark.parametrize("purposes", [None, "", " , ", [], ()])
def test_search_without_purpose_is_refused(purposes):
    with pytest.raises(ComplianceError, match="permissible purpose is required"):
        require_context(purposes, "locate", "op1")


def test_unknown_purpose_is_refused():
    with pytest.raises(ComplianceError, match="unknown permissible purpose 'glba:curiosity'"):
        require_context("glba:curiosity", "locate", "op1")


def test_two_purposes_under_one_law_are_refused():
    with pytest.raises(ComplianceError, match="more than one GLBA purpose"):
        require_context("glba:consumer_transaction,glba:fraud_prevention", "locate", "op1")


@pytest.mark.parametrize("use_case", [None, "", "marketing", "LOCATE"])
def test_unknown_use_case_is_refused(use_case):
    with pytest.raises(ComplianceError, match="use case must be one of"):
        require_context("fcra:collection", use_case, "op1")


def test_purpose_must_permit_the_use_case():
    with pytest.raises(ComplianceError, match="fcra:credit_transaction does not permit"):
        require_context("fcra:credit_transaction", "locate", "op1")


@pytest.mark.parametrize("operator", [None, "", "   ", "has space", "x" * 65, "-lead"])
def test_operator_id_is_required_and_well_formed(operator):
    with pytest.raises(ComplianceError, match="operator id is required"):
        require_context("fcra:collection", "locate", operator)


def test_context_carries_laws_codes_and_collection_flag():
    ctx = require_context(["fcra:collection", "GLBA:consumer_transaction"], "locate", " op.1 ")
    assert ctx.laws == {"fcra", "glba"}
    assert ctx.purpose_codes == ("fcra:collection", "glba:consumer_transaction")
    assert ctx.operator_id == "op.1"
    assert ctx.is_collection
    assert not require_context("fcra:credit_transaction", "verify", "op1").is_collection


def test_every_documented_purpose_is_usable_for_its_use_cases():
    for code, purpose in PURPOSES.items():
        assert purpose.use_cases <= set(USE_CASES)
        for use_case in purpose.use_cases:
            assert require_context(code, use_case, "op1").purposes == (purpose,)


def test_reveal_needs_a_cleared_role():
    with pytest.raises(ComplianceError, match="may not reveal"):
        require_context("fcra:collection", "locate", "op1", reveal=["ssn"])
    ctx = require_context("fcra:collection", "locate", "op1", role="supervisor", reveal=["ssn"])
    assert ctx.display.ssn == "full" and ctx.display.dob == "year"


@given(st.text(max_size=80))
def test_any_purpose_text_is_accepted_or_refused_cleanly(text):
    try:
        ctx = require_context(text, "locate", "op1")
    except ComplianceError as exc:
        assert len(exc.message) < 160 and exc.message.isprintable()
    else:
        assert set(ctx.purpose_codes) <= set(PURPOSES)
