"""Constrained clustering of scored pairs into persons.

Pairs above the threshold are merged in descending match-weight order with union-find; a
merge is refused when any record of one cluster carries a strong identifier that conflicts
with any record of the other (every member is checked, not only the linking pair):

- full SSNs three or more edits apart (one- and two-edit typos stay mergeable), or
  SSN last fours three or more edits apart (sources that keep only the last four),
- dates of birth years apart: two day-precision DOBs at least two years apart with no
  one-digit / day-month-swap variant, or birth years (year-only sources such as voter
  files) two or more years apart,
- different generational suffixes (JR vs SR, II vs III),
- two parties of one source row (the two owners on a deed),
- two first names that cannot be one person's (:func:`compatible`: not equal, not an
  initial of the other, not nickname-equivalent, not a typo apart, not both a typo apart
  from a third name of the two clusters), unless the clusters share an SSN or its last
  four: a household shares a surname, an address and a phone, so a spouse's or child's
  utility row (name, address, phone) links strongly to the debtor's records, but it does
  not share his first name,
- optionally, two records of one source (one-to-one linking of deduplicated files).

So a Jr/Sr pair or twins linked by a strong pairwise score stay apart, a chain of
weak links cannot join two people with different SSNs through a third record, and an
initial (``J RAMIREZ``) cannot chain JENNIFER and JOSHUA into one person.

A second pass removes ambiguous attachments. A record without SSN (or its last four) or date
of birth (a deed party, a phone connect) could be either of two people when it links about
as well (within ``ambiguity_bits``) to a cluster its own cluster refused as to its own, or
when it links at all to a *namesake* of its cluster: a cluster refused despite a strong
link (at least ``namesake_bits``). Such a record is left as a person of its own rather than
risk a wrong-party merge, and the rest is clustered again without it. So is such a record
without a suffix

- in a person whose records say JR or SR: a generational suffix means a namesake exists,
  and the record may be about either. A JR person keeps the record when its
  same-name-same-address links lead into this person only, through two or more records
  with an SSN, DOB or suffix, and it links to no other person its first name fits: the
  son's own address after he left home (an SR person's address is the household the son
  grew up in, so it proves nothing);
- in a *namesake household*: a person refused a merge, for conflicting SSNs, DOBs or
  suffixes, with a cluster of the same name at the same street address (father and son,
  mother and daughter, with or without suffixes),
  unless the record's same-name-same-address links lead into its own person only (that
  address is attested for this person and not for the namesake).

A record with a suffix but no date of birth is left alone when no other record of its
person names a generation: the suffix says a namesake exists, and nothing but the name,
an address or a shared SSN of a mixed credit file ties the record to this one.
A record with an SSN but no date of birth is left alone when its phone or e-mail leads to
a namesake's person (a credit file mixing a Jr's and his father's SSNs, whose contacts are
the Jr's). A link to a cluster whose first names conflict with the record's never makes it
ambiguous, nor does a refusal for first names make two clusters namesakes. A record whose
phone or e-mail links all lead into its own person, through records with an SSN, DOB or
suffix, is never ambiguous: phones and e-mail addresses are personal, street addresses are
shared by a household (a phone shared only with another unidentified record proves nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler


class Identity(NamedTuple):
    """A record's identifiers for the safeguards; ``dob`` holds the digits of full DOBs only."""

    ssn: str | None = None
    dob: str | None = None
    year: int | None = None
    suffix: str | None = None
    row: str | None = None  # the source row, when a row can name several parties
    last4: str | None = None  # SSN last four (also when only those are known)
    first: str | None = None  # first name (or initial)
    first_keys: list[str] | None = None  # its nickname-equivalent names
    first_phonetic: str | None = None
    last: str | None = None  # surname (only to recognise swapped names)


class FirstName(NamedTuple):
    """A first name with what decides its compatibility with another."""

    name: str
    keys: frozenset[str]  # nickname-equivalent names, itself included
    phonetic: str | None
    last: str | None  # the surname, to recognise first and last name swapped


