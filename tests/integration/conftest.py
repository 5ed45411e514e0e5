"""Fixtures shared by the integration tests: a throw-away PostgreSQL server for the session, and the
state back end a module's API tests run on — each such module runs once on SQLite (the embedded
default) and once on Postgres (``PUHUI_DATABASE_URL``), with the same tests."""

from __future__ import annotations

import uuid

import pytest

from tests.integration.cluster import make_cluster
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


@pytest.fixture(scope="session")
def api_server(tmp_path_factory):
    """One ``puhui serve --no-ui`` (one worker, embedded SQLite + Chroma, the small corpus indexed) for
    the tests that only talk to the API: the authorisation matrix, the schema fuzzing, the PII scan."""
    c = make_cluster(tmp_path_factory.mktemp("api-server"), "", chroma_server=False, workers=1,
                     rate_limit_per_min=100_000)
    c.start()
    yield c
    c.stop()
