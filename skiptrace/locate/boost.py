"""Small gradient-boosted trees over NumPy: Newton boosting of the log loss with
histogram splits (`fit_trees`) and a vectorised evaluator (`tree_log_odds`).

Used where evidence interacts (a stale refresh matters less when no source refreshes the
value; an ended report matters more when nothing re-reported it): see
`features.top_address_scores`. A tree is stored as plain lists (JSON package data):
`feature[i]`, `threshold[i]` (go left when x <= threshold), `left[i]`, `right[i]` (-1 at a
leaf) and `value[i]` (the leaf's log-odds step, learning rate included).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Tree = dict[str, list]


@dataclass(frozen=True, slots=True)
class BoostConfig:
    """Boosting settings (rounds, learning rate, depth, leaf size, L2 on leaf values)."""

    rounds: int = 200
    rate: float = 0.05
    depth: int = 3
    min_leaf: int = 20
    l2: float = 1.0
    bins: int = 32


def _edges(x: np.ndarray, bins: int) -> list[np.ndarray]:
    """Candidate thresholds per feature: distinct quantiles (a split is `x <= edge`)."""
    qs = np.linspace(0.0, 1.0, bins + 1)[1:-1]
    return [np.unique(np.quantile(column, qs)) for column in x.T]


def _best_split(
    xb: np.ndarray, n_bins: list[int], g: np.ndarray, h: np.ndarray, config: BoostConfig
) -> tuple[int, int]:
    """(feature, bin) of the best split of one node's rows; (-1, -1) when none gains.

    One histogram over every feature at once: feature j's bins sit at offset j * width."""
    width = max(n_bins) + 1
    flat = (xb + np.arange(xb.shape[1]) * width).ravel()
    size = xb.shape[1] * width
    sums = [
        np.cumsum(np.bincount(flat, weights=w, minlength=size).reshape(-1, width), axis=1)
        for w in (np.repeat(g, xb.shape[1]), np.repeat(h, xb.shape[1]), None)
    ]
    gl, hl, nl = sums
    total_g, total_h, n = g.sum(), h.sum(), len(g)
    ok = (nl >= config.min_leaf) & (n - nl >= config.min_leaf)
    ok &= np.arange(width) < np.asarray(n_bins)[:, None]  # a split below the last edge
    gain = gl**2 / (hl + config.l2) + (total_g - gl) ** 2 / (total_h - hl + config.l2)
    gain = np.where(ok, gain - total_g**2 / (total_h + config.l2), -np.inf)
    j, k = np.unravel_index(int(np.argmax(gain)), gain.shape)
    return (int(j), int(k)) if gain[j, k] > 1e-12 else (-1, -1)


def _fit_tree(
    xb: np.ndarray, edges: list[np.ndarray], g: np.ndarray, h: np.ndarray, config: BoostConfig
) -> Tree:
    tree: Tree = {"feature": [], "threshold": [], "left": [], "right": [], "value": []}
    n_bins = [len(e) for e in edges]

    def grow(rows: np.ndarray, depth: int) -> int:
        node = len(tree["feature"])
        for key in tree:
            tree[key].append(-1 if key in ("feature", "left", "right") else 0.0)
        tree["value"][node] = float(-config.rate * g[rows].sum() / (h[rows].sum() + config.l2))
        if depth == config.depth or len(rows) < 2 * config.min_leaf:
            return node
        j, k = _best_split(xb[rows], n_bins, g[rows], h[rows], config)
        if j < 0:
            return node
        go_left = xb[rows, j] <= k
        tree["feature"][node], tree["threshold"][node] = j, float(edges[j][k])
        tree["left"][node] = grow(rows[go_left], depth + 1)
        tree["right"][node] = grow(rows[~go_left], depth + 1)
        return node

    grow(np.arange(len(g)), 0)
    return tree


def fit_trees(
    x: np.ndarray, y: np.ndarray, config: BoostConfig | None = None
) -> tuple[float, list[Tree]]:
    """(base log-odds, trees) of boosted trees predicting 0/1 `y` from `x` (n, k)."""
    config = config or BoostConfig()
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    mean = float(np.clip(y.mean(), 1e-6, 1 - 1e-6))
    base = float(np.log(mean / (1 - mean)))
    edges = _edges(x, config.bins)
    xb = np.column_stack(
        [np.searchsorted(e, column, side="left") for e, column in zip(edges, x.T, strict=True)]
    )
    log_odds = np.full(len(y), base)
    trees = []
    for _ in range(config.rounds):
        p = 1.0 / (1.0 + np.exp(-log_odds))
        tree = _fit_tree(xb, edges, p - y, np.maximum(p * (1 - p), 1e-9), config)
        trees.append(tree)
        log_odds = log_odds + _tree_values(tree, x)
    return base, trees


def _tree_values(tree: Tree, x: np.ndarray) -> np.ndarray:
    """One tree's leaf values at the rows of `x` (used while fitting)."""
    return _forest_values(pack_trees([tree]), x)[:, 0]


@dataclass(frozen=True, slots=True)
class Forest:
    """Trees padded into (trees, nodes) arrays, to walk all of them at once."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray


def pack_trees(trees: list[Tree]) -> Forest:
    """`trees` as one `Forest` (padding nodes are leaves of value 0, never reached)."""
    width = max((len(t["feature"]) for t in trees), default=1)

    def stack(key: str, fill: float, kind: type) -> np.ndarray:
        out = np.full((len(trees), width), fill, dtype=kind)
        for i, tree in enumerate(trees):
            out[i, : len(tree[key])] = tree[key]
        return out

    return Forest(stack("feature", -1, int), stack("threshold", 0.0, float),
                  stack("left", -1, int), stack("right", -1, int),
                  stack("value", 0.0, float))  # fmt: skip


def _forest_values(forest: Forest, x: np.ndarray) -> np.ndarray:
    """(rows, trees) leaf values: every tree walked from its root, one level per step."""
    n_trees = len(forest.feature)
    tree = np.arange(n_trees)[None, :]
    node = np.zeros((len(x), n_trees), dtype=int)
    rows = np.arange(len(x))[:, None]
    while True:
        feature = forest.feature[tree, node]
        inner = feature >= 0
        if not inner.any():
            break
        go_left = x[rows, np.maximum(feature, 0)] <= forest.threshold[tree, node]
        step = np.where(go_left, forest.left[tree, node], forest.right[tree, node])
        node = np.where(inner, step, node)
    return forest.value[tree, node]


def tree_log_odds(base: float, trees: list[Tree] | Forest, x: np.ndarray) -> np.ndarray:
    """The boosted log-odds of each row of `x` (rows scored independently: a row's score
    does not depend on the other rows; trees are added in order)."""
    x = np.asarray(x, dtype=float)
    forest = trees if isinstance(trees, Forest) else pack_trees(trees)
    out = np.full(len(x), base)
    for column in _forest_values(forest, x).T:
        out = out + column
    return out
