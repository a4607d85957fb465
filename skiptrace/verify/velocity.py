"""Velocity: how many *other* identities used the same SSN, phone or address recently.

The window is the set of applications given (a batch file is one window; a single
application can be checked against a history file). An identity is last name + first
initial + DOB, so one person applying twice does not count against themself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from skiptrace.locate.results import AccountQuery

VELOCITY_KINDS = ("ssn", "phone", "address")


def identity_key(query: AccountQuery) -> str:
    """Who the application claims to be: last name, first initial and DOB ('' parts if absent)."""
    name = query.name if query.name is not None and query.name.ok else None
    dob = query.dob.iso if query.dob is not None and query.dob.ok else ""
    return f"{name.last if name else ''}|{name.first[:1] if name else ''}|{dob}"


def velocity_values(query: AccountQuery) -> dict[str, list[str]]:
    """The values velocity is counted on: full SSN, every phone, the street address."""
    ssn = query.ssn
    address = query.address
    return {
        "ssn": [ssn.digits] if ssn is not None and ssn.digits and not ssn.partial else [],
        "phone": sorted({p.e164 for p in query.phones if p.ok and p.e164}),
        "address": [address.street_key] if address is not None and address.ok else [],
    }


@dataclass(slots=True)
class VelocityIndex:
    """Value -> identities that used it, over a window of applications."""

    seen: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, queries: Iterable[AccountQuery]) -> None:
        """Add applications to the window."""
        for query in queries:
            who = identity_key(query)
            for kind, values in velocity_values(query).items():
                for value in values:
                    self.seen[(kind, value)].add(who)

    def counts(self, query: AccountQuery) -> dict[str, int]:
        """Per kind, the most other identities sharing any of the query's values."""
        who = identity_key(query)
        out = {}
        for kind, values in velocity_values(query).items():
            others = [len(self.seen.get((kind, v), set()) - {who}) for v in values]
            out[kind] = max(others, default=0)
        return out
