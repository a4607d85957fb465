"""World configuration: sizes, seed, as-of date, and every noise and coverage rate in one place.

All rates are probabilities. ``NoiseRates`` applies per field occurrence in a source row;
``CoverageRates`` decides whether a true fact reaches a source at all. ``noise_scale``
multiplies every noise rate (capped at :data:`MAX_RATE`) so robustness can be tested on
noisier worlds; coverage does not scale. ``RATE_BOUNDS`` states the range each default must
stay in; the tests measure the generated files against these rates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from skiptrace.errors import ConfigError

SIMULATOR_VERSION = "1.0"
WORLD_START = dt.date(2008, 1, 1)
MAX_RATE = 0.9


@dataclass(frozen=True, slots=True)
class NoiseRates:
    """Per-field error rates of source rows (before ``noise_scale``)."""

    name_typo: float = 0.02  # one substituted/dropped/doubled letter in first or last name
    name_transposition: float = 0.01  # two adjacent letters swapped
    nickname: float = 0.10  # first name replaced by a nickname (when one exists)
    first_initial: float = 0.02  # first name reduced to its initial
    drop_middle: float = 0.35  # middle name/initial omitted
    middle_initial: float = 0.40  # middle name shortened to its initial (when not dropped)
    drop_suffix: float = 0.50  # JR/SR/III dropped: the Jr/Sr hard negative depends on it
    dob_swap: float = 0.015  # day and month swapped (only when day <= 12)
    dob_typo: float = 0.01  # one digit of the DOB wrong
    ssn_digit: float = 0.01  # one SSN digit wrong
    ssn_transposition: float = 0.005  # two adjacent SSN digits swapped
    missing_ssn: float = 0.06  # SSN blank in a source that carries SSNs
    missing_dob: float = 0.05  # DOB blank in a source that carries DOBs
    missing_phone: float = 0.05  # phone blank where the layout has one
    street_typo: float = 0.01  # one letter wrong in the street name
    long_form: float = 0.25  # 'Street'/'North' spelled out instead of 'St'/'N'
    zip4: float = 0.30  # ZIP+4 appended where the layout allows it
    missing_unit: float = 0.12  # apartment/unit dropped from the address
    stale_address: float = 0.04  # a credit-header row re-reports a former address as new

    def scaled(self, factor: float) -> NoiseRates:
        """Return these rates multiplied by ``factor`` and capped at ``MAX_RATE``."""
        values = {
            f.name: min(MAX_RATE, getattr(self, f.name) * factor) for f in dataclasses.fields(self)
        }
        return NoiseRates(**values)


@dataclass(frozen=True, slots=True)
class CoverageRates:
    """Probability that a true fact is reported by a source (not scaled by noise_scale)."""

    credit_file: float = 0.90  # adult has a credit file
    credit_address: float = 0.92  # an address of a credit-file holder is reported
    payroll_job: float = 0.45  # an employment spell appears in payroll data
    voter_registered: float = 0.62  # adult is registered to vote (one row per registration)
    voter_reregister: float = 0.55  # a registered voter re-registers after a move
    telco_phone: float = 0.70  # a phone line appears in telco connect data
    utility_address: float = 0.45  # a residence has a utility connect in the holder's name
    coa_move: float = 0.40  # a move is filed as change of address
    death_reported: float = 0.85  # a death appears in deceased records (after lag)
    email_appended: float = 0.55  # an email address appears in the email append file
    court_record: float = 0.06  # adult has a court record (judgment/lien/BK/eviction)
    account_debtor_court: float = 0.25  # extra court-record rate for account debtors
    dark_address: float = 0.18  # an address is off the grid (cash rent, no utilities in name)
    dark_leak: float = 0.03  # chance a source lists a dark address anyway


RATE_BOUNDS: dict[str, tuple[float, float]] = {
    "name_typo": (0.0, 0.05),
    "nickname": (0.02, 0.20),
    "drop_suffix": (0.3, 0.7),
    "dob_swap": (0.0, 0.05),
    "ssn_digit": (0.0, 0.03),
    "missing_ssn": (0.0, 0.15),
    "missing_unit": (0.0, 0.25),
    "credit_file": (0.75, 0.95),
    "coa_move": (0.2, 0.6),
    "death_reported": (0.7, 0.95),
}
"""The range each default rate is documented (and tested) to stay in."""


@dataclass(frozen=True, slots=True)
class WorldConfig:
    """Everything that determines a world: same config, byte-identical output."""

    persons: int = 2000
    accounts: int = 500
    applications: int = 500
    seed: int = 7
    as_of: dt.date = dt.date(2026, 10, 1)
    noise_scale: float = 1.0
    chunk_size: int = 5000
    workers: int = 1
    noise: NoiseRates = field(default_factory=NoiseRates)
    coverage: CoverageRates = field(default_factory=CoverageRates)

    def validate(self) -> None:
        """Raise ConfigError when a value cannot produce a world."""
        if self.persons < 10:
            raise ConfigError(f"--persons must be at least 10 (got {self.persons})")
        if self.accounts < 0 or self.applications < 0:
            raise ConfigError("--accounts and --applications must not be negative")
        if self.accounts > self.persons // 2:
            raise ConfigError(f"--accounts must be at most half of --persons ({self.persons // 2})")
        if self.applications > self.persons // 2:
            raise ConfigError(
                f"--applications must be at most half of --persons ({self.persons // 2})"
            )
        if self.seed < 0:
            raise ConfigError("--seed must be a non-negative integer")
        if not 0.0 <= self.noise_scale <= 10.0:
            raise ConfigError(f"--noise-scale must be between 0 and 10 (got {self.noise_scale})")
        if not dt.date(2015, 1, 1) <= self.as_of <= dt.date(2100, 1, 1):
            raise ConfigError("--as-of must be between 2015-01-01 and 2100-01-01")
        if self.chunk_size < 100 or self.workers < 1:
            raise ConfigError("--workers must be at least 1 (and chunk_size at least 100)")

    @property
    def effective_noise(self) -> NoiseRates:
        """Noise rates after applying ``noise_scale``."""
        return self.noise.scaled(self.noise_scale)
