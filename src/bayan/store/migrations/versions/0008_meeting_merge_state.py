"""Keep a record's merge state out of the link summary that linking reads.

``link_summary`` held, besides what linking compares (each field's distinct values and
the actors), the state incremental merging needs (``merge``: every source's
publication date, which values are only inferred, the last source in order). Linking
decodes the summary of every candidate record, up to a few hundred per report, so
decoding grew with how often each candidate was reported: at 25,000 generated
articles it was a fifth of the writer's time. ``merge_state`` now holds that state,
read only for the one record a report is merged into.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("meetings", sa.Column("merge_state", sa.JSON(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "UPDATE meetings SET merge_state = json_extract(link_summary, '$.merge'), "
            "link_summary = json_remove(link_summary, '$.merge') "
            "WHERE json_type(link_summary, '$.merge') = 'object'"
        )
    else:
        op.execute(
            "UPDATE meetings SET merge_state = link_summary -> 'merge', "
            "link_summary = (link_summary::jsonb - 'merge')::json "
            "WHERE json_typeof(link_summary -> 'merge') = 'object'"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "UPDATE meetings SET link_summary = json_set(link_summary, '$.merge', json(merge_state)) "
            "WHERE merge_state IS NOT NULL AND link_summary IS NOT NULL"
        )
    else:
        op.execute(
            "UPDATE meetings SET link_summary = jsonb_set(link_summary::jsonb, '{merge}', merge_state::jsonb)::json "
            "WHERE merge_state IS NOT NULL AND link_summary IS NOT NULL"
        )
    op.drop_column("meetings", "merge_state")
