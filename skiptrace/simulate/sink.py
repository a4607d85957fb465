"""Per-chunk collector of source rows, their parties, and what each person had reported.

Emitters append rows here; the sink also records which addresses, phones, employers and
deaths reached any source for each person, so account truth can say what is findable.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from functools import lru_cache

from skiptrace.simulate.addresses import Addr
from skiptrace.simulate.config import CoverageRates
from skiptrace.simulate.geography import Geography
from skiptrace.simulate.names import ascii_fold
from skiptrace.simulate.noise import Noise
from skiptrace.simulate.persons import Person

Row = tuple[str, ...]


@lru_cache(maxsize=65536)
def fmt_date(day: int, pattern: str) -> str:
    """Format an ordinal day with a strftime pattern (cached: sources repeat dates)."""
    return dt.date.fromordinal(day).strftime(pattern)


def fmt_ascii_upper(text: str) -> str:
    """Vendor casing: accents folded, upper case."""
    return ascii_fold(text).upper()


class Sink:
    """Rows per source plus the person ids of each row's parties (``None`` = outsider)."""

    def __init__(
        self,
        rng: random.Random,
        noise: Noise,
        coverage: CoverageRates,
        geo: Geography,
        as_of: int,
        by_idx: dict[int, Person],
    ):
        self.rng, self.noise, self.cov, self.geo, self.as_of = rng, noise, coverage, geo, as_of
        self.by_idx = by_idx
        self.rows: dict[str, list[Row]] = defaultdict(list)
        self.parties: dict[str, list[tuple[int | None, ...]]] = defaultdict(list)
        self.addr_seen: dict[int, set[int]] = defaultdict(set)
        self.phone_seen: dict[int, set[str]] = defaultdict(set)
        self.employer_seen: dict[int, set[str]] = defaultdict(set)
        self.death_seen: set[int] = set()
        self.done: dict[str, set[object]] = defaultdict(set)  # facts already listed, per source
        self._dark: dict[int, bool] = {}

    def dark(self, aid: int) -> bool:
        """Whether an address is off the grid: most sources never learn of it."""
        if aid not in self._dark:
            self._dark[aid] = self.rng.random() < self.cov.dark_address
        return self._dark[aid]

    def reports(self, aid: int) -> bool:
        """Whether a source that would list address ``aid`` does (dark ones: rarely)."""
        return not self.dark(aid) or self.rng.random() < self.cov.dark_leak

    def known_address(self, p: Person, day: int) -> Addr | None:
        """The address a source has on file for ``p`` on ``day``: dark ones fall back to older."""
        stays = p.addresses
        i = len(stays) - 1
        while i > 0 and stays[i][1] > day:
            i -= 1
        for j in range(i, -1, -1):
            if self.reports(stays[j][0].aid):
                return stays[j][0]
        return None

    def add(self, source: str, row: Row, parties: tuple[int | None, ...]) -> None:
        """Append one row of ``source`` naming ``parties`` (person idx or None)."""
        self.rows[source].append(row)
        self.parties[source].append(parties)

    def hit(self, rate: float) -> bool:
        """True with probability ``rate``."""
        return self.rng.random() < rate

    def lag(self, mean_days: float) -> int:
        """A reporting delay in days (exponential with the given mean)."""
        return int(self.rng.expovariate(1.0 / mean_days))

    def shuffle(self) -> None:
        """Shuffle each source's rows (with their parties) so file order leaks no identity."""
        for source, rows in self.rows.items():
            order = list(range(len(rows)))
            self.rng.shuffle(order)
            parties = self.parties[source]
            self.rows[source] = [rows[i] for i in order]
            self.parties[source] = [parties[i] for i in order]


def phone_at(p: Person, day: int, kinds: tuple[str, ...] = ("mobile", "landline", "voip")) -> str:
    """A phone of ``p`` in service on ``day`` (mobile first), or ''."""
    best = ""
    for number, kind, start, end in p.phones:
        if kind in kinds and start <= day and (end is None or day < end):
            if kind != "landline":
                return number
            best = number
    return best
