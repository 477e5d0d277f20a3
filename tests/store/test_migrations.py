from __future__ import annotations

import io

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bayan.store.db import alembic_config, open_db, upgrade
from bayan.store.models import Base


def _skip_fts(obj, name, type_, reflected, compare_to):
    return not (type_ == "table" and (name.startswith("documents_fts") or name == "alembic_version"))


def test_orm_matches_migrations(tmp_path):
    engine = open_db(f"sqlite:///{tmp_path / 'c.db'}")
    upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": _skip_fts})
        assert compare_metadata(ctx, Base.metadata) == []
    engine.dispose()


def test_postgresql_offline_sql():
    cfg = alembic_config()
    cfg.set_main_option("sqlalchemy.url", "postgresql://user:pw@localhost/bayan")
    buf = io.StringIO()
    cfg.output_buffer = buf
    command.upgrade(cfg, "head", sql=True)
    sql = buf.getvalue()
    assert "CREATE TABLE meetings" in sql and "CREATE TABLE follow_ups" in sql
    assert "fts5" not in sql.lower()  # SQLite-only full-text table is skipped
