"""The list of subcommands attached to the ``skiptrace`` group, one import per module."""

from __future__ import annotations

import click

ALL: list[click.Command] = []
