"""Constrained clustering of scored pairs into persons.

Pairs above the threshold are merged in descending match-weight order with union-find; a
merge is refused when the two clusters carry conflicting strong identifiers:

- full SSNs that differ by three or more edits between every pair (typos stay mergeable),
- day-precision DOBs at least two years apart with no one-digit / day-month-swap variant,
- different generational suffixes (JR vs SR, II vs III),
- optionally, two records of one source (one-to-one linking of deduplicated files).

So a Jr/Sr pair or twins linked by a strong pairwise score stay apart, and a chain of
weak links cannot join two people with different SSNs through a third record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from rapidfuzz.distance import DamerauLevenshtein


@dataclass(slots=True)
class _Identity:
    ssns: set[str] = field(default_factory=set)
    dobs: set[str] = field(default_factory=set)
    suffixes: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)


@dataclass(slots=True)
class ClusterResult:
    """``cluster_of[record_id] -> cluster id`` (smallest record id in it) and statistics."""

    cluster_of: dict[int, int]
    merges: int = 0
    refused: int = 0


def _dob_close(a: str, b: str) -> bool:
    if DamerauLevenshtein.distance(a, b) <= 1:
        return True
    swapped = a[:4] == b[:4] and a[4:6] == b[6:8] and a[6:8] == b[4:6]
    return swapped or abs(int(a[:4]) - int(b[:4])) < 2


def conflicts(a: _Identity, b: _Identity) -> str | None:
    """The reason two clusters cannot be one person, or None."""
    if a.sources & b.sources:
        return "source"
    if (
        a.ssns
        and b.ssns
        and all(DamerauLevenshtein.distance(x, y) >= 3 for x in a.ssns for y in b.ssns)
    ):
        return "ssn"
    if a.dobs and b.dobs and not any(_dob_close(x, y) for x in a.dobs for y in b.dobs):
        return "dob"
    if a.suffixes and b.suffixes and not a.suffixes & b.suffixes:
        return "suffix"
    return None


def cluster_pairs(
    record_ids: np.ndarray,
    identities: dict[int, tuple[str | None, str | None, str | None]],
    id_l: np.ndarray,
    id_r: np.ndarray,
    weight: np.ndarray,
    sources: dict[int, str] | None = None,
) -> ClusterResult:
    """Cluster ``record_ids`` over the given pairs (already filtered to the threshold).

    ``identities[record_id] = (ssn, dob_digits, suffix)``, any may be None. With
    ``sources`` (record id -> source) a person holds at most one record per source: the
    one-to-one constraint of linking deduplicated files. Ties in weight are broken by the
    pair ids, so the result is deterministic.
    """
    parent = {int(r): int(r) for r in record_ids}
    ident: dict[int, _Identity] = {}
    for rid, (ssn, dob, suffix) in identities.items():
        ident[rid] = _Identity(
            {ssn} if ssn else set(), {dob} if dob else set(), {suffix} if suffix else set()
        )
    for rid, source in (sources or {}).items():
        ident.setdefault(rid, _Identity()).sources.add(source)

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    result = ClusterResult(cluster_of={})
    order = np.lexsort((id_r, id_l, -weight))
    for k in order:
        a, b = find(int(id_l[k])), find(int(id_r[k]))
        if a == b:
            continue
        ia, ib = ident.get(a, _Identity()), ident.get(b, _Identity())
        if conflicts(ia, ib):
            result.refused += 1
            continue
        keep, gone = (a, b) if a < b else (b, a)
        parent[gone] = keep
        ident[keep] = _Identity(
            ia.ssns | ib.ssns,
            ia.dobs | ib.dobs,
            ia.suffixes | ib.suffixes,
            ia.sources | ib.sources,
        )
        ident.pop(gone, None)
        result.merges += 1
    result.cluster_of = {r: find(r) for r in parent}
    return result
