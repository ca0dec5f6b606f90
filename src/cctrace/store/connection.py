"""The store's one connection: opening the file, transactions, reads, and column codecs.

`Connection` opens `<state dir>/cctrace.db` (0600, WAL, `PRAGMA foreign_keys`), applies the
schema's migrations (`cctrace.store.schema`, the one place the tables are defined), and gives
every concern module the same three tools: `transaction()` (one `BEGIN IMMEDIATE` write that
nested writes join), `_read()` (a locked SELECT), and the at-rest cipher hooks `_enc`/`_dec`.
It also owns the JSON text codec of content columns (`dumps`/`loads`), the row digests the
audit log is made from (`row_digests`, `_digest_written`), WAL checkpoints and the live size.
The tables themselves are owned by the concern modules beside it (see `cctrace.store.db`).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from cctrace import statedir
from cctrace.model.jsontext import json_string
from cctrace.store import digest, schema

DB_NAME = "cctrace.db"
BUSY_TIMEOUT_MS = 10_000
# The page cache of a connection (SQLite's default is 2 MB).
CACHE_KB = 16 * 1024
# Page size of a store created from now on (SQLite's default is 4096). Content rows are
# tens of KB and spill into chains of overflow pages; every page costs WAL-frame writes
# on COMMIT and a read and a write at the checkpoint, so 4 KB pages made COMMIT a fifth of
# the store's CPU. Larger pages also grow what a small commit writes (whole pages):
# 16 KB is the trade (bench/pipeline_stages.py, BENCHMARKS.md "Stop 23"). A store created
# earlier keeps its page size (SQLite changes it only on an empty file).
PAGE_SIZE = 16384
# WAL size at which a commit checkpoints: SQLite's default (1000 pages of 4 KB), kept in
# bytes whatever the store's page size, so the WAL file does not grow with the page.
WAL_CHECKPOINT_BYTES = 1000 * 4096
# SQLite's default limit on bound parameters is 999 on old builds; stay well below it.
_CHUNK = 500

_S = TypeVar("_S", bound="Connection")


def dumps(value: Any) -> str | None:
    """A value as the compact JSON text content columns hold (None stays NULL)."""
    if value is None:
        return None
    if type(value) is str:
        # Tool outputs are large strings: the fast escaper writes the identical literal.
        return json_string(value)
    return _ENCODER.encode(value)


# `json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))` builds this
# encoder on every call; one instance writes the same text.
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str, separators=(",", ":"))


def loads(text: str | None, default: Any = None) -> Any:
    """A content column's JSON text back as a value (`default` for NULL or bad JSON)."""
    if text is None:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    """`items` in slices small enough to bind as the parameters of one statement."""
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


