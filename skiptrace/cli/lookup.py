"""``skiptrace lookup``: locate one debtor in a resolved store, under a permissible purpose."""

from __future__ import annotations

import json
from pathlib import Path

import click

from skiptrace.cli.search_options import search_options, search_request
from skiptrace.locate.locator import DEFAULT_MIN_CONFIDENCE


@click.command()
@click.option("--name", help="Full name ('JOHN A SMITH JR' or 'SMITH, JOHN A').")
@click.option("--first", help="First name.")
@click.option("--last", help="Last name.")
@click.option("--dob", help="Date of birth.")
@click.option("--ssn", help="SSN (9 digits) or its last 4.")
@click.option("--address", help="Street line, or a whole one-line address.")
@click.option("--city")
@click.option("--state")
@click.option("--zip", "zip_code", help="ZIP code.")
@click.option("--phone")
@click.option("--email")
@click.option("--employer")
@click.option(
    "--store", type=click.Path(path_type=Path), default="skiptrace.duckdb", show_default=True
)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    default=DEFAULT_MIN_CONFIDENCE,
    show_default=True,
    help="Identity confidence below which no contact point is returned (wrong-party guard).",
)
@search_options(("locate", "refresh"), reveal=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def lookup(
    name: str | None,
    first: str | None,
    last: str | None,
    dob: str | None,
    ssn: str | None,
    address: str | None,
    city: str | None,
    state: str | None,
    zip_code: str | None,
    phone: str | None,
    email: str | None,
    employer: str | None,
    store: Path,
    min_confidence: float,
    as_json: bool,
    **search: object,
) -> None:
    """Find a person's current addresses, phones, e-mails and employers with confidence.

    Every lookup needs a permissible purpose and an operator id, and is audited.

    Example:

        skiptrace lookup --store world.duckdb --purpose fcra:collection --operator jdoe
        --first John --last Smith --dob 1980-05-01
    """
    from skiptrace.search import lookup_account  # deferred: keeps `skiptrace -h` fast

    request = search_request(**search)  # type: ignore[arg-type]
    split = bool(city or state or zip_code)
    fields = {
        "full_name": name, "first_name": first, "last_name": last, "dob": dob, "ssn": ssn,
        "address_line1" if split else "address": address, "city": city, "state": state,
        "zip": zip_code, "phone_1": phone, "email": email, "employer": employer,
    }  # fmt: skip
    report = lookup_account(request, store, fields, min_confidence=min_confidence)
    click.echo(json.dumps(report.to_dict(), indent=2) if as_json else report.text())
