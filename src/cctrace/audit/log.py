"""The append-only audit log: entry encoding, checkpoints, and `record` (the writer).

Files under `<state dir>/audit/` (dir 0700, files 0600):
- `log`: one line per entry, `{"i":index,"t":ns,"k":kind,"id":subject,...,"c":chain}`. The
  leaf is the line without its `"c"` field; `c` is SHA-256(previous c || leaf hash), so each
  line links to the one before it. Entries only ever get appended.
- `checkpoints`: one signed line per checkpoint: tree size, RFC 9162 root and chain head at
  that size, time, key epoch, the epoch's public key and its certificate (signature by the
  previous epoch's key), a hash link to the previous checkpoint, and the Ed25519 signature.
- `head.json`: the writer's resumable state (size, byte offset, chain head, Merkle
  frontier); rebuilt from the log whenever it disagrees with it. Not trusted by `verify`.
- `key`: the current epoch's private key (see `keys`).
`record` appends a batch and seals it with a checkpoint under an exclusive file lock, then
appends that checkpoint line to every configured anchor (file or directory).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from cctrace.audit import keys, merkle

AUDIT_DIR = "audit"
LOG_NAME = "log"
CHECKPOINTS_NAME = "checkpoints"
HEAD_NAME = "head.json"
LOCK_NAME = "lock"
ZERO = b"\x00" * 32
# Every line ends with this field followed by 64 hex digits, `"}` and a newline.
CHAIN_FIELD = b',"c":"'
SUFFIX_LEN = len(CHAIN_FIELD) + 64 + 3
_LOWER_HEX = re.compile(rb"[0-9a-f]{64}")


@dataclass
class AuditEntry:
    """What entered (or left) the store. `digest` is the SHA-256 hex of the redacted content.

    kind: "observation", "trace", "hook", "erase", "finding". `subject` is the stored id
    (observation id, `hook:<seq>`, ...); `detail` stays small (names, counts, reasons).
    """

    kind: str
    subject: str
    digest: str
    session_id: str | None = None
    trace_id: str | None = None
    time_ns: int = 0
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Checkpoint:
    """A signed tree head: `size` entries, their RFC 9162 `root` and chain head `chain`."""

    log: str
    n: int
    size: int
    root: str
    chain: str
    t: int
    epoch: int
    pub: str
    cert: str | None
    prev: str
    sig: str = ""

    def message(self) -> bytes:
        body = {k: v for k, v in asdict(self).items() if k != "sig"}
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    def line(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")).encode()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Checkpoint:
        names = cls.__dataclass_fields__
        missing = [k for k in names if k not in data]
        if missing:
            raise ValueError(f"checkpoint lacks {', '.join(missing)}")
        cp = cls(**{k: data[k] for k in names})
        for name in ("n", "size", "t", "epoch"):
            if not isinstance(getattr(cp, name), int):
                raise ValueError(f"checkpoint {name} is not an integer")
        return cp

    @classmethod
    def parse(cls, line: bytes) -> Checkpoint:
        """Strict: only the canonical serialization is accepted, so no edit is invisible."""
        data = json.loads(line)
        if not isinstance(data, dict):
            raise ValueError("checkpoint is not an object")
        cp = cls.from_dict(data)
        if cp.line() != line.rstrip(b"\n"):
            raise ValueError("checkpoint is not in canonical form")
        return cp

    def signature_ok(self) -> bool:
        try:
            return keys.verify_sig(bytes.fromhex(self.pub), bytes.fromhex(self.sig),
                                   self.message())
        except ValueError:
            return False


# ------------------------------------------------------------------------- encoding


def encode_entry(index: int, entry: AuditEntry, time_ns: int) -> bytes:
    """The leaf bytes of an entry (the line without its chain field)."""
    body: dict[str, Any] = {"i": index, "t": entry.time_ns or time_ns, "k": entry.kind,
                            "id": entry.subject, "h": entry.digest}
    if entry.session_id:
        body["s"] = entry.session_id
    if entry.trace_id:
        body["tr"] = entry.trace_id
    if entry.detail:
        body["x"] = entry.detail
    return json.dumps(body, separators=(",", ":"), ensure_ascii=True).encode()


def chain_next(prev: bytes, leaf: bytes) -> bytes:
    return hashlib.sha256(prev + leaf).digest()


def make_line(leaf_data: bytes, chain: bytes) -> bytes:
    return leaf_data[:-1] + CHAIN_FIELD + chain.hex().encode() + b'"}\n'


def split_line(line: bytes) -> tuple[bytes, bytes] | None:
    """(leaf bytes, stored chain) of a newline-terminated log line; None if malformed."""
    if len(line) < SUFFIX_LEN + 2 or line[-SUFFIX_LEN:-SUFFIX_LEN + len(CHAIN_FIELD)] \
            != CHAIN_FIELD or line[-3:] != b'"}\n':
        return None
    text = line[-67:-3]
    if not _LOWER_HEX.fullmatch(text):
        return None
    chain = bytes.fromhex(text.decode("ascii"))
    return line[:-SUFFIX_LEN] + b"}", chain


def entry_index(leaf_data: bytes) -> int | None:
    """The `i` a leaf claims, without a full parse when it is well formed."""
    if leaf_data.startswith(b'{"i":'):
        end = leaf_data.find(b",", 5)
        digits = leaf_data[5:end]
        if end > 5 and digits.isdigit():
            return int(digits)
    return None


def entry_dict(leaf_data: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(leaf_data)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def checkpoint_hash(line: bytes) -> str:
    return hashlib.sha256(line.rstrip(b"\n")).hexdigest()


# --------------------------------------------------------------------------- files


def audit_dir(state_dir: str) -> str:
    path = os.path.join(state_dir, AUDIT_DIR)
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


@contextlib.contextmanager
def locked(state_dir: str) -> Iterator[str]:
    """The audit dir under an exclusive lock (writers and `verify` take turns)."""
    root = audit_dir(state_dir)
    fd = os.open(os.path.join(root, LOCK_NAME), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - no flock on this platform
            pass
        yield root
    finally:
        os.close(fd)


def _append(path: str, data: bytes, sync: bool) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return b""


@dataclass
class Head:
    """The writer's state after the last append (derivable from the log)."""

    log_id: str
    size: int = 0
    offset: int = 0
    chain: bytes = ZERO
    frontier: merkle.Frontier = field(default_factory=merkle.Frontier)
    cp_n: int = -1
    cp_hash: str = "0" * 64
    cp_size: int = 0
    cp_t: int = 0
    cp_epoch: int = 0
    cp_offset: int = 0

    def to_json(self) -> bytes:
        return json.dumps({
            "log_id": self.log_id, "size": self.size, "offset": self.offset,
            "chain": self.chain.hex(), "frontier": self.frontier.to_list(), "cp_n": self.cp_n,
            "cp_hash": self.cp_hash, "cp_size": self.cp_size, "cp_t": self.cp_t,
            "cp_epoch": self.cp_epoch, "cp_offset": self.cp_offset,
        }).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Head:
        d = json.loads(raw)
        return cls(d["log_id"], d["size"], d["offset"], bytes.fromhex(d["chain"]),
                   merkle.Frontier.from_list(d["size"], d["frontier"]), d["cp_n"],
                   d["cp_hash"], d["cp_size"], d["cp_t"], d["cp_epoch"], d["cp_offset"])


