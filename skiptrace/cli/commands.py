"""The list of subcommands attached to the ``skiptrace`` group, one import per module."""

from __future__ import annotations

import click

from skiptrace.cli.audit import audit, purge
from skiptrace.cli.batch import batch
from skiptrace.cli.demo import demo
from skiptrace.cli.ingest import ingest
from skiptrace.cli.lookup import lookup
from skiptrace.cli.normalize import normalize_command
from skiptrace.cli.resolve import explain, resolve
from skiptrace.cli.simulate import simulate
from skiptrace.cli.verify import verify

ALL: list[click.Command] = [
    audit,
    purge,
    ingest,
    lookup,
    batch,
    demo,
    normalize_command,
    simulate,
    resolve,
    explain,
    verify,
]
