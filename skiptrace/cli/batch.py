"""``skiptrace batch``: refresh a client file of accounts (CSV or Parquet) in one run."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import click

from skiptrace.cli.progress import RateBar
from skiptrace.cli.run_summary import echo_outputs, resumed_note
from skiptrace.cli.search_options import search_options, search_request
from skiptrace.locate.locator import DEFAULT_MIN_CONFIDENCE


def _call_at(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    if value == "now":
        return dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    try:
        at = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter("an ISO date-time such as 2026-11-23T15:00Z, or 'now'") from None
    if at.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. 2026-11-23T15:00Z")
    return at


@click.command("batch")
@click.argument(
    "input_path", metavar="INPUT", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--out",
    "output_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file (.csv or .parquet); its long file and manifest go next to it.",
)
@click.option(
    "--store", type=click.Path(path_type=Path), default="skiptrace.duckdb", show_default=True
)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Column mapping override (repeatable); FIELD= switches a field off.",
)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    default=DEFAULT_MIN_CONFIDENCE,
    show_default=True,
    help="Identity confidence below which no contact point is returned (wrong-party guard).",
)
@click.option("--single-best", is_flag=True, help="Only the top address and the top phone.")
@click.option("--prioritize", is_flag=True, help="Add priority_rank (balance x contactability).")
@click.option("--call-at", help="Instant for phone_N_callable_now / next window (ISO or 'now').")
@search_options(("refresh", "locate"))
def batch(
    input_path: Path,
    output_path: Path,
    store: Path,
    maps: tuple[str, ...],
    min_confidence: float,
    single_best: bool,
    prioritize: bool,
    call_at: str | None,
    **search: object,
) -> None:
    """Refresh every account of INPUT: one output row per input row, always.

    Resumable: re-run the same command after a crash or Ctrl-C. Needs a permissible
    purpose and an operator id (or $SKIPTRACE_PURPOSE / $SKIPTRACE_OPERATOR); every
    account searched is audited.

    Example:

        skiptrace batch accounts.csv --out refreshed.csv --store world.duckdb
        --purpose fcra:collection --operator jdoe --prioritize
    """
    from skiptrace.batch import parse_map_options
    from skiptrace.search import refresh_file

    request = search_request(**search)  # type: ignore[arg-type]
    bar = RateBar("refreshing", "accounts")
    started = time.monotonic()
    try:
        summary = refresh_file(
            request,
            input_path,
            output_path,
            store,
            min_confidence=min_confidence,
            best_only=single_best,
            prioritize=prioritize,
            mapping=parse_map_options(list(maps)),
            call_at=_call_at(call_at),
            progress=bar,
        )
    finally:
        bar.close()
    seconds = time.monotonic() - started
    echo_outputs(summary)
    for source, why in summary.manifest["compliance"]["sources_withheld"].items():
        click.echo(f"withheld: {source} ({why})")
    rate = summary.input_rows / seconds if seconds > 0 else 0.0
    click.echo(f"{seconds:.1f} s, {rate:,.0f} rows/s{resumed_note(summary)}")
