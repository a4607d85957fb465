"""Stable person ids across runs, and the merge / split / create events between them.

A new cluster keeps the previous person id that holds most of its records (ties: the
smaller id), unless a larger cluster already kept it; otherwise it gets a fresh id, the
smallest record id in it not used as a person id before. So re-running on unchanged data
changes no id, new records join existing persons, and a full rebuild of a fresh store
numbers persons deterministically.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class PersonEvent:
    """``kind`` is ``create``, ``merge`` or ``split``; ``sources`` the previous ids involved."""

    kind: str
    person_id: int
    sources: tuple[int, ...]


def assign_ids(
    clusters: dict[int, list[int]],
    previous: dict[int, int],
    *,
    reserved: set[int] | None = None,
    taken: set[int] | None = None,
) -> tuple[dict[int, int], list[PersonEvent]]:
    """Map each cluster (key -> record ids) to a person id; return ids and events.

    ``previous`` maps record id -> person id of the last run (records new to it absent).
    ``reserved`` (default: the previous person ids) are never given as fresh ids, nor are
    the ids in ``taken`` (already given to other clusters).
    """
    order = sorted(clusters, key=lambda k: (-len(clusters[k]), min(clusters[k])))
    taken = set(taken or ())
    reserved = set(previous.values()) if reserved is None else reserved
    person_of: dict[int, int] = {}
    events: list[PersonEvent] = []
    prev_clusters: dict[int, set[int]] = {}
    for key in order:
        votes = Counter(previous[r] for r in clusters[key] if r in previous)
        for pid in votes:
            prev_clusters.setdefault(pid, set()).add(key)
        ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
        choice = next((pid for pid, _ in ranked if pid not in taken), None)
        if choice is None:
            free = [r for r in sorted(clusters[key]) if r not in reserved and r not in taken]
            choice = free[0] if free else max(taken | reserved | {0}) + 1
            events.append(PersonEvent("create", choice, tuple(sorted(votes))))
        elif len(votes) > 1:
            events.append(PersonEvent("merge", choice, tuple(sorted(votes))))
        taken.add(choice)
        person_of[key] = choice
    for pid, keys in sorted(prev_clusters.items()):
        if len(keys) > 1:
            events.append(PersonEvent("split", pid, tuple(sorted(person_of[k] for k in keys))))
    return person_of, events


def assign_id_arrays(
    records: np.ndarray, roots: np.ndarray, prev_records: np.ndarray, prev_persons: np.ndarray
) -> tuple[np.ndarray, list[PersonEvent]]:
    """:func:`assign_ids` over arrays: the person id of each record (``records[i]`` is in the
    cluster keyed ``roots[i]``) and the events.

    ``prev_records`` / ``prev_persons`` give the previous person of records (sorted by
    record). Clusters whose previous persons no other cluster also holds are numbered
    vectorised; the rest (splits) go through :func:`assign_ids`, with the same result.
    """
    keys, cluster = np.unique(roots, return_inverse=True)
    pos = np.minimum(np.searchsorted(prev_records, records), max(len(prev_records) - 1, 0))
    has_prev = prev_records[pos] == records if len(prev_records) else np.zeros(len(records), bool)
    reserved = np.unique(prev_persons)
    # distinct (cluster, previous person) votes and their counts
    vc, vp = cluster[has_prev], prev_persons[pos[has_prev]]
    order = np.lexsort((vp, vc))
    vc, vp = vc[order], vp[order]
    first = np.ones(len(vc), bool)
    first[1:] = (vc[1:] != vc[:-1]) | (vp[1:] != vp[:-1])
    starts = np.flatnonzero(first)
    vn = np.diff(np.append(starts, len(vc)))
    vc, vp = vc[starts], vp[starts]
    pids, holders = np.unique(vp, return_counts=True)
    contested = np.isin(vp, pids[holders > 1])
    hard = np.zeros(len(keys), bool)
    hard[vc[contested]] = True
    person = np.full(len(keys), -1, dtype=np.int64)
    events: list[PersonEvent] = []
    # a cluster holding uncontested previous persons keeps the one with most records
    best = np.lexsort((vp, -vn, vc))
    head = best[np.r_[True, vc[best][1:] != vc[best][:-1]][: len(best)]]
    easy = ~hard[vc[head]]
    person[vc[head][easy]] = vp[head][easy]
    votes = np.bincount(vc, minlength=len(keys))
    for c in np.flatnonzero((votes > 1) & ~hard).tolist():
        held = vp[np.searchsorted(vc, c) :][: votes[c]]
        events.append(PersonEvent("merge", int(person[c]), tuple(sorted(held.tolist()))))
    # a cluster of new records only: its smallest record id that is no previous person id
    fresh = np.full(len(keys), np.iinfo(np.int64).max)
    free = ~np.isin(records, reserved)
    np.minimum.at(fresh, cluster[free], records[free])
    new = (votes == 0) & ~hard
    hard |= new & (fresh == np.iinfo(np.int64).max)
    new &= ~hard
    person[new] = fresh[new]
    events += [PersonEvent("create", p, ()) for p in person[new].tolist()]
    if hard.any():
        sub = hard[cluster]
        members: dict[int, list[int]] = {}
        for rid, c in zip(records[sub].tolist(), cluster[sub].tolist(), strict=True):
            members.setdefault(c, []).append(rid)
        prev = dict(
            zip(
                records[sub & has_prev].tolist(),
                prev_persons[pos[sub & has_prev]].tolist(),
                strict=True,
            )
        )
        chosen, more = assign_ids(
            members,
            prev,
            reserved=set(reserved.tolist()),
            taken=set(person[person >= 0].tolist()),
        )
        for c, pid in chosen.items():
            person[c] = pid
        events += more
    return person[cluster], events
