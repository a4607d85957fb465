"""Hypothesis properties: totality, idempotence, key stability under simulator-style noise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skiptrace.normalize import (
    KINDS,
    first_name_keys,
    first_name_relation,
    mask_ssn,
    normalize_address,
    normalize_column,
    normalize_date,
    normalize_email,
    normalize_employer,
    normalize_name,
    normalize_name_parts,
    normalize_phone,
    normalize_phones,
    normalize_ssn,
    plausible_dob,
    split_parties,
)
from skiptrace.normalize.address_fastpath import FAST_TYPES, FAST_UNITS, fast_tag
from skiptrace.normalize.address_parse import (
    clean_line,
    parse_street_line,
    slow_parse,
    standardize,
)
from skiptrace.normalize.addresses import normalize_state, normalize_zip

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SINGLE = (normalize_name, normalize_address, normalize_phone, normalize_date, normalize_ssn,
          normalize_email, normalize_employer)  # fmt: skip
# Text with the characters real files contain: letters, digits, punctuation, accents, spaces.
messy = st.one_of(
    st.none(),
    st.text(max_size=60),
    st.text(alphabet="ABCabc0123456789 ,.-#/&'()+@xX*éñ\t", max_size=40),
)


def _check_shape(result: object) -> None:
    ok, error = result.ok, result.error  # type: ignore[attr-defined]
    canonical, key = result.canonical, result.key  # type: ignore[attr-defined]
    assert isinstance(result.raw, str)  # type: ignore[attr-defined]
    if ok:
        assert error is None
        assert canonical
    else:
        assert isinstance(error, str) and error
        assert canonical == "" and key == ""


@SETTINGS
@given(messy)
def test_no_normalizer_raises(value: str | None) -> None:
    for fn in SINGLE:
        _check_shape(fn(value))
    for result in (*split_parties(value), *normalize_phones(value)):
        _check_shape(result)


@SETTINGS
@given(messy, messy, messy, messy, messy, st.sampled_from(["auto", "last_first", "first_last",
                                                           "multi_party"]))  # fmt: skip
def test_every_other_entry_point_is_total(a, b, c, d, e, fmt) -> None:  # type: ignore[no-untyped-def]
    """Options, split fields and the helpers: no input makes any of them raise."""
    _check_shape(normalize_name(a, fmt))
    _check_shape(normalize_name_parts(first=a, middle=b, last=c, suffix=d, prefix=e))
    _check_shape(normalize_date(a, formats=["%m/%d/%Y", "%Y%m%d"], pivot=40))
    assert isinstance(plausible_dob(a, "2026-01-01"), bool)
    assert isinstance(plausible_dob(a, b or ""), bool)
    assert mask_ssn(a).startswith("***-**-")
    assert isinstance(normalize_state(a), str)
    assert all(isinstance(p, str) for p in normalize_zip(a))
    assert first_name_relation(a or "", b or "") in ("exact", "nickname", "initial", "different")
    assert isinstance(first_name_keys(a or ""), frozenset)
    for kind in KINDS:
        assert len(normalize_column(kind, [a, b, c])) == 3


@SETTINGS
@given(messy, messy, messy, messy, messy)
def test_split_address_never_raises(line1, line2, city, state, zip5) -> None:  # type: ignore[no-untyped-def]
    _check_shape(normalize_address(line1=line1, line2=line2, city=city, state=state, zip=zip5))


@SETTINGS
@given(messy)
def test_idempotent_on_arbitrary_text(value: str | None) -> None:
    for fn in (normalize_phone, normalize_date, normalize_ssn, normalize_email, normalize_employer):
        first = fn(value)
        if first.ok:
            again = fn(first.canonical)
            assert (again.canonical, again.key) == (first.canonical, first.key)


FIRSTS = ["JOHN", "MARY", "ROBERT", "BOB", "PEGGY", "JOSE", "ANNE", "WILLIAM", "LI", "ZOE"]
MIDDLES = ["", "A", "JAMES", "MARIE", "Q"]
LASTS = ["SMITH", "DE LA CRUZ", "O'BRIEN", "SMITH-JONES", "MCDONALD", "NGUYEN", "VAN DYKE",
         "GARCIA", "LEE", "DU BOIS"]  # fmt: skip
SUFFIXES = ["", "JR", "SR", "II", "III", "IV"]
PREFIXES = ["", "MR", "MRS", "DR"]


@st.composite
def names(draw: st.DrawFn) -> tuple[str, str, str, str, str]:
    return (draw(st.sampled_from(PREFIXES)), draw(st.sampled_from(FIRSTS)),
            draw(st.sampled_from(MIDDLES)), draw(st.sampled_from(LASTS)),
            draw(st.sampled_from(SUFFIXES)))  # fmt: skip


def _case_noise(draw: st.DrawFn, text: str) -> str:
    style = draw(st.sampled_from(["upper", "lower", "title", "same"]))
    text = {"upper": text.upper(), "lower": text.lower(), "title": text.title()}.get(style, text)
    return draw(st.sampled_from([" ", "  ", " \t"])).join(text.split())


@SETTINGS
@given(names(), st.data())
def test_name_key_stable_under_noise(parts: tuple[str, ...], data: st.DataObject) -> None:
    prefix, first, middle, last, suffix = parts
    plain = " ".join(p for p in (prefix, first, middle, last, suffix) if p)
    given_part = " ".join(p for p in (prefix, first, middle) if p)
    dotted_suffix = {"JR": "Jr.", "SR": "Sr.", "": ""}.get(suffix, suffix)
    variants = [
        plain,
        f"{last}, {given_part} {suffix}".strip(),
        f"{last} {suffix}, {given_part}".replace(" ,", ","),
        " ".join(
            p
            for p in (
                prefix and prefix + ".",
                first,
                middle and middle[0] + ".",
                last,
                dotted_suffix,
            )
            if p
        ),
    ]
    reference = normalize_name(plain)
    assert reference.ok
    for variant in variants:
        noisy = _case_noise(data.draw, variant)
        name = normalize_name(noisy)
        assert (name.last, name.first, name.suffix) == (reference.last, reference.first, suffix)
        assert name.key.split("|")[:2] == reference.key.split("|")[:2]
        again = normalize_name(name.canonical)
        assert (again.canonical, again.key) == (name.canonical, name.key)


NUMBERS = st.integers(min_value=1, max_value=99999).map(str)
STREETS = ["MAIN", "OAK", "MAPLE", "PARK", "LAKE SHORE", "MARTIN LUTHER KING", "ELM", "1ST",
           "22ND", "CEDAR", "HILL", "SPRING", "WASHINGTON", "PINE", "MILL", "CENTER",
           "VALLEY VIEW", "GREEN", "WILLOW", "SUNSET", "HIGHLAND", "CHURCH", "RIVER", "KINGS",
           "BROAD"]  # fmt: skip
TYPE_VARIANTS = {"ST": ["ST", "STREET", "St.", "Str"], "AVE": ["AVE", "AVENUE", "Av"],
                 "RD": ["RD", "ROAD"], "DR": ["DR", "DRIVE", "Drv"], "LN": ["LN", "LANE"],
                 "BLVD": ["BLVD", "BOULEVARD", "Boul"], "CT": ["CT", "COURT"],
                 "CIR": ["CIR", "CIRCLE", "Crcl"], "PKWY": ["PKWY", "PARKWAY", "Pky"],
                 "TER": ["TER", "TERRACE"], "WAY": ["WAY"], "PL": ["PL", "PLACE"]}  # fmt: skip
DIR_VARIANTS = {
    "": [""],
    "N": ["N", "NORTH", "N."],
    "S": ["S", "SOUTH"],
    "E": ["E", "EAST"],
    "W": ["W", "WEST"],
    "NE": ["NE", "NORTHEAST"],
    "SW": ["SW", "SOUTHWEST", "S.W."],
}
UNIT_VARIANTS = ["APT {}", "Apt. {}", "#{}", "# {}", "APARTMENT {}", "UNIT {}", "Unit {}"]


@SETTINGS
@given(NUMBERS, st.sampled_from(sorted(DIR_VARIANTS)), st.sampled_from(STREETS),
       st.sampled_from(sorted(TYPE_VARIANTS)), st.sampled_from(["", "4", "14", "2B"]),
       st.data())  # fmt: skip
def test_address_key_stable_under_noise(
    number: str, direction: str, street: str, stype: str, unit: str, data: st.DataObject
) -> None:
    def render() -> str:
        words = [number, data.draw(st.sampled_from(DIR_VARIANTS[direction])), street,
                 data.draw(st.sampled_from(TYPE_VARIANTS[stype]))]  # fmt: skip
        if unit:
            words.append(data.draw(st.sampled_from(UNIT_VARIANTS)).format(unit))
        return _case_noise(data.draw, " ".join(w for w in words if w))

    base = " ".join(w for w in (number, direction, street, stype) if w)
    expected = f"{base} #{unit}|" if unit else f"{base}|"
    first = normalize_address(render())
    assert first.key == expected
    assert normalize_address(render()).key == expected
    again = normalize_address(first.canonical)
    assert (again.canonical, again.key) == (first.canonical, first.key)


@SETTINGS
@given(
    NUMBERS,
    st.sampled_from(["", "N", "S", "E", "W", "NORTH", "SOUTHWEST", "NE"]),
    st.sampled_from(STREETS),
    st.sampled_from(sorted(FAST_TYPES)),
    st.sampled_from(["", "N", "S", "E", "W", "NW"]),
    st.sampled_from(["", *sorted(FAST_UNITS)]),
    st.sampled_from(["4", "14", "B", "2A", "100"]),
)
def test_fast_path_agrees_with_usaddress(
    number: str, predir: str, street: str, stype: str, postdir: str, unit: str, unit_id: str
) -> None:
    words = [number, predir, street, stype, postdir, unit, unit_id if unit else ""]
    line = clean_line(" ".join(w for w in words if w))
    tagged = fast_tag(line)
    if tagged is not None:
        assert parse_street_line(line) == standardize(tagged) == slow_parse(line)


@SETTINGS
@given(st.from_regex(r"[2-9]\d\d[2-9]\d\d\d{4}", fullmatch=True), st.data())
def test_phone_key_stable_under_formatting(digits: str, data: st.DataObject) -> None:
    a, b, c = digits[:3], digits[3:6], digits[6:]
    style = data.draw(st.sampled_from(
        [f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"1{digits}", f"+1 {a} {b} {c}",
         f" {a} {b} {c} ", f"1-{a}-{b}-{c}"]))  # fmt: skip
    assert normalize_phone(style).key == normalize_phone(digits).key == f"+1{digits}"
