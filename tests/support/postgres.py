"""A real PostgreSQL server for the tests: initialised in a temporary folder, run by an
unprivileged user on loopback, removed afterwards. One fresh database per test."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "bordereau"


def server_binaries() -> Path | None:
    """Debian keeps the server programs under /usr/lib/postgresql/<version>/bin."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), reverse=True)
    if found:
        return Path(found[0]).parent
    postgres = shutil.which("postgres")
    return Path(postgres).parent if postgres else None


MISSING = (
    "PostgreSQL est introuvable : les tests de la base partagée en ont besoin. "
    "Lancez : sudo apt-get install -y postgresql (./run-tests l'installe lui-même en root)."
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    folder: Path
    port: int
    process: subprocess.Popen[bytes]

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(statement)  # type: ignore[arg-type]

    @contextlib.contextmanager
    def database(self) -> Iterator[str]:
        """A new empty database, dropped after use; yields its SQLAlchemy URL."""
        name = "t_" + uuid.uuid4().hex[:12]
        self._admin(f"CREATE DATABASE {name}")
        try:
            yield self.url(name)
        finally:
            self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _run_as(user: str | None) -> dict[str, object]:
    if user is None:
        return {}
    return {"user": user, "group": pwd.getpwnam(user).pw_gid}


@contextlib.contextmanager
def running_server() -> Iterator[PostgresServer]:
    binaries = server_binaries()
    if binaries is None:
        raise RuntimeError(MISSING)
    # The server refuses to run as root: as root, it runs as « nobody ».
    user = "nobody" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="bordereau-pg-"))
    data = folder / "data"
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    folder.chmod(0o700)
    try:
        subprocess.run(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            cwd=folder,
            **_run_as(user),  # type: ignore[arg-type]
        )
        port = _free_port()
        with (folder / "server.log").open("wb") as server_log:
            process = subprocess.Popen(
                [
                    str(binaries / "postgres"),
                    "-D",
                    str(data),
                    "-p",
                    str(port),
                    "-h",
                    "127.0.0.1",
                    "-k",
                    str(folder),
                    "-c",
                    "fsync=off",
                    "-c",
                    "max_connections=200",
                ],
                stdout=subprocess.DEVNULL,
                stderr=server_log,
                cwd=folder,
                **_run_as(user),  # type: ignore[arg-type]
            )
            try:
                server = PostgresServer(folder, port, process)
                _wait_ready(server)
                yield server
            finally:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _wait_ready(server: PostgresServer) -> None:
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        if server.process.poll() is not None:
            log = (server.folder / "server.log").read_text(errors="replace")
            raise RuntimeError(f"PostgreSQL s'est arrêté au démarrage :\n{log}")
        try:
            with psycopg.connect(
                host="127.0.0.1", port=server.port, user=SUPERUSER, dbname="postgres"
            ):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
