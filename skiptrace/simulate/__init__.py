"""Synthetic worlds with ground truth: persons, life histories, vendor-like source files.

Entry point: :func:`simulate_world`. Layout and truth contract: docs/architecture.md.
"""

from skiptrace.simulate.config import CoverageRates, NoiseRates, WorldConfig
from skiptrace.simulate.world import WorldSummary, simulate_world

__all__ = ["CoverageRates", "NoiseRates", "WorldConfig", "WorldSummary", "simulate_world"]
