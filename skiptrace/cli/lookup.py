"""``skiptrace lookup``: locate one debtor in a resolved store."""

from __future__ import annotations

import json
from pathlib import Path

import click

from skiptrace.batch.queries import REJECT_REASONS, QueryPolicy, build_query
from skiptrace.errors import InputError
from skiptrace.locate.locator import DEFAULT_MIN_CONFIDENCE, Locator
from skiptrace.locate.render import render_text, result_dict


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
) -> None:
    """Find a person's current addresses, phones, e-mails and employers with confidence.

    Example:

        skiptrace lookup --store world.duckdb --first John --last Smith --dob 1980-05-01
    """
    split = bool(city or state or zip_code)
    fields = {
        "account_id": "lookup", "full_name": name, "first_name": first, "last_name": last,
        "dob": dob, "ssn": ssn, "address_line1" if split else "address": address,
        "city": city, "state": state, "zip": zip_code, "phone_1": phone, "email": email,
        "employer": employer,
    }  # fmt: skip
    query, reason = build_query({k: v for k, v in fields.items() if v}, 0, QueryPolicy())
    if reason:
        raise InputError(REJECT_REASONS.get(reason, reason), field="query")
    with Locator(store, min_confidence=min_confidence) as locator:
        result = locator.lookup(query)
        top = result.candidates[0].person_id if result.status == "hit" else None
        akas = locator.person_names([top]).get(top, []) if top else []
    if as_json:
        click.echo(json.dumps(result_dict(result, akas), indent=2))
    else:
        click.echo(render_text(result, akas))
