"""Which permissible purposes may use which catalog data class, at source and record level.

Public API::

    gate_sources(ctx, sources: Mapping[name, data_class]) -> GateResult
    record_withhold_reason(ctx, data_class, *, as_of, event_date=None) -> str | None
    is_minor(as_of, *, dob=None, birth_year=None) -> bool
    relationship_allowed(ctx, relationship) -> bool      # third parties only for locate
    visible_sql(ctx, as_of) -> (sql_predicate, params)   # over `observations` columns
    visible_classes(ctx) -> list[data_class]             # classes the search may see
    death_cutoff(ctx, as_of) -> date | None              # later death records withheld
    adult_sql(as_of) -> (sql_predicate, params)          # for collection searches
    WITHHELD_REASONS: Mapping[reason_code, explanation]  # for outputs and manifests

Rules: ``glba``, ``dppa`` and ``fcra`` data need a purpose under that law; ``public_record``,
``telco``, ``utility``, ``marketing`` and ``death_master`` need any permissible purpose;
death records dated within 3 years of the world's ``as_of`` need a certified subscriber
(LADMF); ``ncoa`` (change-of-address) is licensed for mailing-list hygiene, so it is only
visible to the ``refresh`` use case and is flagged there; minors are never returned for
collection (locate/refresh); contacts of third parties (relatives, associates, neighbours,
workplace) are only for ``locate``, where FDCPA 1692b allows location calls to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from skiptrace.comply.masking import safe_repr
from skiptrace.comply.purposes import SearchContext
from skiptrace.errors import ConfigError

DATA_CLASSES: dict[str, str | None] = {
    # data class: law whose purpose it requires (None: any permissible purpose)
    "public_record": None,
    "glba": "glba",
    "dppa": "dppa",
    "fcra": "fcra",
    "death_master": None,
    "ncoa": None,
    "telco": None,
    "utility": None,
    "marketing": None,
}
NCOA_USE_CASES = frozenset({"refresh"})
DEATH_CERTIFICATION_YEARS = 3
ADULT_AGE = 18
THIRD_PARTY_USE_CASE = "locate"

WITHHELD_REASONS: dict[str, str] = {
    "no_glba_purpose": "GLBA data needs a GLBA permissible purpose",
    "no_dppa_purpose": "motor-vehicle (DPPA) data needs a DPPA permissible purpose",
    "no_fcra_purpose": "consumer-report (FCRA) data needs an FCRA permissible purpose",
    "ncoa_mailing_hygiene_only": "NCOA data is licensed for mailing-list hygiene (refresh) only",
    "recent_death_uncertified": "death records under 3 years old need a certified subscriber",
    "minor": "data about minors is never returned for collection",
}
FLAGS: dict[str, str] = {
    "ncoa": "ncoa_mailing_hygiene",
    "death_master": "recent_deaths_need_certification",
}


@dataclass(frozen=True, slots=True)
class GateResult:
    """Sources a search may use, those withheld (name -> reason code) and per-source flags."""

    allowed: dict[str, str] = field(default_factory=dict)
    withheld: dict[str, str] = field(default_factory=dict)
    flags: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def explain(self) -> dict[str, str]:
        """Withheld sources with a human-readable reason, for outputs and manifests."""
        return {name: WITHHELD_REASONS[code] for name, code in self.withheld.items()}


def _class_withhold_reason(ctx: SearchContext, data_class: str) -> str | None:
    if data_class not in DATA_CLASSES:
        raise ConfigError(f"unknown data class {safe_repr(data_class, 30)}")
    law = DATA_CLASSES[data_class]
    if law is not None and law not in ctx.laws:
        return f"no_{law}_purpose"
    if data_class == "ncoa" and ctx.use_case not in NCOA_USE_CASES:
        return "ncoa_mailing_hygiene_only"
    return None


def gate_sources(ctx: SearchContext, sources: Mapping[str, str]) -> GateResult:
    """Split catalog sources (name -> data class) into allowed and withheld for ``ctx``."""
    allowed: dict[str, str] = {}
    withheld: dict[str, str] = {}
    flags: dict[str, tuple[str, ...]] = {}
    for name, data_class in sorted(sources.items()):
        reason = _class_withhold_reason(ctx, data_class)
        if reason:
            withheld[name] = reason
            continue
        allowed[name] = data_class
        flag = FLAGS.get(data_class)
        if flag and not (data_class == "death_master" and ctx.death_master_certified):
            flags[name] = (flag,)
    return GateResult(allowed, withheld, flags)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def record_withhold_reason(
    ctx: SearchContext, data_class: str, *, as_of: dt.date, event_date: dt.date | None = None
) -> str | None:
    """Reason code if one record of ``data_class`` must be withheld from ``ctx``, else None."""
    reason = _class_withhold_reason(ctx, data_class)
    if reason:
        return reason
    if data_class == "death_master" and not ctx.death_master_certified:
        cutoff = _years_before(as_of, DEATH_CERTIFICATION_YEARS)
        if event_date is None or event_date > cutoff:
            return "recent_death_uncertified"
    return None


def is_minor(as_of: dt.date, *, dob: dt.date | None = None, birth_year: int | None = None) -> bool:
    """True if the person is, or may be (year-only DOB), under 18 on ``as_of``."""
    if dob is not None:
        return dob > _years_before(as_of, ADULT_AGE)
    if birth_year is not None:
        return as_of.year - birth_year <= ADULT_AGE
    return False


def relationship_allowed(ctx: SearchContext, relationship: str) -> bool:
    """True if a contact point of this relationship to the subject may be shown to ``ctx``."""
    return relationship == "subject" or ctx.use_case == THIRD_PARTY_USE_CASE


def visible_classes(ctx: SearchContext) -> list[str]:
    """Data classes ``ctx`` may see at all (record-level rules still apply)."""
    return [c for c in DATA_CLASSES if _class_withhold_reason(ctx, c) is None]


def death_cutoff(ctx: SearchContext, as_of: dt.date) -> dt.date | None:
    """Death records dated after this are withheld from ``ctx`` (None: certified)."""
    if ctx.death_master_certified:
        return None
    return _years_before(as_of, DEATH_CERTIFICATION_YEARS)


def visible_sql(ctx: SearchContext, as_of: dt.date) -> tuple[str, list[object]]:
    """WHERE predicate (with bound parameters) over ``data_class``/``event_date`` for ``ctx``."""
    classes = [c for c in DATA_CLASSES if _class_withhold_reason(ctx, c) is None]
    sql = f"data_class IN ({', '.join('?' for _ in classes)})"
    params: list[object] = list(classes)
    if not ctx.death_master_certified:
        sql += " AND NOT (data_class = 'death_master' AND coalesce(event_date > ?, TRUE))"
        params.append(_years_before(as_of, DEATH_CERTIFICATION_YEARS))
    return f"({sql})", params


def adult_sql(as_of: dt.date) -> tuple[str, list[object]]:
    """WHERE predicate over ``dob``/``birth_year`` keeping only people surely 18 or older."""
    sql = "((dob IS NULL OR dob <= ?) AND (birth_year IS NULL OR birth_year < ?))"
    return sql, [_years_before(as_of, ADULT_AGE), as_of.year - ADULT_AGE]
