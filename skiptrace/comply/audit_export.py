"""Writers that hand the audit log to an auditor: JSON Lines as stored, or flat CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import IO


def write_jsonl(dest: IO[str], records: Iterable[Mapping[str, object]]) -> None:
    """One record per line, exactly the stored fields (re-verifiable with the audit key)."""
    for record in records:
        dest.write(json.dumps(record, sort_keys=True) + "\n")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def write_csv(
    dest: IO[str], records: Iterable[Mapping[str, object]], columns: Sequence[str]
) -> None:
    """Flat CSV with ``columns`` (lists joined by ';', maps as JSON); checkpoints included."""
    writer = csv.writer(dest, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([_cell(record.get(c)) for c in columns])
