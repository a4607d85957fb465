"""File primitives for the audit log: an exclusive lock, durable appends, atomic rewrites."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_TAIL_CHUNK = 8192


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``<path>.lock`` (serialises processes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def read_lines(path: Path) -> list[str]:
    """Non-empty lines of ``path`` (empty list when it does not exist)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [line for line in text.split("\n") if line.strip()]


def last_line(path: Path) -> str | None:
    """The last non-empty line of ``path``, read backwards from the end; None if none."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return None
    with handle:
        end = handle.seek(0, os.SEEK_END)
        tail = b""
        while end > 0:
            start = max(0, end - _TAIL_CHUNK)
            handle.seek(start)
            tail = handle.read(end - start) + tail
            end = start
            lines = [line for line in tail.split(b"\n") if line.strip()]
            if len(lines) > 1 or (lines and end == 0):
                return lines[-1].decode("utf-8")
    return None


def _write_all(fd: int, lines: list[str]) -> None:
    view = memoryview("".join(line + "\n" for line in lines).encode("utf-8"))
    while view:
        view = view[os.write(fd, view) :]
    os.fsync(fd)


def append_lines(path: Path, lines: list[str]) -> None:
    """Append lines and fsync them; the file is created private (0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        _write_all(fd, lines)
    finally:
        os.close(fd)


def replace_lines(path: Path, lines: list[str]) -> None:
    """Atomically replace ``path`` with ``lines`` (write a temp file, fsync, rename)."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        _write_all(fd, lines)
    finally:
        os.close(fd)
    os.replace(tmp, path)
