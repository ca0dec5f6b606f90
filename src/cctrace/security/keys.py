"""Secrets cctrace keeps for itself: the Langfuse secret key and the store's encryption key.

They go to the OS keychain through `keyring` when a usable backend exists (macOS Keychain,
Windows Credential Locker, Secret Service); on a headless machine without one they fall
back, with a warning the caller shows, to `<state dir>/keys/<name>` created 0600 in a 0700
folder. A small marker file (`<name>.keyring`, no secret in it) records that a key lives in
the keychain, so a process that has nothing stored never imports `keyring` at all (it is
slow to discover backends). `CCTRACE_KEYRING=0` forces the file. Values are never logged
and never part of an exception message. A key the marker places in the keychain that cannot
be read is `KeyUnavailable`, never replaced by a new one (that would orphan what the old
one encrypted).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from cctrace import statedir

SERVICE = "cctrace"
LANGFUSE_SECRET = "langfuse-secret-key"
STORE_KEY = "store-key"
KEYS_DIR = "keys"
FILE_WARNING = (
    "no OS keychain is available: the key is kept in {path} (mode 0600, readable by your "
    "user only). Anyone who can read your files can read it; install a keyring backend "
    "(e.g. Secret Service) and run this again to move it."
)


@dataclass(frozen=True)
class StoredKey:
    """Where `store_secret_key` put a secret; `warning` is set for the file fallback."""

    name: str
    backend: str  # "keyring" | "file"
    path: str | None = None
    warning: str | None = None


class KeyUnavailable(OSError):
    """A key the marker says the keychain holds could not be read from it."""


def _dir(state_dir: str | None) -> str:
    return os.path.join(state_dir or statedir.state_dir(), KEYS_DIR)


def key_path(name: str, state_dir: str | None = None) -> str:
    return os.path.join(_dir(state_dir), name)


def _marker(name: str, state_dir: str | None) -> str:
    return key_path(name, state_dir) + ".keyring"



def name_root(state_dir: str | None) -> str:
    return os.path.realpath(state_dir or statedir.state_dir())


def keyring_backend(env: dict[str, str] | None = None) -> Any | None:
    """The usable keyring backend, or None (no package, no backend, or disabled)."""
    env = dict(os.environ) if env is None else env
    if env.get("CCTRACE_KEYRING", "").strip().lower() in ("0", "false", "no", "off"):
        return None
    try:
        import keyring
        from keyring.backends import fail
    except Exception:  # noqa: BLE001 - any import problem means "no keychain"
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return None
    # A chainer with nothing usable behind it, or the plaintext backend, is no keychain.
    module = type(backend).__module__
    if "chainer" in module and not getattr(backend, "backends", None):
        return None
    if "keyrings.alt" in module and "file" in module.lower():
        return None
    return backend


def write_private(path: str, data: bytes) -> None:
    """Write `data` to `path` atomically, created 0600 in a 0700 folder."""
    statedir.ensure_dir(os.path.dirname(path))
    tmp = f"{path}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, statedir.FILE_MODE)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, statedir.FILE_MODE)
    os.replace(tmp, path)


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def store_secret_key(
    value: str, state_dir: str | None = None, name: str = LANGFUSE_SECRET,
    *, backend: Any | None = None, use_keyring: bool = True,
) -> StoredKey:
    """Keep `value` in the keychain, else in a 0600 file (the result says which and warns).

    Storing in one place removes any copy in the other, so there is one source of truth.
    """
    if not value or not value.strip():
        raise ValueError("empty secret")
    value = value.strip()
    kr = (backend or keyring_backend()) if use_keyring else None
    if kr is not None:
        try:
            kr.set_password(SERVICE, f"{name}@{name_root(state_dir)}", value)
        except Exception:  # noqa: BLE001 - a locked or broken keychain: fall back to the file
            kr = None
        else:
            write_private(_marker(name, state_dir), b"stored in the OS keychain\n")
            _remove(key_path(name, state_dir))
            return StoredKey(name, "keyring")
    path = key_path(name, state_dir)
    write_private(path, value.encode("utf-8") + b"\n")
    _remove(_marker(name, state_dir))
    return StoredKey(name, "file", path, FILE_WARNING.format(path=path))


def load_secret_key(
    state_dir: str | None = None, name: str = LANGFUSE_SECRET, *, backend: Any | None = None
) -> str | None:
    """The stored secret, or None. The 0600 file wins (it is what was stored last when no
    keychain was usable); the keychain is asked only when a marker says it holds the key."""
    path = key_path(name, state_dir)
    try:
        with open(path, encoding="utf-8") as fh:
            value = fh.read().strip()
        if value:
            _tighten(path)
            return value
    except OSError:
        pass
    if not os.path.exists(_marker(name, state_dir)):
        return None
    kr = backend or keyring_backend()
    if kr is None:
        return None
    try:
        value = kr.get_password(SERVICE, f"{name}@{name_root(state_dir)}")
    except Exception:  # noqa: BLE001
        return None
    return value.strip() if isinstance(value, str) and value.strip() else None


def delete_secret_key(
    state_dir: str | None = None, name: str = LANGFUSE_SECRET, *, backend: Any | None = None
) -> bool:
    """Remove the secret from both places; True if something was removed."""
    removed = False
    path = key_path(name, state_dir)
    if os.path.exists(path):
        _remove(path)
        removed = True
    marker = _marker(name, state_dir)
    if os.path.exists(marker):
        kr = backend or keyring_backend()
        if kr is not None:
            try:
                kr.delete_password(SERVICE, f"{name}@{name_root(state_dir)}")
            except Exception:  # noqa: BLE001 - already gone
                pass
        _remove(marker)
        removed = True
    return removed


def _tighten(path: str) -> None:
    try:
        if os.stat(path).st_mode & 0o077:
            os.chmod(path, statedir.FILE_MODE)
    except OSError:
        pass


def load_or_create_binary_key(
    name: str, state_dir: str | None = None, size: int = 32, *, backend: Any | None = None,
    use_keyring: bool = True,
) -> tuple[bytes, StoredKey | None]:
    """A random binary key kept like a secret (hex-encoded); created on first use.

    Returns the key and, when it was just created, where it went (for a warning).
    Creation is serialised with a lock file: the worker and a CLI command starting at once
    must not each make a key and encrypt with one the other cannot read."""
    import fcntl

    path = key_path(name, state_dir)
    statedir.ensure_dir(os.path.dirname(path))
    fd = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, statedir.FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        existing = load_secret_key(state_dir, name, backend=backend)
        if not existing and os.path.exists(_marker(name, state_dir)):
            # The key is in the keychain and this process cannot read it (locked, no
            # session bus, or a bus a repository's settings named): a new key would leave
            # everything encrypted so far unreadable (storing it removes the marker).
            raise KeyUnavailable(f"the {name} is kept in the OS keychain, which this "
                                 "process cannot read: no new key made (unlock the "
                                 "keychain, or run from your desktop session)")
        if existing:
            try:
                raw = bytes.fromhex(existing)
                if len(raw) == size:
                    return raw, None
            except ValueError:
                pass
            raise ValueError(f"the stored {name} is not a {size}-byte hex key")
        raw = os.urandom(size)
        where = store_secret_key(raw.hex(), state_dir, name, backend=backend,
                                 use_keyring=use_keyring)
        return raw, where
    finally:
        os.close(fd)