def _close(a: str, b: str) -> bool:
    """A typo apart: Jaro-Winkler >= 0.80 or one edit (short names)."""
    return JaroWinkler.similarity(a, b) >= 0.80 or DamerauLevenshtein.distance(a, b) <= 1


@lru_cache(maxsize=65536)
def compatible(a: FirstName, b: FirstName) -> bool:
    """Whether two first names may be one person's: equal; an initial of the other or of
    one of its nickname-equivalents; nickname-equivalent, also with a typo; a typo apart;
    phonetically equal; or one of them is the other's surname (names swapped)."""
    if a.name == b.name:
        return True
    if len(a.name) == 1 or len(b.name) == 1:
        short, other = (a, b) if len(a.name) == 1 else (b, a)
        return any(k[0] == short.name for k in other.keys | {other.name})
    if (
        a.keys & b.keys
        or _close(a.name, b.name)
        or (a.phonetic is not None and a.phonetic == b.phonetic)
        or any(_close(a.name, k) for k in b.keys)
        or any(_close(b.name, k) for k in a.keys)
    ):
        return True
    return _surname_like(a.name, b.last) or _surname_like(b.name, a.last)


def _surname_like(first: str, last: str | None) -> bool:
    """Whether a first name is (a part of) the other record's surname: name order varies
    between sources (``LAST FIRST`` deed lines)."""
    return last is not None and any(
        JaroWinkler.similarity(first, part) >= 0.92 for part in re.split(r"[- ]", last) if part
    )


@dataclass(slots=True)
class _Identity:
    ssns: set[str] = field(default_factory=set)
    dobs: set[tuple[str | None, int]] = field(default_factory=set)  # (digits or None, year)
    suffixes: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    rows: set[str] = field(default_factory=set)
    last4s: set[str] = field(default_factory=set)
    names: set[FirstName] = field(default_factory=set)

    def union(self, other: _Identity) -> _Identity:
        return _Identity(
            self.ssns | other.ssns,
            self.dobs | other.dobs,
            self.suffixes | other.suffixes,
            self.sources | other.sources,
            self.rows | other.rows,
            self.last4s | other.last4s,
            self.names | other.names,
        )

    def absorb(self, other: _Identity) -> None:
        """Add ``other``'s identifiers to this one in place."""
        self.ssns |= other.ssns
        self.dobs |= other.dobs
        self.suffixes |= other.suffixes
        self.sources |= other.sources
        self.rows |= other.rows
        self.last4s |= other.last4s
        self.names |= other.names

    def strong(self) -> bool:
        """Whether an SSN, its last four or a date of birth identifies the records."""
        return bool(self.ssns or self.dobs or self.last4s)


@dataclass(slots=True)
class ClusterResult:
    """``cluster_of[record_id] -> cluster id`` (smallest record id in it) and statistics."""

    cluster_of: dict[int, int]
    merges: int = 0
    refused: int = 0
    ambiguous: int = 0
    refused_links: list[tuple[int, int, float, str]] = field(default_factory=list)


def dob_conflict(a: tuple[str | None, int], b: tuple[str | None, int]) -> bool:
    """Whether two dates of birth ``(digits or None, year)`` cannot be one person's."""
    (da, ya), (db, yb) = a, b
    if abs(ya - yb) < 2:
        return False
    if da is None or db is None:
        return True
    if DamerauLevenshtein.distance(da, db) <= 1:
        return False
    return not (da[:4] == db[:4] and da[4:6] == db[6:8] and da[6:8] == db[4:6])


def conflicts(a: _Identity, b: _Identity) -> str | None:
    """The reason two clusters cannot be one person, or None."""
    if a.sources & b.sources:
        return "source"
    if a.rows & b.rows:
        return "row"
    if any(DamerauLevenshtein.distance(x, y) >= 3 for x in a.ssns for y in b.ssns):
        return "ssn"
    if any(DamerauLevenshtein.distance(x, y) >= 3 for x in a.last4s for y in b.last4s):
        return "ssn_last4"
    if any(dob_conflict(x, y) for x in a.dobs for y in b.dobs):
        return "dob"
    if any(x != y for x in a.suffixes for y in b.suffixes):
        return "suffix"
    if names_conflict(a, b):
        return "first_name"
    return None


