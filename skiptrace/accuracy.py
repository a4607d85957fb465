"""Accuracy of a batch refresh against a simulated world's truth (`truth/` of a world).

Public API::

    score_refresh(output_csv, truth_dir, min_confidence) -> RefreshAccuracy

Metrics (the issue's definitions, over the refreshed accounts file):
- address top-1: the returned address is the debtor's current address, over debtors whose
  current address is in some source (`address_findable`);
- wrong party: a `hit` whose returned address or any returned phone never belonged to the
  debtor (an address counts as the debtor's when it is one of their residences or mailing
  addresses up to the unit, or a source's misspelling of one: same house number and ZIP,
  street Jaro-Winkler >= 0.9);
- no-hit on unfindable: no address returned, or its confidence below the guard, over
  debtors whose current address is in no source;
- deceased recall over debtors whose death is in a source, and precision of `deceased=Y`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz.distance import JaroWinkler

from skiptrace.normalize import normalize_address, normalize_phone

VARIANT_SIMILARITY = 0.9


@dataclass(slots=True)
class Rate:
    """A count out of a total."""

    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        """Count one case."""
        self.hits += bool(hit)
        self.total += 1

    @property
    def value(self) -> float | None:
        """hits / total, None when there is no case."""
        return self.hits / self.total if self.total else None

    def __str__(self) -> str:
        value = self.value
        return "n/a" if value is None else f"{value:.1%} ({self.hits:,}/{self.total:,})"


@dataclass(slots=True)
class RefreshAccuracy:
    """The accuracy metrics of one refreshed file (see the module docstring)."""

    hit_rate: Rate = field(default_factory=Rate)
    address_top1_findable: Rate = field(default_factory=Rate)
    wrong_party: Rate = field(default_factory=Rate)
    no_hit_unfindable: Rate = field(default_factory=Rate)
    phone_any_top3: Rate = field(default_factory=Rate)
    deceased_recall: Rate = field(default_factory=Rate)
    deceased_precision: Rate = field(default_factory=Rate)

    def rows(self) -> list[tuple[str, Rate]]:
        """(label, rate) pairs in report order."""
        return [
            ("hit rate", self.hit_rate),
            ("address top-1 (findable)", self.address_top1_findable),
            ("wrong-party rate (hits)", self.wrong_party),
            ("no hit on unfindable", self.no_hit_unfindable),
            ("phone any-of-top-3", self.phone_any_top3),
            ("deceased recall", self.deceased_recall),
            ("deceased precision", self.deceased_precision),
        ]


def _read(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _address_keys(line1: str, line2: str, city: str, state: str, zip5: str) -> tuple[str, str]:
    address = normalize_address(line1=line1, line2=line2 or None, city=city, state=state, zip=zip5)
    return address.key, address.street_key


def _is_own(key: str, street: str, own: set[str]) -> bool:
    """The address is one of `own` (keys 'NUMBER STREET...|ZIP5'), up to unit or misspelling."""
    if {key, street} & own:
        return True
    number, _, rest = street.partition(" ")
    line, _, zip5 = rest.rpartition("|")
    for other in own:
        o_number, _, o_rest = other.partition(" ")
        o_line, _, o_zip5 = o_rest.rpartition("|")
        if (o_number, o_zip5) == (number, zip5) and (
            JaroWinkler.similarity(line, o_line) >= VARIANT_SIMILARITY
        ):
            return True
    return False


def _phone_key(raw: str) -> str:
    phone = normalize_phone(raw)
    return phone.e164 if phone.ok else ""


def score_refresh(output_csv: Path, truth_dir: Path, min_confidence: float) -> RefreshAccuracy:
    """Score a `skiptrace batch` CSV output against `truth_dir` (accounts, addresses, phones)."""
    accounts = {row["account_id"]: row for row in _read(truth_dir / "accounts.csv")}
    addresses: dict[str, set[str]] = {}
    for row in _read(truth_dir / "addresses.csv"):
        key, street = _address_keys(row["line1"], row["line2"], row["city"], row["state"],
                                    row["zip"])  # fmt: skip
        addresses.setdefault(row["person_id"], set()).update({key, street} - {""})
    mailing = truth_dir / "mailing.csv"
    for row in _read(mailing) if mailing.exists() else ():
        key, street = _address_keys(row["line1"], "", row["city"], row["state"], row["zip"])
        addresses.setdefault(row["person_id"], set()).update({key, street} - {""})
    phones: dict[str, set[str]] = {}
    for row in _read(truth_dir / "phones.csv"):
        phones.setdefault(row["person_id"], set()).add(_phone_key(row["phone"]))
    acc = RefreshAccuracy()
    for out in _read(output_csv):
        truth = accounts.get(out.get("ACCOUNT_ID") or out.get("account_id") or "")
        if truth is None:
            continue
        person, hit = truth["person_id"], out["match_status"] == "hit"
        acc.hit_rate.add(hit)
        returned = hit and bool(out["address_line"])
        key, street = _address_keys(out["address_line"], "", out["address_city"],
                                    out["address_state"], out["address_zip"])  # fmt: skip
        current, _ = _address_keys(truth["current_line1"], truth["current_line2"],
                                   truth["current_city"], truth["current_state"],
                                   truth["current_zip"])  # fmt: skip
        if truth["address_findable"] == "1":
            acc.address_top1_findable.add(returned and key == current)
        else:
            confident = returned and float(out["address_confidence"] or 0) >= min_confidence
            acc.no_hit_unfindable.add(not confident)
        returned_phones = {out[f"phone_{n}"] for n in (1, 2, 3)} - {""}
        if hit:
            own = addresses.get(person, set())
            wrong_address = returned and not _is_own(key, street, own)
            acc.wrong_party.add(wrong_address or bool(returned_phones - phones.get(person, set())))
        findable = {_phone_key(p) for p in truth["findable_phones"].split(";") if p}
        if findable:
            acc.phone_any_top3.add(bool(returned_phones & findable))
        flagged = out["deceased"] == "Y"
        if truth["death_in_sources"] == "1":
            acc.deceased_recall.add(flagged)
        if flagged:
            acc.deceased_precision.add(truth["deceased"] == "1")
    return acc
