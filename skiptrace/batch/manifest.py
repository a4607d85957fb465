"""The run manifest (`OUTPUT.manifest.json`): what was read, what was written, and how."""

from __future__ import annotations

import platform
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from skiptrace import __version__


@dataclass(slots=True)
class Tally:
    """Counts accumulated over blocks (each block's part is a plain dict, see `add`)."""

    rows: int = 0
    long_rows: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    reject_reasons: Counter[str] = field(default_factory=Counter)
    sources: set[str] = field(default_factory=set)

    def add(self, part: Mapping[str, Any]) -> None:
        """Fold in one block's counts (as saved in the checkpoint)."""
        self.rows += part["rows"]
        self.long_rows += part["long_rows"]
        self.statuses.update(part["statuses"])
        self.reject_reasons.update(part["reject_reasons"])
        self.sources.update(part["sources"])


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def versions(extra: Mapping[str, str]) -> dict[str, str]:
    """Versions that can change results: ours, Python, pyarrow, plus the caller's."""
    found = {"skiptrace": __version__, "python": platform.python_version()}
    found["pyarrow"] = _package_version("pyarrow")
    return found | dict(extra)


def build_manifest(
    *,
    command: str,
    input_facts: Mapping[str, Any],
    outputs: Mapping[str, Path],
    mapping: Mapping[str, str],
    tally: Tally,
    blocks: Mapping[str, int],
    options: Mapping[str, Any],
    timestamps: Mapping[str, str],
    extra_versions: Mapping[str, str],
) -> dict[str, Any]:
    """Assemble the manifest dict (written as sorted-key JSON by the runner)."""
    return {
        "command": command,
        "input": dict(input_facts),
        "output": {name: str(path) for name, path in outputs.items()}
        | {"rows": tally.rows, "long_rows": tally.long_rows},
        "mapping": dict(mapping),
        "counts": dict(sorted(tally.statuses.items())),
        "reject_reasons": dict(sorted(tally.reject_reasons.items())),
        "sources_used": sorted(tally.sources),
        "blocks": dict(blocks),
        "options": dict(options),
        "versions": versions(extra_versions),
        **timestamps,
    }
