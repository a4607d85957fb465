"""The stable reason codes of `skiptrace verify`: code -> human text (docs/verify.md).

Codes never change meaning once published; new ones are appended. A code is emitted with
the evidence that triggered it (masked: SSN last 4, DOB year only).
"""

from __future__ import annotations

from dataclasses import dataclass

REASON_TEXT: dict[str, str] = {
    "SSN_INVALID": "SSN is structurally invalid or was never issuable",
    "SSN_NOT_FOUND": "SSN is not reported by any source (never seen issued)",
    "SSN_OTHER_IDENTITY": "SSN belongs to another identity (name/DOB disagree)",
    "SSN_MULTIPLE_IDENTITIES": "SSN is linked to several identities",
    "SSN_DECEASED": "SSN belongs to a deceased person",
    "MULTIPLE_SSNS": "the applicant is on file with another SSN than the one given",
    "DOB_MISMATCH": "date of birth disagrees with the identity on file",
    "NAME_SSN_MISMATCH": "name disagrees with the name on file for this SSN",
    "ADDRESS_NOT_ASSOCIATED": "address was never associated with the applicant",
    "ADDRESS_FAR_FROM_HISTORY": "address is in a state/ZIP area the applicant never lived in",
    "ADDRESS_PO_BOX": "address is a PO box or a commercial mail drop",
    "ADDRESS_ZIP_INCONSISTENT": "city, state and ZIP do not agree",
    "ADDRESS_FORMER": "address is a former address of the applicant, not the current one",
    "PHONE_OTHER_PERSON": "phone is associated with another person",
    "PHONE_NOT_ASSOCIATED": "phone was never associated with the applicant or anyone else",
    "PHONE_TZ_MISMATCH": "phone time zone is inconsistent with the address",
    "PHONE_AREA_MISMATCH": "phone exchange is in another state than the address",
    "EMPLOYER_NOT_ASSOCIATED": "employer was never associated with the applicant",
    "THIN_FILE": "thin or recently created identity (few sources, recent first report)",
    "IDENTITY_NOT_FOUND": "no resolved person matches the application",
    "VELOCITY_SSN": "the same SSN appears on several recent applications of other identities",
    "VELOCITY_PHONE": "the same phone appears on several recent applications of other identities",
    "VELOCITY_ADDRESS": "the same address appears on several recent applications of other "
    "identities",
    "INPUT_MISSING_NAME": "no usable name given: name could not be verified",
    "INPUT_MISSING_SSN": "no usable SSN given: SSN could not be verified",
    "INPUT_PARTIAL_SSN": "only the SSN last 4 given: SSN checks are limited",
    "INPUT_MISSING_DOB": "no usable date of birth given: DOB could not be verified",
    "INPUT_MISSING_ADDRESS": "no usable address given: address could not be verified",
    "INPUT_MISSING_PHONE": "no usable phone given: phone could not be verified",
    "INPUT_MISSING_EMPLOYER": "no employer given: employer could not be verified",
}
"""Every reason code with its human text, in documentation order."""

INFORMATIONAL = frozenset(c for c in REASON_TEXT if c.startswith("INPUT_"))
"""Codes saying what could not be checked; they never raise the risk score by themselves."""


@dataclass(frozen=True, slots=True)
class Reason:
    """One triggered reason code with its evidence and its contribution to the risk logit."""

    code: str
    evidence: str
    weight: float = 0.0

    def __post_init__(self) -> None:
        if self.code not in REASON_TEXT:
            raise ValueError(f"unknown reason code {self.code!r}")

    @property
    def text(self) -> str:
        """The documented human text of the code."""
        return REASON_TEXT[self.code]
