"""Locate under a `SearchSession`: the compliance duties around each locate answer.

Public API::

    guard = GuardedLocate(session, locator, view=renderer.view, suppression=None)
    guard(queries) -> list[LocateResult]     # a `run_batch` processor; lookup calls it too
    query_inputs(query) -> {field: value}    # what the audit fingerprints (never stored)

Per query, in order: an account on the suppression list is not searched at all (status
`suppressed`, its reason); after the search, a matched person on the list is suppressed
too; a matched person who is or may be a minor is never returned for collection (status
`suppressed`, reason `minor`; minor candidates are dropped from `multiple`); third-party
contacts (relatives, associates, workplaces) are dropped unless the use case is `locate`.
Then `view` (the wrong-party guard and `--single-best`) is applied, and what is left is
what the audit record says was disclosed. Every searched result carries the session's
withheld sources in `withheld_sources` (the same for every row, plus `<death source>:recent`
for an uncertified subscriber); that a given person has withheld recent death records is
written to the audit record only, since showing it would disclose it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import pyarrow as pa

from skiptrace.comply.data_classes import adult_sql, death_cutoff, relationship_allowed
from skiptrace.comply.session import SearchSession, base_table
from skiptrace.comply.suppression import SuppressionList
from skiptrace.locate.locator import Locator
from skiptrace.locate.results import AccountQuery, LocateResult

MINOR = "minor"
RECENT_DEATH = "recent_death_uncertified"


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """What the guard needs to know about a matched person."""

    minor: bool = False
    recent_death: bool = False


def query_inputs(query: AccountQuery) -> dict[str, str]:
    """Input fields present on a query and their normalized values, for keyed hashing."""
    values: dict[str, str | None] = {
        "name": query.name and (query.name.key or query.name.raw),
        "dob": query.dob and (query.dob.iso or query.dob.raw),
        "ssn": query.ssn and (query.ssn.digits or query.ssn.last4 or query.ssn.raw),
        "address": query.address and (query.address.key or query.address.raw),
        "phone": "|".join(sorted(p.e164 or p.raw for p in query.phones)) or None,
        "email": query.email and (query.email.key or query.email.raw),
        "employer": query.employer and (query.employer.key or query.employer.raw),
    }
    return {k: str(v) for k, v in values.items() if v}


def person_facts(
    session: SearchSession, locator: Locator, person_ids: Iterable[str]
) -> dict[str, PersonFacts]:
    """Minor and withheld-death facts of persons, from every row the store holds on them."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    adult, params = adult_sql(locator.as_of)
    cutoff = death_cutoff(session.ctx, locator.as_of)
    sql = f"""
        SELECT person_id, bool_or(NOT {adult}) AS minor,
               bool_or(data_class = 'death_master' AND ? AND coalesce(event_date > ?, TRUE))
        FROM {base_table(locator.con)}
        WHERE person_id IN (SELECT person_id FROM comply_persons) GROUP BY person_id"""
    locator.con.register("comply_persons", pa.table({"person_id": pa.array(ids, pa.string())}))
    try:
        rows = locator.con.execute(
            sql, [*params, cutoff is not None, cutoff or dt.date.max]
        ).fetchall()
    finally:
        locator.con.unregister("comply_persons")
    return {pid: PersonFacts(bool(minor), bool(death)) for pid, minor, death in rows}


class GuardedLocate:
    """A locate processor that enforces the session's duties and audits every search."""

    def __init__(
        self,
        session: SearchSession,
        locator: Locator,
        view: Callable[[LocateResult], LocateResult] = lambda result: result,
        suppression: SuppressionList | None = None,
    ) -> None:
        self.session = session
        self.locator = locator
        self.view = view
        self.suppression = suppression or SuppressionList()
        death = [n for n, c in session.gate.allowed.items() if c == "death_master"]
        self.death_sources = tuple(death)
        recent = [] if session.ctx.death_master_certified else [f"{n}:recent" for n in death]
        self.withheld = (*sorted(session.gate.withheld), *recent)

    def __call__(self, queries: list[AccountQuery]) -> list[LocateResult]:
        """One guarded, viewed and audited result per query, in order."""
        answers: list[LocateResult | None] = []
        todo: list[AccountQuery] = []
        for query in queries:
            entry = self.suppression.check(account_id=query.account_id)
            if entry is None:
                todo.append(query)
            answers.append(None if entry is None else _suppressed(query.account_id, entry.reason))
        found = iter(self.locator.locate_many(todo)) if todo else iter(())
        raw = [answer or next(found) for answer in answers]
        persons = [
            c.person_id for r in raw if r.status in ("hit", "multiple") for c in r.candidates
        ]
        facts = person_facts(self.session, self.locator, persons)
        shown = []
        for query, result in zip(queries, raw, strict=True):
            viewed = self.view(self._guard(result, facts))
            shown.append(replace(viewed, withheld_sources=self.withheld))
            self._audit(query, shown[-1], self._row_withheld(result, facts))
        return shown

    def _row_withheld(self, result: LocateResult, facts: dict[str, PersonFacts]) -> dict[str, str]:
        """Record-level withholding for the audit only (showing it would disclose it)."""
        if result.status != "hit" or not self.death_sources:
            return {}
        fact = facts.get(result.candidates[0].person_id, PersonFacts())
        return {self.death_sources[0]: RECENT_DEATH} if fact.recent_death else {}

    def _guard(self, result: LocateResult, facts: dict[str, PersonFacts]) -> LocateResult:
        collection = self.session.ctx.is_collection
        if result.status == "multiple" and collection:
            kept = tuple(
                c for c in result.candidates if not facts.get(c.person_id, PersonFacts()).minor
            )
            if len(kept) == len(result.candidates):
                return result
            return replace(
                result,
                status="multiple" if len(kept) > 1 else "no_hit",
                candidates=kept,
                identity_confidence=kept[0].identity_confidence if kept else None,
                addresses=(), phones=(), emails=(), employers=(),
                deceased=None, deceased_date=None, bankruptcy=None, contactability=None,
            )  # fmt: skip
        if result.status != "hit":
            return result
        person = result.candidates[0].person_id
        entry = self.suppression.check(person_id=person)
        if entry is not None:
            return _suppressed(result.account_id, entry.reason)
        fact = facts.get(person, PersonFacts())
        if fact.minor and collection:
            return _suppressed(result.account_id, MINOR)
        ctx = self.session.ctx
        kinds = {
            kind: tuple(
                p for p in getattr(result, kind) if relationship_allowed(ctx, p.relationship)
            )
            for kind in ("addresses", "phones", "emails", "employers")
        }
        if all(len(v) == len(getattr(result, k)) for k, v in kinds.items()):
            return result
        return replace(result, **kinds)

    def _audit(self, query: AccountQuery, result: LocateResult, withheld: dict[str, str]) -> None:
        if result.status == "hit":
            persons = [result.candidates[0].person_id]
        elif result.status == "multiple":
            persons = [c.person_id for c in result.candidates]
        else:
            persons = []
        contacts: dict[str, list[str]] = {}
        for point in result.contacts():
            contacts.setdefault(point.kind, []).append(point.key or point.value)
        if result.reject_reason == MINOR:
            withheld[MINOR] = MINOR
        self.session.audit(
            query.account_id,
            query_inputs(query),
            status=result.status,
            persons=persons,
            contacts=contacts,
            withheld=withheld,
        )


def _suppressed(account_id: str, reason: str) -> LocateResult:
    return LocateResult(account_id=account_id, status="suppressed", reject_reason=reason)
