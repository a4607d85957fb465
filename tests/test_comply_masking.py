"""Role-based masking; no full SSN or DOB in rendered output or error messages."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skiptrace.comply.audit import AuditLog
from skiptrace.comply.masking import display_policy, render_dob, render_ssn, scrub_text
from skiptrace.comply.purposes import require_context
from skiptrace.comply.suppression import SuppressionList
from skiptrace.errors import ComplianceError, SkiptraceError

SSN, SSN_DASHED, DOB = "078051120", "078-05-1120", dt.date(1984, 7, 23)
DOB_FORMS = ("1984-07-23", "07/23/1984", "19840723")

ssns = st.from_regex(r"[0-8]\d{8}", fullmatch=True)


def test_default_roles_show_last4_and_year():
    policy = display_policy("agent")
    assert render_ssn(SSN_DASHED, policy) == "***-**-1120"
    assert render_dob(DOB, policy) == "1984"
    assert render_dob("1984-07", policy) == "1984"
    assert render_ssn(None, policy) == "" and render_dob(None, policy) == ""


def test_restricted_role_sees_nothing_and_reveal_shows_full():
    restricted = display_policy("restricted")
    assert render_ssn(SSN, restricted) == "***-**-****"
    assert render_dob(DOB, restricted) == "****"
    full = display_policy("compliance", ["ssn", "dob"])
    assert render_ssn(SSN, full) == SSN_DASHED
    assert render_dob(DOB, full) == "1984-07-23"


@pytest.mark.parametrize(
    ("role", "reveal", "match"),
    [
        ("agent", ["ssn"], "may not reveal"),
        ("boss", [], "unknown role"),
        ("supervisor", ["pin"], "cannot reveal"),
    ],
)
def test_bad_roles_and_reveals_are_refused(role, reveal, match):
    with pytest.raises(ComplianceError, match=match):
        display_policy(role, reveal)


@given(ssns, st.sampled_from(["agent", "supervisor", "compliance", "restricted"]))
def test_rendered_ssn_never_leaks_more_than_last4(ssn, role):
    shown = render_ssn(ssn, display_policy(role))
    assert ssn not in shown.replace("-", "") and ssn[:5] not in shown.replace("-", "")


@given(ssns, st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)), st.text(max_size=30))
def test_scrub_text_removes_full_ssns_and_dates(ssn, day, noise):
    dashed = f"{ssn[:3]}-{ssn[3:5]}-{ssn[5:]}"
    dates = f"dob={day.isoformat()} us={day:%m/%d/%Y} c={day:%Y%m%d}"
    text = f"{noise} ssn={ssn} alt={dashed} {dates} {noise}"
    scrubbed = scrub_text(text)
    for leak in (ssn, dashed, day.isoformat(), f"{day:%m/%d/%Y}", f"{day:%Y%m%d}"):
        assert leak not in scrubbed.replace(noise, "") or leak in noise
    assert f"***-**-{ssn[5:]}" in scrubbed


def _error_messages(tmp_path):
    """Drive every comply entry point that could echo an input into an error message."""
    messages = []
    attempts = [
        lambda: require_context(SSN, "locate", "op1"),
        lambda: require_context("fcra:collection", SSN_DASHED, "op1"),
        lambda: require_context("fcra:collection", "locate", SSN_DASHED + " " + DOB_FORMS[0]),
        lambda: require_context("fcra:collection", "locate", "op1", role=SSN),
        lambda: require_context(
            "fcra:collection", "locate", "op1", role="supervisor", reveal=[SSN]
        ),
    ]
    bad_csv = tmp_path / "suppress.csv"
    bad_csv.write_text(f"account_id,reason\nA1,{SSN} {DOB_FORMS[0]}\n")
    attempts.append(lambda: SuppressionList.load(bad_csv))
    for attempt in attempts:
        with pytest.raises(SkiptraceError) as info:
            attempt()
        messages.append(info.value.message)
    return messages


def test_no_full_ssn_or_dob_in_outputs_or_error_messages(tmp_path):
    ctx = require_context("fcra:collection", "locate", "op1")
    log = AuditLog(tmp_path / "audit.jsonl", b"k" * 32)
    log.record(ctx, "A1", {"ssn": SSN, "dob": DOB_FORMS[0]}, ["s"], status="hit",
               disclosed={"persons": ["P1"], "ssn": [SSN]})  # fmt: skip
    exported = io.StringIO()
    log.export(exported, "csv")
    rendered = [render_ssn(SSN, ctx.display), render_dob(DOB, ctx.display), exported.getvalue()]
    rendered += [log.path.read_text(), *_error_messages(tmp_path)]
    rendered += [scrub_text(f"row 3: bad ssn {SSN_DASHED}, dob {form}") for form in DOB_FORMS]
    blob = "\n".join(rendered)
    assert list(csv.reader(io.StringIO(exported.getvalue())))  # export parses
    for leak in (SSN, SSN_DASHED, *DOB_FORMS):
        assert leak not in blob, leak
