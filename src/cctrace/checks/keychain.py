"""The `keychain` check: can this process read the keys the keychain marker says it holds?

A key cctrace keeps in the OS keychain leaves a marker, `<state dir>/keys/<name>.keyring`.
When the keychain does not return it (locked, no session bus, another bus, a new keyring),
`cctrace.security.keys` raises `KeyUnavailable` rather than make a new key, which would
leave everything encrypted under the old one unreadable. This check says that plainly,
before the checks that open the store: for the store key (nothing is stored, events wait
in the spool, rows stored before are intact but unreadable) and the Langfuse secret key
(nothing is sent to Langfuse, batches wait in the outbox) and the key that signs
`config.sum` (`audit.configwatch` stops until it is back), with what to run.
"""

from __future__ import annotations

import os
from typing import Any

from cctrace.checks.base import FAIL, OK, Check, Spec

# What to run to get a key back, then to catch up (docs/security.md, "A key the keychain
# no longer returns").
FIX = ("unlock the OS keychain, or run from your desktop login session (Linux: its Secret "
       "Service, GNOME Keyring or KWallet, running and unlocked); then run `cctrace install` "
       "from that session (the worker uses the session bus install saw) and `cctrace "
       "flush`. If the keychain entry is gone for good: docs/security.md, \"A key the "
       "keychain no longer returns\"")


def _why(backend: Any) -> str:
    if backend is None:
        return "no usable keychain is reachable from this process"
    return f"the keychain ({type(backend).__module__}) does not return it"


def check_keychain(state_dir: str, backend: Any = None) -> Check:
    """FAIL when a key the marker places in the keychain cannot be read here."""
    from cctrace.audit import configwatch
    from cctrace.security import crypto, keys
    from cctrace.spool import layout

    root = os.path.realpath(state_dir)
    wanted = [keys.STORE_KEY] if crypto.enabled(root) else []
    wanted += [keys.LANGFUSE_SECRET, configwatch.KEY_NAME]
    kept = [n for n in wanted if os.path.exists(keys.key_path(n, root) + ".keyring")
            and not os.path.exists(keys.key_path(n, root))]
    if not kept:
        in_file = os.path.exists(keys.key_path(keys.STORE_KEY, root))
        return Check("keychain", OK, "the store key is in a 0600 file (no keychain)"
                     if in_file else "no key of cctrace is kept in the keychain")
    kr = backend if backend is not None else keys.keyring_backend()
    lost = [n for n in kept if keys.load_secret_key(root, n, backend=kr) is None]
    if not lost:
        return Check("keychain", OK, f"{' and '.join(kept)} read from the OS keychain")
    parts = []
    if keys.STORE_KEY in lost:
        waiting = len(layout.list_seqs(root))
        parts.append(
            "KeyUnavailable: the store's encryption key is kept in the OS keychain (marker "
            f"keys/{keys.STORE_KEY}.keyring) but {_why(kr)}. cctrace makes no new key: "
            "that would leave every row stored so far unreadable. Until the key is back "
            f"nothing new is stored ({waiting} event(s) wait in the spool, none lost), and "
            "the rows stored before are intact but cannot be read (sessions, show, report, "
            "findings, purge)")
    if keys.LANGFUSE_SECRET in lost:
        parts.append(
            f"the Langfuse secret key is kept in the OS keychain (marker "
            f"keys/{keys.LANGFUSE_SECRET}.keyring) but {_why(kr)}: nothing is sent to "
            "Langfuse, batches wait in the outbox")
    if configwatch.KEY_NAME in lost:
        parts.append(
            f"the key that signs config.sum is kept in the OS keychain (marker "
            f"keys/{configwatch.KEY_NAME}.keyring) but {_why(kr)}: the worker does not "
            "compare config.toml with it, so an edit of the file inside a tool call leaves "
            "no audit.agent_tamper finding until it can")
    return Check("keychain", FAIL, "; ".join(parts), FIX,
                 {"unavailable": lost, "backend": None if kr is None else
                  type(kr).__module__})


CHECK = Spec(("keychain",), lambda ctx: [check_keychain(ctx.state_dir)],
             needs_state_dir=True)

