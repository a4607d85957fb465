"""Names of the person-index tables that locate keeps in a resolved store (see `index`)."""

PERSON_VALUES = "person_values"
PERSON_KEYS = "person_keys"
CONTACT_LINKS = "contact_links"
CONTACT_EVIDENCE = "contact_evidence"
PERSON_FLAGS = "person_flags"
PERSON_NAMES = "person_names"
INDEX_META = "person_index_meta"
INDEX_TABLES = (
    PERSON_VALUES, PERSON_KEYS, CONTACT_LINKS, CONTACT_EVIDENCE, PERSON_FLAGS, PERSON_NAMES,
    INDEX_META,
)  # fmt: skip
