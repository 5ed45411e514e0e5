"""One small SQL interface over Puhui's own tables (sessions, audit log, rate limits): an embedded
SQLite file by default, a Postgres server (psycopg 3 with a connection pool) when configured.

Why not an ORM: four tables, a dozen statements, two dialects whose differences (placeholders,
upserts, append-only triggers, locking for the audit chain) are explicit at the call site. SQL is
written with ``?`` placeholders; the Postgres side turns them into ``%s``. Rows come back as dicts.

A store that cannot be reached (server down, restarting, pool exhausted for ``timeout_s``) raises
``StoreUnavailable``; the HTTP layer answers 503 with Retry-After and the next request simply tries
again — the pool checks each connection before handing it out, so a restarted server is picked up
without restarting Puhui.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from tools.storage.errors import StoreUnavailable

Dialect = Literal["sqlite", "postgres"]
PROBE_TIMEOUT_S = 0.2


class Tx:
    """Statements inside one transaction (``Database.transaction``)."""

    def __init__(self, cursor: Any, dialect: Dialect):
        self._cur, self.dialect = cursor, dialect

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgres" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._cur.execute(self._sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._cur.executemany(self._sql(sql), [tuple(r) for r in rows])

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        self._cur.execute(self._sql(sql), tuple(params))
        row = self._cur.fetchone()
        return None if row is None else dict(row)

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        self._cur.execute(self._sql(sql), tuple(params))
        return [dict(r) for r in self._cur.fetchall()]


class Database:
    """The common face; ``SqliteDatabase`` and ``PostgresDatabase`` implement ``transaction``."""

    dialect: Dialect

    @contextmanager
    def transaction(self, *, exclusive: str | None = None) -> Iterator[Tx]:  # pragma: no cover - abstract
        """One transaction (committed on exit, rolled back on error). ``exclusive``: a lock name;
        transactions holding the same name run one at a time, across processes and hosts (SQLite
        ``BEGIN IMMEDIATE`` takes the file's write lock; Postgres a transaction advisory lock)."""
        raise NotImplementedError
        yield

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self.transaction() as tx:
            tx.execute(sql, params)

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        with self.transaction() as tx:
            return tx.fetchone(sql, params)

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self.transaction() as tx:
            return tx.fetchall(sql, params)

    def script(self, statements: Sequence[str]) -> None:
        """DDL, one statement at a time, in one transaction."""
        with self.transaction(exclusive="puhui-ddl") as tx:  # workers starting together
            for stmt in statements:
                tx.execute(stmt)

    def close(self) -> None:  # pragma: no cover - overridden
        pass


class SqliteDatabase(Database):
    """One connection behind a lock (SQLite has one writer anyway). ``conn``/``lock`` may be shared
    with LangGraph's SqliteSaver, so sessions and checkpoints never contend for the file's write lock
    inside one process; other processes (more workers) wait on SQLite's busy timeout."""

    dialect: Dialect = "sqlite"

    def __init__(self, path: Path | str | None = None, *, conn: sqlite3.Connection | None = None,
                 lock: threading.Lock | None = None, synchronous: str = "NORMAL"):
        if conn is None:
            if path is None:
                raise ValueError("SqliteDatabase needs a path or a connection")
            if str(path) != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self.conn = conn
        self._own = lock is None
        self.lock = lock or threading.Lock()
        with self.lock:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA busy_timeout=30000")
            self.conn.execute(f"PRAGMA synchronous={synchronous}")

    @contextmanager
    def transaction(self, *, exclusive: str | None = None) -> Iterator[Tx]:
        with self.lock:
            cur = self.conn.cursor()
            cur.row_factory = sqlite3.Row
            try:
                if exclusive and not self.conn.in_transaction:
                    cur.execute("BEGIN IMMEDIATE")
                yield Tx(cur, "sqlite")
                self.conn.commit()
            except BaseException:
                self.conn.rollback()
                raise
            finally:
                cur.close()

    def close(self) -> None:
        with self.lock:
            self.conn.close()


class _ServerDown(BaseException):
    """Raised by the pool's connection check when the server refuses new connections: a
    BaseException, so psycopg_pool's retry loop re-raises it at once instead of waiting ``timeout``
    for a connection that cannot come."""


class BreakerPool(ConnectionPool):
    """A pool that fails fast while the server is known to be down: after a checkout failed (no
    connection for ``timeout``, or the pool failed to open a new one), checkouts raise ``PoolTimeout``
    at once for ``cooldown_s``; then one caller probes (waiting ``PROBE_TIMEOUT_S``) while the others
    keep failing fast. Every user of
    the pool — our tables and LangGraph's saver — gets this, so an outage costs each request
    milliseconds, not the pool timeout."""

    def __init__(self, *args: Any, cooldown_s: float = 1.0, **kwargs: Any):
        self.cooldown_s = cooldown_s
        self._down_until = 0.0
        self._failed_at = -1e9  # when a new connection to the server last failed
        self._probing = threading.Lock()
        super().__init__(*args, reconnect_failed=self._connect_failed, check=self._check, **kwargs)

    def _check(self, conn: Any) -> None:
        """A pooled connection failed its check: a dead connection (the server restarted: take a
        fresh one) or a dead server (fail now). One direct connection attempt tells which."""
        try:
            ConnectionPool.check_connection(conn)
        except Exception:
            try:
                psycopg.connect(self.conninfo, connect_timeout=1).close()
            except psycopg.OperationalError:
                raise _ServerDown() from None
            raise

    def _connect_failed(self, _pool: Any) -> None:
        """The pool could not open a new connection: the server is down; stop waiting for it."""
        self._failed_at = time.monotonic()
        self._down_until = self._failed_at + self.cooldown_s

    def getconn(self, timeout: float | None = None):  # type: ignore[override]
        if time.monotonic() < self._down_until:
            raise PoolTimeout("postgres recently unreachable (circuit open)")
        probe = self._down_until > 0
        if probe and not self._probing.acquire(blocking=False):
            raise PoolTimeout("postgres recently unreachable (another request is probing)")
        try:  # a probe waits briefly: a server that is back connects in milliseconds (a slower connect
            # still completes in the pool's background and serves the next request)
            conn = super().getconn(PROBE_TIMEOUT_S if probe else timeout)
        except _ServerDown:
            self._down_until = time.monotonic() + self.cooldown_s
            raise PoolTimeout("postgres unreachable (connection refused)") from None
        except (PoolTimeout, psycopg.OperationalError):
            # open the circuit only when the server refused new connections meanwhile: a pool that
            # is merely busy (every connection checked out) must keep queueing, not reject everyone
            if probe or time.monotonic() - self._failed_at < self.timeout + 1:
                self._down_until = time.monotonic() + self.cooldown_s
            raise
        finally:
            if probe:
                self._probing.release()
        self._down_until = 0.0
        return conn


class PostgresDatabase(Database):
    """A psycopg connection pool. Connections are autocommit with dict rows and no server-side
    prepared statements — what LangGraph's PostgresSaver requires — so the saver shares this pool
    (``pool``); our own statements run inside explicit transactions."""

    dialect: Dialect = "postgres"

    def __init__(self, url: str, *, pool_size: int = 8, timeout_s: float = 2.0):
        self.timeout_s = timeout_s
        self.checkpointer: Any = None  # LangGraph's PostgresSaver over this pool (agents/common/checkpoint.py)
        self.pool = BreakerPool(
            url, min_size=1, max_size=max(1, pool_size), timeout=timeout_s, open=False, name="puhui", cooldown_s=1.0,
            kwargs={"autocommit": True, "prepare_threshold": None, "row_factory": dict_row,
                    "connect_timeout": max(1, int(timeout_s))},
            reconnect_timeout=0)
        self.pool.open(wait=False)  # a server that is down now is connected to when it comes back

    @staticmethod
    @contextmanager
    def guarded() -> Iterator[None]:
        """Connection-level failures inside the block become ``StoreUnavailable``."""
        try:
            yield
        except (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout) as exc:
            raise StoreUnavailable(f"postgres unavailable: {type(exc).__name__}") from exc

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        with self.guarded(), self.pool.connection() as conn:
            yield conn

    @contextmanager
    def transaction(self, *, exclusive: str | None = None) -> Iterator[Tx]:
        with self.connection() as conn, conn.transaction(), conn.cursor() as cur:
            if exclusive:
                cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (exclusive,))
            yield Tx(cur, "postgres")

    def close(self) -> None:
        self.pool.close()


def open_database(url: str, sqlite_path: Path, *, pool_size: int = 8, timeout_s: float = 2.0,
                  synchronous: str = "NORMAL") -> Database:
    """Postgres when ``url`` is a postgresql:// URL, else the SQLite file ``sqlite_path``."""
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresDatabase(url, pool_size=pool_size, timeout_s=timeout_s)
    return SqliteDatabase(sqlite_path, synchronous=synchronous)
