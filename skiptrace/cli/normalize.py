"""`skiptrace normalize KIND VALUE...`: show how values normalize and why keys (dis)agree."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from typing import Any

import click

from skiptrace.normalize import SSN, Name, mask_ssn, normalize_column

_CLI_KINDS = ("name", "address", "phone", "date", "ssn", "email", "employer")


def _jsonable(value: Any) -> Any:
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _record(result: Any) -> dict[str, Any]:
    """A JSON-ready dict of a result; SSNs never leave with more than their last 4 digits."""
    record = {f.name: _jsonable(getattr(result, f.name)) for f in dataclasses.fields(result)}
    if isinstance(result, SSN):
        masked = result.masked if result.ok else mask_ssn(result.raw)
        record.update(raw=mask_ssn(result.raw), canonical=masked if result.ok else "")
        record.update(key=masked if result.ok else "", digits=None)
    return record


def _details(result: Any) -> str:
    """Kind-specific facts that explain a match, for the readable line."""
    if isinstance(result, Name):
        keys = ",".join(sorted(result.first_keys))
        return f"first~{{{keys}}} phonetic {result.first_phonetic}/{result.last_phonetic}"
    facts = []
    for field in ("precision", "number_type", "valid", "zip_consistent", "timezone", "flags"):
        value = getattr(result, field, None)
        if field == "valid" and isinstance(result, SSN):
            continue
        if value not in (None, (), ""):
            shown = (
                ",".join(value)
                if isinstance(value, tuple)
                else ("yes" if value else "no")
                if isinstance(value, bool)
                else str(value)
            )
            facts.append(f"{field.replace('_', ' ')} {shown}")
    zones = getattr(result, "timezones", ())
    if zones:
        facts.append("tz " + ",".join(zones[:3]) + (",..." if len(zones) > 3 else ""))
    return "; ".join(facts)


def _line(result: Any) -> str:
    raw = mask_ssn(result.raw) if isinstance(result, SSN) else result.raw
    if not result.ok:
        return f"{raw!r} -> error: {result.error}"
    canonical = result.masked if isinstance(result, SSN) else result.canonical
    key = result.masked if isinstance(result, SSN) else result.key
    details = _details(result)
    return f"{raw!r} -> {canonical}  [key {key}]" + (f"  ({details})" if details else "")


@click.command("normalize")
@click.argument("kind", type=click.Choice(_CLI_KINDS), metavar="KIND")
@click.argument("values", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per value.")
@click.option(
    "--name-format",
    type=click.Choice(["auto", "last_first", "first_last", "multi_party"]),
    default="auto",
    show_default=True,
    help="How name values are written.",
)
@click.option("--date-format", "date_formats", multiple=True, help="strptime format (repeatable).")
def normalize_command(
    kind: str,
    values: tuple[str, ...],
    as_json: bool,
    name_format: str,
    date_formats: tuple[str, ...],
) -> None:
    """Normalize VALUEs of KIND and show canonical form and comparison key.

    KIND is one of: name, address, phone, date, ssn, email, employer.

    A VALUE of '-' reads values from stdin, one per line. Exits 1 if any value is unusable.

    Example:

    \b
        skiptrace normalize address '123 N Main St Apt 4' '123 North Main Street #4'
    """
    if values == ("-",):
        values = tuple(line.rstrip("\n") for line in sys.stdin)
    options: dict[str, Any] = {}
    if kind == "name":
        options["fmt"] = name_format
    if kind == "date" and date_formats:
        options["formats"] = date_formats
    results = normalize_column(kind, list(values), **options)
    for result in results:
        click.echo(json.dumps(_record(result)) if as_json else _line(result))
    if not all(result.ok for result in results):
        sys.exit(1)
