"""Linking's candidate lookups read their indexes only; two redundant indexes go.

Each lookup of ``bayan.store.candidates`` collects the newest records of a date window,
a city, a format and round …, with what the date filter and the format filter read
(``start_date``, ``start_dates_vary``, ``format``). Those columns were read from the
table, one row seek per entry, for up to 60 entries per lookup: the records of a store
are spread over 1.5–2 KB rows (``fields``, ``merge_state``), so at 100k articles those
seeks missed SQLite's page cache and were most of the candidate statement's time. The
indexes now carry the columns (after ``id`` where the lookup reads them newest first,
so the entries keep their id order), and a lookup is an index range scan. The linked
records are the same; only the wide rows of the records that pass are still read.

``ix_participants_actor`` and ``ix_documents_outlet`` are prefixes of
``ix_participants_actor_document`` and ``ix_documents_outlet_published``, which serve
every query they served; each cost a B-tree insert per row written.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_LINK = ["start_date", "start_dates_vary"]
_MONTH, _YEAR = "substr(start_date, 1, 7)", "substr(start_date, 1, 4)"

# name -> (columns before, columns after); a column in _EXPR is an expression
_MEETING_INDEXES: dict[str, tuple[list[str], list[str]]] = {
    "ix_meetings_start_date": (["start_date"], ["start_date", "format", "start_dates_vary"]),
    "ix_meetings_format": (["format"], ["format", "id", *_LINK]),
    "ix_meetings_undated": (["undated"], ["undated", "id", *_LINK]),
    "ix_meetings_undated_format": (["undated", "format"], ["undated", "format", "id", *_LINK]),
    "ix_meetings_city": (["city"], ["city", "id", "format", *_LINK]),
    "ix_meetings_city_undated": (["city", "undated"], ["city", "undated", "id", "format", *_LINK]),
    "ix_meetings_format_round": (["format", "round"], ["format", "round", "id", *_LINK]),
    "ix_meetings_format_round_undated": (
        ["format", "round", "undated"],
        ["format", "round", "undated", "id", *_LINK],
    ),
    "ix_meetings_start_month": ([_MONTH], [_MONTH, "id", "format", *_LINK]),
    "ix_meetings_start_year": ([_YEAR], [_YEAR, "id", "format", *_LINK]),
}
_EXPR = {_MONTH, _YEAR}
_REDUNDANT = {"ix_participants_actor": ("participants", ["actor"]), "ix_documents_outlet": ("documents", ["outlet"])}


def _columns(names: list[str]) -> list[str | sa.TextClause]:
    return [sa.text(n) if n in _EXPR else n for n in names]


def _rebuild(which: int) -> None:
    for name, versions in _MEETING_INDEXES.items():
        op.drop_index(name, table_name="meetings")
        op.create_index(name, "meetings", _columns(versions[which]))


def upgrade() -> None:
    _rebuild(1)
    for name, (table, _cols) in _REDUNDANT.items():
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for name, (table, cols) in _REDUNDANT.items():
        op.create_index(name, table, cols)
    _rebuild(0)
