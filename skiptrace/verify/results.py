"""The verify contract: one `VerifyResult` per application, rendered by every output.

Three numbers are kept apart: `identity_confidence` (is there one resolved person this
application describes), the verification index (which elements were found together on
that person) and `risk_score` (0-100, calibrated share of falsified applications at that
score) with its reason codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from skiptrace.verify.codes import Reason

STATUSES = ("pass", "review", "rejected")
"""`pass`: risk below the review threshold; `review`: at or above it; `rejected`: the row
could not be screened (`reject_reason` says why)."""
INDEX_ELEMENTS = ("name", "address", "ssn", "phone", "dob")
"""Elements of the verification index, 10 points each when found on the matched person."""


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """Screening answer for one application.

    `elements` maps name/ssn/dob/address/phone/employer to True (found on the matched
    person), False (given but not found) or None (not given, or nobody matched).
    """

    application_id: str
    status: str
    reject_reason: str = ""
    person_id: str = ""
    identity_confidence: float | None = None
    elements: dict[str, bool | None] = field(default_factory=dict)
    risk_score: int | None = None
    probability: float | None = None
    reasons: tuple[Reason, ...] = ()

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if (self.status == "rejected") != bool(self.reject_reason):
            raise ValueError("reject_reason is required for rejected results only")
        if self.risk_score is not None and not 0 <= self.risk_score <= 100:
            raise ValueError(f"risk_score must be 0-100, got {self.risk_score}")

    @property
    def verification_index(self) -> int | None:
        """0-50: 10 points for each of name, address, SSN, phone, DOB found together on the
        matched person (vendor style: 50 = everything verified); None when rejected."""
        if self.status == "rejected":
            return None
        return 10 * sum(self.elements.get(e) is True for e in INDEX_ELEMENTS)

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes, strongest first."""
        return tuple(r.code for r in self.reasons)

    @classmethod
    def rejected(cls, application_id: str, reason: str) -> VerifyResult:
        """A result for a row that could not be screened (reason is a machine code)."""
        return cls(application_id=application_id, status="rejected", reject_reason=reason)
