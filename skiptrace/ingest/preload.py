"""Imported once by the ingest worker pool's fork server, before it forks any worker.

Loads the code and the reference tables every worker needs (ZIP table, phone metadata,
nickname and employer tables), so each worker starts with them instead of spending seconds
loading its own copy; the forked workers share these pages copy-on-write (``gc.freeze``
keeps the workers' garbage collector from writing to, and so copying, them).
"""

import gc

from skiptrace.ingest import ingest as _ingest  # noqa: F401  (the worker entry point)
from skiptrace.normalize import (
    normalize_address,
    normalize_employer,
    normalize_name,
    normalize_phone,
)
from skiptrace.normalize.batch import clear_caches

normalize_address("1 MAIN ST, NEW YORK, NY 10001")
normalize_phone("212-555-0134")
normalize_name("SMITH, ROBERT J JR")
normalize_employer("ACME INC")
clear_caches()
gc.freeze()