def _rebuild(root: str) -> Head:
    """Head state recomputed from the files as they are (after a crash or damage)."""
    data = read_bytes(os.path.join(root, LOG_NAME))
    head = Head(log_id="")
    end = data.rfind(b"\n") + 1
    for line in data[:end].splitlines(keepends=True):
        parts = split_line(line)
        leaf = parts[0] if parts else line
        head.frontier.append(merkle.leaf_hash(leaf))
        head.chain = chain_next(head.chain, merkle.leaf_hash(leaf))
        head.size += 1
    head.offset = end
    if end != len(data):  # a torn last line from a crash mid-append: cut it off
        with open(os.path.join(root, LOG_NAME), "r+b") as fh:
            fh.truncate(end)
    cps = read_bytes(os.path.join(root, CHECKPOINTS_NAME))
    cp_end = cps.rfind(b"\n") + 1
    lines = cps[:cp_end].splitlines()
    for line in reversed(lines):
        try:
            last = Checkpoint.parse(line)
        except ValueError:
            continue
        head.log_id = last.log
        head.cp_n, head.cp_size, head.cp_t, head.cp_epoch = last.n, last.size, last.t, last.epoch
        head.cp_hash = checkpoint_hash(line)
        break
    head.cp_n = max(head.cp_n, len(lines) - 1)
    head.cp_offset = cp_end
    if cp_end != len(cps):
        with open(os.path.join(root, CHECKPOINTS_NAME), "r+b") as fh:
            fh.truncate(cp_end)
    head.log_id = head.log_id or secrets.token_hex(8)
    return head


def _load_head(root: str) -> Head:
    try:
        head = Head.from_json(read_bytes(os.path.join(root, HEAD_NAME)))
    except (ValueError, KeyError, TypeError):
        return _rebuild(root)
    sizes = (_size(os.path.join(root, LOG_NAME)), _size(os.path.join(root, CHECKPOINTS_NAME)))
    if sizes != (head.offset, head.cp_offset):
        return _rebuild(root)
    return head


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except FileNotFoundError:
        return 0


def _save_head(root: str, head: Head) -> None:
    path = os.path.join(root, HEAD_NAME)
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, head.to_json())
    finally:
        os.close(fd)
    os.replace(tmp, path)


# --------------------------------------------------------------------------- policy


