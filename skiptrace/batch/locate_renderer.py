"""The `skiptrace batch` columns: a `LocateResult` -> wide columns and long rows.

Formats: probabilities with 3 decimals, flags 'Y'/'N', dates ISO, '' for unknown or not
applicable. Policies (`--min-confidence`, `--single-best`) are applied here, before
rendering and counting, so every output of a row agrees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from skiptrace.batch.policies import (
    apply_min_confidence,
    drop_unlikely_phones,
    priority_score,
    single_best,
)
from skiptrace.batch.protocol import Rendered
from skiptrace.locate.results import (
    DEFAULT_MIN_CONFIDENCE,
    AccountQuery,
    ContactPoint,
    LocateResult,
    MatchCodes,
)

PHONE_SLOTS = 3
MATCH_FIELDS = tuple(name for name, _ in MatchCodes.LETTERS)
WIDE_COLUMNS: tuple[str, ...] = (
    "match_status",
    "reject_reason",
    "identity_confidence",
    "match_codes",
    *(f"match_{name}" for name in MATCH_FIELDS),
    "address_line",
    "address_city",
    "address_state",
    "address_zip",
    "address_confidence",
    "address_last_seen",
    *(
        f"phone_{n}{suffix}"
        for n in range(1, PHONE_SLOTS + 1)
        for suffix in ("", "_type", "_confidence", "_stars")
    ),
    "email_1",
    "email_1_confidence",
    "employer_name",
    "employer_name_confidence",
    "deceased",
    "deceased_date",
    "bankruptcy",
    "contactability",
)
LONG_COLUMNS = (
    "account_id", "input_row", "kind", "rank", "value", "line1", "city", "state", "zip",
    "e164", "line_type", "confidence", "stars", "first_seen", "last_seen", "relationship",
    "third_party", "sources", "n_independent_sources", "superseded_by", "reasons",
)  # fmt: skip
LIST_SEPARATOR = "|"


def fmt_probability(value: float | None) -> str:
    """'0.923' (3 decimals) or '' when unknown."""
    return "" if value is None else f"{value:.3f}"


def fmt_flag(value: bool | None) -> str:
    """'Y', 'N', or '' when unknown."""
    return "" if value is None else "Y" if value else "N"


def fmt_date(value: dt.date | None) -> str:
    """ISO date or ''."""
    return "" if value is None else value.isoformat()


@dataclass(frozen=True, slots=True)
class LocateRenderer:
    """Renders locate results for the batch runner (see `skiptrace.batch.runner.Renderer`)."""

    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    best_only: bool = False
    wide_columns: ClassVar[tuple[str, ...]] = WIDE_COLUMNS
    long_columns: ClassVar[tuple[str, ...]] = LONG_COLUMNS

    def view(self, result: LocateResult) -> LocateResult:
        """The result after the wrong-party guard, the phone floor and, if asked, single-best."""
        shown = drop_unlikely_phones(apply_min_confidence(result, self.min_confidence))
        return single_best(shown) if self.best_only else shown

    def reject(self, query: AccountQuery, reason: str) -> LocateResult:
        """A rejected result for a row the runner could not query."""
        return LocateResult.rejected(query.account_id, reason)

    def render(self, query: AccountQuery, result: LocateResult) -> Rendered:
        """Everything the runner writes and counts for one row (policies applied once)."""
        shown = self.view(result)
        return Rendered(
            wide=self._wide(shown),
            long=[
                _long_row(query, rank, point)
                for points in (shown.addresses, shown.phones, shown.emails, shown.employers)
                for rank, point in enumerate(points, start=1)
            ],
            status=shown.status,
            sources=shown.sources_used(),
            priority=priority_score(query.balance, shown),
        )

    @staticmethod
    def _wide(shown: LocateResult) -> list[str]:
        """The appended wide columns of one row, in `WIDE_COLUMNS` order."""
        codes = shown.match_codes
        address = shown.addresses[0] if shown.addresses else None
        values = [
            shown.status,
            shown.reject_reason,
            fmt_probability(shown.identity_confidence),
            codes.code,
            *(codes.flag(name) for name in MATCH_FIELDS),
        ]
        if address is None:
            values += [""] * 6
        else:
            values += [address.line1 or address.value, address.city, address.state, address.zip]
            values += [fmt_probability(address.confidence), fmt_date(address.last_seen)]
        for slot in range(PHONE_SLOTS):
            phone = shown.phones[slot] if slot < len(shown.phones) else None
            if phone is None:
                values += [""] * 4
                continue
            values += [phone.e164 or phone.value, phone.line_type]
            values += [fmt_probability(phone.confidence), str(phone.stars)]
        for points in (shown.emails, shown.employers):
            values += (
                [points[0].value, fmt_probability(points[0].confidence)] if points else ["", ""]
            )
        values += [fmt_flag(shown.deceased), fmt_date(shown.deceased_date)]
        values += [fmt_flag(shown.bankruptcy), fmt_probability(shown.contactability)]
        return values


def _long_row(query: AccountQuery, rank: int, point: ContactPoint) -> list[str]:
    return [
        query.account_id,
        str(query.row_number),
        point.kind,
        str(rank),
        point.value,
        point.line1,
        point.city,
        point.state,
        point.zip,
        point.e164,
        point.line_type,
        fmt_probability(point.confidence),
        str(point.stars) if point.kind == "phone" else "",
        fmt_date(point.first_seen),
        fmt_date(point.last_seen),
        point.relationship,
        fmt_flag(point.third_party),
        LIST_SEPARATOR.join(point.sources),
        str(point.n_independent_sources),
        LIST_SEPARATOR.join(point.superseded_by),
        LIST_SEPARATOR.join(point.reasons),
    ]
