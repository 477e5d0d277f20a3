"""Covering indexes for the search filters (outlet + date, format, actor).

``Store.search`` turns each filter into a set of document ids read from an index
(``rowid IN (SELECT …)``) instead of visiting the wide ``documents`` rows of every
full-text match; these indexes let those sets be read from the index alone.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_documents_outlet_published", "documents", ["outlet", "published"]),
    ("ix_meeting_sources_meeting_document", "meeting_sources", ["meeting_id", "document_id"]),
    ("ix_participants_actor_document", "participants", ["actor", "document_id"]),
    ("ix_statements_target_document", "statements", ["target", "document_id"]),
)


def upgrade() -> None:
    for name, table, cols in INDEXES:
        op.create_index(name, table, cols)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
