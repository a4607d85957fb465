"""Evidence columns + application values -> the binary risk features, each tied to a code.

`FEATURES` is the model's design: name, the reason code it raises, and the application
element it checks. A feature is 1 when its check fails. When the application lacks the
element, the element's features are unknown: the model substitutes their mean over the fit
world (`VerifyParams.missing_means`), so a missing field neither proves nor disproves
anything, and an `INPUT_MISSING_*` code says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import phonenumbers
import pyarrow as pa
from phonenumbers import geocoder

from skiptrace.locate.results import AccountQuery
from skiptrace.normalize.address_reference import lookup_zip
from skiptrace.normalize.address_usps import STATE_CODES, STATES

THIN_SOURCES = 2
"""A subject reported by at most this many sources is a thin file."""
RECENT_DAYS = 730
"""A subject first reported within this many days of the store's as-of date is recent."""
CURRENT_DAYS = 180
"""A source reporting the subject at another address within this many days of the as-of
date makes an unassociated address stronger evidence (the applicant lives elsewhere now)."""
CURRENT_EMPLOYER_DAYS = 365
"""An employer of the subject reported within this many days makes an unassociated
employer stronger evidence (the applicant works elsewhere now)."""
RECENT_EMPLOYER_DAYS = 180
"""A second, stronger recency grade: another employer reported within this many days."""
LATEST_ADDRESS_DAYS = 60
"""A third grade for an unassociated address: the applicant was reported at another address
within this many days (most sources report with a lag of weeks to months)."""
OWN_PHONE_DAYS = 365
"""A phone on file for nobody is stronger evidence when another phone of the applicant was
reported within this many days (the applicant has a known phone but gives an unknown one)."""
VELOCITY_MIN = {"ssn": 1, "phone": 2, "address": 2}
"""Other identities on the same value that make a velocity flag (households share
addresses and landlines, so one other identity is normal there)."""
MAIL_DROP_ZIP_TYPES = frozenset({"PO BOX", "UNIQUE"})
MAIL_DROP_UNITS = frozenset({"PMB"})


@dataclass(frozen=True, slots=True)
class Feature:
    """One model input: the reason code it raises and the element it checks."""

    name: str
    code: str
    element: str


FEATURES: tuple[Feature, ...] = (
    Feature("ssn_invalid", "SSN_INVALID", "ssn"),
    Feature("ssn_not_found", "SSN_NOT_FOUND", "ssn"),
    Feature("ssn_other_identity", "SSN_OTHER_IDENTITY", "ssn"),
    Feature("ssn_multiple_identities", "SSN_MULTIPLE_IDENTITIES", "ssn"),
    Feature("ssn_deceased", "SSN_DECEASED", "ssn"),
    Feature("multiple_ssns", "MULTIPLE_SSNS", "ssn"),
    Feature("name_ssn_mismatch", "NAME_SSN_MISMATCH", "name"),
    Feature("dob_mismatch", "DOB_MISMATCH", "dob"),
    Feature("address_not_associated", "ADDRESS_NOT_ASSOCIATED", "address"),
    Feature("address_far", "ADDRESS_FAR_FROM_HISTORY", "address"),
    Feature("address_new_state", "ADDRESS_FAR_FROM_HISTORY", "address"),
    Feature("address_unknown", "ADDRESS_NOT_ASSOCIATED", "address"),
    Feature("address_po_box", "ADDRESS_PO_BOX", "address"),
    Feature("address_zip_inconsistent", "ADDRESS_ZIP_INCONSISTENT", "address"),
    Feature("address_former", "ADDRESS_FORMER", "address"),
    Feature("phone_other_person", "PHONE_OTHER_PERSON", "phone"),
    Feature("phone_not_associated", "PHONE_NOT_ASSOCIATED", "phone"),
    Feature("phone_tz_mismatch", "PHONE_TZ_MISMATCH", "phone"),
    Feature("phone_other_state", "PHONE_AREA_MISMATCH", "phone"),
    Feature("employer_not_associated", "EMPLOYER_NOT_ASSOCIATED", "employer"),
    Feature("employer_unverifiable", "EMPLOYER_NOT_ASSOCIATED", "employer"),
    Feature("thin_file", "THIN_FILE", "identity"),
    Feature("identity_not_found", "IDENTITY_NOT_FOUND", "identity"),
    Feature("velocity_ssn", "VELOCITY_SSN", "ssn"),
    Feature("velocity_phone", "VELOCITY_PHONE", "phone"),
    Feature("velocity_address", "VELOCITY_ADDRESS", "address"),
    # Graded evidence: conjunctions and recency that make a failed check stronger.
    Feature("address_unknown_far", "ADDRESS_FAR_FROM_HISTORY", "address"),
    Feature("address_unknown_new_state", "ADDRESS_FAR_FROM_HISTORY", "address"),
    Feature("address_unknown_phone_elsewhere", "ADDRESS_NOT_ASSOCIATED", "address"),
    Feature("address_current_elsewhere", "ADDRESS_NOT_ASSOCIATED", "address"),
    Feature("phone_other_person_far", "PHONE_OTHER_PERSON", "phone"),
    Feature("phone_unknown_far", "PHONE_NOT_ASSOCIATED", "phone"),
    Feature("employer_current_elsewhere", "EMPLOYER_NOT_ASSOCIATED", "employer"),
    Feature("phone_unknown_own_recent", "PHONE_NOT_ASSOCIATED", "phone"),
    Feature("employer_elsewhere_180d", "EMPLOYER_NOT_ASSOCIATED", "employer"),
    Feature("employer_none_on_file", "EMPLOYER_NOT_ASSOCIATED", "employer"),
    Feature("address_elsewhere_60d", "ADDRESS_NOT_ASSOCIATED", "address"),
    Feature("dob_year_mismatch", "DOB_MISMATCH", "dob"),
    Feature("employer_not_local", "EMPLOYER_NOT_ASSOCIATED", "employer"),
)
FEATURE_NAMES = tuple(f.name for f in FEATURES)
ELEMENTS = ("name", "ssn", "dob", "address", "phone", "employer")


