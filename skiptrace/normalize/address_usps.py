"""USPS Publication 28 tables: street suffixes (C1), secondary units (C2), directionals,
ordinal street names and state names. Keys are upper-case variants, values the standard
abbreviation."""

from __future__ import annotations


def _expand(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """{standard: (variants...)} -> {variant or standard or full name: standard}."""
    out: dict[str, str] = {}
    for standard, variants in table.items():
        out[standard] = standard
        for variant in variants:
            out[variant] = standard
    return out


STREET_SUFFIXES = _expand({
    "ALY": ("ALLEY", "ALLEE", "ALLY"), "ANX": ("ANNEX", "ANNX", "ANEX"), "ARC": ("ARCADE",),
    "AVE": ("AVENUE", "AV", "AVEN", "AVENU", "AVN", "AVNUE"), "BYU": ("BAYOU", "BAYOO"),
    "BCH": ("BEACH",), "BND": ("BEND",), "BLF": ("BLUFF", "BLUF"), "BLFS": ("BLUFFS",),
    "BTM": ("BOTTOM", "BOT", "BOTTM"), "BLVD": ("BOULEVARD", "BOUL", "BOULV", "BLV"),
    "BR": ("BRANCH", "BRNCH"), "BRG": ("BRIDGE", "BRDGE"), "BRK": ("BROOK",),
    "BRKS": ("BROOKS",), "BG": ("BURG",), "BYP": ("BYPASS", "BYPA", "BYPAS", "BYPS"),
    "CP": ("CAMP", "CMP"), "CYN": ("CANYON", "CANYN", "CNYN"), "CPE": ("CAPE",),
    "CSWY": ("CAUSEWAY", "CAUSWA"), "CTR": ("CENTER", "CEN", "CENT", "CENTR", "CENTRE", "CNTER",
    "CNTR"), "CTRS": ("CENTERS",), "CIR": ("CIRCLE", "CIRC", "CIRCL", "CRCL", "CRCLE"),
    "CIRS": ("CIRCLES",), "CLF": ("CLIFF",), "CLFS": ("CLIFFS",), "CLB": ("CLUB",),
    "CMN": ("COMMON",), "COR": ("CORNER",), "CORS": ("CORNERS",), "CRSE": ("COURSE",),
    "CT": ("COURT", "CRT"), "CTS": ("COURTS",), "CV": ("COVE",), "CVS": ("COVES",),
    "CRK": ("CREEK",), "CRES": ("CRESCENT", "CRSENT", "CRSNT"), "CRST": ("CREST",),
    "XING": ("CROSSING", "CRSSNG"), "XRD": ("CROSSROAD",), "CURV": ("CURVE",),
    "DL": ("DALE",), "DM": ("DAM",), "DV": ("DIVIDE", "DIV", "DVD"),
    "DR": ("DRIVE", "DRIV", "DRV"), "DRS": ("DRIVES",), "EST": ("ESTATE",),
    "ESTS": ("ESTATES",), "EXPY": ("EXPRESSWAY", "EXP", "EXPR", "EXPRESS", "EXPW"),
    "EXT": ("EXTENSION", "EXTN", "EXTNSN"), "EXTS": ("EXTENSIONS",), "FALL": (),
    "FLS": ("FALLS",), "FRY": ("FERRY", "FRRY"), "FLD": ("FIELD",), "FLDS": ("FIELDS",),
    "FLT": ("FLAT",), "FLTS": ("FLATS",), "FRD": ("FORD",), "FRST": ("FOREST", "FORESTS"),
    "FRG": ("FORGE", "FORG"), "FRK": ("FORK",), "FRKS": ("FORKS",), "FT": ("FORT", "FRT"),
    "FWY": ("FREEWAY", "FREEWY", "FRWAY", "FRWY"), "GDN": ("GARDEN", "GARDN", "GRDEN", "GRDN"),
    "GDNS": ("GARDENS", "GRDNS"), "GTWY": ("GATEWAY", "GATEWY", "GATWAY", "GTWAY"),
    "GLN": ("GLEN",), "GRN": ("GREEN",), "GRV": ("GROVE", "GROV"), "HBR": ("HARBOR",
    "HARB", "HARBR", "HRBOR"), "HVN": ("HAVEN",), "HTS": ("HEIGHTS", "HT"),
    "HWY": ("HIGHWAY", "HIGHWY", "HIWAY", "HIWY", "HWAY"), "HL": ("HILL",), "HLS": ("HILLS",),
    "HOLW": ("HOLLOW", "HLLW", "HOLLOWS", "HOLWS"), "INLT": ("INLET",),
    "IS": ("ISLAND", "ISLND"), "ISS": ("ISLANDS", "ISLNDS"), "ISLE": ("ISLES",),
    "JCT": ("JUNCTION", "JCTION", "JCTN", "JUNCTN", "JUNCTON"), "KY": ("KEY",),
    "KNL": ("KNOLL", "KNOL"), "KNLS": ("KNOLLS",), "LK": ("LAKE",), "LKS": ("LAKES",),
    "LAND": (), "LNDG": ("LANDING", "LNDNG"), "LN": ("LANE",), "LGT": ("LIGHT",),
    "LF": ("LOAF",), "LCK": ("LOCK",), "LCKS": ("LOCKS",), "LDG": ("LODGE", "LDGE", "LODG"),
    "LOOP": ("LOOPS",), "MALL": (), "MNR": ("MANOR",), "MNRS": ("MANORS",),
    "MDW": ("MEADOW",), "MDWS": ("MEADOWS", "MEDOWS"), "MEWS": (), "ML": ("MILL",),
    "MLS": ("MILLS",), "MSN": ("MISSION", "MISSN", "MSSN"), "MTWY": ("MOTORWAY",),
    "MT": ("MOUNT", "MNT"), "MTN": ("MOUNTAIN", "MNTAIN", "MNTN", "MOUNTIN", "MTIN"),
    "NCK": ("NECK",), "ORCH": ("ORCHARD", "ORCHRD"), "OVAL": ("OVL",), "OPAS": ("OVERPASS",),
    "PARK": ("PRK", "PARKS"), "PKWY": ("PARKWAY", "PARKWY", "PKWAY", "PKY", "PARKWAYS",
    "PKWYS"), "PASS": (), "PSGE": ("PASSAGE",), "PATH": ("PATHS",), "PIKE": ("PIKES",),
    "PNE": ("PINE",), "PNES": ("PINES",), "PL": ("PLACE",), "PLN": ("PLAIN",),
    "PLNS": ("PLAINS",), "PLZ": ("PLAZA", "PLZA"), "PT": ("POINT",), "PTS": ("POINTS",),
    "PRT": ("PORT",), "PRTS": ("PORTS",), "PR": ("PRAIRIE", "PRR"), "RADL": ("RADIAL",
    "RAD", "RADIEL"), "RAMP": (), "RNCH": ("RANCH", "RANCHES", "RNCHS"), "RPD": ("RAPID",),
    "RPDS": ("RAPIDS",), "RST": ("REST",), "RDG": ("RIDGE", "RDGE"), "RDGS": ("RIDGES",),
    "RIV": ("RIVER", "RVR", "RIVR"), "RD": ("ROAD",), "RDS": ("ROADS",),
    "RTE": ("ROUTE",), "ROW": (), "RUE": (), "RUN": (), "SHL": ("SHOAL",),
    "SHLS": ("SHOALS",), "SHR": ("SHORE", "SHOAR"), "SHRS": ("SHORES", "SHOARS"),
    "SKWY": ("SKYWAY",), "SPG": ("SPRING", "SPNG", "SPRNG"), "SPGS": ("SPRINGS", "SPNGS",
    "SPRNGS"), "SPUR": ("SPURS",), "SQ": ("SQUARE", "SQR", "SQRE", "SQU"),
    "SQS": ("SQUARES", "SQRS"), "STA": ("STATION", "STATN", "STN"), "STRA": ("STRAVENUE",
    "STRAV", "STRAVEN", "STRAVN", "STRVN", "STRVNUE"), "STRM": ("STREAM", "STREME"),
    "ST": ("STREET", "STRT", "STR"), "STS": ("STREETS",), "SMT": ("SUMMIT", "SUMIT",
    "SUMITT"), "TER": ("TERRACE", "TERR"), "TRWY": ("THROUGHWAY",), "TRCE": ("TRACE",
    "TRACES"), "TRAK": ("TRACK", "TRACKS", "TRK", "TRKS"), "TRFY": ("TRAFFICWAY",),
    "TRL": ("TRAIL", "TRAILS", "TRLS"), "TRLR": ("TRAILER", "TRLRS"), "TUNL": ("TUNNEL",
    "TUNEL", "TUNLS", "TUNNELS", "TUNNL"), "TPKE": ("TURNPIKE", "TRNPK", "TURNPK"),
    "UPAS": ("UNDERPASS",), "UN": ("UNION",), "UNS": ("UNIONS",), "VLY": ("VALLEY",
    "VALLY", "VLLY"), "VLYS": ("VALLEYS",), "VIA": ("VIADUCT", "VDCT", "VIADCT"),
    "VW": ("VIEW",), "VWS": ("VIEWS",), "VLG": ("VILLAGE", "VILL", "VILLAG", "VILLG",
    "VILLIAGE"), "VLGS": ("VILLAGES",), "VL": ("VILLE",), "VIS": ("VISTA", "VIST", "VST",
    "VSTA"), "WALK": ("WALKS",), "WALL": (), "WAY": ("WY",), "WAYS": (), "WL": ("WELL",),
    "WLS": ("WELLS",),
})  # fmt: skip

DIRECTIONALS = _expand({
    "N": ("NORTH",), "S": ("SOUTH",), "E": ("EAST",), "W": ("WEST",),
    "NE": ("NORTHEAST", "NORTH EAST"), "NW": ("NORTHWEST", "NORTH WEST"),
    "SE": ("SOUTHEAST", "SOUTH EAST"), "SW": ("SOUTHWEST", "SOUTH WEST"),
})  # fmt: skip

UNIT_DESIGNATORS = _expand({
    "APT": ("APARTMENT", "APPT", "APTS"), "BSMT": ("BASEMENT",), "BLDG": ("BUILDING", "BLD"),
    "DEPT": ("DEPARTMENT",), "FL": ("FLOOR", "FLR"), "FRNT": ("FRONT",), "HNGR": ("HANGAR",),
    "KEY": (), "LBBY": ("LOBBY",), "LOT": (), "LOWR": ("LOWER",), "OFC": ("OFFICE",),
    "PH": ("PENTHOUSE",), "PIER": (), "REAR": (), "RM": ("ROOM",), "SIDE": (), "SLIP": (),
    "SPC": ("SPACE",), "STOP": (), "STE": ("SUITE", "SUIT"), "TRLR": ("TRAILER",),
    "UNIT": ("UNT",), "UPPR": ("UPPER",),
})  # fmt: skip
# Designators that USPS allows without a secondary number.
UNITS_WITHOUT_NUMBER = frozenset({"BSMT", "FRNT", "LBBY", "LOWR", "OFC", "PH", "REAR", "SIDE",
                                  "UPPR"})  # fmt: skip

ORDINALS = {
    "FIRST": "1ST", "SECOND": "2ND", "THIRD": "3RD", "FOURTH": "4TH", "FIFTH": "5TH",
    "SIXTH": "6TH", "SEVENTH": "7TH", "EIGHTH": "8TH", "NINTH": "9TH", "TENTH": "10TH",
    "ELEVENTH": "11TH", "TWELFTH": "12TH", "THIRTEENTH": "13TH", "FOURTEENTH": "14TH",
    "FIFTEENTH": "15TH", "SIXTEENTH": "16TH", "SEVENTEENTH": "17TH", "EIGHTEENTH": "18TH",
    "NINETEENTH": "19TH", "TWENTIETH": "20TH",
}  # fmt: skip

STATES = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA",
    "COLORADO": "CO", "CONNECTICUT": "CT", "DELAWARE": "DE", "DISTRICT OF COLUMBIA": "DC",
    "FLORIDA": "FL", "GEORGIA": "GA", "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL",
    "INDIANA": "IN", "IOWA": "IA", "KANSAS": "KS", "KENTUCKY": "KY", "LOUISIANA": "LA",
    "MAINE": "ME", "MARYLAND": "MD", "MASSACHUSETTS": "MA", "MICHIGAN": "MI",
    "MINNESOTA": "MN", "MISSISSIPPI": "MS", "MISSOURI": "MO", "MONTANA": "MT",
    "NEBRASKA": "NE", "NEVADA": "NV", "NEW HAMPSHIRE": "NH", "NEW JERSEY": "NJ",
    "NEW MEXICO": "NM", "NEW YORK": "NY", "NORTH CAROLINA": "NC", "NORTH DAKOTA": "ND",
    "OHIO": "OH", "OKLAHOMA": "OK", "OREGON": "OR", "PENNSYLVANIA": "PA", "RHODE ISLAND": "RI",
    "SOUTH CAROLINA": "SC", "SOUTH DAKOTA": "SD", "TENNESSEE": "TN", "TEXAS": "TX",
    "UTAH": "UT", "VERMONT": "VT", "VIRGINIA": "VA", "WASHINGTON": "WA",
    "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY", "PUERTO RICO": "PR",
    "GUAM": "GU", "VIRGIN ISLANDS": "VI", "AMERICAN SAMOA": "AS",
    "NORTHERN MARIANA ISLANDS": "MP", "ARMED FORCES AMERICAS": "AA",
    "ARMED FORCES EUROPE": "AE", "ARMED FORCES PACIFIC": "AP",
    "MARSHALL ISLANDS": "MH", "MICRONESIA": "FM", "PALAU": "PW",
}  # fmt: skip
STATE_CODES = frozenset(STATES.values())
# Common city-name abbreviations folded for the city comparison key.
CITY_WORDS = {"ST": "SAINT", "STE": "SAINTE", "FT": "FORT", "MT": "MOUNT", "PT": "POINT"}
