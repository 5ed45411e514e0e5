"""Puhui's own tables on SQLite (embedded default) or Postgres: the SQL interface and the
"store unreachable" classification the HTTP layer turns into 503 + Retry-After."""

from tools.storage.database import Database, PostgresDatabase, SqliteDatabase, Tx, open_database
from tools.storage.errors import StoreUnavailable, is_unavailable

__all__ = ["Database", "PostgresDatabase", "SqliteDatabase", "StoreUnavailable", "Tx", "is_unavailable",
           "open_database"]
