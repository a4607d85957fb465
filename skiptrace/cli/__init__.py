"""The ``skiptrace`` command line: a thin layer over the library API.

Each subcommand lives in its own module under ``skiptrace.cli`` and is registered here.
"""

from __future__ import annotations

import sys

import click

from skiptrace import __version__
from skiptrace.errors import SkiptraceError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="skiptrace")
def cli() -> None:
    """skiptrace: find a debtor's current contact points with calibrated confidence.

    The pipeline is: simulate (test worlds) -> ingest -> resolve -> lookup / batch / verify.
    """


def _register() -> None:
    """Attach every subcommand module's command to the root group."""
    from skiptrace.cli import commands

    for command in commands.ALL:
        cli.add_command(command)


def main() -> None:
    """Console-script entry point: run the CLI, mapping library errors to one-line messages."""
    _register()
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except SkiptraceError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
