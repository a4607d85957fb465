"""Column mapping: which input column holds which canonical field.

Detection compares headers after folding case and dropping every non-alphanumeric
character ('First Name', 'first_name' and 'FIRSTNAME' are the same), against alias lists
ordered by preference. Overrides (`--map canonical=COLUMN`) win; `canonical=` with no
column switches a detected field off.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from skiptrace.errors import ConfigError, InputError

PHONE_SLOTS = ("phone_1", "phone_2", "phone_3")
ALIASES: dict[str, tuple[str, ...]] = {
    "account_id": (
        "ACCOUNT_ID", "ACCT_NO", "ACCOUNT_NO", "ACCOUNT_NUMBER", "ACCT_NUM", "ACCT_ID",
        "ACCOUNT", "ACCT", "APPLICATION_ID", "APP_ID", "LOAN_NUMBER", "LOAN_ID",
        "CLIENT_ACCOUNT", "REFERENCE_NO", "REF_NO", "CUSTOMER_ID", "RECORD_ID", "ID",
    ),
    "full_name": (
        "FULL_NAME", "NAME", "DEBTOR_NAME", "CONSUMER_NAME", "CUSTOMER_NAME",
        "BORROWER_NAME", "APPLICANT_NAME", "DEBTOR", "BORROWER",
    ),
    "first_name": ("FIRST_NAME", "FNAME", "FIRST", "GIVEN_NAME", "F_NAME", "FIRST_NM"),
    "middle_name": ("MIDDLE_NAME", "MNAME", "MIDDLE", "MIDDLE_INITIAL", "MI", "M_NAME"),
    "last_name": ("LAST_NAME", "LNAME", "LAST", "SURNAME", "FAMILY_NAME", "L_NAME", "LAST_NM"),
    "name_suffix": ("NAME_SUFFIX", "SUFFIX", "SFX", "GENERATION"),
    "dob": ("DOB", "DATE_OF_BIRTH", "BIRTH_DATE", "BIRTHDATE", "BDATE", "BIRTHDAY"),
    "ssn": (
        "SSN", "SOC_SEC_NO", "SOCIAL_SECURITY_NUMBER", "SOCIAL_SECURITY", "SOC_SEC",
        "SOCIAL", "SS_NO", "SSN_NO", "SS_NUMBER", "TAX_ID", "TIN",
    ),
    "ssn_last4": ("SSN_LAST4", "SSN_LAST_4", "LAST4", "LAST_4", "SSN4", "LAST_FOUR"),
    "address": ("FULL_ADDRESS", "ADDRESS_FULL", "COMPLETE_ADDRESS", "ONE_LINE_ADDRESS"),
    "address_line1": (
        "ADDRESS1", "ADDRESS_LINE_1", "ADDR1", "ADDR_LINE_1", "STREET_ADDRESS", "STREET",
        "ADDRESS", "ADDR", "LINE1", "MAILING_ADDRESS", "HOME_ADDRESS",
    ),
    "address_line2": ("ADDRESS2", "ADDRESS_LINE_2", "ADDR2", "ADDR_LINE_2", "LINE2", "APT", "UNIT"),
    "city": ("CITY", "TOWN", "ADDR_CITY"),
    "state": ("STATE", "ST", "STATE_CODE", "ADDR_STATE"),
    "zip": ("ZIP", "ZIP_CODE", "ZIPCODE", "ZIP5", "POSTAL", "POSTAL_CODE", "POSTCODE"),
    "email": ("EMAIL", "EMAIL_ADDRESS", "E_MAIL"),
    "employer": ("EMPLOYER", "EMPLOYER_NAME", "EMPLOYMENT", "COMPANY", "WORKPLACE"),
    "balance": (
        "BALANCE", "CURRENT_BALANCE", "BALANCE_DUE", "BAL", "AMOUNT_DUE", "AMOUNT_OWED",
        "PRINCIPAL_BALANCE", "DEBT_AMOUNT", "AMOUNT",
    ),
}  # fmt: skip
PHONE_ALIASES = (
    "PHONE", "PHONE1", "PHONE2", "PHONE3", "HOME_PHONE", "PHONE_NUMBER", "TELEPHONE", "TEL",
    "PRIMARY_PHONE", "CELL", "CELL_PHONE", "MOBILE", "MOBILE_PHONE", "WORK_PHONE",
    "ALT_PHONE", "OTHER_PHONE",
)  # fmt: skip
CANONICAL: tuple[str, ...] = (*ALIASES, *PHONE_SLOTS)
IDENTITY_FIELDS = frozenset(CANONICAL) - {"account_id", "balance"}
"""A file needs at least one of these mapped to be worth running."""
_NON_ALNUM = re.compile(r"[^0-9A-Z]+")


def fold_header(header: str) -> str:
    """Compare form of a header: upper case, only letters and digits ('First Name' -> FIRSTNAME)."""
    return _NON_ALNUM.sub("", header.upper())


_FOLDED = {field: tuple(fold_header(a) for a in aliases) for field, aliases in ALIASES.items()}
_FOLDED_PHONES = frozenset(fold_header(a) for a in PHONE_ALIASES)


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Canonical field -> input column position; `headers` are the input header row."""

    headers: tuple[str, ...]
    positions: Mapping[str, int]

    def describe(self) -> dict[str, str]:
        """Canonical field -> header name, in canonical order (for humans and the manifest)."""
        return {f: self.headers[self.positions[f]] for f in CANONICAL if f in self.positions}


