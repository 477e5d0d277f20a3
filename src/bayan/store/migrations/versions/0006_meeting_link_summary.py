"""Linking reads one indexed row per candidate meeting record.

* ``link_summary``: the distinct explicit values each field has across the record's
  sources, and its distinct actors. Linking an article reads one row per candidate
  instead of every source and participant row of every candidate, so its cost no
  longer grows with how often a meeting was reported. Records written before this
  migration get it when next recomputed; until then linking reads their sources.
* ``undated``: the record has no full start date. Linking looks up undated records by
  format or city; computed in SQL, that condition could use no index and scanned
  the whole table.
* Indexes for those lookups and for "same format and round".

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_meetings_undated", ["undated"]),
    ("ix_meetings_undated_format", ["undated", "format"]),
    ("ix_meetings_city", ["city"]),  # city = ? ORDER BY id DESC LIMIT n, read in index order
    ("ix_meetings_city_undated", ["city", "undated"]),
    ("ix_meetings_format_round", ["format", "round"]),
)


def upgrade() -> None:
    # plain ADD COLUMN on both backends: a batch (copy-and-move) table rebuild on SQLite
    # cannot drop ``meetings`` while other tables' foreign keys point at it
    op.add_column("meetings", sa.Column("link_summary", sa.JSON(), nullable=True))
    op.add_column("meetings", sa.Column("undated", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(
        "UPDATE meetings SET undated = (start_date IS NULL OR start_date LIKE '--%' OR length(start_date) < 10)"
    )
    for name, cols in INDEXES:
        op.create_index(name, "meetings", cols)


def downgrade() -> None:
    for name, _ in reversed(INDEXES):
        op.drop_index(name, table_name="meetings")
    # SQLite 3.35+ drops a column in place (no table copy)
    op.drop_column("meetings", "undated")
    op.drop_column("meetings", "link_summary")