IDENTIFIERS = frozenset({"ssn", "ssn_last4", "dob", "suffix"})
"""The :func:`conflicts` reasons that say two clusters are two people of one name."""


def same_ssn(a: _Identity, b: _Identity) -> bool:
    """Whether the clusters share an SSN (up to a typo) or its last four."""
    return bool(a.last4s & b.last4s) or any(
        DamerauLevenshtein.distance(x, y) <= 1 for x in a.ssns for y in b.ssns
    )


def names_conflict(a: _Identity, b: _Identity) -> bool:
    """Two first names that cannot be one person's (see :func:`compatible`), unless the
    clusters share an SSN: a household shares a surname, an address and a phone, not a
    first name."""
    new_a, new_b = a.names - b.names, b.names - a.names  # names both hold were accepted
    bad = [(x.name, y.name) for x in new_a for y in new_b if not compatible(x, y)]
    if not bad or same_ssn(a, b):
        return False
    full = {z.name for z in a.names | b.names if len(z.name) > 1}
    return any(not _bridged(x, y, full) for x, y in bad)


def _bridged(x: str, y: str, names: set[str]) -> bool:
    """Whether two full first names are both a typo apart from a third of ``names``
    (MAR and MGRY, both typos of MARY)."""
    return (
        len(x) > 1
        and len(y) > 1
        and any(z not in (x, y) and _close(x, z) and _close(y, z) for z in names)
    )


def identity_of(value: tuple) -> _Identity:  # type: ignore[type-arg]
    """The cluster identity of one record's :class:`Identity` (or leading fields)."""
    i = Identity(*value)
    return _Identity(
        {i.ssn} if i.ssn else set(),
        {(i.dob, int(i.year))} if i.year is not None else set(),
        {i.suffix} if i.suffix else set(),
        set(),
        {i.row} if i.row else set(),
        {i.last4} if i.last4 else set(),
        {FirstName(i.first, frozenset(i.first_keys or ()), i.first_phonetic, i.last)}
        if i.first
        else set(),
    )


def _greedy(
    record_ids: np.ndarray,
    ident: dict[int, _Identity],
    id_l: np.ndarray,
    id_r: np.ndarray,
    weight: np.ndarray,
    order: np.ndarray,
    result: ClusterResult,
) -> dict[int, int]:
    """Union-find over ``order``ed links, refusing conflicting merges; record -> root."""
    parent = {int(r): int(r) for r in record_ids}
    ident = dict(ident)

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for k in order:
        a, b = find(int(id_l[k])), find(int(id_r[k]))
        if a == b:
            continue
        ia, ib = ident.get(a, _Identity()), ident.get(b, _Identity())
        reason = conflicts(ia, ib)
        if reason:
            result.refused += 1
            result.refused_links.append((int(id_l[k]), int(id_r[k]), float(weight[k]), reason))
            continue
        keep, gone = (a, b) if a < b else (b, a)
        parent[gone] = keep
        ident[keep] = ia.union(ib)
        ident.pop(gone, None)
        result.merges += 1
    return {r: find(r) for r in parent}


def _reach(
    cluster_of: dict[int, int],
    id_l: np.ndarray,
    id_r: np.ndarray,
    mask: np.ndarray | None,
    anchors: set[int] | None = None,
) -> dict[int, set[int]]:
    """record -> the clusters its links flagged in ``mask`` lead into (through a record of
    ``anchors`` only, when given)."""
    out: dict[int, set[int]] = {}
    if mask is None:
        return out
    for a, b in zip(id_l[mask].tolist(), id_r[mask].tolist(), strict=True):
        if anchors is None or b in anchors:
            out.setdefault(a, set()).add(cluster_of[b])
        if anchors is None or a in anchors:
            out.setdefault(b, set()).add(cluster_of[a])
    return out


