"""Locate: query matching, contact ranking and calibration.

`Locator(store).lookup(query)` / `.locate_many(queries)` answer with the result contract of
:mod:`skiptrace.locate.results`. The store must be resolved (`person_records`); the person
index (`build_person_index`) is built on first use.
"""

from skiptrace.locate.index import build_person_index
from skiptrace.locate.locator import AMBIGUITY_FLOOR, DEFAULT_MIN_CONFIDENCE, Locator

__all__ = ["AMBIGUITY_FLOOR", "DEFAULT_MIN_CONFIDENCE", "Locator", "build_person_index"]
