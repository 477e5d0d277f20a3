"""Near-duplicate lookup through LSH bands stored in the database.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

The store used to rebuild an in-memory LSH index of every document, which grew
with the archive (about 12 KB per document). The bands of each original document's
MinHash now live in ``minhash_bands``; existing databases are backfilled here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "minhash_bands",
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("band", sa.Integer(), primary_key=True),
        sa.Column("hash", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_minhash_bands_band_hash", "minhash_bands", ["band", "hash"])
    if context.is_offline_mode():
        return  # an SQL script has no rows to backfill
    from bayan.store.repository import band_hashes

    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, minhash FROM documents WHERE minhash IS NOT NULL AND duplicate_of IS NULL")
    )
    batch: list[dict[str, int]] = []
    for doc_id, sig in rows:
        batch.extend({"d": doc_id, "b": b, "h": h} for b, h in band_hashes(bytes(sig)))
        if len(batch) >= 5000:
            bind.execute(sa.text("INSERT INTO minhash_bands (document_id, band, hash) VALUES (:d, :b, :h)"), batch)
            batch = []
    if batch:
        bind.execute(sa.text("INSERT INTO minhash_bands (document_id, band, hash) VALUES (:d, :b, :h)"), batch)


def downgrade() -> None:
    op.drop_index("ix_minhash_bands_band_hash", table_name="minhash_bands")
    op.drop_table("minhash_bands")
