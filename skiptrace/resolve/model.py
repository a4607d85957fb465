"""Fellegi-Sunter model parameters: the prior and m/u per comparison level, as JSON.

``prior`` is the probability that two random records are the same person; ``m[name][k]``
and ``u[name][k]`` are the probabilities of level value ``k`` (0 is 'different') among
matching and non-matching pairs. Missing values (level -1) carry no evidence. Parameters
are estimated by :mod:`training`, saved with the store and can be overridden from a file.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np

from skiptrace.errors import ConfigError


@dataclass(slots=True)
class ModelParams:
    """Prior match probability of two random records and m/u per comparison level."""

    prior: float
    m: dict[str, list[float]] = field(default_factory=dict)
    u: dict[str, list[float]] = field(default_factory=dict)
    em_iterations: int = 0
    u_pairs: int = 0

    def weights(self, name: str) -> np.ndarray:
        """Match weights log2(m/u) indexed by level value + 1 (index 0 = missing = 0)."""
        m = np.asarray(self.m[name])
        u = np.asarray(self.u[name])
        return np.concatenate([[0.0], np.log2(m / u)])

    def prior_weight(self) -> float:
        """The prior match weight log2(prior / (1 - prior))."""
        return math.log2(self.prior / (1 - self.prior))

    def to_json(self) -> str:
        """Serialise to JSON (stable key order)."""
        return json.dumps(
            {
                "prior": self.prior,
                "m": self.m,
                "u": self.u,
                "em_iterations": self.em_iterations,
                "u_pairs": self.u_pairs,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> ModelParams:
        """Parse :meth:`to_json` output; raise :class:`ConfigError` when malformed."""
        try:
            data = json.loads(text)
            return cls(
                prior=float(data["prior"]),
                m={k: [float(x) for x in v] for k, v in data["m"].items()},
                u={k: [float(x) for x in v] for k, v in data["u"].items()},
                em_iterations=int(data.get("em_iterations", 0)),
                u_pairs=int(data.get("u_pairs", 0)),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(f"model parameters are malformed: {exc}") from exc