def _ok(value: object) -> bool:
    return value is not None and bool(getattr(value, "ok", False))


def given_elements(query: AccountQuery) -> dict[str, bool]:
    """Which elements the application holds in usable form (an invalid SSN counts as given:
    it is evidence)."""
    ssn = query.ssn
    return {
        "name": _ok(query.name),
        "ssn": ssn is not None and (ssn.ok or ssn.digits is not None) and not ssn.partial,
        "dob": _ok(query.dob) and query.dob is not None and query.dob.precision == "day",
        "address": _ok(query.address),
        "phone": any(p.ok for p in query.phones),
        "employer": _ok(query.employer),
    }


def _mail_drop(query: AccountQuery) -> bool:
    address = query.address
    if address is None or not address.ok:
        return False
    if address.is_po_box or address.unit_type in MAIL_DROP_UNITS:
        return True
    info = lookup_zip(address.zip5) if address.zip5 else None
    return info is not None and info.zip_type in MAIL_DROP_ZIP_TYPES


def _tz_mismatch(query: AccountQuery) -> bool:
    address = query.address
    if address is None or not address.ok or not address.timezone:
        return False
    zones = [p.timezones for p in query.phones if p.ok and p.timezones]
    return bool(zones) and all(address.timezone not in z for z in zones)


@lru_cache(maxsize=100_000)
def exchange_state(e164: str) -> str:
    """The US state of a phone's exchange (NPA-NXX) per phonenumbers' geocoder, or ''."""
    try:
        number = phonenumbers.parse(e164, "US")
    except phonenumbers.NumberParseException:
        return ""
    place = geocoder.description_for_number(number, "en").rsplit(", ", 1)[-1]
    return place if place in STATE_CODES else STATES.get(place.upper(), "")


def _other_state(query: AccountQuery) -> bool:
    address = query.address
    if address is None or not address.ok or not address.state:
        return False
    states = [exchange_state(p.e164[:8] + "0000") for p in query.phones if p.ok and p.e164]
    states = [s for s in states if s]
    return bool(states) and address.state not in states


def _col(evidence: pa.Table, name: str, fill: float = 0.0) -> np.ndarray:
    values = evidence[name].to_numpy(zero_copy_only=False)
    return np.nan_to_num(np.asarray(values, dtype=float), nan=fill)


def _days_before(dates: pa.ChunkedArray, as_of: dt.date) -> np.ndarray:
    ords = [d.toordinal() if d is not None else None for d in dates.to_pylist()]
    return np.array([np.inf if o is None else as_of.toordinal() - o for o in ords])


