"""The risk model: L2 logistic regression over the binary features, then an isotonic map.

`risk_score` = round(100 x calibrated probability). Parameters are JSON package data in
`skiptrace/verify/fitted/risk.json`, refitted on a simulated fit world by
`bench/verify_fit.py` (never on the evaluation world).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from skiptrace.errors import ConfigError
from skiptrace.locate.calibration import apply_isotonic, fit_isotonic, fit_logistic, sigmoid
from skiptrace.verify.features import ELEMENTS, FEATURE_NAMES, FEATURES

FITTED_FILE = Path(__file__).resolve().parent / "fitted" / "risk.json"
PRIOR_WEIGHT = 2.0
"""Log-odds weight of a feature the fit world hardly exercises (fewer than `MIN_POSITIVES`
applications raise it, e.g. PO boxes): an expert prior, not a fit."""
PRIOR_WEIGHTS = {"ssn_invalid": 6.0}
"""Priors above the default: an SSN that was never issuable is as strong as a name/SSN
mismatch (the strongest fitted codes weigh about 6)."""
MIN_POSITIVES = 10
DEFAULT_THRESHOLD = 50
"""Risk score at or above which an application goes to review (see docs/verify.md)."""


@dataclass(slots=True)
class VerifyParams:
    """Fitted coefficients (intercept first), isotonic knots and per-feature fit means."""

    features: list[str]
    beta: list[float]
    iso_x: list[float]
    iso_y: list[float]
    missing_means: list[float]
    threshold: int = DEFAULT_THRESHOLD
    use_isotonic: bool = False
    fitted_on: dict[str, object] = field(default_factory=dict)

    def weights(self) -> np.ndarray:
        """Per-feature coefficients (log-odds added when the feature is 1)."""
        return np.asarray(self.beta[1:], dtype=float)

    def impute(self, x: np.ndarray, given: np.ndarray) -> np.ndarray:
        """Replace the features of elements the application lacks by their fit means."""
        x = np.array(x, dtype=float, copy=True)
        means = np.asarray(self.missing_means, dtype=float)
        for j, feature in enumerate(FEATURES):
            if feature.element in ELEMENTS:
                missing = ~given[:, ELEMENTS.index(feature.element)]
                x[missing, j] = means[j]
        return x

    def probability(self, x: np.ndarray, given: np.ndarray) -> np.ndarray:
        """Probability that each application is falsified (the logistic model's own
        calibration; the isotonic map is applied only when `use_isotonic`)."""
        raw = sigmoid(self.beta[0] + self.impute(x, given) @ self.weights())
        if not self.use_isotonic:
            return raw
        return np.clip(apply_isotonic(np.array(self.iso_x), np.array(self.iso_y), raw), 0, 1)

    def contributions(self, x: np.ndarray, given: np.ndarray) -> np.ndarray:
        """Per-feature log-odds contributions (weight x value after imputation)."""
        return self.impute(x, given) * self.weights()


def risk_scores(p: np.ndarray) -> np.ndarray:
    """0-100 integer scores of calibrated probabilities."""
    return np.rint(np.asarray(p, dtype=float) * 100).astype(int)


def fit_params(x: np.ndarray, given: np.ndarray, y: np.ndarray, l2: float = 1.0) -> VerifyParams:
    """Fit the logistic model and its isotonic calibration on one labelled world."""
    complete = given.all(axis=1)
    means = x[complete].mean(axis=0) if complete.any() else x.mean(axis=0)
    params = VerifyParams(list(FEATURE_NAMES), [], [], [], means.tolist())
    xi = params.impute(x, given)
    fitted = (x > 0).sum(axis=0) >= MIN_POSITIVES
    beta = np.array([0.0, *(PRIOR_WEIGHTS.get(f, PRIOR_WEIGHT) for f in FEATURE_NAMES)])
    while True:  # non-negative weights: a triggered code never lowers the risk
        fit = fit_logistic(xi[:, fitted], y, l2=l2)
        if (fit[1:] >= 0).all():
            break
        negative = np.flatnonzero(fitted)[fit[1:] < 0]
        fitted[negative] = False
        beta[1:][negative] = 0.0
    beta[0] = fit[0]
    beta[1:][fitted] = fit[1:]
    params.beta = beta.tolist()
    prior = [n for n, f, b in zip(FEATURE_NAMES, fitted, beta[1:], strict=True) if not f and b]
    params.fitted_on = {"rows": len(y), "prior_weight": prior}
    raw = sigmoid(beta[0] + params.impute(x, given) @ beta[1:])
    knots, values = fit_isotonic(raw, y)
    params.iso_x, params.iso_y = knots.tolist(), values.tolist()
    return params


def save_params(params: VerifyParams, path: Path = FITTED_FILE) -> None:
    """Write parameters as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(params), indent=1) + "\n", encoding="utf-8")


def load_params(path: Path | str | None = None) -> VerifyParams:
    """Read parameters (the packaged fit by default); ConfigError if unusable."""
    path = Path(path) if path is not None else FITTED_FILE
    try:
        params = VerifyParams(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigError(f"{path}: cannot load verify parameters ({exc})") from exc
    if params.features != list(FEATURE_NAMES) or len(params.beta) != len(FEATURES) + 1:
        raise ConfigError(f"{path}: parameters do not match this version's features; refit")
    return params
