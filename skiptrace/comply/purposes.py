"""Permissible purposes, use cases and the search context every search must carry.

Public API::

    require_context(purposes, use_case, operator_id, *, role="agent", reveal=(),
                    death_master_certified=False) -> SearchContext
    PURPOSES: Mapping[str, Purpose]      # the documented purpose codes
    USE_CASES: tuple[str, ...]           # "locate", "refresh", "verify"

A purpose code is ``<law>:<use>`` (for example ``glba:consumer_transaction``). A search may
name several purposes, at most one per law, because each law's purpose unlocks that law's
data class (see :mod:`skiptrace.comply.data_classes`). Anything missing or unknown raises
:class:`~skiptrace.errors.ComplianceError` with a one-line message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from skiptrace.comply.masking import DisplayPolicy, display_policy, safe_repr
from skiptrace.errors import ComplianceError

USE_CASES: tuple[str, ...] = ("locate", "refresh", "verify")
COLLECTION_USE_CASES = frozenset({"locate", "refresh"})
_OPERATOR_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


@dataclass(frozen=True, slots=True)
class Purpose:
    """One documented permissible purpose."""

    code: str
    law: str  # "glba" | "dppa" | "fcra"
    citation: str
    description: str
    use_cases: frozenset[str]


def _p(code: str, citation: str, description: str, *use_cases: str) -> Purpose:
    return Purpose(code, code.split(":")[0], citation, description, frozenset(use_cases))


PURPOSES: dict[str, Purpose] = {
    p.code: p
    for p in (
        _p(
            "glba:consumer_transaction",
            "15 U.S.C. 6802(e)(1)",
            "effect, administer or enforce a transaction the consumer requested (incl. collection)",
            "locate",
            "refresh",
        ),
        _p(
            "glba:fraud_prevention",
            "15 U.S.C. 6802(e)(3)",
            "protect against or prevent actual or potential fraud or identity theft",
            "verify",
            "locate",
        ),
        _p(
            "glba:legal_compliance",
            "15 U.S.C. 6802(e)(8)",
            "comply with federal, state or local law, or a properly authorised investigation",
            "locate",
            "refresh",
            "verify",
        ),
        _p(
            "glba:consumer_consent",
            "15 U.S.C. 6802(e)(2)",
            "with the consent or at the direction of the consumer",
            "locate",
            "refresh",
            "verify",
        ),
        _p(
            "dppa:debt_recovery",
            "18 U.S.C. 2721(b)(3)(B)",
            "correct submitted information to recover on a debt or security interest",
            "locate",
            "refresh",
        ),
        _p(
            "dppa:verify_submitted",
            "18 U.S.C. 2721(b)(3)(A)",
            "verify the accuracy of personal information submitted by the individual",
            "verify",
        ),
        _p(
            "dppa:legal_proceeding",
            "18 U.S.C. 2721(b)(4)",
            "use in a civil, criminal or administrative proceeding (incl. service of process)",
            "locate",
        ),
        _p(
            "dppa:written_consent",
            "18 U.S.C. 2721(b)(13)",
            "with the written consent of the individual",
            "locate",
            "refresh",
            "verify",
        ),
        _p(
            "fcra:collection",
            "15 U.S.C. 1681b(a)(3)(A)",
            "review or collection of an account of the consumer",
            "locate",
            "refresh",
        ),
        _p(
            "fcra:credit_transaction",
            "15 U.S.C. 1681b(a)(3)(A)",
            "a credit transaction involving the consumer (application screening)",
            "verify",
        ),
        _p(
            "fcra:written_instruction",
            "15 U.S.C. 1681b(a)(2)",
            "in accordance with the written instructions of the consumer",
            "locate",
            "refresh",
            "verify",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class SearchContext:
    """Who searches, why, and what they may see; passed to every gated call and audited."""

    purposes: tuple[Purpose, ...]
    use_case: str
    operator_id: str
    role: str = "agent"
    reveal: frozenset[str] = frozenset()
    death_master_certified: bool = False

    @property
    def laws(self) -> frozenset[str]:
        """Laws for which the search has a permissible purpose ("glba", "dppa", "fcra")."""
        return frozenset(p.law for p in self.purposes)

    @property
    def purpose_codes(self) -> tuple[str, ...]:
        """The purpose codes, in the order given."""
        return tuple(p.code for p in self.purposes)

    @property
    def is_collection(self) -> bool:
        """True when the search serves debt collection (locate or refresh an account)."""
        return self.use_case in COLLECTION_USE_CASES

    @property
    def display(self) -> DisplayPolicy:
        """How SSNs and DOBs may be shown to this operator."""
        return display_policy(self.role, self.reveal)


def _split_codes(purposes: str | Iterable[str] | None) -> list[str]:
    if purposes is None:
        return []
    items = [purposes] if isinstance(purposes, str) else list(purposes)
    return [c.strip().lower() for item in items for c in str(item).split(",") if c.strip()]


def validate_operator(operator_id: str | None) -> str:
    """Return the stripped operator id, or raise ComplianceError when missing or malformed."""
    operator = (operator_id or "").strip()
    if not _OPERATOR_RE.match(operator):
        raise ComplianceError(
            "an operator id is required (letters, digits, '.', '_', '@', '-'; at most 64)"
        )
    return operator


def require_context(
    purposes: str | Iterable[str] | None,
    use_case: str | None,
    operator_id: str | None,
    *,
    role: str = "agent",
    reveal: Iterable[str] = (),
    death_master_certified: bool = False,
) -> SearchContext:
    """Validate a search request and return its context, or raise ComplianceError.

    ``purposes`` is one code, a comma-separated string or an iterable of codes.
    """
    codes = _split_codes(purposes)
    if not codes:
        raise ComplianceError(
            "a permissible purpose is required (e.g. --purpose fcra:collection); "
            "see docs/compliance.md for the codes"
        )
    chosen: list[Purpose] = []
    for code in codes:
        purpose = PURPOSES.get(code)
        if purpose is None:
            raise ComplianceError(f"unknown permissible purpose {safe_repr(code)}")
        if any(p.law == purpose.law for p in chosen):
            raise ComplianceError(f"more than one {purpose.law.upper()} purpose given")
        chosen.append(purpose)
    if use_case is None or use_case not in USE_CASES:
        raise ComplianceError(
            f"use case must be one of {', '.join(USE_CASES)} (got {safe_repr(use_case, 20)})"
        )
    for purpose in chosen:
        if use_case not in purpose.use_cases:
            raise ComplianceError(f"purpose {purpose.code} does not permit use case {use_case!r}")
    operator = validate_operator(operator_id)
    reveal_set = frozenset(r.strip().lower() for r in reveal)
    display_policy(role, reveal_set)  # validates role and reveal rights
    return SearchContext(
        tuple(chosen), use_case, operator, role, reveal_set, bool(death_master_certified)
    )
