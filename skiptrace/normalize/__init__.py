"""Raw text -> typed, immutable canonical values, one entry point per kind.

Every normalizer is total: on any `str | None` it returns a frozen dataclass with `raw`,
`ok`, `error` (machine reason code), `canonical` (display form) and `key` (comparison key).
"""

from skiptrace.normalize.addresses import Address, normalize_address
from skiptrace.normalize.batch import KINDS, normalize_address_columns, normalize_column
from skiptrace.normalize.dates import TWO_DIGIT_PIVOT, DateValue, normalize_date, plausible_dob
from skiptrace.normalize.emails import Email, normalize_email
from skiptrace.normalize.employers import Employer, normalize_employer
from skiptrace.normalize.names import Name, normalize_name, normalize_name_parts
from skiptrace.normalize.nicknames import first_name_keys, first_name_relation
from skiptrace.normalize.parties import split_parties
from skiptrace.normalize.phones import Phone, normalize_phone, normalize_phones
from skiptrace.normalize.ssns import SSN, mask_ssn, normalize_ssn

__all__ = [
    "KINDS",
    "SSN",
    "TWO_DIGIT_PIVOT",
    "Address",
    "DateValue",
    "Email",
    "Employer",
    "Name",
    "Phone",
    "first_name_keys",
    "first_name_relation",
    "mask_ssn",
    "normalize_address",
    "normalize_address_columns",
    "normalize_column",
    "normalize_date",
    "normalize_email",
    "normalize_employer",
    "normalize_name",
    "normalize_name_parts",
    "normalize_phone",
    "normalize_phones",
    "normalize_ssn",
    "plausible_dob",
    "split_parties",
]
