"""Golden cases for US addresses: Pub 28 standardization, units, boxes, ZIP reference data."""

from __future__ import annotations

import pytest

from skiptrace.normalize import normalize_address
from skiptrace.normalize.addresses import normalize_state, normalize_zip

# (raw one-line address, canonical, key)
ADDRESS_CASES = [
    ("123 N Main St Apt 4", "123 N MAIN ST APT 4", "123 N MAIN ST #4|"),
    ("123 North Main Street #4", "123 N MAIN ST # 4", "123 N MAIN ST #4|"),
    ("123 N. Main St., Apt. 4", "123 N MAIN ST APT 4", "123 N MAIN ST #4|"),
    ("123 north main street apartment 4", "123 N MAIN ST APT 4", "123 N MAIN ST #4|"),
    ("123 N MAIN ST UNIT 4", "123 N MAIN ST UNIT 4", "123 N MAIN ST #4|"),
    ("123 N MAIN ST APT 04", "123 N MAIN ST APT 04", "123 N MAIN ST #4|"),
    ("123 N Main St Apt 14", "123 N MAIN ST APT 14", "123 N MAIN ST #14|"),
    ("123 Main St #4B", "123 MAIN ST # 4B", "123 MAIN ST #4B|"),
    ("123 Main St Apt 4-B", "123 MAIN ST APT 4-B", "123 MAIN ST #4B|"),
    ("500 Oak Avenue Suite 200", "500 OAK AVE STE 200", "500 OAK AVE #200|"),
    ("500 Oak Av Ste 200", "500 OAK AVE STE 200", "500 OAK AVE #200|"),
    ("77 Sunset Boulevard", "77 SUNSET BLVD", "77 SUNSET BLVD|"),
    ("77 Sunset Blvd.", "77 SUNSET BLVD", "77 SUNSET BLVD|"),
    ("9 Elm Drive", "9 ELM DR", "9 ELM DR|"),
    ("9 Elm Dr", "9 ELM DR", "9 ELM DR|"),
    ("14 Willow Lane", "14 WILLOW LN", "14 WILLOW LN|"),
    ("14 Willow Court", "14 WILLOW CT", "14 WILLOW CT|"),
    ("3 Cedar Circle", "3 CEDAR CIR", "3 CEDAR CIR|"),
    ("3 Cedar Crcl", "3 CEDAR CIR", "3 CEDAR CIR|"),
    ("8 Ridge Terrace", "8 RIDGE TER", "8 RIDGE TER|"),
    ("12 Harbor Parkway", "12 HARBOR PKWY", "12 HARBOR PKWY|"),
    ("400 Pine Highway", "400 PINE HWY", "400 PINE HWY|"),
    ("21 Mill Road", "21 MILL RD", "21 MILL RD|"),
    ("21 Valley View Road", "21 VALLEY VIEW RD", "21 VALLEY VIEW RD|"),
    ("6 Quail Hollow", "6 QUAIL HOLW", "6 QUAIL HOLW|"),
    ("10 Park Place", "10 PARK PL", "10 PARK PL|"),
    ("10 Lake Shore Drive", "10 LAKE SHORE DR", "10 LAKE SHORE DR|"),
    ("1600 Pennsylvania Ave NW", "1600 PENNSYLVANIA AVE NW", "1600 PENNSYLVANIA AVE NW|"),
    ("1600 Pennsylvania Avenue Northwest", "1600 PENNSYLVANIA AVE NW",
     "1600 PENNSYLVANIA AVE NW|"),
    ("45 SW 3rd St", "45 SW 3RD ST", "45 SW 3RD ST|"),
    ("45 Southwest Third Street", "45 SW 3RD ST", "45 SW 3RD ST|"),
    ("100 First Ave", "100 1ST AVE", "100 1ST AVE|"),
    ("100 1st Avenue", "100 1ST AVE", "100 1ST AVE|"),
    ("2 East 42nd Street", "2 E 42ND ST", "2 E 42ND ST|"),
    ("123 North St", "123 NORTH ST", "123 NORTH ST|"),
    ("123 Main St Rear", "123 MAIN ST REAR", "123 MAIN ST #REAR|"),
    ("123 Main St Bldg 5 Apt 3", "123 MAIN ST APT 5-3", "123 MAIN ST #53|"),
    ("123 1/2 Main St", "123 1/2 MAIN ST", "123 1/2 MAIN ST|"),
    ("123A Main St", "123A MAIN ST", "123A MAIN ST|"),
    ("12-34 31st Ave", "12-34 31ST AVE", "12-34 31ST AVE|"),
    ("123 Highway 50", "123 HWY 50", "123 HWY 50|"),
    ("PO Box 123", "PO BOX 123", "PO BOX 123|"),
    ("P.O. Box 123", "PO BOX 123", "PO BOX 123|"),
    ("POB 123", "PO BOX 123", "PO BOX 123|"),
    ("Post Office Box 123", "PO BOX 123", "PO BOX 123|"),
    ("Box 123", "PO BOX 123", "PO BOX 123|"),
    ("RR 2 Box 45", "RR 2 BOX 45", "RR 2 BOX 45|"),
    ("Rural Route 2, Box 45", "RR 2 BOX 45", "RR 2 BOX 45|"),
    ("R.R. 2 Box 45", "RR 2 BOX 45", "RR 2 BOX 45|"),
    ("HC 1 Box 10", "HC 1 BOX 10", "HC 1 BOX 10|"),
    ("Highway Contract 1 Box 10", "HC 1 BOX 10", "HC 1 BOX 10|"),
    ("123 Main St, Springfield, IL 62701", "123 MAIN ST, SPRINGFIELD IL 62701",
     "123 MAIN ST|62701"),
    ("123 Main St Springfield IL 62701-1234", "123 MAIN ST, SPRINGFIELD IL 62701-1234",
     "123 MAIN ST|62701"),
    ("123 Main St, Apt 4, New York, New York 10001", "123 MAIN ST APT 4, NEW YORK NY 10001",
     "123 MAIN ST #4|10001"),
    ("PO Box 55, St. Louis, MO 63101", "PO BOX 55, ST LOUIS MO 63101", "PO BOX 55|63101"),
    ("123 Main St, Springfield, IL", "123 MAIN ST, SPRINGFIELD IL", "123 MAIN ST|SPRINGFIELD,IL"),
    ("123 Main St, Springfield IL 627011234", "123 MAIN ST, SPRINGFIELD IL 62701-1234",
     "123 MAIN ST|62701"),
    ("1600 Pennsylvania Ave NW, Washington, DC 20500 USA",
     "1600 PENNSYLVANIA AVE NW, WASHINGTON DC 20500", "1600 PENNSYLVANIA AVE NW|20500"),
    ("123 Oak Ct", "123 OAK CT", "123 OAK CT|"),
    ("  123   MAIN    ST  ", "123 MAIN ST", "123 MAIN ST|"),
    # spelled designators after a post-directional or with long ids (usaddress drops these)
    ("2594 Sunset Pl E Apartment 16", "2594 SUNSET PL E APT 16", "2594 SUNSET PL E #16|"),
    ("245 Jefferson Blvd Apartment 2000", "245 JEFFERSON BLVD APT 2000",
     "245 JEFFERSON BLVD #2000|"),
    ("6760 Broad Rd Apartment 9A", "6760 BROAD RD APT 9A", "6760 BROAD RD #9A|"),
    ("123 Main St Suite # 5", "123 MAIN ST STE 5", "123 MAIN ST #5|"),
    ("123 Main St Room 12B", "123 MAIN ST RM 12B", "123 MAIN ST #12B|"),
    ("123 Main St Apartment B", "123 MAIN ST APT B", "123 MAIN ST #B|"),
    ("1 Suite Rd", "1 SUITE RD", "1 SUITE RD|"),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "canonical", "key"), ADDRESS_CASES)
