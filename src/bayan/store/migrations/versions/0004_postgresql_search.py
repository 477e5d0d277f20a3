"""PostgreSQL full-text search: a generated tsvector (GIN) and trigram (GIN) indexes.

SQLite keeps its FTS5 trigram table (migration 0001); on SQLite this revision does
nothing. On PostgreSQL it adds:

* ``documents.search_tsv``: ``tsvector`` GENERATED ALWAYS from Bayan's normalised title
  (weight A) and body (weight B) with the ``simple`` configuration, so it is kept
  up to date by the server for every insert path (``Store.add_document``, batch or
  bulk loaders alike). ``Store.search`` ranks with ``ts_rank`` over it. ``simple`` and
  not ``arabic``: the text is already folded by ``bayan.arabic.normalise`` and query
  words are stripped of clitics and expanded to every clitic prefix, and the Snowball
  Arabic stemmer then conflates unrelated words (استانا → استا, عمان → عم); see
  docs/postgresql.md for the measured comparison with SQLite on the query set.
* ``ix_documents_search_tsv``: GIN index on it.
* ``pg_trgm`` and GIN ``gin_trgm_ops`` indexes on ``body_norm`` and ``title_norm``: the
  match itself is a substring match on the normalised text (what SQLite's FTS5 trigram
  tokenizer does), so both backends find the same documents; the trigram indexes serve
  those ``LIKE '%…%'`` lookups. Without the extension (not installed on the server)
  search still works, with sequential scans.
* ``COLLATE "C"`` on the ISO date strings compared in SQL (see ``C_COLLATED``).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS_CONFIG = "simple"
# ISO date strings compared and ordered in SQL (search date filters, the meeting-linking
# window, the latest publication date): code-point order as in SQLite, whatever the
# database's locale (en_US.UTF-8 would ignore the hyphens at the first level).
C_COLLATED = (("documents", "published", 32), ("meetings", "start_date", 32), ("meetings", "end_date", 32))
TRGM_INDEXES = (
    ("ix_documents_body_norm_trgm", "body_norm"),
    ("ix_documents_title_norm_trgm", "title_norm"),
)


def _has_trgm(bind: sa.Connection) -> bool:
    installed = bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first()
    if installed:
        return True
    available = bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).first()
    if not available:
        return False
    try:
        with bind.begin_nested():  # a refused CREATE EXTENSION must not abort the migration
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        return False
    return True


def _is_postgresql() -> bool:
    # the migration context's dialect, which (unlike op.get_bind()) also exists when
    # rendering offline SQL (``alembic upgrade --sql``)
    return op.get_context().dialect.name == "postgresql"


def upgrade() -> None:
    if not _is_postgresql():
        return
    for table, col, size in C_COLLATED:
        op.execute(f'ALTER TABLE {table} ALTER COLUMN {col} TYPE varchar({size}) COLLATE "C"')
    op.execute(
        "ALTER TABLE documents ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS ("
        f"setweight(to_tsvector('{TS_CONFIG}'::regconfig, coalesce(title_norm, '')), 'A') || "
        f"setweight(to_tsvector('{TS_CONFIG}'::regconfig, coalesce(body_norm, '')), 'B')"
        ") STORED"
    )
    op.execute("CREATE INDEX ix_documents_search_tsv ON documents USING gin (search_tsv)")
    if op.get_context().as_sql:  # offline SQL: no server to ask, assume the extension
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        trgm = True
    else:
        trgm = _has_trgm(op.get_bind())
    if trgm:
        for name, col in TRGM_INDEXES:
            op.execute(f"CREATE INDEX {name} ON documents USING gin ({col} gin_trgm_ops)")


def downgrade() -> None:
    if not _is_postgresql():
        return
    for name, _ in TRGM_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute("DROP INDEX IF EXISTS ix_documents_search_tsv")
    op.execute("ALTER TABLE documents DROP COLUMN IF EXISTS search_tsv")
    for table, col, size in C_COLLATED:
        op.execute(f'ALTER TABLE {table} ALTER COLUMN {col} TYPE varchar({size}) COLLATE "default"')
