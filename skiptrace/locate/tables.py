"""Names of the person-index tables that locate keeps in a resolved store (see `index`)."""

PERSON_VALUES = "person_values"
PERSON_KEYS = "person_keys"
CONTACT_LINKS = "contact_links"
CONTACT_EVIDENCE = "contact_evidence"
PERSON_FLAGS = "person_flags"
PERSON_NAMES = "person_names"
INDEX_META = "person_index_meta"
PERSON_PACKED = "person_packed_v1"
"""Per-person JSON for single lookups (`packed`); the suffix is its layout version."""
INDEX_TABLES = (
    PERSON_VALUES, PERSON_KEYS, CONTACT_LINKS, CONTACT_EVIDENCE, PERSON_FLAGS, PERSON_NAMES,
    INDEX_META,
)  # fmt: skip
PROBE_LIST = 4
"""Values per bound IN list: DuckDB 1.5 answers up to 4 with an ART index probe and longer
lists with a hash join over the whole table (so a long list is split, `probe_sql`)."""


def probe_sql(select: str, column: str, n: int) -> str:
    """`select` (ending in FROM) for rows whose `column` is one of `n` bound values, as a
    UNION ALL of index-probed IN lists of at most `PROBE_LIST` values (distinct values)."""
    sizes = [min(PROBE_LIST, n - i) for i in range(0, n, PROBE_LIST)]
    return " UNION ALL ".join(f"{select} WHERE {column} IN ({', '.join('?' * k)})" for k in sizes)
