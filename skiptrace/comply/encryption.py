"""Encryption at rest for the DuckDB store: DuckDB's AES-256-GCM database encryption.

Public API::

    store_key(env=None, *, required=True) -> str | None   # from SKIPTRACE_STORE_KEY(_FILE)
    connect_store(path, *, read_only=False, env=None)     # encrypted iff a key is configured
    open_encrypted(path, key, *, read_only=False) -> duckdb.DuckDBPyConnection
    encrypt_copy(plain_path, encrypted_path, key)         # one-off migration of a plain store
    openssl_available() -> bool

The whole database file (blocks, WAL and spilled temp files) is encrypted by DuckDB itself,
so every SQL function (fuzzy matching included) works unchanged on plaintext in memory.
Writing needs DuckDB's OpenSSL crypto provider, which ships in the httpfs extension
(``duckdb-extension-httpfs`` wheel, same version as duckdb). Without it DuckDB only has an
MbedTLS path whose nonces come from a non-cryptographic RNG (nonce reuse breaks AES-GCM), so
we never set ``force_mbedtls_unsafe``: writes are refused, reads (no nonces) are allowed.
The user key is never used directly: a 256-bit sub-key is derived with HMAC-SHA256.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import duckdb

from skiptrace.comply.keys import STORE_KEY, derive_key, load_key
from skiptrace.errors import ConfigError

ALIAS = "store"
_HEX = re.compile(r"^[0-9a-f]{64}$")


def store_key(env: Mapping[str, str] | None = None, *, required: bool = True) -> str | None:
    """The store's derived key (64 hex chars) from the environment; None if absent and allowed."""
    master = load_key(STORE_KEY, env)
    if master is None:
        if required:
            raise ConfigError(
                f"the store is encrypted: set {STORE_KEY} or {STORE_KEY}_FILE "
                "(keys are never accepted on the command line)"
            )
        return None
    return derive_key(master, "store").hex()


@cache
def _httpfs_file() -> str | None:
    try:
        import duckdb_extension_httpfs  # type: ignore[import-not-found]
    except ImportError:
        return None
    root = Path(next(iter(duckdb_extension_httpfs.__path__)))
    path = root / "extensions" / f"v{duckdb.__version__}" / "httpfs.duckdb_extension"
    return str(path) if path.is_file() else None


def _load_openssl(con: duckdb.DuckDBPyConnection) -> bool:
    """Load the httpfs extension (OpenSSL) into ``con``; False when it is not installed."""
    try:
        con.execute("LOAD httpfs")
        return True
    except duckdb.Error:
        pass
    path = _httpfs_file()
    if path is None:
        return False
    try:
        con.execute(f"LOAD {_literal(path)}")
    except duckdb.Error:
        return False
    return True


def openssl_available() -> bool:
    """True when DuckDB can write encrypted files securely (OpenSSL provider loadable)."""
    return _load_openssl(duckdb.connect(":memory:"))


def _literal(text: str) -> str:
    """SQL string literal for ATTACH/LOAD, which take no bound parameters in duckdb 1.x."""
    if "\x00" in text:
        raise ConfigError("path contains a NUL character")
    return "'" + text.replace("'", "''") + "'"


def _attach(con: duckdb.DuckDBPyConnection, path: str, alias: str, key: str, ro: bool) -> None:
    if not _HEX.match(key):
        raise ConfigError("store key must come from store_key() (64 hex characters)")
    options = f"ENCRYPTION_KEY '{key}'" + (", READ_ONLY" if ro else "")
    try:
        con.execute(f"ATTACH {_literal(path)} AS {alias} ({options})")
    except duckdb.Error as exc:
        text = str(exc).replace(key, "<key>")  # parser errors echo the statement
        if "Wrong encryption key" in text:
            raise ConfigError(f"wrong store key for {path}") from None
        if "is not encrypted" in text:
            raise ConfigError(
                f"store {path} is not encrypted but {STORE_KEY} is set: unset it, or "
                "migrate the store with skiptrace.comply.encrypt_copy"
            ) from None
        raise ConfigError(f"cannot open store {path}: {text.splitlines()[0][:160]}") from None


def open_encrypted(
    path: str | os.PathLike[str], key: str, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open (or create) an encrypted store; its tables are the connection's default schema."""
    con = duckdb.connect(":memory:")
    if not _load_openssl(con) and not read_only:
        con.close()
        raise ConfigError(
            f"writing an encrypted store needs DuckDB's OpenSSL provider: install the pinned "
            f"duckdb 1.5.x with its duckdb-extension-httpfs wheel (found duckdb "
            f"{duckdb.__version__}; its MbedTLS writer is unsafe)"
        )
    con.execute("SET temp_file_encryption = true")
    try:
        con.execute(f"SET temp_directory = {_literal(os.fspath(path) + '.tmp')}")
        _attach(con, os.fspath(path), ALIAS, key, read_only)
        con.execute(f"USE {ALIAS}")
    except BaseException:
        con.close()
        raise
    return con


def connect_store(
    path: str | os.PathLike[str],
    *,
    read_only: bool = False,
    env: Mapping[str, str] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open a store file, encrypted when a store key is configured, else plain.

    A configured key never opens a plain file, and an encrypted file without a key is a
    ConfigError; other DuckDB errors (lock, not a database) propagate as ``duckdb.Error``.
    """
    where = os.fspath(path)
    key = None if where == ":memory:" else store_key(env, required=False)
    if key is not None:
        return open_encrypted(where, key, read_only=read_only)
    try:
        return duckdb.connect(where, read_only=read_only)
    except duckdb.Error as exc:
        if "without a key" not in str(exc):
            raise
    raise ConfigError(
        f"{where}: the store is encrypted: set {STORE_KEY} or {STORE_KEY}_FILE "
        "(keys are never accepted on the command line)"
    )


def encrypt_copy(
    plain_path: str | os.PathLike[str], encrypted_path: str | os.PathLike[str], key: str
) -> None:
    """Copy every table of an unencrypted store into a new encrypted store file."""
    if Path(encrypted_path).exists():
        raise ConfigError(f"{encrypted_path} already exists")
    con = open_encrypted(encrypted_path, key)
    try:
        con.execute(f"ATTACH {_literal(os.fspath(plain_path))} AS plain (READ_ONLY)")
        con.execute(f"COPY FROM DATABASE plain TO {ALIAS}")
        con.execute("DETACH plain")
    finally:
        con.close()
