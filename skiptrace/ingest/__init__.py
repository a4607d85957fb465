"""Ingest: the source catalog and the DuckDB store of normalized observations.

``ingest_paths`` reads source files described by ``sources/*.toml`` into the store that
``open_store`` opens; see ``docs/catalog.md`` and ``docs/store.md``.
"""

from skiptrace.ingest.catalog import Catalog, Source, load_catalog
from skiptrace.ingest.ingest import ingest_paths
from skiptrace.ingest.store import SCHEMA_VERSION, open_store
from skiptrace.ingest.summary import FileResult, IngestSummary

__all__ = [
    "SCHEMA_VERSION",
    "Catalog",
    "FileResult",
    "IngestSummary",
    "Source",
    "ingest_paths",
    "load_catalog",
    "open_store",
]