def _members(cluster_of: dict[int, int], ident: dict[int, _Identity]) -> dict[int, _Identity]:
    """cluster -> the union of its records' identities."""
    members: dict[int, _Identity] = {}
    for rid, root in cluster_of.items():
        if rid in ident:
            members.setdefault(root, _Identity()).absorb(ident[rid])
    return members


def _ambiguous(
    cluster_of: dict[int, int],
    ident: dict[int, _Identity],
    id_l: np.ndarray,
    id_r: np.ndarray,
    weight: np.ndarray,
    bits: float,
    namesakes: set[tuple[int, int]],
    housed: set[int],
    shared: dict[int, set[int]],
    personal: dict[int, set[int]],
    attested: dict[int, set[int]],
) -> set[int]:
    """Records without SSN/DOB that may be about another person (see the module docstring)."""
    members = _members(cluster_of, ident)
    best: dict[tuple[int, int], float] = {}  # (record, cluster) -> best link weight
    for a, b, w in zip(id_l.tolist(), id_r.tolist(), weight.tolist(), strict=True):
        for rec, other in ((a, b), (b, a)):
            i = ident.get(rec)
            if i is not None and i.strong():
                continue
            key = (rec, cluster_of[other])
            if w > best.get(key, -np.inf):
                best[key] = w
    by_record: dict[int, list[tuple[int, float]]] = {}
    for (rec, root), w in best.items():
        by_record.setdefault(rec, []).append((root, w))
    out: set[int] = set()
    size: dict[int, int] = {}
    generations: dict[int, int] = {}  # cluster -> its records with a suffix
    for rid, root in cluster_of.items():
        size[root] = size.get(root, 0) + 1
        if rid in ident and ident[rid].suffixes:
            generations[root] = generations.get(root, 0) + 1
    for rid, root in cluster_of.items():
        i = ident.get(rid)
        if i is not None and i.suffixes and not i.dobs and generations[root] == 1 < size[root]:
            out.add(rid)  # the only record of its person to name a generation
    for rec, roots in personal.items():
        i = ident.get(rec)
        if i is None or i.dobs or not (i.ssns or i.last4s):
            continue
        if any(
            root != cluster_of[rec] and not names_conflict(i, members.get(root, _Identity()))
            for root in roots
        ):
            out.add(rec)  # its SSN says one person, its phone a namesake: a mixed file
    for rec, links in by_record.items():
        own_root = cluster_of[rec]
        own = max((w for root, w in links if root == own_root), default=None)
        if own is None or personal.get(rec) == {own_root}:
            continue  # a phone / e-mail of this person only: not the namesake's record
        mine = members.get(own_root, _Identity())
        suffixed = rec in ident and bool(ident[rec].suffixes)
        if (
            mine.suffixes
            and not suffixed
            and not (
                mine.suffixes == {"JR"}
                and _own_address(rec, own_root, cluster_of, shared, attested)
                and not any(
                    root != own_root
                    and not names_conflict(
                        ident.get(rec, _Identity()), members.get(root, _Identity())
                    )
                    for root, _ in links
                )
            )
        ):
            out.add(rec)  # a JR / SR person has a namesake this record may be about
            continue
        if own_root in housed and not suffixed and shared.get(rec) != {own_root}:
            out.add(rec)  # its address is not this person's alone in a namesake household
            continue
        for root, w in links:
            if root == own_root or names_conflict(
                ident.get(rec, _Identity()), members.get(root, _Identity())
            ):
                continue  # its first name says it is not about that person
            if (own_root, root) in namesakes or (
                w >= own - bits and conflicts(mine, members.get(root, _Identity()))
            ):
                out.add(rec)
                break
    return out


