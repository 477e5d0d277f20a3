"""JSON API over the store, mounted at ``/api``.

Every endpoint declares a pydantic response model so ``/openapi.json`` documents stable
shapes. Reads are plain ``def`` endpoints (FastAPI runs them in its thread pool, SQLite
is in WAL mode so readers never block on a writer). The only write is ``POST /api/ingest``,
guarded by :func:`require_write` (token, constant-time compare; no token off loopback
means no writes) and a body size limit.
"""

from __future__ import annotations

import csv
import hmac
import io
import ipaddress
import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.background import BackgroundTask

from bayan.export import to_plover, write_rows
from bayan.export.writers import KIND_COLUMNS, csv_cell, to_json
from bayan.store.repository import Store, actor_names
from bayan.web import queries

router = APIRouter()

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"

# --------------------------------------------------------------------------- models


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class ErrorDetail(_Model):
    status: int
    message: str


class ErrorBody(_Model):
    """Every error response: ``{"error": {"status", "message"}}``."""

    error: ErrorDetail


class Evidence(_Model):
    document_id: int | None = None
    text: str | None = None
    start: int | None = None
    end: int | None = None


class MeetingSummary(_Model):
    id: int
    label: str | None
    format: str | None
    round: int | None
    city: str | None
    country: str | None
    start_date: str | None
    end_date: str | None
    level: str | None
    known_by_reference: bool
    n_sources: int
    disagreements: list[str]


class MeetingPage(_Model):
    total: int
    limit: int
    offset: int
    items: list[MeetingSummary]


class FieldValue(_Model):
    """A merged meeting field: the majority value and what every source said."""

    value: Any = None
    support: int = 0
    sources: list[int] = []
    values: dict[str, list[int]] = {}
    disagreement: bool = False
    inferred: bool = False
    notes: list[str] = []


class DocumentRef(_Model):
    id: int
    outlet: str | None
    title: str | None
    url: str | None
    source: str
    published: str | None


class MeetingSource(DocumentRef):
    primary: bool
    reported: dict[str, Any]
    inferred: list[str]
    evidence: Evidence | None


class Person(_Model):
    name: str | None = None
    name_ar: str | None = None
    actor: str | None = None
    title: str | None = None
    title_ar: str | None = None
    evidence: list[Evidence] = []


class ParticipantEvidence(Evidence):
    role: str | None = None


class Participant(_Model):
    actor: str
    name_en: str | None
    name_ar: str | None
    roles: list[str]
    inferred: bool
    documents: list[int]
    evidence: list[ParticipantEvidence]
    heads: list[Person]


class MeetingStatement(_Model):
    id: int
    act: str
    topic: str
    actors: list[str]
    target: str | None
    attribution: str | None
    speaker: str | None
    document_id: int
    outlet: str | None
    evidence: Evidence


class TopicGroup(_Model):
    topic: str
    statements: list[MeetingStatement]


class FollowUp(_Model):
    id: int
    meeting_id: int | None
    announced_at: str | None
    document_id: int
    outlet: str | None
    source: str | None
    url: str | None
    kind: str
    format: str | None
    place: str | None
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None
    status: str
    fulfilled_by: int | None
    fulfilled_by_label: str | None
    fulfilled_on: str | None
    evidence: Evidence


class Fulfils(_Model):
    """A follow-up announced elsewhere that this meeting fulfilled."""

    id: int
    meeting_id: int | None
    announced_at: str | None
    kind: str
    document_id: int


class MeetingDetail(MeetingSummary):
    fields: dict[str, FieldValue]
    sources: list[MeetingSource]
    participants: list[Participant]
    people: list[Person]
    statements: list[TopicGroup]
    follow_ups: list[FollowUp]
    fulfils: list[Fulfils]


class DocumentSummary(DocumentRef):
    language: str | None
    duplicate_of: int | None
    similarity: float | None
    n_meetings: int
    n_statements: int


class DocumentPage(_Model):
    total: int
    limit: int
    offset: int
    items: list[DocumentSummary]


class Span(_Model):
    """An evidence span in a document body (character offsets into ``body``)."""

    start: int
    end: int
    kind: str
    label: str | None
    text: str | None
    ref: int | None
    meeting_id: int | None


