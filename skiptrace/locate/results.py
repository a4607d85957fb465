"""The locate contract: what a query asks and what the engine answers.

`AccountQuery` is built from a batch row or lookup options (see `skiptrace.batch.queries`);
the engine turns each into a `LocateResult`, which every output (batch wide and long files,
the lookup report, JSON) renders. All classes are frozen: outputs never mutate a result, the
policies in `skiptrace.batch.policies` return modified copies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from skiptrace.normalize import SSN, Address, DateValue, Email, Employer, Name, Phone

KINDS = ("address", "phone", "email", "employer")
RELATIONSHIPS = ("subject", "co_resident", "relative", "associate", "workplace")
STATUSES = ("hit", "multiple", "no_hit", "rejected", "suppressed")
STAR_THRESHOLDS = (0.2, 0.4, 0.6, 0.8)
"""Calibrated confidence at which a phone earns its 2nd, 3rd, 4th and 5th star."""

DEFAULT_MIN_CONFIDENCE = 0.6
"""Identity confidence below which no contact point is returned (status no_hit): the
wrong-party guard. The benchmark also uses it as the confidence at which a top address
is asserted current: on calibrated probabilities it is the cost-minimising threshold when
asserting a wrong address costs 1.5 missed right ones, checked on fit-world held-out scores
(bench/results/locate_accuracy_update.md; 0.8 for a cost of 3)."""


def stars_for(confidence: float) -> int:
    """1-5 stars: one plus the number of `STAR_THRESHOLDS` the confidence reaches.

    Below 0.2 is 1 star, 0.2-0.4 is 2, ..., 0.8 and above is 5: equal-width bands of the
    calibrated probability, so '4 stars' means 'reaches the debtor 60-80% of the time'.
    """
    return 1 + sum(confidence >= t for t in STAR_THRESHOLDS)


def _check_probability(name: str, value: float | None) -> None:
    if value is not None and not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")


@dataclass(frozen=True, slots=True)
class ContactPoint:
    """One ranked address, phone, email or employer of a matched person, with its evidence.

    `confidence` is the calibrated probability that the contact is current (phones: that it
    reaches the debtor). `superseded_by` lists signals against it ('later_address',
    'move_filing', 'disconnect', 'deed_sale', ...); `reasons` are short human strings such
    as '3 sources, last seen 2026-06'. Address parts are `line1/city/state/zip`; phones carry
    `e164` and `line_type` (mobile | landline | voip | unknown, from the sources).
    """

    kind: str
    value: str
    confidence: float
    key: str = ""
    line1: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    e164: str = ""
    line_type: str = ""
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None
    sources: tuple[str, ...] = ()
    n_independent_sources: int = 0
    relationship: str = "subject"
    reasons: tuple[str, ...] = ()
    superseded_by: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown contact kind {self.kind!r}")
        if self.relationship not in RELATIONSHIPS:
            raise ValueError(f"unknown relationship {self.relationship!r}")
        _check_probability("confidence", self.confidence)

    @property
    def third_party(self) -> bool:
        """True when the contact reaches someone other than the debtor (FDCPA third party)."""
        return self.relationship != "subject"

    @property
    def stars(self) -> int:
        """Vendor-style 1-5 stars derived from `confidence` by `stars_for`."""
        return stars_for(self.confidence)


@dataclass(frozen=True, slots=True)
class MatchCodes:
    """Which query elements agreed with the matched person: True, False, or None (not given).

    Letters follow the industry convention: name N, street A, city C, state T, ZIP Z,
    SSN S, DOB D.
    """

    name: bool | None = None
    street: bool | None = None
    city: bool | None = None
    state: bool | None = None
    zip: bool | None = None
    ssn: bool | None = None
    dob: bool | None = None

    LETTERS = (
        ("name", "N"), ("street", "A"), ("city", "C"), ("state", "T"),
        ("zip", "Z"), ("ssn", "S"), ("dob", "D"),
    )  # fmt: skip

    @property
    def code(self) -> str:
        """The letters of the elements that agreed, in N A C T Z S D order (e.g. 'NACTZ')."""
        return "".join(letter for name, letter in self.LETTERS if getattr(self, name) is True)

    def flag(self, name: str) -> str:
        """'Y' agreed, 'N' given but disagreed, '' not given or not compared."""
        value = getattr(self, name)
        return "" if value is None else "Y" if value else "N"


@dataclass(frozen=True, slots=True)
class FieldContribution:
    """How one query field moved the identity score: comparison level and match weight."""

    field: str
    level: str
    weight: float


@dataclass(frozen=True, slots=True)
class PersonMatch:
    """A resolved person considered for a query, with why it matched."""

    person_id: str
    identity_confidence: float
    match_codes: MatchCodes = field(default_factory=MatchCodes)
    contributions: tuple[FieldContribution, ...] = ()
    display_name: str = ""

    def __post_init__(self) -> None:
        _check_probability("identity_confidence", self.identity_confidence)


@dataclass(frozen=True, slots=True)
class LocateResult:
    """The engine's answer for one query; the only input of every locate output.

    `reject_reason` is a machine code, set for `rejected` and `suppressed` results only.
    `candidates` are best first; with status `multiple` more than one is plausible and the
    engine must not have silently picked one. Contact tuples are ranked best first.
    Only `hit` and `multiple` results carry contact points. `withheld_sources` names
    sources the caller's purposes did not permit.
    """

    account_id: str
    status: str
    reject_reason: str = ""
    identity_confidence: float | None = None
    match_codes: MatchCodes = field(default_factory=MatchCodes)
    candidates: tuple[PersonMatch, ...] = ()
    addresses: tuple[ContactPoint, ...] = ()
    phones: tuple[ContactPoint, ...] = ()
    emails: tuple[ContactPoint, ...] = ()
    employers: tuple[ContactPoint, ...] = ()
    deceased: bool | None = None
    deceased_date: dt.date | None = None
    bankruptcy: bool | None = None
    contactability: float | None = None
    withheld_sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if (self.status in ("rejected", "suppressed")) != bool(self.reject_reason):
            raise ValueError("reject_reason is required for rejected/suppressed results only")
        _check_probability("identity_confidence", self.identity_confidence)
        _check_probability("contactability", self.contactability)
        by_kind = self._by_kind()
        if self.status not in ("hit", "multiple") and any(by_kind):
            raise ValueError(f"a {self.status} result cannot carry contact points")
        for kind, points in zip(KINDS, by_kind, strict=True):
            for point in points:  # a loop, not any(): this runs for every result
                if point.kind != kind:
                    raise ValueError(f"{kind} list holds a contact of another kind")

    def _by_kind(self) -> tuple[tuple[ContactPoint, ...], ...]:
        return (self.addresses, self.phones, self.emails, self.employers)

    @classmethod
    def rejected(cls, account_id: str, reason: str) -> LocateResult:
        """A result for a row the batch could not query (reason is a machine code)."""
        return cls(account_id=account_id, status="rejected", reject_reason=reason)

    def contacts(self) -> Iterator[ContactPoint]:
        """Every contact point: addresses, phones, emails, employers, each best first."""
        for points in self._by_kind():
            yield from points

    def sources_used(self) -> frozenset[str]:
        """Sources behind any returned contact point."""
        return frozenset(source for point in self.contacts() for source in point.sources)


@dataclass(frozen=True, slots=True)
class AccountQuery:
    """What the creditor knows about one debtor (or applicant), normalized.

    Values are `skiptrace.normalize` results and may be present but not `ok` (an invalid
    SSN is evidence for verify); matching must use only `ok` values (`usable_fields`).
    `ssn` holds a full SSN or a last-4 partial (`ssn.partial`). `row_number` is the 1-based
    data row of a batch input (0 for a single lookup); `notes` records field problems that
    did not reject the row, e.g. 'phone_2:unparseable'.
    """

    account_id: str
    row_number: int = 0
    name: Name | None = None
    dob: DateValue | None = None
    ssn: SSN | None = None
    address: Address | None = None
    phones: tuple[Phone, ...] = ()
    email: Email | None = None
    employer: Employer | None = None
    balance: float | None = None
    notes: tuple[str, ...] = ()

    def usable_fields(self) -> tuple[str, ...]:
        """Names of the fields holding an `ok` value, e.g. ('name', 'dob', 'address')."""
        single = (
            ("name", self.name), ("dob", self.dob), ("ssn", self.ssn),
            ("address", self.address), ("email", self.email), ("employer", self.employer),
        )  # fmt: skip
        found = [name for name, value in single if value is not None and value.ok]
        if any(phone.ok for phone in self.phones):
            found.append("phone")
        return tuple(found)

    def __repr__(self) -> str:
        return f"AccountQuery(account_id={self.account_id!r}, fields={self.usable_fields()})"
