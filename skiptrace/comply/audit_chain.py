"""The keyed hash chain behind the audit log: sealing records, the head file, verification.

Every record has ``seq``, ``prev`` (the previous record's ``mac``) and ``mac`` =
HMAC-SHA256(chain key, canonical JSON of the record without ``mac``). A ``checkpoint``
record (only ever the first line, written by a purge) stands for the purged prefix: its
``anchor`` is the last purged record's ``mac``. The head file holds the last seq and mac,
signed with the same key, so a truncated tail is detected.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from skiptrace.comply.audit_file import replace_lines
from skiptrace.comply.keys import derive_key

GENESIS = "0" * 64


def canonical(record: Mapping[str, object]) -> bytes:
    """The bytes a record's MAC covers: sorted compact JSON of every field but ``mac``."""
    body = {k: v for k, v in record.items() if k != "mac"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def tip_of(last_line: str | None) -> tuple[int, str]:
    """(seq, mac) the next record chains to, given the log's last line."""
    if last_line is None:
        return 0, GENESIS
    last = json.loads(last_line)
    return int(last["seq"]), str(last["anchor" if last.get("kind") == "checkpoint" else "mac"])


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """Outcome of a chain check; ``bad_line`` is 1-based in the log file."""

    ok: bool
    rows: int
    problem: str | None = None
    bad_line: int | None = None
    bad_seq: int | None = None
    purged_through: int | None = None

    @property
    def message(self) -> str:
        """One line for humans."""
        if self.ok:
            purged = f", purged through seq {self.purged_through}" if self.purged_through else ""
            plural = "" if self.rows == 1 else "s"
            return f"audit log OK: {self.rows} record{plural}, chain intact{purged}"
        return f"audit log BROKEN at line {self.bad_line} (seq {self.bad_seq}): {self.problem}"


class Chain:
    """MACs, seals and checks records with a key derived from the audit key."""

    def __init__(self, key: bytes) -> None:
        self._key = derive_key(key, "audit-chain")

    def mac(self, data: bytes) -> str:
        """Hex HMAC-SHA256 of ``data``."""
        return hmac.new(self._key, data, hashlib.sha256).hexdigest()

    def seal(self, record: dict[str, object]) -> dict[str, object]:
        """Set the record's ``mac`` and return it."""
        record["mac"] = self.mac(canonical(record))
        return record

    def read_head(self, path: Path) -> tuple[int, str] | str | None:
        """(seq, mac) from the head file, None when absent, or a problem string."""
        try:
            head = json.loads(path.read_text(encoding="utf-8"))
            seq, last, sig = int(head["seq"]), str(head["mac"]), str(head["sig"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            return "head file unreadable"
        if not hmac.compare_digest(self.mac(f"head:{seq}:{last}".encode()), sig):
            return "head file altered"
        return seq, last

    def write_head(self, path: Path, seq: int, last: str) -> None:
        """Atomically record the last seq and mac, signed."""
        sig = self.mac(f"head:{seq}:{last}".encode())
        replace_lines(path, [json.dumps({"seq": seq, "mac": last, "sig": sig})])

    def check(self, lines: list[str], head: tuple[int, str] | str | None) -> VerifyReport:
        """Verify every line and the head; report the first bad line."""
        seq, prev, purged, rows = 0, GENESIS, None, 0
        for number, line in enumerate(lines, start=1):
            try:
                rec = json.loads(line)
                rec_seq, mac = int(rec["seq"]), str(rec["mac"])
            except (ValueError, KeyError, TypeError):
                return VerifyReport(False, rows, "unreadable record", number, None, purged)
            bad = VerifyReport(False, rows, None, number, rec_seq, purged)
            if not hmac.compare_digest(self.mac(canonical(rec)), mac):
                return replace(bad, problem="record altered (MAC mismatch)")
            if rec.get("kind") == "checkpoint":
                if number != 1:
                    return replace(bad, problem="checkpoint record after the first line")
                seq, prev, purged = rec_seq, str(rec["anchor"]), rec_seq
                continue
            if rec_seq != seq + 1:
                return replace(bad, problem=f"sequence gap: expected seq {seq + 1} (deleted)")
            if rec.get("prev") != prev:
                return replace(bad, problem="chain link broken (previous record replaced)")
            seq, prev, rows = rec_seq, mac, rows + 1
        end = VerifyReport(False, rows, None, len(lines) + 1, seq + 1, purged)
        if isinstance(head, str):
            return replace(end, problem=head)
        if head is None and lines:
            return replace(end, problem="head file missing")
        if head is not None and (head[0] > seq or (head[0] == seq and head[1] != prev)):
            return replace(end, problem=f"records missing at the end (head says seq {head[0]})")
        return VerifyReport(True, rows, purged_through=purged)