class LinkedMeeting(MeetingSummary):
    primary: bool


class DocumentDetail(DocumentRef):
    published_time: str | None
    language: str | None
    duplicate_of: int | None
    similarity: float | None
    body: str
    meetings: list[LinkedMeeting]
    spans: list[Span]


class StatementRecord(_Model):
    id: int
    meeting_id: int | None
    meeting_label: str | None
    format: str | None
    round: int | None
    meeting_date: str | None
    document_id: int
    outlet: str | None
    published: str | None
    actors: list[str]
    act: str
    topic: str
    target: str | None
    attribution: str | None
    speaker: str | None
    evidence: Evidence


class StatementPage(_Model):
    total: int
    limit: int
    offset: int
    items: list[StatementRecord]


class Actor(_Model):
    key: str
    name_en: str | None
    name_ar: str | None
    type: str | None
    n_meetings: int
    n_statements: int


class ActorList(_Model):
    total: int
    items: list[Actor]


class FollowUpList(_Model):
    total: int
    items: list[FollowUp]


class PositionEvidence(_Model):
    document_id: int
    source: str | None
    text: str
    start: int
    end: int


class Position(_Model):
    actor: str
    meeting_id: int | None
    format: str | None
    round: int | None
    start_date: str | None
    city: str | None
    act: str
    topic: str
    evidence_count: int
    documents: list[int]
    evidence: list[PositionEvidence]


class PositionMeeting(_Model):
    meeting_id: int
    format: str | None
    round: int | None
    start_date: str | None
    city: str | None


class Positions(_Model):
    total: int
    actors: list[str]
    topics: list[str]
    acts: list[str]
    meetings: list[PositionMeeting]
    items: list[Position]


class SearchHit(_Model):
    id: int
    source: str
    url: str | None
    outlet: str | None
    title: str | None
    published: str | None
    score: float
    snippet: str | None
    duplicate_of: int | None


class SearchResult(_Model):
    query: str
    total: int
    items: list[SearchHit]
    facets: dict[str, dict[str, int]]


class FramingMarker(_Model):
    kind: str
    label: str | None
    text: str
    start: int
    end: int


class SourceComparison(DocumentRef):
    primary: bool
    reported: dict[str, Any]
    topics_reported: list[str]
    topics_omitted: list[str]
    statement_counts: dict[str, int]
    act_counts: dict[str, int]
    n_statements: int
    framing: list[FramingMarker]
    labels: list[str]


class Comparison(_Model):
    meeting: MeetingSummary
    topics: list[str]
    documents: list[SourceComparison]


class IngestRequest(_Model):
    """A pasted article: plain text (or a whole HTML page) plus optional metadata."""

    text: str = Field(min_length=1, pattern=r"\S", description="Article text or HTML (not blank).")
    url: str | None = Field(default=None, max_length=2000)
    outlet: str | None = Field(default=None, max_length=200)
    title: str | None = Field(default=None, max_length=1000)
    published: str | None = Field(default=None, pattern=DATE_PATTERN,
                                  description="Publication date when the text does not give one")


class IngestResult(_Model):
    document_id: int
    status: Literal["new", "duplicate", "near_duplicate"]
    title: str | None
    outlet: str | None
    published: str | None
    meetings: list[LinkedMeeting]
    extraction: dict[str, Any]


class Counts(_Model):
    counts: dict[str, int]


class ExportKind(StrEnum):
    meetings = "meetings"
    statements = "statements"
    follow_ups = "follow_ups"
    framing = "framing"


# --------------------------------------------------------------------------- helpers

ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Not found"},
    422: {"model": ErrorBody, "description": "Invalid parameter"},
}

Limit = Annotated[int, Query(ge=0, le=queries.MAX_LIMIT, description="Page size (at most 500).")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]
Text = Annotated[str | None, Query(max_length=200)]
DateFrom = Annotated[str | None, Query(alias="from", pattern=DATE_PATTERN, description="YYYY, YYYY-MM or YYYY-MM-DD")]
DateTo = Annotated[str | None, Query(alias="to", pattern=DATE_PATTERN, description="YYYY, YYYY-MM or YYYY-MM-DD")]


