"""Name pools for synthetic persons: first names by sex, surnames, nicknames, common names.

Weights follow a rough Zipf shape (earlier entries are more common). Some Hispanic names
carry accents; sources that fold to ASCII drop them, the voter file keeps them (latin-1).
"""

from __future__ import annotations

import random
import unicodedata
from itertools import accumulate

MALE = (
    "James Robert John Michael David William Richard Joseph Thomas Charles Christopher Daniel "
    "Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy "
    "Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin "
    "Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry "
    "Tyler Aaron José Adam Nathan Henry Douglas Zachary Peter Kyle Ethan Walter Noah Jeremy "
    "Christian Keith Roger Terry Gerald Harold Sean Austin Carl Arthur Lawrence Dylan Jesse "
    "Jordan Bryan Billy Joe Bruce Gabriel Logan Albert Willie Alan Juan Wayne Elijah Randy Roy "
    "Vincent Ralph Eugene Russell Bobby Mason Philip Louis Jesús Andrés Ramón Luis Carlos Miguel "
    "Jorge Pedro Hung Minh Wei Jamal Tremaine DeShawn Mohammed Ahmed Rajesh Anil"
).split()
FEMALE = (
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty "
    "Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah "
    "Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma "
    "Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet Catherine María "
    "Heather Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan "
    "Evelyn Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara "
    "Madison Frances Kathryn Janice Jean Abigail Alice Judy Sophia Grace Denise Amber Doris "
    "Marilyn Danielle Beverly Isabella Theresa Diana Natalie Brittany Charlotte Marie Kayla "
    "Alexis Lori Sofía Lucía Inés Guadalupe Rosa Ana Carmen Leticia Mai Linh Xiu Aaliyah "
    "Latoya Fatima Priya Deepa"
).split()
SURNAMES = [
    *(
        "Smith Johnson Williams Brown Jones García Miller Davis Rodríguez Martínez Hernández López "
        "González Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Pérez Thompson White "
        "Harris Sánchez Clark Ramírez Lewis Robinson Walker Young Allen King Wright Scott Torres "
        "Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts "
        "Gómez Phillips Evans Turner Díaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales "
        "Murphy Cook Rogers Gutiérrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos "
        "Kim Cox Ward Richardson Watson Brooks Chávez Wood James Bennett Gray Mendoza Ruiz Hughes "
        "Price Álvarez Castillo Sanders Patel Myers Long Ross Foster Jiménez Powell Jenkins Perry "
        "Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vásquez Simmons "
        "Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West "
        "Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro "
        "Marshall Owens Harrison Fernández McDonald Woods Washington Kennedy Wells Vargas Henry "
        "Chen Freeman Webb Tucker Guzmán Burns Crawford Olson Simpson Porter Hunter Gordon Mendez "
        "Silva Shaw Snyder Mason Dixon Muñoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd "
        "Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Núñez Peña O'Brien O'Connor "
        "McCarthy DeLeon Ibáñez Kowalski Nowak Schwartz Goldberg Yamamoto "
        "Okafor Abernathy Fitzgerald Montgomery Bradshaw Whitfield Lindqvist Papadopoulos"
    ).split(),
    "Van Buren",
    "St. John",
    "De la Cruz",
]

COMMON_NAMES = (
    ("James", "Smith", "M"),
    ("María", "García", "F"),
    ("Michael", "Johnson", "M"),
    ("Robert", "Williams", "M"),
    ("José", "Rodríguez", "M"),
    ("María", "Hernández", "F"),
    ("David", "Brown", "M"),
    ("Mary", "Jones", "F"),
    ("Juan", "Martínez", "M"),
    ("Michael", "Smith", "M"),
)
"""Very common full names, concentrated in a few metros on purpose."""

NICKNAMES: dict[str, tuple[str, ...]] = {
    "Robert": ("Bob", "Rob", "Bobby"),
    "William": ("Bill", "Will", "Billy"),
    "Richard": ("Rick", "Dick", "Rich"),
    "James": ("Jim", "Jimmy", "Jamie"),
    "John": ("Jack", "Johnny"),
    "Michael": ("Mike", "Mikey"),
    "Joseph": ("Joe", "Joey"),
    "Thomas": ("Tom", "Tommy"),
    "Charles": ("Chuck", "Charlie"),
    "Christopher": ("Chris",),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Anthony": ("Tony",),
    "Donald": ("Don",),
    "Steven": ("Steve",),
    "Andrew": ("Andy", "Drew"),
    "Joshua": ("Josh",),
    "Kenneth": ("Ken", "Kenny"),
    "Timothy": ("Tim",),
    "Edward": ("Ed", "Eddie", "Ted"),
    "Jeffrey": ("Jeff",),
    "Nicholas": ("Nick",),
    "Benjamin": ("Ben",),
    "Samuel": ("Sam",),
    "Gregory": ("Greg",),
    "Alexander": ("Alex",),
    "Patrick": ("Pat",),
    "Lawrence": ("Larry",),
    "Elizabeth": ("Liz", "Beth", "Betsy"),
    "Margaret": ("Peggy", "Maggie", "Meg"),
    "Patricia": ("Pat", "Patty", "Trish"),
    "Jennifer": ("Jenny", "Jen"),
    "Susan": ("Sue", "Suzy"),
    "Katherine": ("Kathy", "Kate", "Katie"),
    "Kathleen": ("Kathy",),
    "Catherine": ("Cathy", "Cate"),
    "Deborah": ("Debbie", "Deb"),
    "Rebecca": ("Becky",),
    "Cynthia": ("Cindy",),
    "Pamela": ("Pam",),
    "Samantha": ("Sam",),
    "Christine": ("Chris", "Tina"),
    "Victoria": ("Vicky", "Tori"),
    "Abigail": ("Abby",),
    "Jacqueline": ("Jackie",),
    "Dorothy": ("Dot", "Dottie"),
    "Judith": ("Judy",),
    "Theresa": ("Terri",),
    "José": ("Pepe",),
    "Guadalupe": ("Lupe",),
    "Francisco": ("Paco",),
}

SUFFIX_NAMES = ("JR", "SR", "II", "III")


def _cumulative(n: int, exponent: float = 0.85) -> list[float]:
    return list(accumulate(1.0 / (i + 1) ** exponent for i in range(n)))


_MALE_CUM = _cumulative(len(MALE))
_FEMALE_CUM = _cumulative(len(FEMALE))
_SURNAME_CUM = _cumulative(len(SURNAMES), 0.75)


def pick_first(rng: random.Random, sex: str) -> str:
    """A first name for ``sex`` ('M' or 'F')."""
    if sex == "M":
        return rng.choices(MALE, cum_weights=_MALE_CUM)[0]
    return rng.choices(FEMALE, cum_weights=_FEMALE_CUM)[0]


def pick_surname(rng: random.Random) -> str:
    """A surname, common ones more often."""
    return rng.choices(SURNAMES, cum_weights=_SURNAME_CUM)[0]


def pick_middle(rng: random.Random, sex: str) -> str:
    """A middle name (12% have none)."""
    return "" if rng.random() < 0.12 else pick_first(rng, sex)


def ascii_fold(text: str) -> str:
    """Drop accents: 'García' -> 'Garcia' (how most vendor files store names)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
