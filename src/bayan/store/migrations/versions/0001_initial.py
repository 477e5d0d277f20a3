"""Initial Bayan store schema.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("outlet", sa.String(200), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("published", sa.String(32), nullable=True),
        sa.Column("published_time", sa.String(32), nullable=True),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("raw_text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_norm", sa.Text(), nullable=False),
        sa.Column("title_norm", sa.Text(), nullable=False),
        sa.Column("minhash", sa.LargeBinary(), nullable=True),
        sa.Column("duplicate_of", sa.Integer(), sa.ForeignKey("documents.id"), nullable=True),
        sa.Column("similarity", sa.Float(), nullable=True),
        sa.Column("ingested_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("content_hash", name="uq_documents_content_hash"),
    )
    op.create_index("ix_documents_outlet", "documents", ["outlet"])
    op.create_index("ix_documents_published", "documents", ["published"])
    op.create_index("ix_documents_duplicate_of", "documents", ["duplicate_of"])

    op.create_table(
        "extractions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("extractor_version", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
    )
    op.create_index("ix_extractions_document_id", "extractions", ["document_id"])

    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("format", sa.String(64), nullable=True),
        sa.Column("round", sa.Integer(), nullable=True),
        sa.Column("city", sa.String(128), nullable=True),
        sa.Column("country", sa.String(16), nullable=True),
        sa.Column("start_date", sa.String(32), nullable=True),
        sa.Column("end_date", sa.String(32), nullable=True),
        sa.Column("level", sa.String(64), nullable=True),
        sa.Column("known_by_reference", sa.Boolean(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
    )
    op.create_index("ix_meetings_format", "meetings", ["format"])
    op.create_index("ix_meetings_start_date", "meetings", ["start_date"])

    op.create_table(
        "meeting_sources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meetings.id"), nullable=False),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("primary", sa.Boolean(), nullable=False),
        sa.Column("local_index", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("start", sa.Integer(), nullable=True),
        sa.Column("end", sa.Integer(), nullable=True),
    )
    op.create_index("ix_meeting_sources_meeting_id", "meeting_sources", ["meeting_id"])
    op.create_index("ix_meeting_sources_document_id", "meeting_sources", ["document_id"])

    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meetings.id"), nullable=False),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=True),
        sa.Column("inferred", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("start", sa.Integer(), nullable=True),
        sa.Column("end", sa.Integer(), nullable=True),
    )
    op.create_index("ix_participants_meeting_id", "participants", ["meeting_id"])
    op.create_index("ix_participants_document_id", "participants", ["document_id"])
    op.create_index("ix_participants_actor", "participants", ["actor"])

    op.create_table(
        "statements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meetings.id"), nullable=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("actors", sa.JSON(), nullable=False),
        sa.Column("act", sa.String(32), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("target", sa.String(64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("attribution", sa.String(32), nullable=False),
        sa.Column("speaker", sa.String(200), nullable=True),
    )
    op.create_index("ix_statements_meeting_id", "statements", ["meeting_id"])
    op.create_index("ix_statements_document_id", "statements", ["document_id"])
    op.create_index("ix_statements_act", "statements", ["act"])
    op.create_index("ix_statements_topic", "statements", ["topic"])

    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meetings.id"), nullable=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("format", sa.String(64), nullable=True),
        sa.Column("place", sa.String(128), nullable=True),
        sa.Column("date_from", sa.String(32), nullable=True),
        sa.Column("date_to", sa.String(32), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("fulfilled_by", sa.Integer(), sa.ForeignKey("meetings.id"), nullable=True),
    )
    op.create_index("ix_follow_ups_meeting_id", "follow_ups", ["meeting_id"])
    op.create_index("ix_follow_ups_document_id", "follow_ups", ["document_id"])

    op.create_table(
        "framing",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(200), nullable=True),
    )
    op.create_index("ix_framing_document_id", "framing", ["document_id"])

    op.create_table(
        "actors",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("name_en", sa.String(200), nullable=True),
        sa.Column("name_ar", sa.String(200), nullable=True),
        sa.Column("type", sa.String(32), nullable=True),
    )

    if op.get_context().dialect.name == "sqlite":
        # Full-text index over the normalised text, keyed by rowid = documents.id.
        # The trigram tokenizer gives substring matching (so a query word stripped of
        # clitics still matches the clitic-bearing form); unicode61 is the fallback
        # for SQLite builds older than 3.34.
        try:
            op.execute(
                "CREATE VIRTUAL TABLE documents_fts USING fts5("
                "body_norm, title_norm, tokenize='trigram')"
            )
        except Exception:  # old SQLite without the trigram tokenizer
            op.execute(
                "CREATE VIRTUAL TABLE documents_fts USING fts5("
                "body_norm, title_norm, tokenize='unicode61 remove_diacritics 2')"
            )


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS documents_fts")
    for table in (
        "actors",
        "framing",
        "follow_ups",
        "statements",
        "participants",
        "meeting_sources",
        "meetings",
        "extractions",
        "documents",
    ):
        op.drop_table(table)
