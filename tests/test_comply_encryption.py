"""Encryption at rest of the DuckDB store, and key loading from the environment."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from skiptrace.cli.lookup import lookup
from skiptrace.cli.resolve import resolve
from skiptrace.comply.encryption import (
    connect_store,
    encrypt_copy,
    open_encrypted,
    openssl_available,
    store_key,
)
from skiptrace.comply.keys import audit_key, derive_key, load_key, require_key
from skiptrace.errors import ConfigError
from skiptrace.ingest import open_store

ROOT = Path(__file__).resolve().parent.parent
SSN, LAST_NAME = "078051120", "QUUXLEY"
MASTER = "correct horse battery staple 42"
ENV = {"SKIPTRACE_STORE_KEY": MASTER}
PINNED = duckdb.__version__.startswith("1.5.")
HAS_OPENSSL = openssl_available()


def _require_pinned_duckdb() -> None:
    """Skip where the environment lacks pyproject's duckdb pin (e.g. a stale global install)."""
    if not PINNED:
        pytest.skip(
            f"duckdb {duckdb.__version__} installed but pyproject pins 1.5.x: "
            "pip install 'duckdb==1.5.5' 'duckdb-extension-httpfs==1.5.5'"
        )


@pytest.fixture(autouse=True)
def _no_ambient_key(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SKIPTRACE_STORE_KEY", "SKIPTRACE_STORE_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)


def _fill(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE TABLE observations AS SELECT range AS obs_id, ? AS ssn, "
        "'ZEBEDIAH ' || ? || range AS name FROM range(5000)",
        [SSN, LAST_NAME],
    )


def _assert_no_plaintext(directory: Path, ssn: str = SSN, name: str = LAST_NAME) -> None:
    for part in directory.iterdir():
        if part.is_file():
            raw = part.read_bytes()
            assert ssn.encode() not in raw and name.encode() not in raw, part.name


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, str]:
    """An encrypted store holding a known SSN and name; its path and key."""
    _require_pinned_duckdb()
    path, key = tmp_path / "o'neil store.db", store_key(ENV)
    con = open_encrypted(path, key)
    _fill(con)
    con.close()
    return path, key


def test_pinned_duckdb_has_the_openssl_provider() -> None:
    _require_pinned_duckdb()
    assert HAS_OPENSSL, "duckdb-extension-httpfs (same version as duckdb) is not installed"


def test_raw_file_holds_no_known_ssn_or_name(store: tuple[Path, str], tmp_path: Path) -> None:
    _assert_no_plaintext(store[0].parent)
    control = tmp_path / "plain.db"  # the same data unencrypted: the check can see it
    con = duckdb.connect(str(control))
    _fill(con)
    con.close()
    raw = control.read_bytes()
    assert SSN.encode() in raw and LAST_NAME.encode() in raw


def test_write_ahead_log_holds_no_plaintext(tmp_path: Path) -> None:
    _require_pinned_duckdb()
    con = open_encrypted(tmp_path / "wal.db", store_key(ENV))
    con.execute("SET checkpoint_threshold = '1GB'")
    _fill(con)
    assert (tmp_path / "wal.db.wal").exists()
    _assert_no_plaintext(tmp_path)
    con.close()


def test_right_key_reads_the_store(store: tuple[Path, str]) -> None:
    path, key = store
    con = open_encrypted(path, key, read_only=True)
    assert con.execute("SELECT count(*), min(ssn) FROM observations").fetchone() == (5000, SSN)
    con.close()


def test_wrong_key_is_refused_without_echoing_a_key(store: tuple[Path, str]) -> None:
    path, key = store
    wrong_master = "not the right key at all"
    wrong = store_key({"SKIPTRACE_STORE_KEY": wrong_master})
    for read_only in (True, False):
        with pytest.raises(ConfigError, match="wrong store key") as caught:
            open_encrypted(path, wrong, read_only=read_only)
        message = str(caught.value)
        assert len(message.splitlines()) == 1
        assert all(k not in message for k in (wrong, wrong_master, key, MASTER))