def _own_address(
    rec: int,
    own_root: int,
    cluster_of: dict[int, int],
    shared: dict[int, set[int]],
    attested: dict[int, set[int]],
) -> bool:
    """Whether a record's same-name-same-address links lead into its own person only,
    through two or more records of ``attested`` (those with an SSN, DOB or suffix)."""
    anchors = attested.get(rec, set())
    return (
        len(anchors) >= 2
        and shared.get(rec) == {own_root}
        and {cluster_of[a] for a in anchors} == {own_root}
    )


def _linked(
    id_l: np.ndarray, id_r: np.ndarray, mask: np.ndarray | None, anchors: set[int]
) -> dict[int, set[int]]:
    """record -> the records of ``anchors`` its links flagged in ``mask`` lead to."""
    out: dict[int, set[int]] = {}
    if mask is None:
        return out
    for a, b in zip(id_l[mask].tolist(), id_r[mask].tolist(), strict=True):
        if b in anchors:
            out.setdefault(a, set()).add(b)
        if a in anchors:
            out.setdefault(b, set()).add(a)
    return out


def cluster_pairs(
    record_ids: np.ndarray,
    identities: dict[int, tuple],  # type: ignore[type-arg]
    id_l: np.ndarray,
    id_r: np.ndarray,
    weight: np.ndarray,
    sources: dict[int, str] | None = None,
    ambiguity_bits: float | None = None,
    namesake_bits: float = np.inf,
    coresident: np.ndarray | None = None,
    personal: np.ndarray | None = None,
) -> ClusterResult:
    """Cluster ``record_ids`` over the given pairs (already filtered to the threshold).

    ``identities[record_id]`` is an :class:`Identity` (or a tuple of its leading fields).
    With ``sources`` (record id -> source) a person holds at most one record per source:
    the one-to-one constraint of linking deduplicated files. With ``ambiguity_bits`` the
    ambiguous-record pass runs (see the module docstring); it uses the optional per-link
    flags ``coresident`` (same name at the same street address) and ``personal`` (same
    phone or e-mail). Ties in weight are broken by the pair ids, so the result is
    deterministic.
    """
    ident = {rid: identity_of(v) for rid, v in identities.items()}
    for rid, source in (sources or {}).items():
        ident.setdefault(rid, _Identity()).sources.add(source)
    order = np.lexsort((id_r, id_l, -weight))
    result = ClusterResult(cluster_of={})
    cluster_of = _greedy(record_ids, ident, id_l, id_r, weight, order, result)
    if ambiguity_bits is not None:
        namesakes = {
            (cluster_of[a], cluster_of[b])
            for a, b, w, reason in result.refused_links
            if w >= namesake_bits and reason != "first_name"
        }
        namesakes |= {(b, a) for a, b in namesakes}
        shared = _reach(cluster_of, id_l, id_r, coresident)
        # records whose identity is their own: an SSN, a DOB or a suffix
        anchored = {r for r, i in ident.items() if i.strong() or i.suffixes}
        # a link between two final clusters was refused for their identifiers: namesakes
        # living together (a refusal for two parties of one deed or first names is not)
        members = _members(cluster_of, ident)
        housed: set[int] = set()
        for rec, roots in shared.items():
            own = members.get(cluster_of[rec], _Identity())
            for root in roots - {cluster_of[rec]}:
                if conflicts(own, members.get(root, _Identity())) in IDENTIFIERS:
                    housed |= {root, cluster_of[rec]}
        drop = _ambiguous(
            cluster_of,
            ident,
            id_l,
            id_r,
            weight,
            ambiguity_bits,
            namesakes,
            housed,
            shared,
            _reach(cluster_of, id_l, id_r, personal, anchored),
            _linked(id_l, id_r, coresident, anchored),
        )
        if drop:
            dropped = np.array(sorted(drop), dtype=np.int64)
            keep = ~(np.isin(id_l, dropped) | np.isin(id_r, dropped))
            result = ClusterResult(cluster_of={}, ambiguous=len(drop))
            cluster_of = _greedy(record_ids, ident, id_l, id_r, weight, order[keep[order]], result)
    result.cluster_of = cluster_of
    return result