def test_address_golden(raw: str, canonical: str, key: str) -> None:
    address = normalize_address(raw)
    assert (address.ok, address.canonical, address.key) == (True, canonical, key)


@pytest.mark.parametrize(
    ("raw", "error"),
    [("", "empty"), (None, "empty"), ("   ", "empty"), (" , ", "empty"),
     ("Springfield, IL 62701", "no_street"), ("MAIN AND ELM", "unparseable"),
     ("hello", "unparseable")],
)  # fmt: skip
def test_address_errors(raw: str | None, error: str) -> None:
    address = normalize_address(raw)
    assert (address.ok, address.error, address.canonical, address.key) == (False, error, "", "")


def test_issue_unit_example() -> None:
    a = normalize_address("123 N Main St Apt 4")
    b = normalize_address("123 North Main Street #4")
    c = normalize_address("123 N Main St Apt 14")
    assert a.key == b.key != c.key
    assert a.street_key == b.street_key == c.street_key == "123 N MAIN ST|"


def test_split_fields() -> None:
    address = normalize_address(
        line1="123 n. main st.", line2="apt 04", city="springfield", state="illinois", zip="62701"
    )
    assert address.canonical == "123 N MAIN ST APT 04, SPRINGFIELD IL 62701"
    assert address.key == "123 N MAIN ST #4|62701"
    assert (address.number, address.predir, address.street, address.street_type) == (
        "123", "N", "MAIN", "ST",
    )  # fmt: skip
    assert (address.unit_type, address.unit, address.has_unit) == ("APT", "04", True)
    assert (address.zip_consistent, address.timezone) == (True, "America/Chicago")


