"""Golden cases for personal names, multi-party splitting and nickname equivalence."""

from __future__ import annotations

import pytest

from skiptrace.normalize import (
    first_name_relation,
    normalize_name,
    normalize_name_parts,
    split_parties,
)

# (raw, fmt, canonical, key)
NAME_CASES = [
    ("ROBT J SMITH JR", "auto", "ROBERT J SMITH JR", "SMITH|ROBERT|J|JR"),
    ("Robert James Smith Jr.", "auto", "ROBERT JAMES SMITH JR", "SMITH|ROBERT|J|JR"),
    ("Smith, Bob", "auto", "BOB SMITH", "SMITH|BOB||"),
    ("SMITH, ROBERT J JR", "auto", "ROBERT J SMITH JR", "SMITH|ROBERT|J|JR"),
    ("Smith Jr., Robert J.", "auto", "ROBERT J SMITH JR", "SMITH|ROBERT|J|JR"),
    ("SMITH ROBERT J SR", "last_first", "ROBERT J SMITH SR", "SMITH|ROBERT|J|SR"),
    ("Robert J. Smith, Sr.", "first_last", "ROBERT J SMITH SR", "SMITH|ROBERT|J|SR"),
    ("John Smith III", "auto", "JOHN SMITH III", "SMITH|JOHN||III"),
    ("John Smith 3rd", "auto", "JOHN SMITH III", "SMITH|JOHN||III"),
    ("John Smith II", "auto", "JOHN SMITH II", "SMITH|JOHN||II"),
    ("John Smith 2nd", "auto", "JOHN SMITH II", "SMITH|JOHN||II"),
    ("JOHN SMITH IV", "auto", "JOHN SMITH IV", "SMITH|JOHN||IV"),
    ("JOHN SMITH V", "auto", "JOHN SMITH V", "SMITH|JOHN||V"),
    ("SMITH, JOHN V", "auto", "JOHN V SMITH", "SMITH|JOHN|V|"),
    ("John Smith Junior", "auto", "JOHN SMITH JR", "SMITH|JOHN||JR"),
    ("Dr. John Q. Public", "auto", "DR JOHN Q PUBLIC", "PUBLIC|JOHN|Q|"),
    ("Mrs. Jane Doe", "auto", "MRS JANE DOE", "DOE|JANE||"),
    ("Jane Doe MD", "auto", "JANE DOE", "DOE|JANE||"),
    ("John Smith, Esq.", "auto", "JOHN SMITH", "SMITH|JOHN||"),
    ("María de la Cruz", "auto", "MARIA DE LA CRUZ", "DELACRUZ|MARIA||"),
    ("DE LA CRUZ, MARIA", "auto", "MARIA DE LA CRUZ", "DELACRUZ|MARIA||"),
    ("DE LA CRUZ MARIA", "last_first", "MARIA DE LA CRUZ", "DELACRUZ|MARIA||"),
    ("Ludwig van Beethoven", "auto", "LUDWIG VAN BEETHOVEN", "VANBEETHOVEN|LUDWIG||"),
    ("O'Brien, Patrick", "auto", "PATRICK O'BRIEN", "OBRIEN|PATRICK||"),
    ("patrick o’brien", "auto", "PATRICK O'BRIEN", "OBRIEN|PATRICK||"),
    ("Mary Smith-Jones", "auto", "MARY SMITH-JONES", "SMITHJONES|MARY||"),
    ("SMITH - JONES, MARY", "auto", "MARY SMITH-JONES", "SMITHJONES|MARY||"),
    ("Angus McDonald", "auto", "ANGUS MCDONALD", "MCDONALD|ANGUS||"),
    ("José Muñoz", "auto", "JOSE MUNOZ", "MUNOZ|JOSE||"),
    ("Zoë Ångström", "auto", "ZOE ANGSTROM", "ANGSTROM|ZOE||"),
    ("Wm Jones", "auto", "WILLIAM JONES", "JONES|WILLIAM||"),
    ("Chas. Brown", "auto", "CHARLES BROWN", "BROWN|CHARLES||"),
    ("Jas T Kirk", "auto", "JAMES T KIRK", "KIRK|JAMES|T|"),
    ("Thos Jefferson", "auto", "THOMAS JEFFERSON", "JEFFERSON|THOMAS||"),
    ("  john   SMITH  ", "auto", "JOHN SMITH", "SMITH|JOHN||"),
    ("J. SMITH", "auto", "J SMITH", "SMITH|J||"),
    ("SMITH", "auto", "SMITH", "SMITH|||"),
    ("Mary Ann Smith", "auto", "MARY ANN SMITH", "SMITH|MARY|A|"),
    ("SMITH, MARY ANN", "auto", "MARY ANN SMITH", "SMITH|MARY|A|"),
    ("Jean-Luc Picard", "auto", "JEAN-LUC PICARD", "PICARD|JEANLUC||"),
    ("SMITH JR JOHN", "last_first", "JOHN SMITH JR", "SMITH|JOHN||JR"),
    ("John Smith", "last_first", "SMITH JOHN", "JOHN|SMITH||"),
]


