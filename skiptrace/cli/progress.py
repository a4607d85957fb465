"""A stderr progress bar with rate and ETA for the library's (done, total) callbacks."""

from __future__ import annotations

import sys
import time
from typing import Any

import click


class RateBar:
    """Adapts a `progress(done, total)` callback to a click bar on stderr (TTY only)."""

    def __init__(self, label: str, unit: str = "rows") -> None:
        self.label = label
        self.unit = unit
        self.bar: Any = None
        self.shown = 0
        self.started = time.monotonic()

    def __call__(self, done: int, total: int | None) -> None:
        stream = sys.stderr
        if not stream.isatty():
            return
        if self.bar is None:
            self.bar = click.progressbar(
                length=total or 0,
                label=self.label,
                file=stream,
                show_eta=True,
                item_show_func=lambda rate: rate,
            )
            self.bar.__enter__()
        elapsed = max(time.monotonic() - self.started, 1e-9)
        self.bar.update(done - self.shown, f"{done / elapsed:,.0f} {self.unit}/s")
        self.shown = done

    def close(self) -> None:
        """Finish the bar (no-op when none was shown)."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
