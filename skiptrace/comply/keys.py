"""Secret keys from the environment: a variable or a key file, never the command line.

Public API::

    load_key(name, env=os.environ) -> bytes | None   # $NAME, else the file named by $NAME_FILE
    require_key(name, env=os.environ) -> bytes       # ConfigError when missing or weak
    derive_key(master, label) -> bytes                # 32-byte sub-key, one per use
    audit_key(env=os.environ) -> bytes                # SKIPTRACE_AUDIT_KEY, else derived
                                                      # from SKIPTRACE_STORE_KEY
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from collections.abc import Mapping
from pathlib import Path

from skiptrace.errors import ConfigError

STORE_KEY = "SKIPTRACE_STORE_KEY"
AUDIT_KEY = "SKIPTRACE_AUDIT_KEY"
MIN_KEY_BYTES = 16


def load_key(name: str, env: Mapping[str, str] | None = None) -> bytes | None:
    """Return the key in ``$name`` or in the file named by ``$name_FILE``; None if neither."""
    env = os.environ if env is None else env
    value = env.get(name, "")
    if not value and env.get(f"{name}_FILE"):
        path = Path(env[f"{name}_FILE"])
        try:
            mode = path.stat().st_mode
            value = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{name}_FILE: cannot read key file {path}") from exc
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigError(f"{name}_FILE: key file {path} must not be group/world readable")
    if not value:
        return None
    key = value.encode("utf-8")
    if len(key) < MIN_KEY_BYTES:
        raise ConfigError(f"{name}: key too short (at least {MIN_KEY_BYTES} bytes)")
    return key


def require_key(name: str, env: Mapping[str, str] | None = None) -> bytes:
    """Like :func:`load_key` but raise ConfigError when no key is configured."""
    key = load_key(name, env)
    if key is None:
        raise ConfigError(f"no key: set {name} or {name}_FILE (never pass keys as arguments)")
    return key


def derive_key(master: bytes, label: str) -> bytes:
    """Derive an independent 32-byte sub-key for one use (HMAC-SHA256 of a fixed label)."""
    return hmac.new(master, f"skiptrace:{label}".encode(), hashlib.sha256).digest()


def audit_key(env: Mapping[str, str] | None = None) -> bytes:
    """The audit-log key: SKIPTRACE_AUDIT_KEY(_FILE), else derived from the store key."""
    key = load_key(AUDIT_KEY, env)
    if key is not None:
        return key
    store = load_key(STORE_KEY, env)
    if store is None:
        raise ConfigError(
            f"no audit key: set {AUDIT_KEY} or {AUDIT_KEY}_FILE (or {STORE_KEY}/_FILE)"
        )
    return derive_key(store, "audit")