@dataclass
class AuditSettings:
    """`[audit]` in the config: where checkpoints go and how often they are made."""

    anchor_paths: list[str] = field(default_factory=list)
    key_epoch_s: float = keys.DEFAULT_EPOCH_S
    checkpoint_every_s: float = 0.0  # 0: seal every batch
    fsync: bool = True
    enabled: bool = True
    # This state dir's own anchor outside it (`cctrace.audit.anchors`), set from the config.
    default_anchor: str | None = None

    def all_anchors(self) -> list[str]:
        return [*self.anchor_paths, *([self.default_anchor] if self.default_anchor else [])]

    @classmethod
    def from_section(cls, section: Mapping[str, Any]) -> AuditSettings:
        paths = section.get("anchor_paths") or []
        if isinstance(paths, str):
            paths = [paths]
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise ValueError("audit.anchor_paths must be a list of paths")
        epoch = float(section.get("key_epoch_s", keys.DEFAULT_EPOCH_S))
        return cls(
            anchor_paths=[os.path.expanduser(p) for p in paths],
            # Forward security promises a new key at least every 15 minutes.
            key_epoch_s=min(max(epoch, 1.0), keys.DEFAULT_EPOCH_S),
            checkpoint_every_s=max(float(section.get("checkpoint_every_s", 0.0)), 0.0),
            fsync=bool(section.get("fsync", True)),
            enabled=bool(section.get("enabled", True)),
        )


def anchor_file(path: str, log_id: str) -> str:
    """The file an anchor path names: a directory gets one file per log."""
    if os.path.isdir(path) or path.endswith(os.sep):
        return os.path.join(path, f"cctrace-audit-{log_id}.jsonl")
    return path


# ---------------------------------------------------------------------------- writer


@dataclass
class RecordResult:
    checkpoint: Checkpoint | None
    appended: int
    anchor_errors: list[str] = field(default_factory=list)


def append(state_dir: str, entries: list[AuditEntry], settings: AuditSettings | None = None,
           now_ns: int | None = None) -> RecordResult:
    """Append `entries` and, when the policy says so, seal them with a signed checkpoint."""
    settings = settings or AuditSettings()
    now_ns = time.time_ns() if now_ns is None else now_ns
    with locked(state_dir) as root:
        head = _load_head(root)
        if entries:
            chunks = []
            chain, frontier = head.chain, head.frontier
            for k, entry in enumerate(entries):
                leaf_data = encode_entry(head.size + k, entry, now_ns)
                h = merkle.leaf_hash(leaf_data)
                chain = chain_next(chain, h)
                frontier.append(h)
                chunks.append(make_line(leaf_data, chain))
            data = b"".join(chunks)
            _append(os.path.join(root, LOG_NAME), data, settings.fsync)
            head.chain, head.size, head.offset = chain, head.size + len(entries), \
                head.offset + len(data)
        current = keys.load(root)
        key_due = current is None or now_ns - current.created_ns >= settings.key_epoch_s * 1e9
        unsealed = head.size > head.cp_size or (head.cp_n < 0 and head.size > 0)
        seal_due = unsealed and (now_ns - head.cp_t) >= settings.checkpoint_every_s * 1e9
        cp = None
        errors: list[str] = []
        # An idle log still rotates: a rotation checkpoint (same size) announces the new key.
        if seal_due or (key_due and head.cp_n >= 0):
            cp, errors = _seal(root, head, settings, now_ns)
        _save_head(root, head)
    return RecordResult(cp, len(entries), errors)


def _seal(root: str, head: Head, settings: AuditSettings,
          now_ns: int) -> tuple[Checkpoint, list[str]]:
    key, _ = keys.current(root, settings.key_epoch_s, now_ns, min_epoch=head.cp_epoch)
    cp = Checkpoint(
        log=head.log_id, n=head.cp_n + 1, size=head.size, root=head.frontier.root().hex(),
        chain=head.chain.hex(), t=now_ns, epoch=key.epoch, pub=key.pub.hex(),
        cert=key.cert.hex() if key.cert else None, prev=head.cp_hash,
    )
    cp.sig = key.sign(cp.message()).hex()
    line = cp.line() + b"\n"
    _append(os.path.join(root, CHECKPOINTS_NAME), line, settings.fsync)
    head.cp_n, head.cp_hash, head.cp_size, head.cp_t, head.cp_epoch = (
        cp.n, checkpoint_hash(line), cp.size, cp.t, cp.epoch)
    head.cp_offset += len(line)
    errors = []
    for path in settings.all_anchors():
        try:
            target = anchor_file(path, head.log_id)
            os.makedirs(os.path.dirname(target) or ".", mode=0o700, exist_ok=True)
            # The default anchor is on the same disk: the OS writes it back within
            # seconds, and the next checkpoint covers any line a power cut loses.
            _append(target, line, settings.fsync and path != settings.default_anchor)
        except OSError as exc:
            # An unreachable anchor (unplugged disk) must not stop the worker; the next
            # checkpoint that reaches it covers everything before it.
            errors.append(f"{path}: {exc.strerror or exc}")
    return cp, errors
