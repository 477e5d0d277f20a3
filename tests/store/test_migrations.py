from __future__ import annotations

import io

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bayan.store.db import alembic_config, open_db, upgrade
from bayan.store.models import Base


def _skip_fts(obj, name, type_, reflected, compare_to):
    return not (type_ == "table" and (name.startswith("documents_fts") or name == "alembic_version"))


# SQLite cannot reflect expression indexes (migration 0007's month and year lookups)
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
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


def _skip_pg_search(obj, name, type_, reflected, compare_to):
    # migration 0004's PostgreSQL-only search objects are not in the ORM
    if type_ == "column" and name == "search_tsv":
        return False
    if type_ == "index" and name in ("ix_documents_search_tsv", "ix_documents_body_norm_trgm",
                                     "ix_documents_title_norm_trgm"):
        return False
    return _skip_fts(obj, name, type_, reflected, compare_to)


def test_postgresql_migrations_run_for_real(pg_url):
    """Every revision upgrades and downgrades on a real PostgreSQL server, one step at a
    time, and head matches the ORM (apart from the search objects of 0004)."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect, text

    engine = open_db(pg_url)
    revisions = [r.revision for r in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))]
    assert revisions[:4] == ["0001", "0002", "0003", "0004"]
    for rev in revisions:
        upgrade(engine, rev)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": _skip_pg_search})
        assert compare_metadata(ctx, Base.metadata) == []
        assert conn.execute(text("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")).scalar() == "pg_trgm"
        collation = conn.execute(text(
            "SELECT collation_name FROM information_schema.columns WHERE table_name = 'documents' "
            "AND column_name = 'published'")).scalar()
        assert collation == "C"
    cfg = alembic_config(engine)
    for target in [*reversed(revisions[:-1]), "base"]:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, target)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)  # and back up to head in one go
    assert "search_tsv" in {c["name"] for c in inspect(engine).get_columns("documents")}
    engine.dispose()


def test_store_with_meetings_upgrades_from_0005(db_url):
    """A store filled before migration 0006 upgrades in place (foreign keys point at
    ``meetings``), gets ``undated`` from its dates, and links new reports to old records
    (which have no link summary yet)."""
    import sys
    from pathlib import Path

    from sqlalchemy import text

    from bayan.store import Store

    sys.path.insert(0, str(Path(__file__).parent))
    from store_docs import doc_sana

    engine = open_db(db_url)
    upgrade(engine, "0005")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO documents (source, content_hash, raw_text, body, body_norm, title_norm, language, "
            "ingested_at) VALUES ('old.txt', 'h1', '', '', '', '', 'ar', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO meetings (format, city, start_date, known_by_reference, fields) VALUES "
            "('astana', 'Astana', '2024-11-11', false, '{}'), ('astana', NULL, '2024', true, '{}')"))
        conn.execute(text(
            "INSERT INTO meeting_sources (meeting_id, document_id, \"primary\", local_index, \"values\") VALUES "
            "(1, 1, true, 0, '{\"format\": \"astana\", \"city\": \"Astana\", \"start_date\": \"2024-11-11\", "
            "\"inferred\": [], \"primary\": true}')"))
        conn.execute(text("INSERT INTO participants (meeting_id, document_id, actor, inferred) VALUES "
                          "(1, 1, 'RUS', false), (1, 1, 'TUR', false)"))
    upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, undated, link_summary FROM meetings ORDER BY id")).all()
    assert [(r.id, bool(r.undated), r.link_summary) for r in rows] == [(1, False, None), (2, True, None)]
    engine.dispose()
    store = Store(db_url)
    _, status = store.add_document(doc_sana())  # Astana round 22, 2024-11-11, RUS TUR IRN
    assert status == "new"
    merged = [m for m in store.meetings() if m["id"] == 1][0]
    assert merged["documents"] == [1, 2]
    store.close()


def test_start_dates_vary_from_0006_summaries(db_url):
    """Migration 0007 sets ``start_dates_vary`` from each record's link summary: several
    reported start dates, or no summary at all (not known), make it true."""
    from sqlalchemy import text

    engine = open_db(db_url)
    upgrade(engine, "0006")
    summaries = {
        1: ("2024-11-11", '{"seen": {"start_date": ["2024-11-11"]}, "actors": []}'),
        2: ("2024-11-11", '{"seen": {"start_date": ["2024-11-11", "2024-11-12"]}, "actors": []}'),
        3: (None, '{"seen": {}, "actors": []}'),
        4: ("2024", None),
        5: ("2024", "null"),
    }
    with engine.begin() as conn:
        for mid, (day, summary) in summaries.items():
            conn.execute(
                text("INSERT INTO meetings (id, start_date, known_by_reference, fields, link_summary, undated) "
                     "VALUES (:id, :d, false, '{}', :s, false)"),
                {"id": mid, "d": day, "s": summary},
            )
    upgrade(engine)
    with engine.connect() as conn:
        got = dict(conn.execute(text("SELECT id, start_dates_vary FROM meetings ORDER BY id")).all())
    assert {k: bool(v) for k, v in got.items()} == {1: False, 2: True, 3: False, 4: True, 5: True}
    engine.dispose()


def test_merge_state_moves_out_of_link_summary(db_url):
    """Migration 0008 moves each record's merge state from ``link_summary`` to
    ``merge_state`` and back on downgrade, and merging goes on incrementally afterwards."""
    import json
    import sys
    from pathlib import Path

    from sqlalchemy import text

    from bayan.store import Store

    sys.path.insert(0, str(Path(__file__).parent))
    from store_docs import doc_sana

    def state(conn):
        rows = conn.execute(text("SELECT id, link_summary, merge_state FROM meetings ORDER BY id")).all()
        load = lambda x: json.loads(x) if isinstance(x, str) else x  # noqa: E731 - PG returns dicts
        return {r.id: (load(r.link_summary), load(r.merge_state)) for r in rows}

    store = Store(db_url)
    store.add_document(doc_sana())
    with store.engine.connect() as conn:
        before = state(conn)
    store.close()
    assert before and all(m is not None and "merge" not in s for s, m in before.values())

    engine = open_db(db_url)
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, link_summary FROM meetings ORDER BY id")).all()
    old = {r.id: json.loads(r.link_summary) if isinstance(r.link_summary, str) else r.link_summary for r in rows}
    assert {mid: s["merge"] for mid, s in old.items()} == {mid: m for mid, (_, m) in before.items()}
    upgrade(engine)
    with engine.connect() as conn:
        assert state(conn) == before
    engine.dispose()
