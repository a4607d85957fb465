"""Employer pool: national chains whose names appear in many variants, plus local firms.

The truth file stores the canonical name; sources and creditors write a variant
('Wal-Mart Stores Inc', 'WALMART #1234', 'WAL MART SUPERCENTER').
"""

from __future__ import annotations

import random

# canonical name, variants ('#' is replaced by a store number)
NATIONAL: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Walmart Inc", ("Wal-Mart Stores Inc", "WALMART #", "Walmart", "WAL MART SUPERCENTER #")),
    ("Amazon.com Inc", ("Amazon", "AMAZON.COM SERVICES LLC", "Amazon Fulfillment Center #")),
    ("The Home Depot Inc", ("Home Depot", "HOME DEPOT USA INC", "The Home Depot #")),
    ("Target Corporation", ("Target", "TARGET STORES #", "Target Corp")),
    ("The Kroger Co", ("Kroger", "KROGER #", "Kroger Company")),
    ("Walgreen Co", ("Walgreens", "WALGREENS #", "Walgreen Company")),
    ("CVS Health Corporation", ("CVS Pharmacy", "CVS #", "CVS Health")),
    ("United Parcel Service Inc", ("UPS", "United Parcel Service", "UPS INC")),
    ("FedEx Corporation", ("FedEx", "FEDEX GROUND", "Federal Express Corp")),
    ("McDonald's Corporation", ("McDonalds", "MCDONALD'S #", "McDonald's")),
    ("Starbucks Corporation", ("Starbucks", "STARBUCKS COFFEE #", "Starbucks Corp")),
    ("Lowe's Companies Inc", ("Lowes", "LOWE'S HOME CENTERS LLC", "Lowe's #")),
    ("Costco Wholesale Corporation", ("Costco", "COSTCO WHOLESALE #", "Costco Wholesale Corp")),
    ("Bank of America Corporation", ("Bank of America", "BANK OF AMERICA NA", "BofA")),
    ("Wells Fargo & Company", ("Wells Fargo", "WELLS FARGO BANK NA", "Wells Fargo & Co")),
    ("JPMorgan Chase & Co", ("Chase", "JPMORGAN CHASE BANK NA", "JP Morgan Chase")),
    ("HCA Healthcare Inc", ("HCA", "HCA HEALTHCARE", "Hospital Corporation of America")),
    ("Kaiser Foundation Hospitals", ("Kaiser Permanente", "KAISER FOUNDATION HOSP")),
    ("Dollar General Corporation", ("Dollar General", "DOLLAR GENERAL #", "DG Store #")),
    ("AT&T Inc", ("AT&T", "AT&T MOBILITY LLC", "ATT Services Inc")),
    ("Verizon Communications Inc", ("Verizon", "VERIZON WIRELESS", "Cellco Partnership")),
    ("Tyson Foods Inc", ("Tyson", "TYSON FRESH MEATS INC", "Tyson Foods")),
    ("Allied Universal", ("Allied Universal Security", "ALLIED UNIVERSAL SECURITY SVCS")),
    ("US Postal Service", ("USPS", "UNITED STATES POSTAL SERVICE", "U.S. Postal Service")),
    ("Publix Super Markets Inc", ("Publix", "PUBLIX #", "Publix Supermarkets")),
    ("Marriott International Inc", ("Marriott", "MARRIOTT HOTEL SERVICES", "Marriott Intl")),
    ("Yum! Brands Inc", ("Taco Bell #", "PIZZA HUT #", "KFC #")),
    ("Best Buy Co Inc", ("Best Buy", "BEST BUY #", "Best Buy Stores LP")),
)

LOCAL_KINDS = (
    "Plumbing LLC",
    "Dental Group",
    "Auto Repair",
    "Construction Inc",
    "Family Medicine PC",
    "Landscaping",
    "Law Offices",
    "Trucking Co",
    "Roofing LLC",
    "Insurance Agency",
    "Public Schools",
    "County Government",
)


def pick_employer(rng: random.Random, city: str, surname_pool: tuple[str, ...]) -> str:
    """A canonical employer name: 60% national chains, 40% local firms or public bodies."""
    if rng.random() < 0.6:
        return NATIONAL[min(len(NATIONAL) - 1, int(rng.paretovariate(1.2)) - 1)][0]
    kind = rng.choice(LOCAL_KINDS)
    owner = city if kind in ("Public Schools", "County Government") else rng.choice(surname_pool)
    return f"{owner} {kind}"


_VARIANTS = {canonical: variants for canonical, variants in NATIONAL}


def employer_variant(canonical: str, rng: random.Random) -> str:
    """How a source or creditor writes ``canonical``: a chain variant or a local-name variant."""
    variants = _VARIANTS.get(canonical)
    if variants is None:
        r = rng.random()
        if r < 0.3:
            return canonical.upper()
        if r < 0.45:
            return canonical.replace(" LLC", "").replace(" Inc", "").replace(" PC", "")
        return canonical
    choice = rng.choice((*variants, canonical))
    if choice.endswith("#"):
        choice = f"{choice}{rng.randint(100, 9999)}"
    return choice
