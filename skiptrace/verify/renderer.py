"""The `skiptrace verify` batch columns: a `VerifyResult` -> wide columns and long rows.

Wide: decision, the three outputs (identity confidence, verification index + per-element
flags, risk score) and the reason codes. Long: one row per reason code with its text and
evidence. Probabilities have 3 decimals, flags are 'Y'/'N', '' means not checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from skiptrace.batch.protocol import Rendered
from skiptrace.locate.results import AccountQuery
from skiptrace.verify.features import ELEMENTS
from skiptrace.verify.render import element_code
from skiptrace.verify.results import VerifyResult

LIST_SEPARATOR = "|"
WIDE_COLUMNS: tuple[str, ...] = (
    "verify_status",
    "reject_reason",
    "person_id",
    "identity_confidence",
    "verification_index",
    "verified_elements",
    *(f"verified_{e}" for e in ELEMENTS),
    "risk_score",
    "risk_probability",
    "reason_codes",
    "top_reason",
)
LONG_COLUMNS = ("application_id", "input_row", "rank", "code", "text", "evidence", "weight")


def _flag(value: bool | None) -> str:
    return "" if value is None else "Y" if value else "N"


@dataclass(frozen=True, slots=True)
class VerifyRenderer:
    """Renders verify results for the batch runner (see `skiptrace.batch.protocol.Renderer`)."""

    threshold: int
    wide_columns: ClassVar[tuple[str, ...]] = WIDE_COLUMNS
    long_columns: ClassVar[tuple[str, ...]] = LONG_COLUMNS

    def reject(self, query: AccountQuery, reason: str) -> VerifyResult:
        """A rejected result for a row the runner could not screen."""
        return VerifyResult.rejected(query.account_id, reason)

    def render(self, query: AccountQuery, result: VerifyResult) -> Rendered:
        """Everything the runner writes and counts for one row."""
        index = result.verification_index
        confidence = result.identity_confidence
        probability = result.probability
        wide = [
            result.status,
            result.reject_reason,
            result.person_id,
            "" if confidence is None else f"{confidence:.3f}",
            "" if index is None else str(index),
            element_code(result),
            *(_flag(result.elements.get(e)) for e in ELEMENTS),
            "" if result.risk_score is None else str(result.risk_score),
            "" if probability is None else f"{probability:.3f}",
            LIST_SEPARATOR.join(result.codes),
            result.reasons[0].code if result.reasons else "",
        ]
        long = [
            [query.account_id, str(query.row_number), str(rank), r.code, r.text, r.evidence,
             f"{r.weight:.3f}"]
            for rank, r in enumerate(result.reasons, start=1)
        ]  # fmt: skip
        return Rendered(wide, long, result.status, frozenset(), None)