def test_split_fields_equal_one_line() -> None:
    split = normalize_address(line1="123 Main St", city="Springfield", state="IL", zip="62701")
    assert split.key == normalize_address("123 Main St, Springfield, IL 62701").key


def test_city_and_state_filled_from_zip() -> None:
    address = normalize_address(line1="55 Elm St", zip="2134")
    assert (address.city, address.state, address.zip5) == ("ALLSTON", "MA", "02134")
    assert address.zip_consistent is True


@pytest.mark.parametrize(
    ("city", "state", "zip5", "consistent"),
    [("Springfield", "IL", "62701", True), ("Chicago", "IL", "62701", False),
     ("Springfield", "MO", "62701", False), ("St. Louis", "MO", "63101", True),
     ("Saint Louis", "MO", "63101", True), ("Ramey", "PR", "00603", True),
     ("Springfield", "IL", "99999", False), ("Springfield", "IL", "", None)],
)  # fmt: skip
def test_zip_consistency(city: str, state: str, zip5: str, consistent: bool | None) -> None:
    address = normalize_address(line1="1 Main St", city=city, state=state, zip=zip5)
    assert address.zip_consistent is consistent


def test_po_box_flags() -> None:
    box = normalize_address("PO Box 123, Springfield, IL 62701")
    assert (box.is_po_box, box.po_box, box.has_unit) == (True, "123", False)
    route = normalize_address("RR 2 Box 45")
    assert (route.is_po_box, route.street, route.po_box) == (False, "RR 2", "45")


@pytest.mark.parametrize(
    ("text", "code"),
    [("IL", "IL"), ("il", "IL"), ("Illinois", "IL"), ("new york", "NY"), ("N.Y.", "NY"),
     ("Dist. of Columbia", ""), ("XX", ""), ("", "")],
)  # fmt: skip
def test_normalize_state(text: str, code: str) -> None:
    assert normalize_state(text) == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [("62701", ("62701", "")), ("62701-1234", ("62701", "1234")), ("627011234", ("62701", "1234")),
     ("2134", ("02134", "")), ("21341234", ("02134", "1234")), ("62701.0", ("62701", "")),
     ("abc", ("", "")), ("", ("", ""))],
)  # fmt: skip
def test_normalize_zip(text: str, expected: tuple[str, str]) -> None:
    assert normalize_zip(text) == expected