def test_open_store_follows_the_configured_key(tmp_path: Path) -> None:
    _require_pinned_duckdb()
    path = tmp_path / "s.duckdb"
    con = connect_store(path, env=ENV)
    _fill(con)
    con.close()
    _assert_no_plaintext(tmp_path)
    with pytest.raises(ConfigError, match=r"store is encrypted: set SKIPTRACE_STORE_KEY"):
        connect_store(path, read_only=True, env={})
    with pytest.raises(ConfigError, match="wrong store key"):
        connect_store(path, env={"SKIPTRACE_STORE_KEY": "not the right key at all"})
    con = connect_store(path, read_only=True, env=ENV)
    assert con.execute("SELECT count(*) FROM observations").fetchone() == (5000,)
    con.close()


def test_a_configured_key_never_opens_a_plain_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = tmp_path / "plain.duckdb"
    open_store(plain).close()
    monkeypatch.setenv("SKIPTRACE_STORE_KEY", MASTER)
    with pytest.raises(ConfigError, match="not encrypted but SKIPTRACE_STORE_KEY is set"):
        open_store(plain, read_only=True)


def test_raw_keys_are_not_accepted_as_store_keys(store: tuple[Path, str]) -> None:
    path, _ = store
    with pytest.raises(ConfigError, match="64 hex"):
        open_encrypted(path, MASTER, read_only=True)


def test_plain_store_is_not_silently_opened(tmp_path: Path) -> None:
    plain = tmp_path / "plain.db"
    duckdb.connect(str(plain)).execute("CREATE TABLE t AS SELECT 1 AS a").close()
    with pytest.raises(ConfigError, match="not encrypted"):
        open_encrypted(plain, store_key(ENV), read_only=True)


@pytest.mark.skipif(HAS_OPENSSL, reason="only without the OpenSSL provider")
def test_writing_without_openssl_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="duckdb-extension-httpfs"):
        open_encrypted(tmp_path / "new.db", store_key(ENV))
    assert not (tmp_path / "new.db").exists()


def test_encrypt_copy_migrates_a_plain_store(tmp_path: Path) -> None:
    _require_pinned_duckdb()
    plain, enc = tmp_path / "plain.db", tmp_path / "enc.db"
    con = duckdb.connect(str(plain))
    _fill(con)
    con.close()
    encrypt_copy(plain, enc, store_key(ENV))
    assert SSN.encode() not in enc.read_bytes()
    con = open_encrypted(enc, store_key(ENV), read_only=True)
    assert con.execute("SELECT count(*) FROM observations").fetchone() == (5000,)
    con.close()