def feature_matrix(
    evidence: pa.Table,
    queries: Sequence[AccountQuery],
    has_subject: np.ndarray,
    velocity: Sequence[dict[str, int]],
    as_of: dt.date,
) -> tuple[np.ndarray, np.ndarray]:
    """(features, given): an (n, len(FEATURES)) 0/1 matrix and an (n, len(ELEMENTS)) mask.

    `evidence` is `application_evidence` in query order; `has_subject` marks applications
    matched to one resolved person; `velocity` holds `VelocityIndex.counts` per query.
    """
    n = len(queries)
    subject = np.asarray(has_subject, dtype=bool)
    given = np.array([[given_elements(q)[e] for e in ELEMENTS] for q in queries], dtype=bool)
    g = {e: given[:, i] if n else np.zeros(0, bool) for i, e in enumerate(ELEMENTS)}
    ssn_invalid = np.array(
        [q.ssn is not None and q.ssn.digits is not None and not q.ssn.ok for q in queries]
    )
    holders = _col(evidence, "ssn_persons")
    others = _col(evidence, "ssn_others")
    subj_dead = _col(evidence, "subj_dead") > 0
    ssn_exact = _col(evidence, "subj_ssn_exact") > 0
    valid_ssn = g["ssn"] & ~ssn_invalid
    phone_holders = _col(evidence, "phone_others")
    phone_others = phone_holders - _col(evidence, "phone_coresidents")
    phone_others -= _col(evidence, "phone_namesakes")
    phone_ok = _col(evidence, "subj_phone_ok") > 0
    addr_ok = _col(evidence, "subj_addr_ok") > 0
    addr_last = _days_before(evidence["addr_last_seen"], as_of)
    later_addr = _days_before(evidence["other_addr_first_seen"], as_of)
    first_seen = _days_before(evidence["subj_first_seen"], as_of)
    employer_ok = _col(evidence, "subj_employer_ok") > 0
    employer_age = _days_before(evidence["employer_last_seen"], as_of)
    recent_employer = employer_age < RECENT_DAYS
    subj_addr_recent = _days_before(evidence["subj_addr_last_seen"], as_of) < CURRENT_DAYS
    vel = {k: np.array([v[k] for v in velocity]) if n else np.zeros(0) for k in VELOCITY_MIN}
    columns = {
        "ssn_invalid": ssn_invalid,
        "ssn_not_found": valid_ssn & (holders == 0),
        "ssn_other_identity": valid_ssn & (others > 0),
        "ssn_multiple_identities": valid_ssn & (holders >= 2),
        "ssn_deceased": valid_ssn & ((_col(evidence, "ssn_dead") > 0) | (subj_dead & ssn_exact)),
        "multiple_ssns": valid_ssn & subject & (_col(evidence, "subj_other_ssns") > 0),
        "name_ssn_mismatch": g["name"]
        & valid_ssn
        & (holders > 0)
        & ~(_col(evidence, "ssn_name_part") > 0),
        "dob_mismatch": g["dob"]
        & subject
        & (_col(evidence, "subj_dobs") > 0)
        & ~(_col(evidence, "subj_dob_ok") > 0),
        "address_not_associated": g["address"] & subject & ~addr_ok,
        "address_far": g["address"] & subject & ~addr_ok & ~(_col(evidence, "subj_zip3_seen") > 0),
        "address_new_state": g["address"]
        & subject
        & ~addr_ok
        & ~(_col(evidence, "subj_state_seen") > 0),
        "address_unknown": g["address"] & ~addr_ok & (_col(evidence, "addr_persons") == 0),
        "address_po_box": np.array([_mail_drop(q) for q in queries], dtype=bool),
        "address_zip_inconsistent": np.array(
            [q.address is not None and q.address.zip_consistent is False for q in queries],
            dtype=bool,
        ),
        "address_former": g["address"] & subject & addr_ok & (later_addr < addr_last),
        "phone_other_person": g["phone"] & ~phone_ok & (phone_others > 0),
        "phone_not_associated": g["phone"] & subject & ~phone_ok & (phone_holders == 0),
        "phone_tz_mismatch": np.array([_tz_mismatch(q) for q in queries], dtype=bool),
        "phone_other_state": np.array([_other_state(q) for q in queries], dtype=bool),
        "employer_not_associated": g["employer"] & subject & ~employer_ok & recent_employer,
        "employer_unverifiable": g["employer"] & subject & ~employer_ok & ~recent_employer,
        "thin_file": subject
        & ((_col(evidence, "subj_sources") <= THIN_SOURCES) | (first_seen < RECENT_DAYS)),
        "identity_not_found": ~subject,
        **{f"velocity_{k}": vel[k] >= m for k, m in VELOCITY_MIN.items()},
    }
    phone_far = columns["phone_other_state"] | columns["phone_tz_mismatch"]
    columns |= {
        "address_unknown_far": columns["address_unknown"] & columns["address_far"],
        "address_unknown_new_state": columns["address_unknown"] & columns["address_new_state"],
        "address_unknown_phone_elsewhere": columns["address_unknown"]
        & columns["phone_other_state"],
        "address_current_elsewhere": columns["address_not_associated"] & subj_addr_recent,
        "phone_other_person_far": columns["phone_other_person"] & phone_far,
        "phone_unknown_far": columns["phone_not_associated"] & columns["phone_other_state"],
        "employer_current_elsewhere": columns["employer_not_associated"]
        & (employer_age < CURRENT_EMPLOYER_DAYS),
        "phone_unknown_own_recent": columns["phone_not_associated"]
        & (_days_before(evidence["subj_other_phone_seen"], as_of) < OWN_PHONE_DAYS),
        "employer_elsewhere_180d": columns["employer_not_associated"]
        & (employer_age < RECENT_EMPLOYER_DAYS),
        "employer_none_on_file": columns["employer_unverifiable"]
        & (_col(evidence, "subj_employers") == 0),
        "address_elsewhere_60d": columns["address_not_associated"]
        & (_days_before(evidence["subj_addr_last_seen"], as_of) < LATEST_ADDRESS_DAYS),
        "employer_not_local": g["employer"]
        & g["address"]
        & subject
        & ~employer_ok
        & (_col(evidence, "employer_persons_area") == 0),
        "dob_year_mismatch": g["dob"]
        & subject
        & (_col(evidence, "subj_dobs") == 0)
        & (_col(evidence, "subj_years") > 0)
        & ~(_col(evidence, "subj_year_ok") > 0),
    }
    x = np.column_stack([np.asarray(columns[f], dtype=float) for f in FEATURE_NAMES])
    return x.reshape(n, len(FEATURES)), given
