"""Encryption at rest of the DuckDB store, and key loading from the environment."""

from __future__ import annotations

import os

import duckdb
import pytest

from skiptrace.comply.encryption import encrypt_copy, open_encrypted, openssl_available, store_key
from skiptrace.comply.keys import audit_key, derive_key, load_key, require_key
from skiptrace.errors import ConfigError

SSN, LAST_NAME = "078051120", "QUUXLEY"
ENV = {"SKIPTRACE_STORE_KEY": "correct horse battery staple 42"}
HAS_OPENSSL = openssl_available()
needs_openssl = pytest.mark.skipif(not HAS_OPENSSL, reason="duckdb-extension-httpfs not installed")


def _fill(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE TABLE observations AS SELECT range AS obs_id, ? AS ssn, "
        "'ZEBEDIAH ' || ? || range AS name FROM range(5000)",
        [SSN, LAST_NAME],
    )


def _writer(path, key) -> duckdb.DuckDBPyConnection:
    """A writable encrypted store: ours when OpenSSL is there, else DuckDB's test-only writer."""
    if HAS_OPENSSL:
        return open_encrypted(path, key)
    con = duckdb.connect()  # fixture only: never used by the library
    con.execute("SET force_mbedtls_unsafe = 'true'")
    literal = str(path).replace("'", "''")
    con.execute(f"ATTACH '{literal}' AS s (ENCRYPTION_KEY '{key}')")
    con.execute("USE s")
    return con


def _assert_no_plaintext(directory) -> None:
    for part in directory.iterdir():
        raw = part.read_bytes()
        assert SSN.encode() not in raw and LAST_NAME.encode() not in raw, part.name


@pytest.fixture
def store(tmp_path):
    """An encrypted store holding a known SSN and name; its path and key."""
    path, key = tmp_path / "o'neil store.db", store_key(ENV)
    con = _writer(path, key)
    _fill(con)
    con.close()
    return path, key


def test_raw_file_holds_no_known_ssn_or_name(store):
    _assert_no_plaintext(store[0].parent)


def test_write_ahead_log_holds_no_plaintext(tmp_path):
    con = _writer(tmp_path / "wal.db", store_key(ENV))
    con.execute("SET checkpoint_threshold = '1GB'")
    _fill(con)
    assert (tmp_path / "wal.db.wal").exists()
    _assert_no_plaintext(tmp_path)
    con.close()


def test_right_key_reads_the_store(store):
    path, key = store
    con = open_encrypted(path, key, read_only=True)
    assert con.execute("SELECT count(*), min(ssn) FROM observations").fetchone() == (5000, SSN)
    con.close()


def test_wrong_key_is_refused(store):
    path, _ = store
    wrong = store_key({"SKIPTRACE_STORE_KEY": "not the right key at all"})
    with pytest.raises(ConfigError, match="wrong store key"):
        open_encrypted(path, wrong, read_only=True)


def test_raw_keys_are_not_accepted_as_store_keys(store):
    path, _ = store
    with pytest.raises(ConfigError, match="64 hex"):
        open_encrypted(path, "correct horse battery staple 42", read_only=True)


def test_plain_store_is_not_silently_opened(tmp_path):
    plain = tmp_path / "plain.db"
    duckdb.connect(str(plain)).execute("CREATE TABLE t AS SELECT 1 AS a").close()
    with pytest.raises(ConfigError, match="not encrypted"):
        open_encrypted(plain, store_key(ENV), read_only=True)


@pytest.mark.skipif(HAS_OPENSSL, reason="only without the OpenSSL provider")
def test_writing_without_openssl_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="duckdb-extension-httpfs"):
        open_encrypted(tmp_path / "new.db", store_key(ENV))
    assert not (tmp_path / "new.db").exists()


@needs_openssl
def test_encrypt_copy_migrates_a_plain_store(tmp_path):
    plain, enc = tmp_path / "plain.db", tmp_path / "enc.db"
    con = duckdb.connect(str(plain))
    _fill(con)
    con.close()
    encrypt_copy(plain, enc, store_key(ENV))
    assert SSN.encode() not in enc.read_bytes()
    con = open_encrypted(enc, store_key(ENV), read_only=True)
    assert con.execute("SELECT count(*) FROM observations").fetchone() == (5000,)
    con.close()


def test_key_from_env_or_private_file(tmp_path):
    assert load_key("SKIPTRACE_STORE_KEY", ENV) == ENV["SKIPTRACE_STORE_KEY"].encode()
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


def test_missing_or_weak_keys_are_config_errors():
    assert load_key("SKIPTRACE_STORE_KEY", {}) is None and store_key({}, required=False) is None
    with pytest.raises(ConfigError, match="set SKIPTRACE_STORE_KEY"):
        store_key({})
    with pytest.raises(ConfigError, match="no key"):
        require_key("SKIPTRACE_AUDIT_KEY", {})
    with pytest.raises(ConfigError, match="too short"):
        load_key("SKIPTRACE_STORE_KEY", {"SKIPTRACE_STORE_KEY": "short"})


def test_sub_keys_are_independent():
    master = ENV["SKIPTRACE_STORE_KEY"].encode()
    assert store_key(ENV) == derive_key(master, "store").hex()
    assert audit_key(ENV) == derive_key(master, "audit") != derive_key(master, "store")
    assert audit_key({"SKIPTRACE_AUDIT_KEY": "separate-audit-key-123"}) == b"separate-audit-key-123"
