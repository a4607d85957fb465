"""Explain a pair of records: the prior and each field's contribution to the match weight.

The waterfall shows comparison levels (labels such as ``one_digit``), never field values,
so it is safe to show: no SSN or DOB appears in it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import duckdb
import numpy as np
import pyarrow as pa

from skiptrace.errors import ConfigError, InputError
from skiptrace.resolve.comparisons import DEFAULT_COMPARISONS, Comparison, vectors_select_sql
from skiptrace.resolve.model import ModelParams
from skiptrace.resolve.scoring import field_weights
from skiptrace.resolve.term_frequencies import tf_table_name

PAIR_TABLE = "rs_explain_pair"


@dataclass(frozen=True, slots=True)
class Step:
    """One waterfall bar: a field, its level label and its weight in bits."""

    field: str
    level: str
    weight: float


@dataclass(frozen=True, slots=True)
class Explanation:
    """The waterfall of one pair; ``total`` = prior + sum of the steps."""

    record_a: int
    record_b: int
    prior: float
    steps: tuple[Step, ...]
    total: float
    probability: float
    conflict: str | None = None  # the safeguard that keeps them apart whatever the weight
    same_person: bool | None = None  # whether the last resolve put them in one person

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return asdict(self)


def explain_pair(
    con: duckdb.DuckDBPyConnection,
    params: ModelParams,
    record_a: int,
    record_b: int,
    comparisons: tuple[Comparison, ...] = DEFAULT_COMPARISONS,
) -> Explanation:
    """Score one pair from the loaded ``rs_records`` table (and TF tables) and explain it."""
    found = con.execute(
        "SELECT count(*) FROM rs_records WHERE record_id IN (?, ?)", [record_a, record_b]
    ).fetchall()[0][0]
    if record_a == record_b or found != 2:
        raise InputError(f"need two different known records, got {record_a} and {record_b}")
    missing = [c.name for c in comparisons if c.name not in params.m]
    if missing:
        raise ConfigError(f"model parameters lack comparisons: {', '.join(missing)}")
    lo, hi = sorted((record_a, record_b))
    con.register(PAIR_TABLE, pa.table({"id_l": [lo], "id_r": [hi]}))
    try:
        row = con.execute(vectors_select_sql(comparisons, PAIR_TABLE)).fetchnumpy()
    finally:
        con.unregister(PAIR_TABLE)
    columns: dict[str, np.ndarray] = {c.name: np.asarray(row[c.name]) for c in comparisons}
    for key in row:
        if key.startswith("tf_"):
            value = row[key][0]
            freq = con.execute(
                f"SELECT tf FROM {tf_table_name(key[3:])} WHERE value = ?", [value]
            ).fetchall()
            columns[key] = np.array([freq[0][0] if freq else np.nan], dtype=float)
    weights = field_weights(comparisons, params, columns)
    steps = tuple(
        Step(c.name, c.level_labels()[int(columns[c.name][0])], round(float(weights[c.name][0]), 4))
        for c in comparisons
    )
    total = params.prior_weight() + sum(s.weight for s in steps)
    return Explanation(
        record_a,
        record_b,
        round(params.prior_weight(), 4),
        steps,
        round(total, 4),
        float(1 / (1 + 2.0**-total)),
    )


def render_text(ex: Explanation) -> str:
    """A text waterfall: one line per field with its level and running total."""
    lines = [f"records {ex.record_a} vs {ex.record_b}", f"  {'prior':<14}{'':<28}{ex.prior:+8.2f}"]
    running = ex.prior
    for s in ex.steps:
        running += s.weight
        lines.append(f"  {s.field:<14}{s.level:<28}{s.weight:+8.2f}  = {running:+8.2f}")
    lines.append(f"  match weight {ex.total:+.2f}, probability {ex.probability:.6f}")
    if ex.conflict:
        lines.append(f"  never one person: conflicting {ex.conflict}")
    if ex.same_person is not None:
        lines.append(f"  same person now: {'yes' if ex.same_person else 'no'}")
    return "\n".join(lines)
