"""Bounded, selective candidate lookups for meeting linking.

* ``start_dates_vary``: the record's sources report more than one start date (or, for
  a record without a link summary, it is not known). When they do not, the record's
  own ``start_date`` is the only date linking has to compare, so SQL can drop records
  whose date cannot be the new report's (``bayan.store.candidates``) before they are
  read, decoded and scored in Python. Existing records get it from their link summary.
* ``ix_meetings_format_round_undated``: undated records of a format and round, in id
  order (``format, round`` visited every dated record of the round).
* ``ix_meetings_start_month`` and ``ix_meetings_start_year``: the records of a month
  or a year in id order; a date range had to collect and sort every record of the
  month or year to find the newest ones, which grew with the archive.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "meetings", sa.Column("start_dates_vary", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        count = "json_array_length(link_summary, '$.seen.start_date')"
    else:
        count = "json_array_length(link_summary -> 'seen' -> 'start_date')"
    # no summary, or a summary without dates: only a record without any date (kept by
    # the lookups whatever this flag says) can have no counted dates
    op.execute(f"UPDATE meetings SET start_dates_vary = COALESCE({count} > 1, start_date IS NOT NULL)")
    op.create_index("ix_meetings_format_round_undated", "meetings", ["format", "round", "undated"])
    op.create_index("ix_meetings_start_month", "meetings", [sa.text("substr(start_date, 1, 7)")])
    op.create_index("ix_meetings_start_year", "meetings", [sa.text("substr(start_date, 1, 4)")])


def downgrade() -> None:
    op.drop_index("ix_meetings_start_year", table_name="meetings")
    op.drop_index("ix_meetings_start_month", table_name="meetings")
    op.drop_index("ix_meetings_format_round_undated", table_name="meetings")
    op.drop_column("meetings", "start_dates_vary")