@pytest.mark.parametrize(("raw", "fmt", "canonical", "key"), NAME_CASES)
def test_name_golden(raw: str, fmt: str, canonical: str, key: str) -> None:
    name = normalize_name(raw, fmt)
    assert (name.ok, name.canonical, name.key) == (True, canonical, key)


@pytest.mark.parametrize(
    ("raw", "error"),
    [("", "empty"), ("   ", "empty"), (None, "empty"), ("1234", "unparseable"),
     ("&", "unparseable"), (",,,", "unparseable"), ("#$%", "unparseable")],
)  # fmt: skip
def test_name_errors(raw: str | None, error: str) -> None:
    name = normalize_name(raw)
    assert (name.ok, name.error, name.canonical, name.key) == (False, error, "", "")


def test_name_fields() -> None:
    name = normalize_name("Dr. Robert James Smith Jr.")
    assert (name.prefix, name.first, name.middle, name.last, name.suffix) == (
        "DR", "ROBERT", "JAMES", "SMITH", "JR",
    )  # fmt: skip
    assert name.first_phonetic == "RBRT"
    assert name.last_phonetic == "SNAT"


def test_jr_and_sr_keys_differ() -> None:
    assert normalize_name("John Smith Jr").key != normalize_name("John Smith Sr").key


def test_issue_example_names_are_comparable() -> None:
    a, b, c = (
        normalize_name(x) for x in ("ROBT J SMITH JR", "Smith, Bob", "Robert James Smith Jr.")
    )
    assert a.key == c.key
    assert a.last == b.last == c.last
    assert a.first_keys & b.first_keys
    assert first_name_relation(b.first, c.first) == "nickname"


@pytest.mark.parametrize(
    ("a", "b", "relation"),
    [
        ("BOB", "ROBERT", "nickname"), ("ROBERT", "BOB", "nickname"),
        ("PEGGY", "MARGARET", "nickname"), ("MARGARET", "PEGGY", "nickname"),
        ("BILL", "WILLIAM", "nickname"), ("WILLIAM", "BILL", "nickname"),
        ("BOB", "ROB", "nickname"), ("ROBERT", "ROBERT", "exact"),
        ("R", "ROBERT", "initial"), ("J", "ROBERT", "different"),
        ("ROBERT", "MARGARET", "different"), ("", "ROBERT", "different"),
    ],
)  # fmt: skip
def test_first_name_relation(a: str, b: str, relation: str) -> None:
    assert first_name_relation(a, b) == relation


def test_nickname_ambiguity_kept_as_set() -> None:
    keys = normalize_name("Bob Smith").first_keys
    assert {"BOB", "ROBERT"} <= keys
    assert len(keys) > 2


# (raw, fmt, canonicals left to right)
PARTY_CASES = [
    ("SMITH JOHN A & MARY B", "multi_party", ("JOHN A SMITH", "MARY B SMITH")),
    ("SMITH JOHN A & MARY B", "auto", ("JOHN A SMITH", "MARY B SMITH")),
    ("JOHN AND JANE DOE", "auto", ("JOHN DOE", "JANE DOE")),
    ("John & Jane Doe", "multi_party", ("JOHN DOE", "JANE DOE")),
    ("SMITH, JOHN & MARY", "auto", ("JOHN SMITH", "MARY SMITH")),
    ("GARCIA JOSE & MARIA", "multi_party", ("JOSE GARCIA", "MARIA GARCIA")),
    ("JOHN SMITH & MARY JONES", "auto", ("JOHN SMITH", "MARY JONES")),
    ("SMITH JOHN A & JONES MARY B", "multi_party", ("JOHN A SMITH", "MARY B JONES")),
    ("MR & MRS JOHN SMITH", "auto", ("MR JOHN SMITH", "MRS JOHN SMITH")),
    ("DOE JOHN ET UX", "multi_party", ("JOHN DOE",)),
    ("SMITH JOHN JR & MARY", "multi_party", ("JOHN SMITH JR", "MARY SMITH")),
    ("JOHN SMITH", "auto", ("JOHN SMITH",)),
    ("SMITH JOHN + MARY + PAT", "multi_party", ("JOHN SMITH", "MARY SMITH", "PAT SMITH")),
]


@pytest.mark.parametrize(("raw", "fmt", "expected"), PARTY_CASES)
def test_split_parties(raw: str, fmt: str, expected: tuple[str, ...]) -> None:
    assert tuple(p.canonical for p in split_parties(raw, fmt)) == expected


def test_split_parties_never_empty() -> None:
    parties = split_parties("  &  ")
    assert len(parties) == 1
    assert not parties[0].ok


def test_name_from_parts_matches_one_field() -> None:
    parts = normalize_name_parts(first="Robt", middle="J.", last="Smith", suffix="Jr")
    assert parts.key == normalize_name("ROBT J SMITH JR").key
    assert parts.canonical == "ROBERT J SMITH JR"
    assert normalize_name_parts(first="Ana", last="De La Cruz").key == "DELACRUZ|ANA||"
    assert not normalize_name_parts().ok