def detect_mapping(headers: Sequence[str]) -> dict[str, int]:
    """Guess canonical field -> column position from header names alone."""
    folded = [fold_header(h) for h in headers]
    taken: set[int] = set()
    found: dict[str, int] = {}
    for canonical, aliases in _FOLDED.items():
        for alias in aliases:
            position = next(
                (i for i, f in enumerate(folded) if f == alias and i not in taken), None
            )
            if position is not None:
                found[canonical] = position
                taken.add(position)
                break
    phones = [i for i, f in enumerate(folded) if f in _FOLDED_PHONES and i not in taken]
    found.update(zip(PHONE_SLOTS, phones, strict=False))
    one_line = "address_line1" in found and not {"city", "state", "zip"} & found.keys()
    if (
        one_line
        and "address" not in found
        and fold_header(headers[found["address_line1"]])
        in {
            "ADDRESS",
            "ADDR",
        }
    ):
        found["address"] = found.pop("address_line1")
    return found


def _find_column(headers: Sequence[str], column: str) -> int:
    for matcher in (lambda h: h == column, lambda h: fold_header(h) == fold_header(column)):
        hits = [i for i, h in enumerate(headers) if matcher(h)]
        if len(hits) > 1:
            raise ConfigError(f"--map: column {column!r} appears {len(hits)} times in the header")
        if hits:
            return hits[0]
    raise ConfigError(f"--map: no column named {column!r} in the input header")


def parse_map_options(items: Sequence[str]) -> dict[str, str]:
    """Parse `canonical=COLUMN` strings (the CLI's repeated --map) into a dict."""
    overrides: dict[str, str] = {}
    for item in items:
        canonical, sep, column = item.partition("=")
        if not sep:
            raise ConfigError(f"--map expects canonical=COLUMN, got {item!r}")
        overrides[canonical.strip()] = column.strip()
    return overrides


def resolve_mapping(
    headers: Sequence[str], overrides: Mapping[str, str], *, file: str | None = None
) -> ColumnMapping:
    """Detect the mapping, apply overrides, and check the file can be run at all."""
    unknown = sorted(set(overrides) - set(CANONICAL))
    if unknown:
        raise ConfigError(
            f"--map: unknown field {unknown[0]!r}; known fields: {', '.join(CANONICAL)}"
        )
    positions = detect_mapping(headers)
    for canonical, column in overrides.items():
        positions.pop(canonical, None)
        if column:
            position = _find_column(headers, column)
            for other in [f for f, p in positions.items() if p == position]:
                del positions[other]
            positions[canonical] = position
    if "account_id" not in positions:
        raise InputError(
            "no account id column found; name one with --map account_id=COLUMN", file=file
        )
    if not IDENTITY_FIELDS & positions.keys():
        raise InputError(
            "no usable identity column (name, SSN, DOB, address, phone, email or employer); "
            "name one with --map FIELD=COLUMN",
            file=file,
        )
    return ColumnMapping(headers=tuple(headers), positions=dict(positions))
