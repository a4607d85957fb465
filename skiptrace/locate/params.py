"""Fitted locate parameters, stored as JSON package data in `skiptrace/locate/fitted/`.

`IdentityParams`: m/u per comparison level (Fellegi-Sunter), the Platt map of the summed
weight, and the isotonic calibration of the posterior. `ContactParams`: one logistic model
per contact kind over the generic features of `skiptrace.locate.features`, plus an isotonic
calibration, the sources' refresh intervals that the staleness feature needs, and the
second stage that re-scores a person's best address (`TopModel`). Both are refitted by
`bench/locate_fit.py`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from skiptrace.errors import ConfigError
from skiptrace.locate.boost import Forest, pack_trees, tree_log_odds
from skiptrace.locate.calibration import apply_isotonic

FITTED_DIR = Path(__file__).resolve().parent / "fitted"
IDENTITY_FILE = "identity.json"
CONTACTS_FILE = "contacts.json"
TOP_FILE = "top.json"
"""The second-stage models (`ContactParams.top`), kept apart and compact: they are long."""


@dataclass(slots=True)
class IdentityParams:
    """m/u per comparison level (index 0 = 'different'), Platt map, isotonic map."""

    m: dict[str, list[float]]
    u: dict[str, list[float]]
    platt: tuple[float, float] = (0.0, 0.6931471805599453)
    iso_x: list[float] = field(default_factory=list)
    iso_y: list[float] = field(default_factory=list)

    def weights(self, name: str) -> np.ndarray:
        """log2(m/u) indexed by level + 1 (index 0 = missing, weight 0)."""
        m, u = np.asarray(self.m[name]), np.asarray(self.u[name])
        return np.concatenate([[0.0], np.log2(m / u)])

    def calibrate(self, p: np.ndarray) -> np.ndarray:
        """The fitted isotonic map (identity when none was fitted)."""
        if not self.iso_x:
            return p
        return apply_isotonic(np.asarray(self.iso_x), np.asarray(self.iso_y), p)


@dataclass(slots=True)
class KindModel:
    """Logistic coefficients over named features, and isotonic maps of its output.

    `exclusive` kinds (one current value per person: the residence, the employer) share
    one probability mass per person, with an explicit 'none of these' outcome. The
    person's best-scored value of a kind has its own map (`top_x`, `top_y`): being ranked
    first is itself evidence.
    """

    features: list[str]
    beta: list[float]
    exclusive: bool = False
    iso_x: list[float] = field(default_factory=list)
    iso_y: list[float] = field(default_factory=list)
    top_x: list[float] = field(default_factory=list)
    top_y: list[float] = field(default_factory=list)

    def calibrate(self, p: np.ndarray, top: np.ndarray) -> np.ndarray:
        """Apply the isotonic maps: `top` marks each person's best-scored values."""
        out = np.array(p, dtype=float)
        for mask, xs, ys in ((~top, self.iso_x, self.iso_y), (top, self.top_x, self.top_y)):
            if xs and mask.any():
                out[mask] = apply_isotonic(np.asarray(xs), np.asarray(ys), out[mask])
        return out


@dataclass(slots=True)
class TopModel:
    """Second stage of an exclusive kind: boosted trees (`skiptrace.locate.boost`) that
    re-score each person's best-ranked value from its first-stage log-odds and `features`,
    and an isotonic map of their probability."""

    features: list[str]
    base: float
    trees: list[dict[str, list]]
    iso_x: list[float] = field(default_factory=list)
    iso_y: list[float] = field(default_factory=list)
    forest: Forest | None = field(default=None, repr=False, compare=False)
    """The trees packed for evaluation (built on first use; never saved)."""

    def log_odds(self, x: np.ndarray) -> np.ndarray:
        """The trees' log-odds at the rows of `x` (columns: `features`)."""
        if self.forest is None:
            self.forest = pack_trees(self.trees)
        return tree_log_odds(self.base, self.forest, x)

    def calibrate(self, p: np.ndarray) -> np.ndarray:
        """The fitted isotonic map (identity when none was fitted)."""
        if not self.iso_x:
            return p
        return apply_isotonic(np.asarray(self.iso_x), np.asarray(self.iso_y), p)


@dataclass(slots=True)
class ContactParams:
    """One `KindModel` per contact kind, each refreshing source's usual refresh interval
    in days (`features.refresh_intervals`; a source without one adds no staleness
    evidence), the second-stage `TopModel` of a kind's best value, if fitted, and each
    source's share of ended addresses that were moves (`features.end_move_rates`)."""

    kinds: dict[str, KindModel]
    refresh_days: dict[str, float] = field(default_factory=dict)
    top: dict[str, TopModel] = field(default_factory=dict)
    end_rates: dict[str, float] = field(default_factory=dict)


def _path(name: str, directory: str | Path | None) -> Path:
    return Path(directory) / name if directory else FITTED_DIR / name


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read locate parameters ({exc})") from None


def load_identity(directory: str | Path | None = None) -> IdentityParams:
    """Identity parameters from `directory` (default: the packaged ones)."""
    data = _read(_path(IDENTITY_FILE, directory))
    try:
        return IdentityParams(
            m=data["m"], u=data["u"], platt=tuple(data["platt"]),
            iso_x=data["iso_x"], iso_y=data["iso_y"],
        )  # fmt: skip
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"identity parameters are malformed: {exc}") from None


def load_contacts(directory: str | Path | None = None) -> ContactParams:
    """Contact-ranking parameters from `directory` (default: the packaged ones)."""
    data = _read(_path(CONTACTS_FILE, directory))
    top_path = _path(TOP_FILE, directory)
    top = _read(top_path) if top_path.exists() else {}
    try:
        return ContactParams(
            {k: KindModel(**v) for k, v in data["kinds"].items()},
            {str(k): float(v) for k, v in data.get("refresh_days", {}).items()},
            {k: TopModel(**v) for k, v in top.items()},
            {str(k): float(v) for k, v in data.get("end_rates", {}).items()},
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"contact parameters are malformed: {exc}") from None


def save_params(
    identity: IdentityParams, contacts: ContactParams, directory: str | Path | None = None
) -> None:
    """Write both parameter files (stable key order) to `directory` (default: packaged)."""
    target = Path(directory) if directory else FITTED_DIR
    target.mkdir(parents=True, exist_ok=True)
    (target / IDENTITY_FILE).write_text(json.dumps(asdict(identity), indent=1, sort_keys=True))
    data = asdict(contacts)
    top = data.pop("top")
    for model in top.values():
        del model["forest"]
    (target / CONTACTS_FILE).write_text(json.dumps(data, indent=1, sort_keys=True))
    if top:
        (target / TOP_FILE).write_text(json.dumps(top, sort_keys=True, separators=(",", ":")))
    else:
        (target / TOP_FILE).unlink(missing_ok=True)