@pytest.mark.slow
def test_ingest_resolve_lookup_work_on_an_encrypted_store(tmp_path: Path) -> None:
    """The CLI is transparent with a key, refuses without it, and never shows the key."""
    _require_pinned_duckdb()
    sample = ROOT / "data" / "sample" / "sources" / "credit_header.csv"
    lines = sample.read_text(encoding="utf-8").splitlines(keepends=True)[:401]
    first = next(csv.DictReader(lines))  # the first credit-header row of the sample
    last, given = (part.split()[0] for part in first["CONSUMER_NAME"].split(", "))
    ssn = first["SSN"]
    assert len(ssn) == 9
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "credit_header.csv").write_text("".join(lines), encoding="utf-8")
    store_dir = tmp_path / "store"
    store_dir.mkdir()
    store = store_dir / "enc.duckdb"
    env = {**ENV, "SKIPTRACE_AUDIT_KEY": "audit-key-for-this-test-0123"}
    cli = [sys.executable, "-m", "skiptrace"]
    ingested = subprocess.run(
        [*cli, "ingest", "--catalog", str(ROOT / "sources"), "--store", str(store),
         str(tmp_path / "src")],
        capture_output=True, text=True, check=False, env={**os.environ, **env},
    )  # fmt: skip
    assert ingested.returncode == 0, ingested.stderr
    resolved = CliRunner().invoke(resolve, ["--store", str(store)], env=env)
    assert resolved.exit_code == 0, resolved.output
    search = ["--store", str(store), "--first", given, "--last", last, "--ssn",
              ssn, "--purpose", "glba:consumer_transaction", "--operator", "t1",
              "--audit-log", str(tmp_path / "audit.jsonl")]  # fmt: skip
    found = CliRunner().invoke(lookup, search, env=env)
    assert found.exit_code == 0 and "status: hit" in found.output, found.output
    _assert_no_plaintext(store_dir, ssn, last)

    no_key = subprocess.run(
        [*cli, "lookup", *search], capture_output=True, text=True, check=False,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("SKIPTRACE_STORE")},
             "SKIPTRACE_AUDIT_KEY": env["SKIPTRACE_AUDIT_KEY"]},
    )  # fmt: skip
    assert no_key.returncode == 1
    assert no_key.stderr.strip().splitlines() == [
        f"Error: {store}: the store is encrypted: set SKIPTRACE_STORE_KEY or "
        "SKIPTRACE_STORE_KEY_FILE (keys are never accepted on the command line)"
    ]
    wrong = CliRunner().invoke(
        resolve, ["--store", str(store)], env={"SKIPTRACE_STORE_KEY": "x" * 20}
    )
    assert isinstance(wrong.exception, ConfigError) and "wrong store key" in str(wrong.exception)

    shown = [ingested.stdout, ingested.stderr, resolved.output, found.output, no_key.stdout,
             no_key.stderr, wrong.output, str(wrong.exception),
             (tmp_path / "audit.jsonl").read_text(encoding="utf-8")]  # fmt: skip
    secrets = (MASTER, store_key(ENV), store_key({"SKIPTRACE_STORE_KEY": "x" * 20}))
    assert not [s for s in secrets for text in shown if s in text]


def test_key_from_env_or_private_file(tmp_path: Path) -> None:
    assert load_key("SKIPTRACE_STORE_KEY", ENV) == MASTER.encode()
    key_file = tmp_path / "store.key"
    key_file.write_text("a-key-from-a-file-0123456789\n")
    os.chmod(key_file, 0o600)
    env = {"SKIPTRACE_STORE_KEY_FILE": str(key_file)}
    assert load_key("SKIPTRACE_STORE_KEY", env) == b"a-key-from-a-file-0123456789"
    os.chmod(key_file, 0o644)
    with pytest.raises(ConfigError, match="must not be group/world readable"):
        load_key("SKIPTRACE_STORE_KEY", env)
    with pytest.raises(ConfigError, match="cannot read key file"):
        load_key("SKIPTRACE_STORE_KEY", {"SKIPTRACE_STORE_KEY_FILE": str(tmp_path / "none")})


def test_missing_or_weak_keys_are_config_errors() -> None:
    assert load_key("SKIPTRACE_STORE_KEY", {}) is None and store_key({}, required=False) is None
    with pytest.raises(ConfigError, match="set SKIPTRACE_STORE_KEY"):
        store_key({})
    with pytest.raises(ConfigError, match="no key"):
        require_key("SKIPTRACE_AUDIT_KEY", {})
    with pytest.raises(ConfigError, match="too short"):
        load_key("SKIPTRACE_STORE_KEY", {"SKIPTRACE_STORE_KEY": "short"})


def test_sub_keys_are_independent() -> None:
    master = MASTER.encode()
    assert store_key(ENV) == derive_key(master, "store").hex()
    assert audit_key(ENV) == derive_key(master, "audit") != derive_key(master, "store")
    assert audit_key({"SKIPTRACE_AUDIT_KEY": "separate-audit-key-123"}) == b"separate-audit-key-123"
