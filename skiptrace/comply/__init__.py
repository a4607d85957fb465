"""Compliance: permissible purposes, data-class gating, audit chain, masking, call windows,
suppression and encryption at rest. Entry points (``lookup``, ``batch``, ``verify``) call
``require_context`` first, ``gate_sources`` before reading sources, ``AuditLog.record`` after
answering, and render identifiers through ``render_ssn``/``render_dob``;
``search_session`` does the first three for a whole session (see docs/compliance.md).
"""

from skiptrace.comply.audit import AuditLog, PurgeReport, default_log_path
from skiptrace.comply.audit_chain import VerifyReport
from skiptrace.comply.call_windows import CallWindow, call_window, phone_zones, zip_zone
from skiptrace.comply.data_classes import (
    WITHHELD_REASONS,
    GateResult,
    adult_sql,
    gate_sources,
    is_minor,
    record_withhold_reason,
    relationship_allowed,
    visible_sql,
)
from skiptrace.comply.encryption import encrypt_copy, open_encrypted, openssl_available, store_key
from skiptrace.comply.keys import audit_key, load_key, require_key
from skiptrace.comply.masking import (
    DisplayPolicy,
    display_policy,
    render_dob,
    render_ssn,
    safe_repr,
    scrub_text,
)
from skiptrace.comply.purposes import PURPOSES, USE_CASES, Purpose, SearchContext, require_context
from skiptrace.comply.session import SearchSession, search_session, store_sources
from skiptrace.comply.suppression import REASONS, Suppression, SuppressionList

__all__ = [
    "PURPOSES",
    "REASONS",
    "USE_CASES",
    "WITHHELD_REASONS",
    "AuditLog",
    "CallWindow",
    "DisplayPolicy",
    "GateResult",
    "PurgeReport",
    "Purpose",
    "SearchContext",
    "SearchSession",
    "Suppression",
    "SuppressionList",
    "VerifyReport",
    "adult_sql",
    "audit_key",
    "call_window",
    "default_log_path",
    "display_policy",
    "encrypt_copy",
    "gate_sources",
    "is_minor",
    "load_key",
    "open_encrypted",
    "openssl_available",
    "phone_zones",
    "record_withhold_reason",
    "relationship_allowed",
    "render_dob",
    "render_ssn",
    "require_context",
    "require_key",
    "safe_repr",
    "scrub_text",
    "search_session",
    "store_key",
    "store_sources",
    "visible_sql",
    "zip_zone",
]