def _store(request: Request) -> Store:
    return request.app.state.store


def _not_found(what: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"{what} not found")


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``; anything else (incl. 0.0.0.0) is public."""
    if not host:
        return False
    host = host.strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _server_is_loopback(request: Request) -> bool:
    """The configured bind host, and the address the request actually reached, are loopback."""
    if not is_loopback(getattr(request.app.state, "host", "127.0.0.1")):
        return False
    server = request.scope.get("server")
    if server and server[0]:
        try:
            ipaddress.ip_address(str(server[0]).strip("[]"))
        except ValueError:
            return True  # a name such as TestClient's "testserver": trust the configured host
        return is_loopback(str(server[0]))
    return True


def require_write(request: Request) -> None:
    """Allow a write only with the right bearer token, or on loopback when no token is set.

    The token is compared with :func:`hmac.compare_digest` so timing leaks nothing.
    """
    token: str | None = getattr(request.app.state, "token", None)
    if token:
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            raise HTTPException(status_code=401, detail="a valid bearer token is required",
                                headers={"WWW-Authenticate": "Bearer"})
        return
    if not _server_is_loopback(request):
        raise HTTPException(status_code=403,
                            detail="writes are disabled: the server is not on loopback and no token is set")


async def _read_limited(request: Request, limit: int) -> bytes:
    """The request body, refusing (413) as soon as it exceeds ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise HTTPException(status_code=413, detail=f"request body larger than {limit} bytes")
        except ValueError:
            raise HTTPException(status_code=400, detail="invalid Content-Length") from None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(status_code=413, detail=f"request body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _csv_cell(value: Any) -> Any:
    """Lists/dicts as JSON; text starting like a spreadsheet formula is neutralised."""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


# --------------------------------------------------------------------------- meetings


@router.get("/meetings", response_model=MeetingPage, responses=ERRORS, tags=["meetings"])
def get_meetings(
    request: Request,
    format: Text = None,
    round: Annotated[int | None, Query(ge=0, le=100_000)] = None,
    actor: Text = None,
    topic: Text = None,
    outlet: Text = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    q: Annotated[str | None, Query(max_length=500, description="Arabic-aware text search")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Meetings in date order, filtered by format, round, actor, topic, outlet and date range."""
    return queries.list_meetings(_store(request), format=format, round=round, actor=actor, topic=topic,
                                 outlet=outlet, date_from=date_from, date_to=date_to, q=q,
                                 limit=limit, offset=offset)


@router.get("/meetings/{meeting_id}", response_model=MeetingDetail, responses=ERRORS, tags=["meetings"])
def get_meeting(request: Request, meeting_id: Annotated[int, Path(ge=0)]) -> dict[str, Any]:
    """The merged record of one meeting with per-source evidence and disagreements."""
    detail = queries.meeting_detail(_store(request), meeting_id)
    if detail is None:
        raise _not_found("meeting")
    return detail


@router.get("/meetings/{meeting_id}/compare", response_model=Comparison, responses=ERRORS, tags=["meetings"])
def get_meeting_comparison(request: Request, meeting_id: Annotated[int, Path(ge=0)]) -> dict[str, Any]:
    """How each outlet reported the meeting: topics reported and omitted, framing markers."""
    result = queries.compare_sources(_store(request), meeting_id)
    if result is None:
        raise _not_found("meeting")
    return result


# --------------------------------------------------------------------------- documents


@router.get("/documents", response_model=DocumentPage, responses=ERRORS, tags=["documents"])
def get_documents(
    request: Request,
    outlet: Text = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    format: Text = None,
    actor: Text = None,
    meeting_id: Annotated[int | None, Query(ge=0)] = None,
    q: Annotated[str | None, Query(max_length=500)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Stored articles (metadata only) by publication date."""
    return queries.list_documents(_store(request), outlet=outlet, date_from=date_from, date_to=date_to,
                                  format=format, actor=actor, meeting_id=meeting_id, q=q,
                                  limit=limit, offset=offset)


@router.get("/documents/{doc_id}", response_model=DocumentDetail, responses=ERRORS, tags=["documents"])
def get_document(request: Request, doc_id: Annotated[int, Path(ge=0)]) -> dict[str, Any]:
    """One article: cleaned body, linked meetings and every evidence span (offsets into body)."""
    detail = queries.document_detail(_store(request), doc_id)
    if detail is None:
        raise _not_found("document")
    return detail


# --------------------------------------------------------------------------- statements, actors, follow-ups, positions


@router.get("/statements", response_model=StatementPage, responses=ERRORS, tags=["statements"])
def get_statements(
    request: Request,
    act: Text = None,
    topic: Text = None,
    actor: Text = None,
    format: Text = None,
    outlet: Text = None,
    meeting_id: Annotated[int | None, Query(ge=0)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Positions taken (act × topic by actors) with evidence text and offsets."""
    return queries.list_statements(_store(request), act=act, topic=topic, actor=actor, format=format,
                                   outlet=outlet, meeting_id=meeting_id, limit=limit, offset=offset)


@router.get("/actors", response_model=ActorList, responses=ERRORS, tags=["actors"])
def get_actors(request: Request) -> dict[str, Any]:
    """Every known actor with Arabic/English names and counts."""
    return queries.list_actors(_store(request))


@router.get("/followups", response_model=FollowUpList, responses=ERRORS, tags=["follow-ups"])
def get_followups(
    request: Request,
    status: Annotated[Literal["pending", "overdue", "fulfilled"] | None, Query()] = None,
) -> dict[str, Any]:
    """Announced follow-ups and whether a later meeting fulfilled them."""
    return queries.list_followups(_store(request), status)


@router.get("/positions", response_model=Positions, responses=ERRORS, tags=["positions"])
def get_positions(request: Request, format: Text = None, topic: Text = None) -> dict[str, Any]:
    """Actor × meeting × act/topic matrix with the evidence of each cell."""
    return queries.positions(_store(request), format=format, topic=topic)


# --------------------------------------------------------------------------- search, export, stats


@router.get("/search", response_model=SearchResult, responses=ERRORS, tags=["search"])
def get_search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500, description="Arabic words; variants forgiven")],
    outlet: Text = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    format: Text = None,
    actor: Text = None,
    limit: Annotated[int, Query(ge=0, le=queries.MAX_LIMIT)] = 20,
) -> dict[str, Any]:
    """Ranked, spelling-tolerant search over titles and bodies with highlighted snippets."""
    return queries.search(_store(request), q, outlet=outlet, date_from=date_from, date_to=date_to,
                          format=format, actor=actor, limit=limit)


EXPORT_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "plover": "application/x-ndjson; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
}
EXPORT_SUFFIX = {"csv": "csv", "jsonl": "jsonl", "plover": "plover.jsonl", "parquet": "parquet"}
_CHUNK_CHARS = 64 * 1024


def export_filename(kind: str, to: str) -> str:
    """``bayan-<kind>.<suffix>``: built from allow-listed names only, never from user text."""
    return f"bayan-{kind}.{EXPORT_SUFFIX[to]}"


def _chunked(pieces: Iterable[str]) -> Iterator[bytes]:
    """Join small text pieces into ~64 KB UTF-8 chunks for a StreamingResponse."""
    buf: list[str] = []
    size = 0
    for piece in pieces:
        buf.append(piece)
        size += len(piece)
        if size >= _CHUNK_CHARS:
            yield "".join(buf).encode("utf-8")
            buf, size = [], 0
    if buf:
        yield "".join(buf).encode("utf-8")


def _csv_pieces(rows: list[dict[str, Any]], kind: str) -> Iterator[str]:
    """CSV lines in bayan.export's encoding (header from the first row, else the kind's
    columns), with spreadsheet formulas neutralised for cells opened from a browser."""
    columns = list(rows[0]) if rows else list(KIND_COLUMNS.get(kind, ()))
    if not columns:
        return
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, restval="", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(csv_cell(v)) for k, v in row.items()})
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    yield buf.getvalue()


def _jsonl_pieces(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    for record in records:
        yield to_json(record) + "\n"


def _parquet_response(rows: list[dict[str, Any]], kind: str) -> FileResponse:
    """Write Parquet to a private temp directory, send it, then delete it (background task)."""
    tmpdir = tempfile.mkdtemp(prefix="bayan-export-")
    path = os.path.join(tmpdir, export_filename(kind, "parquet"))
    try:
        write_rows(rows, "parquet", path, kind=kind)
    except BaseException:
        shutil.rmtree(tmpdir, ignore_errors=True)
        raise
    return FileResponse(path, media_type=EXPORT_MEDIA["parquet"], filename=export_filename(kind, "parquet"),
                        background=BackgroundTask(shutil.rmtree, tmpdir, ignore_errors=True))


@router.get(
    "/export/{kind}",
    responses={
        **ERRORS,
        200: {"content": {"text/csv": {}, "application/x-ndjson": {},
                          "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}}},
              "description": "CSV, JSON Lines, Parquet or PLOVER JSON Lines; every record with its source and evidence"},
    },
    response_class=Response,
    tags=["export"],
)
def get_export(
    request: Request,
    kind: Annotated[str, Path(description="meetings, statements, follow_ups or framing",
                              json_schema_extra={"enum": [k.value for k in ExportKind]})],
    to: Annotated[Literal["csv", "jsonl", "parquet", "plover"], Query(
        description="csv, jsonl, parquet, or plover (statements as PLOVER event records, JSON Lines)")] = "jsonl",
    format: Annotated[str | None, Query(max_length=64, description="Only this meeting format")] = None,
    meeting_id: Annotated[int | None, Query(ge=0, description="Only this meeting")] = None,
) -> Response:
    """Download records as CSV, JSON Lines, Parquet or PLOVER (docs/export.md).

    ``kind`` is a fixed name, never a file path; ``to=plover`` exports statements only.
    """
    if kind not in queries.EXPORT_KINDS:
        raise _not_found("export kind")
    if to == "plover" and kind != "statements":
        raise HTTPException(status_code=422,
                            detail=f"to=plover exports statements (PLOVER events), not {kind}")
    store = _store(request)
    rows = queries.export_rows(store, kind, format=format, meeting_id=meeting_id) or []
    if to == "parquet":
        return _parquet_response(rows, kind)
    if to == "plover":
        meetings = {m["id"]: m for m in store.export_rows("meetings")}
        pieces = _jsonl_pieces(to_plover(rows, meetings=meetings, names=actor_names()))
    elif to == "jsonl":
        pieces = _jsonl_pieces(rows)
    else:
        pieces = _csv_pieces(rows, kind)
    return StreamingResponse(_chunked(pieces), media_type=EXPORT_MEDIA[to],
                             headers={"Content-Disposition": f'attachment; filename="{export_filename(kind, to)}"'})


@router.get("/stats", response_model=Counts, tags=["meta"])
def get_stats(request: Request) -> dict[str, Any]:
    """Row counts per table, for a quick health check."""
    return {"counts": _store(request).counts()}


# --------------------------------------------------------------------------- ingest

_INGEST_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": IngestRequest.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary",
                                 "description": "An article: text or HTML, UTF-8/UTF-16/windows-1256"},
                        "text": {"type": "string"},
                        "url": {"type": "string"},
                        "outlet": {"type": "string"},
                        "title": {"type": "string"},
                        "published": {"type": "string", "pattern": DATE_PATTERN},
                    },
                }
            },
        },
    }
}

_ingest_lock = threading.Lock()


def _run_ingest(store: Store, text: str, *, html: bool, source: str, url: str | None, outlet: str | None,
                title: str | None, published: str | None = None) -> dict[str, Any]:
    """Clean, extract and store one article (serialised: the store's dedup index is not thread-safe)."""
    from bayan.core import process
    from bayan.pipeline.ingest import RawInput

    raw = RawInput(source=source, text=None if html else text, html=text if html else None,
                   url=url, outlet=outlet, published=published, raw_bytes_len=len(text.encode("utf-8")))
    doc = process(raw)
    if title:
        doc.title = title
    with _ingest_lock:
        doc_id, status = store.add_document(doc, raw_text=raw.text, html=raw.html)
    detail = queries.document_detail(store, doc_id) or {}
    return {
        "document_id": doc_id,
        "status": status,
        "title": detail.get("title", doc.title),
        "outlet": detail.get("outlet", doc.outlet),
        "published": detail.get("published", doc.published),
        "meetings": detail.get("meetings", []),
        "extraction": doc.to_dict(include_body=False),
    }


def _multipart_replay(body: bytes):  # noqa: ANN202 - ASGI receive callable
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


@router.post(
    "/ingest",
    response_model=IngestResult,
    status_code=201,
    openapi_extra=_INGEST_OPENAPI,
    responses={
        200: {"model": IngestResult, "description": "Already stored (duplicate)"},
        401: {"model": ErrorBody, "description": "Missing or wrong bearer token"},
        403: {"model": ErrorBody, "description": "Writes disabled off loopback without a token"},
        413: {"model": ErrorBody, "description": "Body larger than 2 MB"},
        415: {"model": ErrorBody, "description": "Neither JSON nor multipart"},
        422: {"model": ErrorBody, "description": "Invalid or unreadable article"},
    },
    tags=["ingest"],
)
async def post_ingest(request: Request, response: Response) -> dict[str, Any]:
    """Store one article (JSON ``{"text","url","outlet","title"}`` or a multipart ``file``) and extract it.

    Needs ``Authorization: Bearer <token>`` when the server has a token; without one,
    writes are only accepted on loopback. Bodies over 2 MB are refused with 413.
    """
    require_write(request)
    limit = int(getattr(request.app.state, "max_upload", MAX_UPLOAD_BYTES))
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in ("application/json", "multipart/form-data"):
        raise HTTPException(status_code=415, detail="send application/json or multipart/form-data")
    body = await _read_limited(request, limit)
    html = False
    if ctype == "application/json":
        try:
            payload = IngestRequest.model_validate_json(body)
        except ValidationError as exc:
            first = exc.errors()[0] if exc.errors() else {}
            where = ".".join(str(x) for x in first.get("loc", ())) or "body"
            raise HTTPException(status_code=422, detail=f"invalid JSON body ({where}: {first.get('msg', 'invalid')})") from None
        text, url, outlet, title = payload.text, payload.url, payload.outlet, payload.title
        published = payload.published
        source = "api:pasted"
    else:
        from bayan.pipeline.ingest import decode_bytes, looks_like_html

        replay = Request(request.scope, receive=_multipart_replay(body))
        try:
            form = await replay.form(max_files=1, max_fields=10)
        except Exception:  # noqa: BLE001 - malformed multipart is the client's error
            raise HTTPException(status_code=422, detail="malformed multipart body") from None

        def field(name: str, maxlen: int) -> str | None:
            v = form.get(name)
            return (v.strip()[:maxlen] or None) if isinstance(v, str) else None

        url, outlet, title = field("url", 2000), field("outlet", 200), field("title", 1000)
        published = field("published", 64)
        if published and not re.fullmatch(DATE_PATTERN, published):
            raise HTTPException(status_code=422, detail="published must be YYYY, YYYY-MM or YYYY-MM-DD")
        upload = form.get("file")
        if upload is not None and not isinstance(upload, str):
            data = await upload.read()
            name = (upload.filename or "upload").replace("\\", "/").rsplit("/", 1)[-1][:200]
            try:
                text, _enc = decode_bytes(data)
            except Exception:  # noqa: BLE001 - binary or undecodable upload
                raise HTTPException(status_code=422, detail="unreadable file: not text or HTML") from None
            html = name.lower().endswith((".html", ".htm", ".xhtml")) or looks_like_html(text)
            source = f"upload:{name}"
        else:
            text = form.get("text") if isinstance(form.get("text"), str) else ""
            source = "api:pasted"
        await form.close()
    text = (text or "").lstrip("\ufeff")
    if not text.strip():
        raise HTTPException(status_code=422, detail="the article is empty")
    if ctype == "application/json":
        from bayan.pipeline.ingest import looks_like_html

        html = looks_like_html(text)
    result = await run_in_threadpool(_run_ingest, _store(request), text, html=html, source=source, url=url,
                                     outlet=outlet, title=title, published=published)
    if result["status"] != "new":
        response.status_code = 200
    return result
