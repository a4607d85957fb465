"""Output policies over `LocateResult`: the wrong-party guard, single-best, work priority.

Pure functions: each returns a new result (or a score) and never touches the engine.
"""

from __future__ import annotations

from dataclasses import replace

from skiptrace.locate.results import LocateResult

WORKABLE = ("hit", "multiple")
PHONE_FLOOR = 0.05
"""Phones whose calibrated chance of reaching the debtor is below this are not returned:
at 1 in 20 or less, a call is far more likely to reach a third party than the debtor."""


def apply_min_confidence(result: LocateResult, threshold: float) -> LocateResult:
    """The wrong-party guard: below `threshold` identity confidence, return no contact.

    A `hit` whose `identity_confidence` is missing or below the threshold becomes `no_hit`;
    a `multiple` stays `multiple` (the ambiguity is the answer). Either way it loses its
    contact points, person flags (deceased, bankruptcy) and contactability, while its
    confidence, match codes and candidates stay visible so the threshold can be tuned.
    """
    if result.status not in WORKABLE:
        return result
    confidence = result.identity_confidence
    if confidence is not None and confidence >= threshold:
        return result
    return replace(
        result,
        status="no_hit" if result.status == "hit" else "multiple",
        addresses=(),
        phones=(),
        emails=(),
        employers=(),
        deceased=None,
        deceased_date=None,
        bankruptcy=None,
        contactability=None,
    )


def drop_unlikely_phones(result: LocateResult, floor: float = PHONE_FLOOR) -> LocateResult:
    """Only the phones with a calibrated confidence of at least `floor`, in rank order."""
    kept = tuple(phone for phone in result.phones if phone.confidence >= floor)
    return result if len(kept) == len(result.phones) else replace(result, phones=kept)


def single_best(result: LocateResult) -> LocateResult:
    """`--single-best`: only the top address and the top phone; no emails or employers."""
    return replace(
        result, addresses=result.addresses[:1], phones=result.phones[:1], emails=(), employers=()
    )


def priority_score(balance: float | None, result: LocateResult) -> float | None:
    """Balance times contactability for workable results (None for the rest).

    A missing balance or contactability counts as 0, so such accounts rank last among
    workable ones, in input order.
    """
    if result.status not in WORKABLE:
        return None
    return (balance or 0.0) * (result.contactability or 0.0)
