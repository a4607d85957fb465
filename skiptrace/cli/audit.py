"""``skiptrace audit verify|export`` and ``skiptrace purge``: the audit log for auditors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from skiptrace.comply.audit import DEFAULT_RETENTION_DAYS, LOG_ENV, AuditLog, default_log_path
from skiptrace.comply.keys import audit_key
from skiptrace.errors import ComplianceError

_log_option = click.option(
    "--log",
    "log_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=LOG_ENV,
    default=None,
    help=f"Audit log file (default ${LOG_ENV} or ./skiptrace-audit.jsonl).",
)


def _open(log_path: Path | None) -> AuditLog:
    path = log_path or default_log_path()
    if not path.exists():
        raise ComplianceError(f"no audit log at {path}")
    return AuditLog(path, audit_key())


@click.group("audit")
def audit() -> None:
    """Check and export the tamper-evident search audit log.

    The key comes from SKIPTRACE_AUDIT_KEY or SKIPTRACE_AUDIT_KEY_FILE (else it is derived
    from SKIPTRACE_STORE_KEY), never from the command line.
    """


@audit.command("verify")
@_log_option
def verify(log_path: Path | None) -> None:
    """Check every record's MAC and chain link; name the first bad record.

    Example: skiptrace audit verify --log audit.jsonl
    """
    report = _open(log_path).verify()
    if not report.ok:
        raise ComplianceError(report.message)
    click.echo(report.message)


@audit.command("export")
@_log_option
@click.option("--out", "out", type=click.File("w"), default="-", help="Output file; - for stdout.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl")
def export(log_path: Path | None, out: click.utils.LazyFile, fmt: str) -> None:
    """Write the audit log for an auditor (JSON Lines as stored, or flat CSV).

    Example: skiptrace audit export --format csv --out audit.csv
    """
    report = _open(log_path).export(out, fmt)
    click.echo(report.message, err=True)
    if not report.ok:
        raise ComplianceError(report.message)


@click.command("purge")
@_log_option
@click.option(
    "--retention-days",
    type=click.IntRange(min=0),
    default=DEFAULT_RETENTION_DAYS,
    show_default=True,
    help="Keep records younger than this many days.",
)
@click.option("--operator", "operator_id", required=True, help="Who runs the purge (audited).")
def purge(log_path: Path | None, retention_days: int, operator_id: str) -> None:
    """Drop expired audit records, leaving a keyed checkpoint so the chain still verifies.

    Example: skiptrace purge --operator jdoe --retention-days 1095
    """
    result = _open(log_path).purge(operator_id, retention_days, dt.datetime.now(dt.UTC))
    click.echo(f"purged {result.purged} records, kept {result.kept}")
