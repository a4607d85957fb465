"""``skiptrace verify``: screen credit applications (a batch file, or one from options)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from skiptrace.cli.progress import RateBar
from skiptrace.cli.run_summary import echo_outputs, resumed_note
from skiptrace.cli.search_options import search_options, search_request

_FIELDS = (
    ("first", "first_name"), ("middle", "middle_name"), ("last", "last_name"),
    ("name", "full_name"), ("ssn", "ssn"), ("dob", "dob"), ("address", "address_line1"),
    ("unit", "address_line2"), ("city", "city"), ("state", "state"), ("zip_code", "zip"),
    ("phone", "phone_1"), ("email", "email"), ("employer", "employer"),
)  # fmt: skip


@click.command("verify")
@click.argument(
    "input_path",
    metavar="[INPUT]",
    required=False,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--out",
    "output_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Batch output (.csv or .parquet); its long file and manifest go next to it.",
)
@click.option(
    "--store", type=click.Path(path_type=Path), default="skiptrace.duckdb", show_default=True
)
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN",
              help="Column mapping override (repeatable).")  # fmt: skip
@click.option("--first", help="Single application: first name.")
@click.option("--middle", help="Middle name or initial.")
@click.option("--last", help="Last name.")
@click.option("--name", help="Full name, instead of --first/--last.")
@click.option("--ssn", help="SSN (9 digits).")
@click.option("--dob", help="Date of birth.")
@click.option("--address", help="Street line.")
@click.option("--unit", help="Apartment/unit.")
@click.option("--city")
@click.option("--state")
@click.option("--zip", "zip_code", help="ZIP code.")
@click.option("--phone")
@click.option("--email")
@click.option("--employer")
@click.option(
    "--history",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Single application: recent applications file used as the velocity window.",
)
@click.option("--json", "as_json", is_flag=True, help="Single application: print JSON.")
@search_options(("verify",))
def verify(
    input_path: Path | None,
    output_path: Path | None,
    store: Path,
    maps: tuple[str, ...],
    history: Path | None,
    as_json: bool,
    **options: object,
) -> None:
    """Screen credit applications for falsification: identity confidence, verification
    index, calibrated 0-100 risk score and reason codes (docs/verify.md).

    Batch: skiptrace verify applications.csv --out screened.csv --store world.duckdb
    --purpose fcra:credit_transaction --operator jdoe

    One application: skiptrace verify --first Ann --last Lee --ssn ... --dob 1980-02-03
    --address '1 Main St' --zip 02134 --purpose fcra:credit_transaction --operator jdoe
    """
    from skiptrace.batch import parse_map_options
    from skiptrace.verify.render import render_text, result_dict
    from skiptrace.verify.screening import verify_application, verify_file

    search = {k: options.pop(k) for k in list(options) if k not in dict(_FIELDS)}
    fields = {canonical: options[opt] for opt, canonical in _FIELDS if options.get(opt)}
    if input_path is None and not fields:
        raise click.UsageError("give an INPUT file with --out, or the application's fields")
    if input_path is not None and fields:
        raise click.UsageError("give either an INPUT file or single-application fields")
    if input_path is not None and output_path is None:
        raise click.UsageError("batch mode needs --out")
    request = search_request(**search)  # type: ignore[arg-type]
    if input_path is None:
        report = verify_application(request, store, fields, history)  # type: ignore[arg-type]
        if as_json:
            click.echo(json.dumps(result_dict(report.result) | {"threshold": report.threshold},
                                  indent=2))  # fmt: skip
        else:
            click.echo(render_text(report.result, report.threshold))
        return
    assert output_path is not None
    bar = RateBar("screening", "applications")
    started = time.monotonic()
    try:
        summary = verify_file(
            request, input_path, output_path, store,
            mapping=parse_map_options(list(maps)), progress=bar,
        )  # fmt: skip
    finally:
        bar.close()
    seconds = time.monotonic() - started
    echo_outputs(summary)
    click.echo(f"{seconds:.1f} s{resumed_note(summary)}")
