"""Engine creation and schema migrations for the Bayan store."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DEFAULT_URL = "sqlite:///bayan.db"


def default_url() -> str:
    """``BAYAN_DB`` when set, else ``sqlite:///bayan.db`` in the current directory."""
    return os.environ.get("BAYAN_DB") or DEFAULT_URL


WAL_AUTOCHECKPOINT_PAGES = 10_000


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI hook
    cur = dbapi_connection.cursor()
    try:
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA cache_size=-65536")
        # Checkpoint every ~40 MB of WAL instead of SQLite's 4 MB: an ingest batch writes
        # about 3 MB, and index pages rewritten by consecutive batches are copied once.
        cur.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
    finally:
        cur.close()


def normalise_url(url: str | URL) -> URL:
    """``postgresql://`` and ``postgres://`` URLs use psycopg 3 (the installed driver).

    SQLAlchemy's default PostgreSQL driver is psycopg2; Bayan depends on psycopg 3, so a
    plain ``postgresql://user@host/db`` becomes ``postgresql+psycopg://…``. A URL naming a
    driver explicitly (``postgresql+psycopg2://``) is kept as given.
    """
    u = make_url(url) if isinstance(url, str) else url
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u


def open_db(url: str | URL | None = None) -> Engine:
    """Create an engine; SQLite gets WAL journal mode, foreign keys and a busy timeout.

    PostgreSQL engines get ``pool_pre_ping`` (a restarted server does not break a
    long-running ``bayan serve``) and a pool sized for concurrent API readers.
    """
    u = normalise_url(url or default_url())
    if u.get_backend_name() == "postgresql":
        engine = create_engine(u, pool_pre_ping=True, pool_size=10, max_overflow=20)
    else:
        engine = create_engine(u)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine | None = None):  # noqa: ANN201 - alembic type
    """An ``alembic.config.Config`` pointing at the migrations shipped in the package."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the packaged Alembic migrations up to ``revision`` (default: head)."""
    from alembic import command

    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def table_names(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())
