"""A throwaway PostgreSQL cluster for the tests: initdb into a temporary directory,
``pg_ctl start`` on a free loopback port (unix socket in the same directory), stop and
remove it at the end.

As root, ``initdb`` refuses to run, so the cluster is created and run as the
``postgres`` system user (``runuser``), in a directory owned by it. The binaries are
found on PATH or in ``/usr/lib/postgresql/*/bin``; ``scripts/ensure_postgres.sh``
installs Debian's postgresql when they are missing.

Usable on its own::

    with PgCluster.start() as pg:
        print(pg.create_database())   # postgresql://bayan@127.0.0.1:PORT/bayan_1
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "bayan"
BACKENDS = ["sqlite", "postgresql"]  # the parametrisation of the storage and search tests


def backend_url(request, backend: str, tmp_dir: Path) -> str:  # noqa: ANN001 - pytest.FixtureRequest
    """A fresh database of ``backend``: an SQLite file in ``tmp_dir`` or a new database on
    the session's PostgreSQL cluster (the ``pg_cluster`` fixture; skips when unavailable)."""
    if backend == "postgresql":
        return request.getfixturevalue("pg_cluster").create_database()
    return f"sqlite:///{tmp_dir / 'bayan.db'}"


class PgUnavailable(RuntimeError):
    """PostgreSQL cannot be started here (the reason is the message)."""


def find_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PgCluster:
    def __init__(self, root: Path, port: int, run_as: str | None, bindir: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.port = port
        self.run_as = run_as
        self.bindir = bindir
        self._n = itertools.count(1)
        self._admin = None

    # ---- lifecycle

    @classmethod
    def start(cls, timeout: int = 60) -> PgCluster:
        initdb = find_bin("initdb")
        if initdb is None:
            raise PgUnavailable("initdb not found (run scripts/ensure_postgres.sh to install Debian's postgresql)")
        bindir = Path(initdb).resolve().parent
        run_as: str | None = None
        root = Path(tempfile.mkdtemp(prefix="bayan-pg-"))
        if os.geteuid() == 0:  # initdb refuses to run as root
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                shutil.rmtree(root, ignore_errors=True)
                raise PgUnavailable("running as root and there is no 'postgres' system user") from None
            if not shutil.which("runuser"):
                shutil.rmtree(root, ignore_errors=True)
                raise PgUnavailable("running as root and runuser is missing")
            os.chown(root, pw.pw_uid, pw.pw_gid)
            run_as = "postgres"
        cluster = cls(root, _free_port(), run_as, bindir)
        try:
            cluster._run("initdb", "-D", str(cluster.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                         "--locale=C.UTF-8", "--no-sync", timeout=timeout)
            opts = (f"-h 127.0.0.1 -p {cluster.port} -k {root} -c fsync=off -c synchronous_commit=off "
                    "-c full_page_writes=off -c max_connections=200")
            cluster._run("pg_ctl", "-D", str(cluster.data), "-o", opts, "-l", str(root / "server.log"),
                         "-w", "-t", str(timeout), "start", timeout=timeout + 10)
        except Exception as exc:
            log = root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            cluster.stop()
            raise PgUnavailable(f"cannot start PostgreSQL: {exc}\n{tail}") from None
        return cluster

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.dispose()
            self._admin = None
        if (self.data / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)
            except Exception:  # noqa: BLE001 - best effort; the directory goes anyway
                pass
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PgCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self, tool: str, *args: str, timeout: int) -> None:
        cmd = [str(self.bindir / tool), *args]
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.root, check=False)
        if res.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {res.returncode}: {res.stderr.strip()[-1500:]}")

    # ---- databases

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, prefix: str = "bayan") -> str:
        """A new empty database; returns its URL."""
        from sqlalchemy import create_engine, text

        if self._admin is None:
            self._admin = create_engine(self.url().replace("postgresql://", "postgresql+psycopg://"),
                                        isolation_level="AUTOCOMMIT", pool_size=1)
        name = f"{prefix}_{next(self._n)}"
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\' STRATEGY FILE_COPY'))
        return self.url(name)
