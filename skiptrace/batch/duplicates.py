"""Exact duplicate-id detection in bounded memory.

A first pass hashes every account id into a NumPy array (8 bytes a row); only ids whose
hash occurs more than once are then tracked as strings, so memory stays small for files of
millions of rows while the answer stays exact (a hash collision is checked by string).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

import numpy as np


class DuplicateIds:
    """Answers, in file order, whether an id was already seen earlier in the file."""

    def __init__(self, candidates: frozenset[int]) -> None:
        self._candidates = candidates
        self._seen: set[str] = set()

    @classmethod
    def from_ids(cls, ids: Iterable[str]) -> DuplicateIds:
        """Build from every (non-empty) id of the file, in any order."""
        hashes = np.frombuffer(array("q", (hash(i) for i in ids if i)), dtype=np.int64)
        values, counts = np.unique(hashes, return_counts=True)
        return cls(frozenset(values[counts > 1].tolist()))

    def is_repeat(self, account_id: str) -> bool:
        """True if `account_id` was passed here before; records it otherwise."""
        if not account_id or hash(account_id) not in self._candidates:
            return False
        if account_id in self._seen:
            return True
        self._seen.add(account_id)
        return False
