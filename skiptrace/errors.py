"""Error types raised by the skiptrace library.

Every error the library raises on purpose derives from :class:`SkiptraceError` and carries
a one-line, human-readable message that never contains a full SSN or DOB. The CLI maps
these to exit code 1 with that message; anything else is a bug.
"""

from __future__ import annotations


class SkiptraceError(Exception):
    """Base class for expected, user-facing failures."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(SkiptraceError):
    """Bad input data, located as precisely as known: file, row, field and reason."""

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.row = row
        self.field = field
        where = ", ".join(
            part
            for part in (
                file,
                f"row {row}" if row is not None else None,
                f"field {field!r}" if field else None,
            )
            if part
        )
        super().__init__(f"{where}: {reason}" if where else reason)


class ConfigError(SkiptraceError):
    """A catalog entry, mapping or option that cannot be used as given."""


class ComplianceError(SkiptraceError):
    """A request refused for compliance reasons (missing purpose, unauthorised data...)."""
