"""Do-not-contact list: accounts and persons whose contact data must not be returned.

Public API::

    SuppressionList.load(path) -> SuppressionList      # CSV, see below
    SuppressionList(entries).check(account_id=None, person_id=None) -> Suppression | None
    REASONS: the four stop-work reasons, most binding first

The CSV has a header with ``reason`` and at least one of ``account_id`` / ``person_id``
(optional ``effective_date``, ``note``). A row keyed by person suppresses every account of
that person; a row keyed by account suppresses that account only. Bad rows raise
:class:`~skiptrace.errors.InputError` naming file, row and field. ``lookup``/``batch`` report
a hit as status ``suppressed`` with ``Suppression.reason`` and return no contact points.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from skiptrace.errors import InputError

REASONS: tuple[str, ...] = ("deceased", "bankruptcy", "attorney_represented", "cease_and_desist")
_ALIASES = {
    "c&d": "cease_and_desist",
    "cease-and-desist": "cease_and_desist",
    "attorney": "attorney_represented",
    "attorney-represented": "attorney_represented",
}


@dataclass(frozen=True, slots=True)
class Suppression:
    """One do-not-contact entry; ``matched_on`` is "account" or "person" after a check."""

    reason: str
    account_id: str | None = None
    person_id: str | None = None
    effective_date: str | None = None
    note: str | None = None
    matched_on: str | None = None


def _reason(raw: str) -> str | None:
    value = raw.strip().lower().replace(" ", "_")
    value = _ALIASES.get(value, value)
    return value if value in REASONS else None


class SuppressionList:
    """In-memory do-not-contact index by account id and by person id."""

    def __init__(self, entries: Iterable[Suppression] = ()) -> None:
        self.by_account: dict[str, list[Suppression]] = {}
        self.by_person: dict[str, list[Suppression]] = {}
        self._count = 0
        for entry in entries:
            self.add(entry)

    def __len__(self) -> int:
        return self._count

    def add(self, entry: Suppression) -> None:
        """Index one entry under its account id and/or its person id."""
        if not entry.account_id and not entry.person_id:
            raise InputError("suppression entry needs an account_id or a person_id")
        if entry.person_id:
            self.by_person.setdefault(entry.person_id, []).append(entry)
        if entry.account_id:
            self.by_account.setdefault(entry.account_id, []).append(entry)
        self._count += 1

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> SuppressionList:
        """Read a suppression CSV; raise InputError on unreadable files or bad rows."""
        name = str(path)
        try:
            with Path(path).open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                header = {h.strip().lower() for h in reader.fieldnames or ()}
                if "reason" not in header or not header & {"account_id", "person_id"}:
                    raise InputError(
                        "header needs reason and account_id and/or person_id", file=name
                    )
                entries = [_entry(row, name, number) for number, row in enumerate(reader, 1)]
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise InputError(
                f"cannot read suppression list ({type(exc).__name__})", file=name
            ) from exc
        return cls(entries)

    def check(
        self, account_id: str | None = None, person_id: str | None = None
    ) -> Suppression | None:
        """The most binding suppression for this account and/or person, or None."""
        hits = [(e, "account") for e in self.by_account.get(account_id or "", [])] + [
            (e, "person") for e in self.by_person.get(person_id or "", [])
        ]
        if not hits:
            return None
        entry, how = min(hits, key=lambda hit: REASONS.index(hit[0].reason))
        return Suppression(
            entry.reason, entry.account_id, entry.person_id, entry.effective_date, entry.note, how
        )


def _entry(row: dict[str | None, str | None], file: str, number: int) -> Suppression:
    clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
    reason = _reason(clean.get("reason", ""))
    if reason is None:
        raise InputError(f"reason must be one of {', '.join(REASONS)}", file=file, row=number,
                         field="reason")  # fmt: skip
    account, person = clean.get("account_id") or None, clean.get("person_id") or None
    if not account and not person:
        raise InputError("account_id or person_id required", file=file, row=number)
    return Suppression(
        reason, account, person, clean.get("effective_date") or None, clean.get("note") or None
    )
