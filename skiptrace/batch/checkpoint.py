"""Resume support: finished blocks kept in a checkpoint directory next to the output.

`OUTPUT.parts/` holds `run.json` (the run fingerprint and start time) and, per finished
block `n`, `block-n.wide.arrow` and `block-n.long.arrow` (Arrow IPC) and `block-n.json` (its
counts). The JSON is written last, so a block is finished exactly when its JSON exists. A
run whose fingerprint (input bytes, options, renderer, engine key) differs from the one on
disk starts over; the directory is removed once the final outputs are in place.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.ipc as ipc

from skiptrace.batch.atomic import atomic_path, write_json
from skiptrace.errors import ConfigError

RUN_FILE = "run.json"


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB pieces."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while piece := handle.read(1 << 20):
            digest.update(piece)
    return digest.hexdigest()


def fingerprint(facts: Mapping[str, Any]) -> str:
    """A stable hash of everything that determines a run's output bytes."""
    text = json.dumps(facts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def checkpoint_dir(output: Path) -> Path:
    """Where the finished blocks of a run writing `output` are kept."""
    return output.with_name(output.name + ".parts")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The checkpoint directory of one run."""

    directory: Path
    started_at: str

    @classmethod
    def open(cls, output: Path, run_fingerprint: str, now: str) -> Checkpoint:
        """Reuse the directory when it belongs to the same run, otherwise start it afresh."""
        directory = checkpoint_dir(output)
        run_file = directory / RUN_FILE
        if directory.exists():
            if not run_file.is_file():
                raise ConfigError(f"{directory} exists but is not a skiptrace checkpoint")
            try:
                run = json.loads(run_file.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError):
                run = {}
            if run.get("fingerprint") == run_fingerprint:
                for leftover in directory.glob(".*.tmp"):
                    leftover.unlink()
                return cls(directory, str(run["started_at"]))
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        write_json(run_file, {"fingerprint": run_fingerprint, "started_at": now})
        return cls(directory, now)

    def _path(self, index: int, suffix: str) -> Path:
        return self.directory / f"block-{index:06d}.{suffix}"

    def finished(self, index: int) -> dict[str, Any] | None:
        """The saved counts of block `index`, or None if it is not finished."""
        path = self._path(index, "json")
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    def save(self, index: int, wide: pa.Table, long: pa.Table, stats: dict[str, Any]) -> None:
        """Store a finished block: both tables first, then its counts (the done marker)."""
        for kind, table in (("wide", wide), ("long", long)):
            with (
                atomic_path(self._path(index, f"{kind}.arrow")) as tmp,
                pa.OSFile(str(tmp), "wb") as sink,
                ipc.new_file(sink, table.schema) as out,
            ):
                out.write_table(table)
        write_json(self._path(index, "json"), stats)

    def load(self, index: int, kind: str) -> pa.Table:
        """Read back the `wide` or `long` table of a finished block."""
        with pa.OSFile(str(self._path(index, f"{kind}.arrow")), "rb") as source:
            return ipc.open_file(source).read_all()

    def remove(self) -> None:
        """Delete the checkpoint directory (after the final outputs are written)."""
        shutil.rmtree(self.directory, ignore_errors=True)
