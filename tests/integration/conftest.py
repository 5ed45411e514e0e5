"""Fixtures shared by the integration tests: a throw-away PostgreSQL server for the session, and the
state back end a module's API tests run on — each such module runs once on SQLite (the embedded
default) and once on Postgres (``PUHUI_DATABASE_URL``), with the same tests."""

from __future__ import annotations

import uuid

import pytest

from tests.integration.postgres import pg_bindir, remove_postgres, start_postgres


@pytest.fixture(scope="session")
def pg_server():
    if pg_bindir() is None:
        pytest.skip("PostgreSQL binaries not found (/usr/lib/postgresql/*/bin): apt-get install postgresql "
                    "(scripts/install.sh test does)")
    server = start_postgres()
    yield server
    remove_postgres(server)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def database_url(request) -> str:
    """"" (SQLite files under the data dir) or the URL of a fresh, empty Postgres database."""
    if request.param == "sqlite":
        return ""
    server = request.getfixturevalue("pg_server")
    return server.create_database(f"t_{uuid.uuid4().hex[:12]}")
