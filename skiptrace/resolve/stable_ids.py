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


@dataclass(frozen=True, slots=True)
class PersonEvent:
    """``kind`` is ``create``, ``merge`` or ``split``; ``sources`` the previous ids involved."""

    kind: str
    person_id: int
    sources: tuple[int, ...]


def assign_ids(
    clusters: dict[int, list[int]], previous: dict[int, int]
) -> tuple[dict[int, int], list[PersonEvent]]:
    """Map each cluster (key -> record ids) to a person id; return ids and events.

    ``previous`` maps record id -> person id of the last run (records new to it absent).
    """
    order = sorted(clusters, key=lambda k: (-len(clusters[k]), min(clusters[k])))
    taken: set[int] = set()
    reserved = set(previous.values())
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
