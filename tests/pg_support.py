"""A throwaway PostgreSQL server for the store tests, started and stopped by the test session.

``postgres_url`` (session fixture) finds Debian's server binaries under /usr/lib/postgresql/*/bin
(or ``PERFEVAL_PG_BIN``, or ``initdb`` on PATH), runs ``initdb`` into a fresh temporary directory,
starts the server with ``pg_ctl`` on a free TCP port of 127.0.0.1 (its Unix socket in the same
temporary directory), creates the database ``perfeval`` and yields
``postgresql+psycopg://postgres@127.0.0.1:PORT/perfeval``. At the end the server is stopped and
the directory removed.

PostgreSQL refuses to run as root, so as root every server command runs as the ``postgres``
system user (``runuser -u postgres --``) and the temporary directory is chowned to it. Without
server binaries the tests that need the fixture are skipped with the reason.
Authentication is ``trust`` (only reachable from 127.0.0.1 and a private socket directory);
``fsync`` is off because the data is thrown away.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

START_TIMEOUT_S = 60
DATABASE = "perfeval"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_pg_bin() -> Path | None:
    """The directory holding initdb / pg_ctl / postgres: newest major version first."""
    env = os.environ.get("PERFEVAL_PG_BIN")
    if env and (Path(env) / "initdb").exists():
        return Path(env)

    def version(path: str) -> tuple[int, ...]:
        match = re.search(r"/postgresql/([\d.]+)/bin", path)
        return tuple(int(p) for p in match.group(1).split(".")) if match else (0,)

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version, reverse=True)
    if found:
        return Path(found[0]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


class PgServer:
    """One initdb'd cluster in a temporary directory, controlled with pg_ctl."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="perfeval-pg-"))  # /tmp is world-traversable
        self.data = self.root / "data"
        self.sockets = self.root / "sock"
        self.log = self.root / "server.log"
        self.port = free_port()
        self.sockets.mkdir()
        if self.as_root:
            user = pwd.getpwnam("postgres")
            for path in (self.root, self.sockets):
                os.chown(path, user.pw_uid, user.pw_gid)
        self.started = False

    def run(self, *args: str, timeout: float = START_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
                               f"\n{self.server_log()}")
        return result

    def server_log(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]
        except OSError:
            return ""

    def start(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                 "--no-locale", "--no-sync")
        options = (f"-k {self.sockets} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", str(START_TIMEOUT_S),
                 "-o", options, "start")
        self.started = True

    def url(self, database: str = DATABASE) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                             autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            if self.started:
                self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            self.started = False
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session", name="postgres_server")
def postgres_server_fixture() -> Iterator[PgServer]:
    bindir = find_pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb): "
                    "install the Debian package `postgresql` to run the PostgreSQL store tests")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root but there is no `postgres` system user to run the server as")
        if shutil.which("runuser") is None:
            pytest.skip("running as root but `runuser` (util-linux) is missing")
    server = PgServer(bindir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session", name="postgres_url")
def postgres_url_fixture(postgres_server: PgServer) -> str:
    """``postgresql+psycopg://postgres@127.0.0.1:PORT/perfeval`` on the session's own server."""
    return postgres_server.create_database(DATABASE)
