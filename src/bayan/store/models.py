"""SQLAlchemy 2 ORM for the Bayan store.

Portable types only (Integer, String, Text, Boolean, DateTime, LargeBinary, JSON), so the
same schema runs on SQLite and PostgreSQL. Every fact row carries ``document_id`` plus
``start``/``end`` character offsets into that document's cleaned body (provenance).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    false,
    func,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    outlet: Mapped[str | None] = mapped_column(String(200), nullable=True)  # ix_documents_outlet_published
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    published: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    published_time: Mapped[str | None] = mapped_column(String(32), nullable=True)
    language: Mapped[str] = mapped_column(String(16), default="ar")
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    raw_text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str | None] = mapped_column(Text, nullable=True)
    body: Mapped[str] = mapped_column(Text, default="")
    body_norm: Mapped[str] = mapped_column(Text, default="")
    title_norm: Mapped[str] = mapped_column(Text, default="")
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    duplicate_of: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id"), nullable=True, index=True
    )
    similarity: Mapped[float | None] = mapped_column(Float, nullable=True)
    ingested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ExtractionRow(Base):
    __tablename__ = "extractions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    extractor_version: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    payload: Mapped[str] = mapped_column(Text)  # JSON text of Document.to_dict(include_body=False)


class MeetingRow(Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    format: Mapped[str | None] = mapped_column(String(64), nullable=True)
    round: Mapped[int | None] = mapped_column(Integer, nullable=True)
    city: Mapped[str | None] = mapped_column(String(128), nullable=True)
    country: Mapped[str | None] = mapped_column(String(16), nullable=True)
    start_date: Mapped[str | None] = mapped_column(String(32), nullable=True)
    end_date: Mapped[str | None] = mapped_column(String(32), nullable=True)
    level: Mapped[str | None] = mapped_column(String(64), nullable=True)
    known_by_reference: Mapped[bool] = mapped_column(Boolean, default=False)
    # field → {"value", "support", "sources", "values": {str(v): [doc ids]}, "notes"}
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # {"seen": {field: [distinct explicit values]}, "actors": [...]} over all sources (migration 0006)
    link_summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # what incremental merging needs (migration 0008): {"last", "published", "inferred_only", "yearless"}
    merge_state: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # no full start date (None, a year, a month or --MM-DD); indexed for linking (migration 0006)
    undated: Mapped[bool] = mapped_column(Boolean, default=True, server_default=false())
    # the sources report more than one start date, or it is not known (migration 0007):
    # when False, ``start_date`` is the only date linking compares (bayan.store.candidates)
    start_dates_vary: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class MeetingSourceRow(Base):
    __tablename__ = "meeting_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    primary: Mapped[bool] = mapped_column(Boolean, default=True)
    local_index: Mapped[int] = mapped_column(Integer, default=0)
    # the meeting's field values exactly as this document reported them
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    start: Mapped[int | None] = mapped_column(Integer, nullable=True)
    end: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ParticipantRow(Base):
    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    actor: Mapped[str] = mapped_column(String(64))  # ix_participants_actor_document
    role: Mapped[str | None] = mapped_column(String(32), nullable=True)
    inferred: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    start: Mapped[int | None] = mapped_column(Integer, nullable=True)
    end: Mapped[int | None] = mapped_column(Integer, nullable=True)


class StatementRow(Base):
    __tablename__ = "statements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), nullable=True, index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    actors: Mapped[list[str]] = mapped_column(JSON, default=list)
    act: Mapped[str] = mapped_column(String(32), index=True)
    topic: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str | None] = mapped_column(String(64), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    attribution: Mapped[str] = mapped_column(String(32), default="outlet")
    speaker: Mapped[str | None] = mapped_column(String(200), nullable=True)


class FollowUpRow(Base):
    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), nullable=True, index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    format: Mapped[str | None] = mapped_column(String(64), nullable=True)
    round: Mapped[int | None] = mapped_column(Integer, nullable=True)
    place: Mapped[str | None] = mapped_column(String(128), nullable=True)
    date_from: Mapped[str | None] = mapped_column(String(32), nullable=True)
    date_to: Mapped[str | None] = mapped_column(String(32), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    fulfilled_by: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), nullable=True)


class FramingRow(Base):
    __tablename__ = "framing"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    label: Mapped[str | None] = mapped_column(String(200), nullable=True)


class MinhashBandRow(Base):
    """LSH bands of an original document's MinHash: near-duplicate lookup without an
    in-memory index, so ingest memory stays flat as the archive grows."""

    __tablename__ = "minhash_bands"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    hash: Mapped[int] = mapped_column(BigInteger)


class ActorRow(Base):
    __tablename__ = "actors"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_en: Mapped[str | None] = mapped_column(String(200), nullable=True)
    name_ar: Mapped[str | None] = mapped_column(String(200), nullable=True)
    type: Mapped[str | None] = mapped_column(String(32), nullable=True)


TABLES = [
    "documents",
    "extractions",
    "meetings",
    "meeting_sources",
    "participants",
    "statements",
    "follow_ups",
    "framing",
    "actors",
    "minhash_bands",
]

# Covering indexes for the search filters (migration 0003; see Store._doc_filter).
from sqlalchemy import Index, literal_column  # noqa: E402

Index("ix_documents_outlet_published", DocumentRow.outlet, DocumentRow.published)
Index("ix_meeting_sources_meeting_document", MeetingSourceRow.meeting_id, MeetingSourceRow.document_id)
Index("ix_participants_actor_document", ParticipantRow.actor, ParticipantRow.document_id)
Index("ix_statements_target_document", StatementRow.target, StatementRow.document_id)
Index("ix_minhash_bands_band_hash", MinhashBandRow.band, MinhashBandRow.hash)  # migration 0005
# The candidate lookups of linking read these indexes only (migration 0009): each
# carries what the date and format filters of bayan.store.candidates read, after ``id``
# where a lookup takes the newest records first.
_M = MeetingRow
_LINK = (_M.start_date, _M.start_dates_vary)
_MONTH = func.substr(_M.start_date, literal_column("1"), literal_column("7"))
_YEAR = func.substr(_M.start_date, literal_column("1"), literal_column("4"))
Index("ix_meetings_start_date", _M.start_date, _M.format, _M.start_dates_vary)
Index("ix_meetings_format", _M.format, _M.id, *_LINK)
Index("ix_meetings_undated", _M.undated, _M.id, *_LINK)  # migration 0006
Index("ix_meetings_undated_format", _M.undated, _M.format, _M.id, *_LINK)
Index("ix_meetings_city", _M.city, _M.id, _M.format, *_LINK)
Index("ix_meetings_city_undated", _M.city, _M.undated, _M.id, _M.format, *_LINK)
Index("ix_meetings_format_round", _M.format, _M.round, _M.id, *_LINK)
Index("ix_meetings_format_round_undated", _M.format, _M.round, _M.undated, _M.id, *_LINK)  # 0007
Index("ix_meetings_start_month", _MONTH, _M.id, _M.format, *_LINK)
Index("ix_meetings_start_year", _YEAR, _M.id, _M.format, *_LINK)