class Connection:
    """A connection to the store; safe to share between threads of one process."""

    def __init__(self, path: str, cipher: Any | None = None) -> None:
        self.path = path
        # Optional at-rest encryption of content columns (cctrace.security.crypto.Cipher):
        # applied in the write helpers, undone in the readers.
        self.cipher = cipher
        # Row digests (cctrace.store.digest) of what the last write of each table stored
        # or changed, by id: the audit entries of that write are made from them.
        self.row_digests: dict[str, dict[str, str]] = {t: {} for t in digest.COLUMNS}
        _create_private(path)
        self._lock = threading.RLock()
        self._depth = 0
        self._undo: list[Any] = []
        self._conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        self._conn.row_factory = sqlite3.Row
        self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Before WAL mode: switching to it writes the header of a new file, page size in it.
        self._conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        _enable_wal(self._conn)
        page = int(self._conn.execute("PRAGMA page_size").fetchone()[0])
        self._conn.execute(
            f"PRAGMA wal_autocheckpoint = {max(1, WAL_CHECKPOINT_BYTES // page)}")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        # One worker batch writes ~10 MB of pages (a 4 MB read slice: content, encrypted,
        # and its OTLP batches); with SQLite's default 2 MB page cache they spilled into
        # the WAL mid-transaction and pages changed after a spill were written again.
        # Same commits, same fsyncs: bench/worker_pipeline.py, BENCHMARKS.md.
        self._conn.execute(f"PRAGMA cache_size = -{CACHE_KB}")
        self._conn.execute("PRAGMA foreign_keys = ON")
        self.schema_version = schema.migrate(self._conn)

    @classmethod
    def open(cls: type[_S], state_dir: str | None = None, cipher: Any = "auto") -> _S:
        """The state dir's store; `cipher="auto"` encrypts content unless the config's
        `[store] encrypt = false` (the key is created on first use)."""
        root = statedir.ensure_dir(state_dir or statedir.state_dir())
        if cipher == "auto":
            from cctrace.security.crypto import cipher_for_state_dir

            cipher = cipher_for_state_dir(root)
        return cls(os.path.join(root, DB_NAME), cipher)

    def _enc(self, text: str | None, column: str) -> str | None:
        return self.cipher.encrypt_text(text, column) if self.cipher and text else text

    def _dec(self, text: str | None, column: str) -> str | None:
        return self.cipher.decrypt_text(text, column) if self.cipher and text else text

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self: _S) -> _S:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; writes made inside it (by any method) join it.

        The worker stores new observations, enqueues their export batches and advances
        the transcript cursor in one transaction, so a crash can neither lose the export
        of stored observations nor send them twice.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._conn
                finally:
                    self._depth -= 1
                return
            # IMMEDIATE takes the write lock up front: a deferred transaction that later
            # tries to upgrade can fail with SQLITE_BUSY without waiting for busy_timeout.
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            self._undo: list[Any] = []
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                self._run_undo()
                raise
            finally:
                self._depth = 0
            self._conn.execute("COMMIT")
            self._undo = []

    def on_rollback(self, fn: Any) -> None:
        """Run `fn()` if the transaction in progress rolls back (the audit log voids the
        entries it appended for rows that were then never stored)."""
        if self._depth:
            self._undo.append(fn)

    def _run_undo(self) -> None:
        undo, self._undo = self._undo, []
        for fn in undo:
            try:
                fn()
            except Exception:  # noqa: BLE001 - the rollback's own error is what matters
                pass

    _write = transaction

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _digest_written(self, conn: sqlite3.Connection, table: str, key: str, ident: Any,
                        plain: Sequence[Any]) -> str:
        """The row digest of a row just written from `plain` (read back when SQLite's
        column affinity may have changed a value)."""
        if digest.as_stored(table, plain):
            return digest.row_digest(plain)
        return self._row_digest(conn, table, key, ident) or ""

    def _row_digest(self, conn: sqlite3.Connection, table: str, key: str,
                    ident: Any) -> str | None:
        row = conn.execute(f"SELECT * FROM {table} WHERE {key} = ?", (ident,)).fetchone()
        return None if row is None else digest.stored_row_digest(table, row, self._dec)

    def checkpoint(self) -> None:
        """Fold the WAL into the database and truncate it (old page images go with it)."""
        with self._lock:
            try:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.OperationalError:
                pass  # a reader holds the WAL; the next checkpoint will do it

    def live_bytes(self) -> int:
        """Bytes the database's live pages take (free pages excluded: deleting rows frees
        pages for reuse without shrinking the file, so the file size would never drop)."""
        with self._lock:
            pages = self._conn.execute("PRAGMA page_count").fetchone()[0]
            free = self._conn.execute("PRAGMA freelist_count").fetchone()[0]
            size = self._conn.execute("PRAGMA page_size").fetchone()[0]
        return max(0, int(pages) - int(free)) * int(size)


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL once; a database already in WAL needs no lock for that.

    Changing the journal mode does not wait on the busy handler: two processes opening a
    fresh store at once (the worker and `cctrace flush`) can get "database is locked"
    straight away, so that case is retried for up to the busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _create_private(path: str) -> None:
    """Create the database file 0600 before SQLite does (its WAL and shm files copy the
    main file's mode), and tighten an existing file."""
    parent = os.path.dirname(path)
    if parent:
        statedir.ensure_dir(parent)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, statedir.FILE_MODE)
    os.close(fd)
    try:
        if os.stat(path).st_mode & 0o077:
            os.chmod(path, statedir.FILE_MODE)
    except OSError:
        pass
