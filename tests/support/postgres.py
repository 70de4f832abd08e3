"""A throwaway PostgreSQL server for the tests marked ``postgres``.

``postgres_server()`` runs ``initdb`` and ``pg_ctl`` into a temporary directory and serves on a
free 127.0.0.1 port, with durability off (the data dies with the test session). PostgreSQL
refuses to run as root, so as root the server runs as the ``postgres`` user, which owns the
data directory. With ``MOCK_ECS_TEST_POSTGRES_URL`` set (a server URL whose role may
``CREATE DATABASE``), that server is used instead and nothing is started.

Each test gets a database of its own from :meth:`PostgresServer.new_database`.

Where no PostgreSQL can be found, the tests that need one are skipped, except when ``CI`` is
set: CI must not pass by skipping them, so there they fail.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from glob import glob
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

URL_ENV = "MOCK_ECS_TEST_POSTGRES_URL"
DRIVER = "postgresql+psycopg"
_SERVICE_USER = "postgres"
_COMMAND_TIMEOUT_SECONDS = 60


class PostgresUnavailable(Exception):
    """No PostgreSQL server binaries on this machine."""


class PostgresServer:
    """A PostgreSQL server reachable at ``url`` (a database its role may create others from)."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url).set(drivername=DRIVER)

    def new_database(self) -> str:
        """A new, empty database; its URL, with the password (the server must be able to log in)."""
        name = f"mock_ecs_{uuid.uuid4().hex[:12]}"
        self._execute(f'CREATE DATABASE "{name}"')
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    @contextlib.contextmanager
    def database(self) -> Iterator[str]:
        """A new database for the ``with`` block, dropped after it."""
        url = self.new_database()
        try:
            yield url
        finally:
            self.drop_database(url)

    def _execute(self, statement: str) -> None:
        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()


def find_bin_dir() -> Path | None:
    """Where ``initdb`` and ``pg_ctl`` are: on PATH, or Debian's versioned directory (newest)."""
    initdb = shutil.which("initdb")
    if initdb is not None:
        return Path(initdb).parent
    found = glob("/usr/lib/postgresql/*/bin/initdb") + glob("/usr/local/pgsql/bin/initdb")
    if not found:
        return None
    newest = max(found, key=lambda path: [int(n) for n in re.findall(r"\d+", path)] or [0])
    return Path(newest).parent


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """The server of ``MOCK_ECS_TEST_POSTGRES_URL``, or a throwaway one started here."""
    if os.environ.get(URL_ENV):
        yield PostgresServer(os.environ[URL_ENV])
        return
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailable(
            f"no PostgreSQL server found (initdb is neither on PATH nor in /usr/lib/postgresql/*/bin); "
            f"install it (apt-get install postgresql) or set {URL_ENV}"
        )
    with _throwaway_server(bin_dir) as url:
        yield PostgresServer(url)


def postgres_or_skip() -> contextlib.AbstractContextManager[PostgresServer]:
    """:func:`postgres_server`, where its absence skips the test, or fails it when ``CI`` is set."""
    if os.environ.get(URL_ENV) or find_bin_dir() is not None:
        return postgres_server()
    reason = "no PostgreSQL server binaries (initdb); install postgresql or set " + URL_ENV
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so PostgreSQL tests may not be skipped: {reason}", pytrace=False)
    pytest.skip(reason)


@contextlib.contextmanager
def _throwaway_server(bin_dir: Path) -> Iterator[str]:
    as_user = _run_as()
    # Not under pytest's tmp_path: that sits in a root-only directory the service user cannot enter.
    base = Path(tempfile.mkdtemp(prefix="mock-ecs-postgres-"))
    data, log = base / "data", base / "postgres.log"
    if as_user is not None:
        record = pwd.getpwnam(as_user)
        os.chown(base, record.pw_uid, record.pw_gid)
    prefix = ["runuser", "-u", as_user, "--"] if as_user is not None else []

    def run(*command: str) -> None:
        completed = subprocess.run(
            [*prefix, *command],
            cwd=base,
            capture_output=True,
            text=True,
            timeout=_COMMAND_TIMEOUT_SECONDS,
            check=False,
        )
        if completed.returncode != 0:
            logged = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(
                f"{' '.join(command)} failed ({completed.returncode}):\n"
                f"{completed.stdout}{completed.stderr}{logged}"
            )

    try:
        run(
            str(bin_dir / "initdb"), "--pgdata", str(data), "--username", "postgres",
            "--auth", "trust", "--encoding", "UTF8", "--locale", "C", "--no-sync",
        )  # fmt: skip
        port = _start(run, bin_dir, data, log, base)
        try:
            yield str(
                URL.create(DRIVER, username="postgres", host="127.0.0.1", port=port, database="postgres")
            )
        finally:
            run(str(bin_dir / "pg_ctl"), "stop", "--pgdata", str(data), "--mode", "immediate", "--wait")
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _start(run: Callable[..., None], bin_dir: Path, data: Path, log: Path, base: Path) -> int:
    """Start on a free port; another process may take the port first, so try a few."""
    error: RuntimeError | None = None
    for _ in range(3):
        port = _free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={base} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        try:
            run(
                str(bin_dir / "pg_ctl"), "start", "--pgdata", str(data), "--log", str(log),
                "--options", options, "--wait", "--timeout", str(_COMMAND_TIMEOUT_SECONDS),
            )  # fmt: skip
        except RuntimeError as failed:
            error = failed
            continue
        return port
    assert error is not None
    raise error


def _run_as() -> str | None:
    """The user to run the server as: ``postgres`` when we are root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(_SERVICE_USER)
    except KeyError:
        raise RuntimeError(
            f"running as root, and there is no {_SERVICE_USER!r} user to run PostgreSQL as"
        ) from None
    return _SERVICE_USER


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
