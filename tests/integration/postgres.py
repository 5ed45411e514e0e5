"""A throw-away PostgreSQL server for the integration tests: Debian's ``postgresql`` package
(``scripts/install.sh test`` installs it), a fresh data dir under /tmp, listening on 127.0.0.1 only.

As root the server runs as the ``postgres`` user (PostgreSQL refuses to run as root); the data dir is
created for that user under /tmp because pytest's own temp dirs are private to root. ``fsync`` and
synchronous commit are off: these servers hold test data only, and a fast restart (``restart``) is
a clean shutdown, which loses nothing either way.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.integration.uvicorn_proc import free_port


def pg_bindir() -> Path | None:
    """The newest installed PostgreSQL's bin dir (initdb, pg_ctl), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@dataclass
class PgServer:
    bindir: Path
    datadir: Path
    port: int
    user: str = "puhui"
    dbname: str = "puhui"

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{self.dbname}"

    def _pg_ctl(self, *args: str, timeout: float = 60) -> None:
        opts = f"-h 127.0.0.1 -p {self.port} -k {self.datadir} -c fsync=off -c synchronous_commit=off " \
               "-c full_page_writes=off -c max_connections=200"
        cmd = _as_server_user([str(self.bindir / "pg_ctl"), "-D", str(self.datadir / "data"), "-l",
                               str(self.datadir / "server.log"), "-o", opts, "-w", "-t", str(int(timeout)), *args])
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout + 10)

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("stop", "-m", mode)

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    def log_tail(self) -> str:
        try:
            return (self.datadir / "server.log").read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def create_database(self, name: str) -> str:
        """A new empty database on this server; its URL."""
        with psycopg.connect(f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{name}"


def start_postgres() -> PgServer:
    """initdb + start; raises RuntimeError (with the log) when the server does not come up."""
    bindir = pg_bindir()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL binaries not found (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="puhui-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    server = PgServer(bindir, root, free_port())
    subprocess.run(_as_server_user([str(bindir / "initdb"), "-D", str(root / "data"), "-U", server.user, "-A", "trust",
                                    "-E", "UTF8", "--locale", "C.UTF-8", "--no-sync"]),
                   check=True, capture_output=True, timeout=120)
    try:
        server.start()
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"postgres did not start: {server.log_tail()}") from exc
    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(f"postgresql://{server.user}@127.0.0.1:{server.port}/postgres",
                                 autocommit=True, connect_timeout=2) as conn:
                conn.execute(f'CREATE DATABASE "{server.dbname}"')
            return server
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"postgres not reachable: {server.log_tail()}") from None
            time.sleep(0.2)


def remove_postgres(server: PgServer) -> None:
    try:
        server.stop("immediate")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        pass
    shutil.rmtree(server.datadir, ignore_errors=True)
