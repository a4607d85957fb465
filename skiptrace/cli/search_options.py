"""Options every search command shares: purpose, operator, role, reveal, suppression, audit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import click

from skiptrace.comply.audit import LOG_ENV, AuditLog, default_log_path
from skiptrace.comply.keys import audit_key
from skiptrace.comply.masking import ROLES
from skiptrace.comply.session import OPERATOR_ENV, PURPOSE_ENV
from skiptrace.comply.suppression import SuppressionList
from skiptrace.search import SearchRequest

F = TypeVar("F", bound=Callable[..., Any])


def search_options(use_cases: tuple[str, ...], reveal: bool = False) -> Callable[[F], F]:
    """Decorate a command with the compliance options (first use case is the default);
    `reveal` adds `--show-full` for commands that show identifiers."""
    options = [
        click.option(
            "--purpose",
            "purposes",
            multiple=True,
            envvar=PURPOSE_ENV,
            help=f"Permissible purpose code, e.g. fcra:collection (repeat or comma-separate; "
            f"default ${PURPOSE_ENV}). Codes: docs/compliance.md.",
        ),
        click.option(
            "--operator",
            envvar=OPERATOR_ENV,
            help=f"Who runs the search (audited; default ${OPERATOR_ENV}).",
        ),
        click.option(
            "--use-case",
            type=click.Choice(use_cases),
            default=use_cases[0],
            show_default=True,
        ),
        click.option("--role", type=click.Choice(list(ROLES)), default="agent", show_default=True),
        click.option(
            "--death-master-certified",
            is_flag=True,
            help="Your organisation is a certified LADMF subscriber (recent death records).",
        ),
        click.option(
            "--suppress",
            "suppression",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="Do-not-contact CSV (reason + account_id and/or person_id).",
        ),
        click.option(
            "--audit-log",
            type=click.Path(dir_okay=False, path_type=Path),
            envvar=LOG_ENV,
            help=f"Audit log (default ${LOG_ENV} or ./skiptrace-audit.jsonl); key from "
            "SKIPTRACE_AUDIT_KEY(_FILE).",
        ),
    ]

    if reveal:
        options.append(
            click.option(
                "--show-full",
                "reveal",
                multiple=True,
                type=click.Choice(["ssn", "dob"]),
                help="Show the full SSN/DOB (supervisor or compliance role only; audited).",
            )
        )

    def decorate(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def search_request(
    purposes: tuple[str, ...],
    operator: str | None,
    use_case: str,
    role: str,
    death_master_certified: bool,
    suppression: Path | None,
    audit_log: Path | None,
    reveal: tuple[str, ...] = (),
) -> SearchRequest:
    """The library request from the parsed options; refuses bad ones before any I/O."""
    request = SearchRequest(
        purposes=tuple(purposes),
        use_case=use_case,
        operator=operator,
        role=role,
        reveal=tuple(reveal),
        death_master_certified=death_master_certified,
    )
    request.check()
    listing = SuppressionList.load(suppression) if suppression else None
    log = AuditLog(audit_log or default_log_path(), audit_key())
    return replace(request, suppression=listing, log=log)
