"""The Bayan store: documents, extractions and merged meeting records.

``Store(url)`` opens (and migrates) a database; ``add_document`` ingests one extracted
:class:`~bayan.models.Document`, deduplicates it (exact by content hash, near by MinHash),
and links its meetings to existing meeting records, keeping every source's value so
disagreements between outlets stay visible.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Engine,
    Text,
    bindparam,
    cast,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from bayan.arabic.normalise import normalise
from bayan.models import Document, Meeting
from bayan.store import candidates
from bayan.store.db import open_db, upgrade
from bayan.store.direct import DirectStatements
from bayan.store.models import (
    TABLES,
    ActorRow,
    Base,
    DocumentRow,
    ExtractionRow,
    FollowUpRow,
    FramingRow,
    MeetingRow,
    MeetingSourceRow,
    MinhashBandRow,
    ParticipantRow,
    StatementRow,
)

NUM_PERM = 128
SHINGLE = 5
NEAR_DUP_THRESHOLD = 0.8
MINHASH_MAX_CHARS = 1_000_000  # shingle at most this much: memory stays flat on huge bodies
DATE_WINDOW_DAYS = 3
# merge a new report into its record incrementally when that gives the full recompute's
# result (Store._append_source); False recomputes every time (tests compare the two)
INCREMENTAL_MERGE = True
DIRECT_WRITES = True  # SQLite: the write path bypasses SQLAlchemy's execution layer (bayan.store.direct)
# follow-ups that a later meeting can fulfil (a working group or mechanism is not a meeting)
LINKABLE_FOLLOWUPS = frozenset({"summit", "meeting", "round", "ministerial"})
FOLLOWUP_REACH_DAYS = 200  # an undated "next meeting" is looked for this far ahead
MEETING_FIELDS = ("format", "round", "city", "country", "start_date", "end_date", "level")

_WORD = re.compile(r"\w+", re.UNICODE)
# optional conjunction, optional preposition, optional article — or conjunction + لل
_CLITIC = re.compile(r"(?:[وف]?[بلك]?ال|[وف]?لل|[وف]?[بلك]|[وف])")
_YEARLESS = re.compile(r"^(?:--|XXXX-|xxxx-)?(\d{2})-(\d{2})$")


# --------------------------------------------------------------------------- helpers


def strip_clitics(word: str) -> str:
    """Strip leading clitics (و ف ب ل ك ال لل) when at least three letters remain."""
    for n in range(min(4, len(word) - 3), 0, -1):
        if _CLITIC.fullmatch(word[:n]):
            return word[n:]
    return word


# Function words dropped from a query that has other words (normalised, clitics stripped).
# Not على/علي: after folding it is also the name Ali.
_STOPWORDS = frozenset({"في", "من", "عن", "مع", "الي", "او", "ان", "ما", "لا", "قد", "ثم", "التي", "الذي", "هذا",
                        "هذه", "ذلك", "تلك"})
# Queries matching more documents than this are ranked within the most recently stored
# SEARCH_WINDOW matches, so latency stays bounded however common the words are.
SEARCH_WINDOW = 2000


def query_terms(query: str) -> list[str]:
    """Normalise a search query and strip clitic prefixes from each word.

    Function words (في، من، إلى …) are dropped when the query has other words.
    """
    words = _WORD.findall(normalise(query))
    out: list[str] = []
    for w in words:
        t = strip_clitics(w)
        if t and t not in out:
            out.append(t)
    kept = [t for t in out if t not in _STOPWORDS]
    return kept or out


# PostgreSQL text search configuration of ``documents.search_tsv`` (migration 0004).
PG_TS_CONFIG = "simple"
# Every leading-clitic string ``strip_clitics`` removes (و ف ب ل ك ال لل and their
# combinations, at most four letters), shortest first.
CLITIC_PREFIXES = tuple(
    sorted(
        {a + b + c for a in ("", "و", "ف") for b in ("", "ب", "ل", "ك") for c in ("", "ال")} | {"لل", "ولل", "فلل"},
        key=lambda x: (len(x), x),
    )
)


def pg_tsquery(terms: list[str]) -> str:
    """A ``to_tsquery`` string ranking documents by the query terms.

    The stored tsvector holds the normalised words as written (with their clitics), so
    each clitic-stripped term becomes a prefix query for itself and for every clitic
    form (``نظام`` → ``'نظام':* | 'النظام':* | 'بالنظام':* | …``); terms are ORed so a
    document matched by substring only (``اللهيان`` inside ``عبداللهيان``) still ranks.
    """
    alts = []
    for t in terms:
        t = t.replace("\\", "\\\\").replace("'", "''")
        alts += [f"'{c}{t}':*" for c in CLITIC_PREFIXES]
    return " | ".join(alts)


def content_hash_of(doc: Document, raw_text: str) -> str:
    if doc.content_hash:
        return doc.content_hash
    return hashlib.sha256((doc.body or raw_text or "").encode("utf-8")).hexdigest()


def _shingles(norm: str) -> list[str]:
    words = _WORD.findall(norm)
    if not words:
        return []
    if len(words) < SHINGLE:
        return [" ".join(words)]
    return [" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]


@lru_cache(maxsize=1)
def _permutations():  # noqa: ANN202 - numpy array
    """The seed-1 permutations, drawn once: datasketch redraws them for every MinHash
    (128 RandomState draws, ~1 ms per document), always to the same values."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1).permutations


def minhash_of(norm: str):  # noqa: ANN201 - datasketch.MinHash
    """MinHash over word 5-shingles of normalised text; None when there are no words."""
    from datasketch import MinHash

    shingles = _shingles(norm[:MINHASH_MAX_CHARS])
    if not shingles:
        return None
    mh = MinHash(num_perm=NUM_PERM, seed=1, permutations=_permutations())
    mh.update_batch([sh.encode("utf-8") for sh in set(shingles)])  # same values as update(), vectorised
    return mh


LSH_BANDS, LSH_ROWS = 20, 6  # P(candidate) ≈ 0.998 at Jaccard 0.8, ≈ 0.015 at 0.3
LSH_MAX_CANDIDATES = 50


def band_hashes(sig: bytes) -> list[tuple[int, int]]:
    """(band, signed 64-bit hash) of each LSH band of a stored MinHash signature."""
    width = LSH_ROWS * 8
    return [
        (b, int.from_bytes(hashlib.blake2b(sig[b * width : (b + 1) * width], digest_size=8).digest(),
                           "little", signed=True))
        for b in range(LSH_BANDS)
    ]


def _sig_bytes(mh) -> bytes:  # noqa: ANN001
    return mh.hashvalues.astype("<u8").tobytes()


@dataclass(frozen=True)
class NewSource:
    """One document's report of a meeting, as merged into the meeting's record."""

    document_id: int
    published: str | None
    primary: bool
    values: dict[str, Any]
    actors: set[str]


class _SourceRow(NamedTuple):
    """A source as ``_SQL_MEETING_SOURCES`` reads it back."""

    values: dict[str, Any]
    primary: bool
    local_index: int
    document_id: int
    published: str | None


@dataclass(frozen=True)
class StoreReady:
    """What storing a document derives from the document alone.

    Normalising the body, its MinHash and the extraction JSON are about a third of the
    writer's work per article. ``bayan ingest --workers`` computes them on the Dask
    workers (``Document.store_ready``), so the single writer does not.
    """

    body_norm: str
    title_norm: str
    signature: bytes | None  # MinHash values, little-endian uint64; None when the body has no words
    payload: str  # Document.to_dict(include_body=False) as JSON


def extraction_payload(doc: Document) -> str:
    return json.dumps(doc.to_dict(include_body=False), ensure_ascii=False, sort_keys=True)


def store_ready(doc: Document) -> StoreReady:
    body_norm = normalise(doc.body or "")
    mh = minhash_of(body_norm)
    return StoreReady(
        body_norm=body_norm,
        title_norm=normalise(doc.title or ""),
        signature=_sig_bytes(mh) if mh is not None else None,
        payload=extraction_payload(doc),
    )


def _parse_date(value: str | None) -> tuple[str, date | None, tuple[int, int] | None]:
    """Classify a date string: ('day', date) | ('partial', None) | ('yearless', (m, d))."""
    if not value:
        return "none", None, None
    m = _YEARLESS.match(value)
    if m:
        return "yearless", None, (int(m.group(1)), int(m.group(2)))
    try:
        return "day", date.fromisoformat(value[:10]), None
    except ValueError:
        return "partial", None, None


def is_undated(start_date: Any) -> bool:
    """No full day: None, a year, a month or a year-less ``--MM-DD`` (``meetings.undated``)."""
    return start_date is None or str(start_date).startswith("--") or len(str(start_date)) < 10


def dates_close(a: str | None, b: str | None, days: int = DATE_WINDOW_DAYS) -> bool:
    """True when two ISO dates (any precision, or year-less ``--MM-DD``) can be the same event."""
    if not a or not b:
        return True
    ka, da, ma = _parse_date(a)
    kb, db, mb = _parse_date(b)
    if ka == "day" and kb == "day":
        return abs((da - db).days) <= days  # type: ignore[operator]
    if "yearless" in (ka, kb):
        md_a = ma if ka == "yearless" else ((da.month, da.day) if da else None)
        md_b = mb if kb == "yearless" else ((db.month, db.day) if db else None)
        if md_a is None or md_b is None:
            return True
        try:
            x, y = date(2000, *md_a), date(2000, *md_b)
        except ValueError:
            return False
        return abs((x - y).days) <= days
    return a.startswith(b) or b.startswith(a)


def _shift(day: str, days: int) -> str | None:
    kind, d, _ = _parse_date(day)
    return (d + timedelta(days=days)).isoformat() if kind == "day" and d else None


def _strong_date_match(a: str | None, b: str | None) -> bool:
    ka, da, _ = _parse_date(a)
    kb, db, _ = _parse_date(b)
    return ka == kb == "day" and abs((da - db).days) <= DATE_WINDOW_DAYS  # type: ignore[operator]


def _decoded(value: Any) -> Any:
    """A JSON column read as text (cast for speed on SQLite) or already decoded (PostgreSQL)."""
    return json.loads(value) if isinstance(value, str) else value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a == b or _fold_key(a) == _fold_key(b)
    return a == b


@lru_cache(maxsize=4096)
def _fold_key(value: str) -> str:
    """Comparison form of a city or format name; linking compares the same few names
    thousands of times per thousand articles."""
    return normalise(value).casefold().strip()


def _doc_order_key(doc: DocumentRow) -> tuple[str, int]:
    return (doc.published or "9999", doc.id)


def _could_link(vals: dict[str, Any], actors: set[str]) -> bool:
    """False when ``Store._compat`` rejects every record for these values, whatever it holds.

    A reference in passing with no date, and a meeting with no participant and no full
    day, can only be a record of the same format and round; without both they start a
    record of their own, and looking up candidates would be wasted work.
    """
    if _explicit(vals, "format") and vals.get("round") is not None:
        return True
    sd = vals.get("start_date")
    if not vals.get("primary", True) and not sd:
        return False
    return bool(actors) or (bool(sd) and len(sd) == 10)


def meeting_values(m: Meeting) -> dict[str, Any]:
    """The merge-relevant values one document reports for one meeting."""
    inferred = sorted(
        {k for k in m.inferred_from}
        | ({"format"} if m.format_inferred else set())
        | ({"city"} if m.city_inferred else set())
        | ({"start_date", "end_date"} if m.dates_inferred else set())
    )
    vals: dict[str, Any] = {f: getattr(m, f) for f in MEETING_FIELDS}
    vals["inferred"] = inferred
    vals["primary"] = m.primary
    # values the article itself contradicts (e.g. "round 7" once where it says 17 four times)
    conflicts = [
        {k: c.get(k) for k in ("field", "value", "chosen", "count", "chosen_count", "text", "start", "end")}
        for c in (m.conflicts or [])
        if isinstance(c, dict) and c.get("field") in MEETING_FIELDS
    ]
    if conflicts:
        vals["conflicts"] = conflicts
    return vals


def _explicit(vals: dict[str, Any], field: str) -> Any:
    """A value as evidence for linking: an inferred format (other/bilateral by head count,
    or a format guessed from the participants) is no evidence against another format."""
    if field == "format" and "format" in (vals.get("inferred") or ()):
        return None
    return vals.get(field)


@lru_cache(maxsize=1)
def format_overlaps() -> dict[str, frozenset[str]]:
    """Formats that outlets use for the same meeting (``overlaps`` in formats.yaml), both ways."""
    from bayan.lang.ar import yaml_data

    try:
        data = yaml_data("formats.yaml")
    except FileNotFoundError:
        return {}
    entries = data.get("formats", []) if isinstance(data, dict) else data or []
    pairs: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("key"):
            continue
        for other in entry.get("overlaps") or []:
            pairs[entry["key"]].add(other)
            pairs[other].add(entry["key"])
    return {k: frozenset(v) for k, v in pairs.items()}


def formats_overlap(a: str | None, b: str | None) -> bool:
    return bool(a and b) and (a == b or b in format_overlaps().get(a or "", frozenset()))


@lru_cache(maxsize=1)
def actor_names() -> dict[str, tuple[str | None, str | None, str | None]]:
    """key → (name_en, name_ar, type) from the packaged actor gazetteer (best effort)."""
    from bayan.lang.ar import tsv

    try:
        rows = tsv("actors.tsv")
    except OSError:
        return {}
    return {
        row["key"]: (row.get("name_en") or None, row.get("name_ar") or None, row.get("type") or None)
        for row in rows
        if row.get("key")
    }


# --------------------------------------------------------------------------- store


_HELD_COLUMNS = tuple(
    getattr(MeetingRow, c) for c in ("id", "format", "round", "city", "country", "start_date", "level")
)


class _HeldMeetings:
    """Dated meetings (rows of ``_HELD_COLUMNS``) in (start date, id) order, by format, by
    format and round, and by place (folded city or country), each list with its start
    dates for bisection."""

    def __init__(self, meetings: list[Any]):
        lists: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
        for m in meetings:  # already in (start date, id) order
            keys = {("format", None), ("format", m.format)}
            if m.round is not None:
                keys |= {("round", None, m.round), ("round", m.format, m.round)}
            for place in (m.city, m.country):
                if isinstance(place, str) and place:
                    keys |= {("place", None, _fold_key(place)), ("place", m.format, _fold_key(place))}
            for key in keys:
                lists[key].append(m)
        self._lists = {k: (v, [m.start_date or "" for m in v]) for k, v in lists.items()}

    def _from(self, key: tuple[Any, ...], floor: str | None) -> Iterator[Any]:
        got = self._lists.get(key)
        if got is None:
            return iter(())
        rows, starts = got
        return iter(rows[bisect_left(starts, floor):] if floor else rows)

    def of_format(self, fmt: str | None, floor: str | None) -> Iterator[Any]:
        """Every meeting (``fmt`` None) or those of ``fmt``, from the first starting at ``floor``."""
        return self._from(("format", fmt or None), floor)

    def of_round(self, fmt: str | None, round_: int, floor: str | None) -> Iterator[Any]:
        return self._from(("round", fmt or None, round_), floor)

    def at_place(self, fmt: str | None, place: str, floor: str | None) -> Iterator[Any]:
        return self._from(("place", fmt or None, _fold_key(place)), floor)


class Store:
    """Repository over a Bayan database (SQLite by default, PostgreSQL portable)."""

    def __init__(self, url: str | None = None, *, migrate: bool = True, engine: Engine | None = None):
        self.engine = engine or open_db(url)
        if migrate:
            upgrade(self.engine)
        self._actor_keys: set[str] | None = None
        self._fts: bool | None = None
        # the write path's statements skip SQLAlchemy's execution layer on SQLite (bayan.store.direct)
        self._direct = DirectStatements() if self.is_sqlite and DIRECT_WRITES else None

    # ---- plumbing

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        s = Session(self.engine)
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            self._actor_keys = None
            raise
        finally:
            s.close()

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        """A session for a read made of several SELECTs.

        PostgreSQL: one REPEATABLE READ snapshot for all of them; its default, READ
        COMMITTED, gives each SELECT its own, so a concurrent ingest could commit, say,
        statements whose document an earlier SELECT of the same read did not see.
        SQLite: :meth:`session` unchanged.
        """
        with self.session() as s:
            if not self.is_sqlite:
                s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            yield s

    def _has_fts(self, s: Session) -> bool:
        """SQLite: the FTS5 table exists. PostgreSQL: the generated ``search_tsv`` column
        of migration 0004 exists (else search uses the portable LIKE fallback)."""
        if self._fts is None and not self.is_sqlite:
            self._fts = s.execute(
                text(
                    "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()"
                    " AND table_name = 'documents' AND column_name = 'search_tsv'"
                )
            ).first() is not None
        if self._fts is None:
            row = s.execute(
                text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='documents_fts'")
            ).first()
            self._fts = row is not None
        return self._fts

    def _run(self, conn: Connection, stmt: Any, params: Any) -> Any:
        """Execute a write-path statement: straight on the SQLite cursor, else through SQLAlchemy."""
        if self._direct is not None:
            return self._direct.execute(conn, stmt, params)
        return conn.execute(stmt, params)

    def _first(self, conn: Connection, stmt: Any, params: dict[str, Any]) -> tuple[Any, ...] | None:
        """The first row of a write-path query as a plain tuple (None when there is none)."""
        if self._direct is not None:
            return self._direct.execute(conn, stmt, params).fetchone()
        row = conn.execute(stmt, params).first()
        return tuple(row) if row is not None else None

    # ---- near-duplicate index

    def _find_near(self, s: Session, sig: bytes) -> tuple[int, float] | None:
        """The most similar original document at Jaccard ≥ NEAR_DUP_THRESHOLD, via the stored bands."""
        import numpy as np

        conn = s.connection()
        params: dict[str, Any] = {"lim": LSH_MAX_CANDIDATES}
        for b, h in band_hashes(sig):
            params[f"b{b}"], params[f"h{b}"] = b, h
        rows = self._run(conn, _SQL_NEAR_CANDIDATES, params).fetchall()
        if not rows:
            return None
        mine = np.frombuffer(sig, dtype="<u8")
        best: tuple[int, float] | None = None
        for doc_id, other in rows:
            j = float(np.mean(mine == np.frombuffer(bytes(other), dtype="<u8")))
            if j >= NEAR_DUP_THRESHOLD and (best is None or j > best[1] or (j == best[1] and doc_id < best[0])):
                best = (doc_id, j)
        return best

    # ---- ingestion
    #
    # The write path uses SQLAlchemy Core statements built once (module level) instead
    # of ORM objects: per article it inserts ~50 rows and runs ~10 lookups, and ORM
    # unit-of-work bookkeeping and expression building were 90% of ingest time
    # (bench/RESULTS.md, "Ingest"). Rows, ids and order are the same as before.

    def add_document(
        self,
        doc: Document,
        raw_text: str | None = None,
        html: str | None = None,
        *,
        extractor_version: str = "",
    ) -> tuple[int, str]:
        """Store one document and its facts. Returns (document id, "new"|"duplicate"|"near_duplicate")."""
        with self.session() as s:
            fts: list[dict[str, Any]] = []
            result = self._add(s, doc, raw_text, html, extractor_version, fts)
            self._index_text(s, fts)
            return result

    def add_documents(
        self,
        items: Iterable[Document | tuple[Document, str | None, str | None]],
        *,
        batch_size: int = 100,
        extractor_version: str = "",
    ) -> list[tuple[int, str]]:
        """Add many documents, committing every ``batch_size`` documents."""
        results: list[tuple[int, str]] = []
        batch: list[tuple[Document, str | None, str | None]] = []

        def flush() -> None:
            if not batch:
                return
            with self.session() as s:
                fts: list[dict[str, Any]] = []
                for d, r, h in batch:
                    results.append(self._add(s, d, r, h, extractor_version, fts))
                self._index_text(s, fts)
            batch.clear()

        for item in items:
            batch.append(item if isinstance(item, tuple) else (item, None, None))
            if len(batch) >= batch_size:
                flush()
        flush()
        return results

    def _index_text(self, s: Session, fts: list[dict[str, Any]]) -> None:
        """Write the batch's full-text rows, last in its transaction.

        FTS5 keeps added rows in memory and writes them out as one index segment at
        commit, but also whenever a later statement of the transaction opens a
        savepoint (its ``xSavepoint`` flushes): written after each document, as
        before, every article made its own segment, flushed by the next document's
        or meeting's insert, and automerge then had ~100x more segments to merge
        (about a fifth of the writer's time). Last in the transaction, a batch makes
        one segment.
        """
        if fts and self.is_sqlite and self._has_fts(s):
            self._run(s.connection(), _SQL_FTS_INSERT, fts)

    def _add(
        self,
        s: Session,
        doc: Document,
        raw_text: str | None,
        html: str | None,
        version: str,
        fts: list[dict[str, Any]],
    ) -> tuple[int, str]:
        """Store one document; its full-text row is appended to ``fts`` for
        :meth:`_index_text`."""
        conn = s.connection()
        raw = raw_text if raw_text is not None else (doc.raw_text or "")
        html = html if html is not None else doc.html
        chash = content_hash_of(doc, raw)
        found = self._first(conn, _SQL_BY_HASH, {"h": chash})
        if found is not None:
            return found[0], "duplicate"

        body = doc.body or ""
        ready = doc.store_ready if isinstance(doc.store_ready, StoreReady) else store_ready(doc)
        body_norm, title_norm, sig = ready.body_norm, ready.title_norm, ready.signature
        near = self._find_near(s, sig) if sig is not None else None
        doc_id = self._first(
            conn,
            _INSERT_DOCUMENT,
            {
                "source": doc.source,
                "url": doc.url,
                "outlet": doc.outlet,
                "title": doc.title,
                "published": doc.published,
                "published_time": doc.published_time,
                "language": doc.language or "ar",
                "content_hash": chash,
                "raw_text": raw,
                "html": html,
                "body": body,
                "body_norm": body_norm,
                "title_norm": title_norm,
                "minhash": sig,
                "duplicate_of": near[0] if near else None,
                "similarity": round(near[1], 4) if near else None,
            },
        )[0]
        fts.append({"id": doc_id, "b": body_norm, "t": title_norm})
        self._add_extraction(s, doc_id, doc, version, ready.payload)
        if near:
            # stored and searchable, but its facts are not counted twice
            self._store_framing(s, doc_id, doc)
            return doc_id, "near_duplicate"
        if sig is not None:
            self._run(conn, _INSERT_BANDS, [{"document_id": doc_id, "band": b, "hash": h} for b, h in band_hashes(sig)])
        self._store_facts(s, doc_id, doc)
        return doc_id, "new"

    def _add_extraction(self, s: Session, doc_id: int, doc: Document, version: str, payload: str | None = None) -> None:
        if payload is None:
            payload = extraction_payload(doc)
        self._run(
            s.connection(), _INSERT_EXTRACTION, {"document_id": doc_id, "extractor_version": version, "payload": payload}
        )

    def _store_framing(self, s: Session, doc_id: int, doc: Document) -> None:
        rows = [
            {"document_id": doc_id, "kind": f.kind, "text": f.text, "start": f.start, "end": f.end, "label": f.label}
            for f in doc.framing
        ]
        if rows:
            self._run(s.connection(), _INSERT_FRAMING, rows)

    def _ensure_actor(self, s: Session, key: str | None) -> None:
        if not key:
            return
        if self._actor_keys is None:
            self._actor_keys = set(s.connection().execute(_SQL_ACTOR_KEYS).scalars())
        if key in self._actor_keys:
            return
        name_en, name_ar, kind = actor_names().get(key, (None, None, None))
        s.connection().execute(_INSERT_ACTOR, {"key": key, "name_en": name_en, "name_ar": name_ar, "type": kind})
        self._actor_keys.add(key)

    def _store_facts(self, s: Session, doc_id: int, doc: Document) -> None:
        conn = s.connection()
        self._store_framing(s, doc_id, doc)
        # A meeting is linked against records this document has not used yet, so its
        # rows can wait and go in with one statement per table; ids follow the same order.
        used: list[int] = []
        created: set[int] = set()
        sources: list[dict[str, Any]] = []
        participants: list[dict[str, Any]] = []
        statements: list[dict[str, Any]] = []
        follow_ups: list[dict[str, Any]] = []
        for idx, m in enumerate(doc.meetings):
            vals = meeting_values(m)
            actors = {p.actor for p in m.participants if p.actor}
            mid, was_created = self._link(s, vals, actors, set(used))
            used.append(mid)
            if was_created:
                created.add(mid)
            ev = m.evidence[0] if m.evidence else None
            sources.append(
                {
                    "meeting_id": mid,
                    "document_id": doc_id,
                    "primary": bool(m.primary),
                    "local_index": idx,
                    "values": vals,
                    "text": ev.text if ev else None,
                    "start": ev.start if ev else None,
                    "end": ev.end if ev else None,
                }
            )
            for p in m.participants:
                self._ensure_actor(s, p.actor)
                pe = p.evidence
                participants.append(
                    {
                        "meeting_id": mid,
                        "document_id": doc_id,
                        "actor": p.actor,
                        "role": p.role,
                        "inferred": bool(p.inferred),
                        "text": pe.text if pe else None,
                        "start": pe.start if pe else None,
                        "end": pe.end if pe else None,
                    }
                )
            for st in m.statements:
                for a in [*st.actors, st.target]:
                    self._ensure_actor(s, a)
                statements.append(
                    {
                        "meeting_id": mid,
                        "document_id": doc_id,
                        "actors": list(st.actors),
                        "act": st.act,
                        "topic": st.topic,
                        "target": st.target,
                        "text": st.text,
                        "start": st.start,
                        "end": st.end,
                        "attribution": st.attribution,
                        "speaker": st.speaker,
                    }
                )
            follow_ups += [
                {
                    "meeting_id": mid,
                    "document_id": doc_id,
                    "kind": fu.kind,
                    "format": fu.format,
                    "round": fu.round,
                    "place": fu.place,
                    "date_from": fu.date_from,
                    "date_to": fu.date_to,
                    "text": fu.text,
                    "start": fu.start,
                    "end": fu.end,
                    "status": "pending",
                    "fulfilled_by": None,
                }
                for fu in m.follow_ups
            ]
        for stmt, rows in (
            (_INSERT_SOURCE, sources),
            (_INSERT_PARTICIPANT, participants),
            (_INSERT_STATEMENT, statements),
            (_INSERT_FOLLOWUP, follow_ups),
        ):
            if rows:
                self._run(conn, stmt, rows)
        for mid, src_row in zip(used, sources, strict=True):
            new = NewSource(
                document_id=doc_id,
                published=doc.published,
                primary=src_row["primary"],
                values=src_row["values"],
                actors={p["actor"] for p in participants if p["meeting_id"] == mid and p["actor"]},
            )
            if mid in created:  # its one source is this report: nothing to read back
                row = _SourceRow(json.loads(json.dumps(new.values)), new.primary, src_row["local_index"], doc_id,
                                 doc.published)
                self._recompute(s, mid, rows=[row], actors=new.actors)
                continue
            if INCREMENTAL_MERGE and self._append_source(s, mid, new):
                continue
            self._recompute(s, mid)

    # ---- meeting linking and merging

    def _link(self, s: Session, vals: dict[str, Any], actors: set[str], exclude: set[int]) -> tuple[int, bool]:
        """Id of the compatible meeting record for these values, creating one if needed
        (then True)."""
        conn = s.connection()
        city = vals.get("city")
        raw: dict[int, Any] = {}
        for mid, rec_city, summary in self._candidates(s, vals, actors):
            if mid in exclude or mid in raw:
                continue
            if city and rec_city and not _same(city, rec_city):
                # another city: cannot be this meeting (unless a minority source of the
                # record named this city; its merged city is what linking compares)
                continue
            raw[mid] = summary
        decoded = {mid: _decoded(x) for mid, x in raw.items()}
        summaries: dict[int, dict[str, Any]] = {mid: x for mid, x in decoded.items() if isinstance(x, dict)}
        best: tuple[float, int] | None = None
        if raw:
            missing = [mid for mid in raw if mid not in summaries]
            if missing:  # records written before migration 0006, until they are recomputed
                summaries.update(_summaries_from_sources(conn, missing))
            for mid in sorted(summaries):
                summary = summaries[mid]
                score = self._compat(vals, actors, summary["seen"], set(summary["actors"]))
                if score is not None and (best is None or score > best[0]):
                    best = (score, mid)
        if best is not None:
            return best[1], False
        return self._first(
            conn,
            _INSERT_MEETING,
            {
                **{f: vals.get(f) for f in MEETING_FIELDS},
                "known_by_reference": not vals.get("primary", True),
                "fields": {},
                "link_summary": None,
                "undated": is_undated(vals.get("start_date")),
                "start_dates_vary": True,  # not known until the record is merged
            },
        )[0], True

    def _candidates(self, s: Session, vals: dict[str, Any], actors: set[str]) -> Iterable[tuple[int, str | None, Any]]:
        """Records this meeting could be — (id, city, link summary as stored) — from a few
        bounded indexed lookups, in one statement (:mod:`bayan.store.candidates`)."""
        if not _could_link(vals, actors):
            return ()
        names, named, params = self._lookups(vals)
        date_mode = None
        if self.is_sqlite:
            found = candidates.date_filter(vals.get("start_date"), DATE_WINDOW_DAYS)
            if found is not None:
                date_mode, date_params = found
                params.update(date_params)
        allowed = sum(1 for k in params if k.startswith("allowed_"))
        stmt = candidates.statement(tuple(names), named, date_mode, self.is_sqlite, allowed)
        return self._run(s.connection(), stmt, params)

    def _lookups(self, vals: dict[str, Any]) -> tuple[list[str], int, dict[str, Any]]:
        """The candidate lookups for a meeting's values: their names (``_fmt``: keeping only
        compatible formats), how many named formats the undated lookup covers, and the
        parameters of all of them.

        Dated meetings look in their date window; records without a day are reached
        only through something specific (same format and round, same city, same
        named format), so the work per article does not grow with the archive. Before,
        a dated meeting also looked at the 200 latest undated records of any compatible
        format, which at scale was 200 candidates for every meeting linked.
        """
        fmt = _explicit(vals, "format")
        allowed = sorted({fmt, *format_overlaps().get(fmt, ()), "other", "bilateral"}) if fmt else None
        names: list[str] = []
        params: dict[str, Any] = {}
        named_formats: list[str] = []

        def add(name: str, **values: Any) -> None:
            filtered = bool(allowed) and name in candidates.FORMAT_FILTERED
            names.append(name + ("_fmt" if filtered else ""))
            if filtered:  # "" is a record with no format
                params.update({f"allowed_{i}": f for i, f in enumerate([*allowed, ""])})  # type: ignore[misc]
            params.update(values)

        kind, day, _ = _parse_date(vals.get("start_date"))
        if kind == "day" and day is not None:
            lo = (day - timedelta(days=DATE_WINDOW_DAYS)).isoformat()
            hi = (day + timedelta(days=DATE_WINDOW_DAYS)).isoformat()
            add("window", lo=lo, hi=hi)
            if fmt and fmt not in {"other", "bilateral"}:
                # an undated record of the same named format ("the Astana talks")
                named_formats = sorted({fmt, *format_overlaps().get(fmt, ())})
            elif not vals.get("primary", True):
                # a reference in passing with no named format: only the most recent
                # undated records, whatever their format (a reference usually comes soon
                # after the meeting; all of them would grow with the archive). An article's
                # own meeting with no named format is not merged into an undated record on
                # shared actors alone: that put a dated bilateral meeting into "round 20".
                names.append("undated_recent")
        elif vals.get("start_date"):
            prefix = str(vals["start_date"])[:7] if not str(vals["start_date"]).startswith("--") else None
            if prefix:  # every date that starts with the prefix ("2023-04" → [2023-04, 2023-05))
                by_length = {7: "month", 4: "year"}
                if len(prefix) in by_length:
                    add(by_length[len(prefix)], prefix=prefix)
                else:
                    add("date_prefix", prefix=prefix, prefix_end=prefix[:-1] + chr(ord(prefix[-1]) + 1))
        if fmt and vals.get("round") is not None:
            # a dated meeting finds the dated records of its round in its window already
            add("format_round_undated" if kind == "day" else "format_round", fmt=fmt, round=vals["round"])
        if vals.get("city"):
            add("city_undated" if kind == "day" else "city", city=vals["city"])
        if fmt and fmt not in {"other", "bilateral"} and kind != "day":
            add("format", fmt=fmt)
        params.update({f"named_{i}": f for i, f in enumerate(named_formats)})
        return names, len(named_formats), params

    @staticmethod
    def _compat(
        vals: dict[str, Any], actors: set[str], seen: dict[str, list[Any]], rec_actors: set[str]
    ) -> float | None:
        """Score of a compatible record, or None when the meeting cannot be that record.

        ``seen`` holds the explicit (not inferred) values the record's sources report.
        Two outlets may name one meeting with overlapping formats (an Arab League
        ministerial vs the Arab consultative meeting); that is tolerated only when the
        place, the dates and at least two participants agree, and the merged record
        then shows the disagreement.
        """

        def ok(f: str) -> bool:
            v = _explicit(vals, f)
            return v is None or not seen.get(f) or any(_same(v, x) for x in seen[f])

        if not ok("city") or not ok("country"):
            return None
        sd = vals.get("start_date")
        if sd and seen.get("start_date") and not any(dates_close(sd, x) for x in seen["start_date"]):
            return None
        shared = actors & rec_actors
        fmt = _explicit(vals, "format")
        same_format = bool(fmt) and fmt in seen.get("format", [])
        if not ok("format"):
            same_city = bool(vals.get("city")) and any(_same(vals["city"], c) for c in seen.get("city", []))
            overlapping = any(formats_overlap(fmt, x) for x in seen["format"])
            if not (overlapping and same_city and sd and seen.get("start_date") and len(shared) >= 2):
                return None
        strong_date = bool(sd) and any(_strong_date_match(sd, x) for x in seen.get("start_date", []))
        same_city = bool(vals.get("city")) and any(_same(vals["city"], c) for c in seen.get("city", []))
        round_ok = ok("round")
        if not round_ok and not (strong_date and same_format):
            return None  # a round disagreement is tolerated only for a clear date match
        same_fr = same_format and round_ok and vals.get("round") is not None and bool(seen.get("round"))
        if not vals.get("primary", True) and not sd and not same_fr:
            return None  # "the committee in Geneva", with no date or round, is no particular meeting
        # mentions in passing often name no participants: the same day in the same city will do
        same_day = bool(sd) and len(sd) == 10 and sd in seen.get("start_date", [])
        same_day_place = same_day and same_city and (same_format or not fmt or not seen.get("format"))
        if not shared and not same_fr and not same_day_place:
            return None
        score = 0.0
        for f in MEETING_FIELDS:
            v = vals.get(f)
            if v is not None and seen.get(f) and any(_same(v, x) for x in seen[f]):
                score += 1.0
        return score + 2.0 * strong_date + 0.1 * len(shared)

    def _recompute(
        self, s: Session, mid: int, rows: list[Any] | None = None, actors: Iterable[str] | None = None
    ) -> None:
        """Recompute a meeting's merged fields from all of its sources (``rows`` and
        ``actors``: what reading them back would give, when the caller has them)."""
        conn = s.connection()
        if rows is None:
            rows = list(conn.execute(_SQL_MEETING_SOURCES, {"mid": mid}).all())
            actors = None
        if not rows:
            conn.execute(_SQL_DELETE_MEETING, {"mid": mid})
            return
        # (values, primary, local_index, document id, published), earliest document first
        rows.sort(key=lambda r: ((r.published or "9999", r.document_id), r.local_index))
        # full dates reported by any source, for filling in a missing year
        full_dates = [
            (r.document_id, r.values.get(f))
            for r in rows
            for f in ("start_date", "end_date")
            if _parse_date(r.values.get(f))[0] == "day"
        ]
        fields: dict[str, Any] = {}
        all_inferred_only: dict[str, dict[str, bool]] = {}
        yearless_left = False
        for f in MEETING_FIELDS:
            values: dict[str, list[int]] = {}
            typed: dict[str, Any] = {}
            inferred_only: dict[str, bool] = all_inferred_only.setdefault(f, {})
            sources: list[int] = []
            notes: list[str] = []
            for r in rows:
                doc_id = r.document_id
                v = r.values.get(f)
                if v is None:
                    continue
                kind, _, md = _parse_date(v) if f in ("start_date", "end_date") else ("", None, None)
                if kind == "yearless" and md:
                    for other_id, full in full_dates:
                        if (int(full[5:7]), int(full[8:10])) == md:
                            notes.append(f"year of {v!r} from document {doc_id} filled from document {other_id}")
                            v = full
                            break
                    else:
                        yearless_left = True
                key = str(v)
                typed.setdefault(key, v)
                ids = values.setdefault(key, [])
                if doc_id not in ids:
                    ids.append(doc_id)
                inf = f in (r.values.get("inferred") or [])
                inferred_only[key] = inferred_only.get(key, True) and inf
                if doc_id not in sources:
                    sources.append(doc_id)
            if values:
                # explicit values beat inferred ones; then majority; ties go to the value
                # first reported by the earliest document
                best_key = max(values, key=lambda k: (not inferred_only.get(k), len(values[k])))
                inconsistent = [
                    {"document_id": r.document_id, **c}
                    for r in rows
                    for c in r.values.get("conflicts") or []
                    if c.get("field") == f
                ]
                entry = _field_entry(
                    typed[best_key], best_key, values, sources, bool(inferred_only.get(best_key)), notes, inconsistent
                )
            else:
                entry = {"value": None, "support": 0, "sources": [], "values": {}}
            fields[f] = entry
        if actors is None:
            actors = conn.execute(_SQL_MEETING_ACTORS, {"ids": [mid]}).scalars()
        summary = _link_summary((r.values for r in rows), actors)
        merge = {
            "last": [rows[-1].published or "9999", rows[-1].document_id],
            "published": {str(r.document_id): r.published or "9999" for r in rows},
            "inferred_only": all_inferred_only,
            "yearless": yearless_left,
        }
        self._run(
            conn,
            _SQL_UPDATE_MEETING,
            {
                "mid": mid,
                **{f: fields[f]["value"] for f in MEETING_FIELDS},
                "known_by_reference": not any(r.primary for r in rows),
                "fields": fields,
                "undated": is_undated(fields["start_date"]["value"]),
                "link_summary": summary,
                "merge_state": merge,
                "start_dates_vary": len(summary["seen"].get("start_date", ())) > 1,
            },
        )

    def _append_source(self, s: Session, mid: int, new: NewSource) -> bool:
        """Merge one more source into a record without reading all of its sources.

        Only when the result is the one :meth:`_recompute` would give, which orders a
        record's sources by (publication date, document id): a report that sorts after
        every earlier one (an archive ingested in date order) is appended; one that
        sorts before some (any other order) is put in its place, using the publication
        dates the merge state keeps for each source. Year-less dates, and a report
        sorting before a source whose year-less date was filled in, go to the caller
        (returns False), which recomputes. Keeps the work per article flat when a
        meeting has thousands of reports, whatever the input order.
        """
        conn = s.connection()
        cur = self._first(conn, _SQL_MEETING_STATE, {"mid": mid})
        if cur is None:
            return False
        known_by_reference, fields_json, summary_json, merge_json = cur
        if not fields_json or summary_json is None or merge_json is None:
            return False
        summary, merge = _decoded(summary_json), _decoded(merge_json)
        if not isinstance(summary, dict) or not isinstance(merge, dict):  # JSON null: not merged yet
            return False
        doc_id = new.document_id
        order_key = [new.published or "9999", doc_id]
        in_order = order_key > merge["last"]
        published: dict[str, str] | None = merge.get("published")  # records merged before 2026-12-04 lack it
        if not in_order and (published is None or str(doc_id) in published):
            return False
        kinds = {_parse_date(new.values.get(f))[0] for f in ("start_date", "end_date")}
        if "yearless" in kinds or (merge["yearless"] and "day" in kinds):
            return False
        fields = _decoded(fields_json)
        if not in_order and any(fields[f].get("notes") for f in ("start_date", "end_date")):
            return False  # an earlier full date could fill a year-less one in instead
        if published is not None:
            published[str(doc_id)] = order_key[0]

        def rank(d: int) -> tuple[str, int]:
            return (published[str(d)], d) if published is not None else ("", d)

        def place(ids: list[int]) -> None:
            """Put ``doc_id`` where the full recompute's source order has it."""
            if doc_id in ids:
                return
            pos = len(ids)
            if not in_order:
                mine = rank(doc_id)
                while pos > 0 and rank(ids[pos - 1]) > mine:
                    pos -= 1
            ids.insert(pos, doc_id)

        for f in MEETING_FIELDS:
            v = new.values.get(f)
            entry = fields[f]
            values: dict[str, list[int]] = entry["values"]
            if v is not None:
                key = str(v)
                place(values.setdefault(key, []))
                place(entry["sources"])
                io = merge["inferred_only"].setdefault(f, {})
                io[key] = io.get(key, True) and f in (new.values.get("inferred") or [])
                if not in_order:  # values in the order they were first reported
                    values = dict(sorted(values.items(), key=lambda kv: rank(kv[1][0])))
            if not values:
                continue
            io = merge["inferred_only"][f]
            best_key = max(values, key=lambda k: (not io.get(k), len(values[k])))
            if v is not None and best_key == str(v):
                value = v
            elif best_key == str(entry["value"]):
                value = entry["value"]
            else:
                value = int(best_key) if f == "round" else best_key
            inconsistent = list(entry.get("inconsistent") or []) + [
                {"document_id": doc_id, **c} for c in new.values.get("conflicts") or [] if c.get("field") == f
            ]
            if not in_order:
                inconsistent.sort(key=lambda c: rank(c["document_id"]))  # stable: a document's own order kept
            rebuilt = _field_entry(
                value, best_key, values, entry["sources"], bool(io.get(best_key)), entry.get("notes"), inconsistent
            )
            fields[f] = rebuilt
        seen = summary["seen"]
        for f in MEETING_FIELDS:
            x = _explicit(new.values, f)
            if x is not None and x not in seen.setdefault(f, []):
                seen[f] = _seen_order([*seen[f], x])
        summary["actors"] = sorted(set(summary["actors"]) | new.actors)
        merge["last"] = max(order_key, merge["last"])
        self._run(
            conn,
            _SQL_UPDATE_MEETING,
            {
                "mid": mid,
                **{f: fields[f]["value"] for f in MEETING_FIELDS},
                "known_by_reference": bool(known_by_reference) and not new.primary,
                "fields": fields,
                "undated": is_undated(fields["start_date"]["value"]),
                "link_summary": summary,
                "merge_state": merge,
                "start_dates_vary": len(seen.get("start_date", ())) > 1,
            },
        )
        return True

    # ---- queries

    def counts(self) -> dict[str, int]:
        with self._reading() as s:
            out: dict[str, int] = {}
            for mapper in Base.registry.mappers:
                table = mapper.class_.__tablename__
                out[table] = s.scalar(select(func.count()).select_from(mapper.class_)) or 0
            return {t: out[t] for t in TABLES if t in out}

    def meetings(self) -> list[dict[str, Any]]:
        """All meeting records with merged fields and source documents."""
        return self.timeline(include_fields=True)

    def timeline(self, *, include_fields: bool = False) -> list[dict[str, Any]]:
        """Meetings in date order (undated last) with the number of sources."""
        with self._reading() as s:
            srcs: dict[int, list[int]] = defaultdict(list)
            for mid, did in s.execute(select(MeetingSourceRow.meeting_id, MeetingSourceRow.document_id)):
                if did not in srcs[mid]:
                    srcs[mid].append(did)
            out = []
            for m in s.scalars(select(MeetingRow)):
                item: dict[str, Any] = {
                    "id": m.id,
                    "start_date": m.start_date,
                    "end_date": m.end_date,
                    "format": m.format,
                    "round": m.round,
                    "city": m.city,
                    "country": m.country,
                    "level": m.level,
                    "known_by_reference": m.known_by_reference,
                    "sources": len(srcs[m.id]),
                    "documents": sorted(srcs[m.id]),
                    "disagreements": sorted(k for k, v in (m.fields or {}).items() if v.get("disagreement")),
                    "inconsistencies": sorted(k for k, v in (m.fields or {}).items() if v.get("inconsistent")),
                }
                if include_fields:
                    item["fields"] = m.fields
                out.append(item)
            out.sort(key=lambda d: (d["start_date"] is None, d["start_date"] or "", d["id"]))
            return out

    def _doc_filter(
        self,
        s: Session,
        outlet: str | None,
        date_from: str | None,
        date_to: str | None,
        format: str | None,
        actor: str | None,
    ) -> list[Any] | None:
        """Sub-selects of document ids for the search filters (ANDed); None when nothing can match.

        Each is read from an index (migration 0003), never from the wide ``documents``
        rows. Outlet names compare after normalisation (أ/ا, ة/ه and case do not matter);
        dates compare on the given prefix (``2022``, ``2022-05`` or a full date); ``format``
        keeps documents reporting a meeting of that format; ``actor`` keeps documents where
        the actor is a meeting participant or the target of a statement (statement actors
        are participants of the same document's meetings).
        """
        from sqlalchemy import union

        d = DocumentRow
        subs: list[Any] = []
        doc_conds: list[Any] = []
        if outlet:
            want = normalise(outlet).casefold().strip()
            top = s.scalar(select(func.max(d.id)))
            cache = self.__dict__.get("_outlet_cache")
            if cache is None or cache[0] != top:
                names: dict[str, list[str]] = defaultdict(list)
                for (raw,) in s.execute(select(d.outlet).where(d.outlet.is_not(None)).distinct()):
                    names[normalise(raw).casefold().strip()].append(raw)
                cache = (top, names)
                self.__dict__["_outlet_cache"] = cache
            raws = cache[1].get(want)
            if not raws:
                return None
            doc_conds.append(d.outlet.in_(raws))
        # published[:len(x)] >= x  ⇔  published >= x;  published[:len(x)] <= x  ⇔  published < x + U+FFFF
        if date_from:
            doc_conds.append(d.published >= date_from)
        if date_to:
            doc_conds.append(d.published < date_to + "\uffff")
        if doc_conds:
            subs.append(select(d.id).where(*doc_conds))
        if format:
            subs.append(
                select(MeetingSourceRow.document_id)
                .join(MeetingRow, MeetingRow.id == MeetingSourceRow.meeting_id)
                .where(MeetingRow.format == format)
            )
        if actor:
            subs.append(
                union(
                    select(ParticipantRow.document_id).where(ParticipantRow.actor == actor),
                    select(StatementRow.document_id).where(StatementRow.target == actor),
                )
            )
        return subs

    def search(
        self,
        query: str,
        outlet: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        format: str | None = None,
        actor: str | None = None,
        limit: int = 20,
    ) -> list[dict[str, Any]]:
        """Spelling-tolerant ranked search over normalised titles and bodies, best first.

        Every query word must occur (AND). Words are folded like the stored text (hamza
        forms, alef maqsura, taa marbuta, diacritics, tatweel) and stripped of leading
        clitics; the FTS5 trigram index matches them as substrings, so ``بالنظام`` finds
        ``النظام`` and ``استانا`` finds ``أستانا``. Ranking is FTS5 ``bm25`` (title weighted
        twice the body) where the index exists, else a BM25-like score over ``LIKE``
        matches (PostgreSQL, SQLite without FTS5). Filters and ``LIMIT`` run in SQL. When a
        query matches more than :data:`SEARCH_WINDOW` documents, only the most recently
        stored ``SEARCH_WINDOW`` matches are ranked (bounded latency on large stores).
        ``score``: lower is better. ``snippet``: the original text around the best
        cluster of matches, matching words in ``[brackets]``.
        """
        from sqlalchemy import or_

        terms = query_terms(query)
        if not terms or limit <= 0:
            return []
        d = DocumentRow
        with self._reading() as s:
            subs = self._doc_filter(s, outlet, date_from, date_to, format, actor)
            if subs is None:
                return []
            long_terms = [t for t in terms if len(t) >= 3]
            use_fts = self._has_fts(s) and bool(long_terms)
            # the trigram index cannot look up words shorter than three letters: LIKE them
            likes = [
                or_(d.body_norm.contains(t, autoescape=True), d.title_norm.contains(t, autoescape=True))
                for t in ([t for t in terms if len(t) < 3] if use_fts else terms)
            ]
            ranked: list[tuple[int, float]] = []
            if not self.is_sqlite and self._has_fts(s):
                ranked = self._pg_ranked(s, terms, subs, limit)
            elif use_fts:
                ranked = self._fts_window_ranked(s, long_terms, likes, outlet, date_from, date_to, format, actor,
                                                 limit)
            else:
                rows = s.execute(
                    select(d.id, d.title_norm, d.body_norm)
                    .where(*likes, *(d.id.in_(sub) for sub in subs))
                    .order_by(d.id.desc())
                    .limit(SEARCH_WINDOW)
                ).all()
                ranked = sorted(_like_scores(rows, terms), key=lambda r: (r[1], r[0]))[:limit]
            if not ranked:
                return []
            docs = {
                r.id: r
                for r in s.execute(
                    select(d.id, d.source, d.url, d.outlet, d.title, d.published, d.duplicate_of, d.body, d.body_norm)
                    .where(d.id.in_([rid for rid, _ in ranked]))
                )
            }
            out: list[dict[str, Any]] = []
            for rid, score_ in ranked:
                r = docs[rid]
                out.append(
                    {
                        "id": r.id,
                        "source": r.source,
                        "url": r.url,
                        "outlet": r.outlet,
                        "title": r.title,
                        "published": r.published,
                        "score": score_,
                        "snippet": _snippet(r.body or "", terms, norm=r.body_norm),
                        "duplicate_of": r.duplicate_of,
                    }
                )
            return out

    def _fts_python_scores(self, s: Session, terms: list[str]) -> bool:
        """Whether :func:`_bm25` gives exactly ``bm25()``'s scores for ``terms``.

        Its phrase counts are substring counts on the stored normalised text, which is
        what the trigram tokenizer matches, provided no case folding is involved: the
        stored text is lower-cased by Python, FTS5 folds with its own table, and the two
        differ on a few letters (İ, ſ, final sigma …), so terms with cased letters are
        scored by ``bm25()``. Arabic letters and digits have no case.
        """
        if any(ch.lower() != ch.upper() for t in terms for ch in t):
            return False
        trigram = self.__dict__.get("_fts_trigram")
        if trigram is None:
            sql = s.scalar(text("SELECT sql FROM sqlite_master WHERE type='table' AND name='documents_fts'"))
            trigram = "tokenize='trigram'" in (sql or "").replace('"', "'")
            self.__dict__["_fts_trigram"] = trigram
        return trigram

    def _fts_window_ranked(
        self,
        s: Session,
        terms: list[str],
        likes: list[Any],
        outlet: str | None,
        date_from: str | None,
        date_to: str | None,
        format: str | None,
        actor: str | None,
        limit: int,
    ) -> list[tuple[int, float]]:
        """SQLite FTS5: the newest :data:`SEARCH_WINDOW` matches passing the filters, scored as
        ``bm25(documents_fts, 1.0, 2.0)`` scores them, best first (ties to the lower id).

        One statement reads the window (the filters are evaluated once, not once for the
        window's floor and again for the ranking). ``bm25()`` computes each phrase's
        document frequency by running the phrase over the whole index on every query
        (250-600 ms per common word at 1M, whatever the window), so for such words the
        statement returns each row's normalised text and exact token count
        (``documents_fts_docsize``) with the index totals (``documents_fts_data`` row 1)
        and the top rowid, all from one snapshot, and :func:`_bm25` repeats FTS5's
        arithmetic in the same order with the document frequencies of
        :class:`_FtsDocFreqs` (cached per term, brought up to that snapshot): the same
        doubles. Reading the window's text costs about 10-30 µs per row, so words whose
        counting was measured cheaper than that keep ``bm25()`` in the statement.
        """
        import time

        from sqlalchemy import LargeBinary, column, func, literal_column, table

        d = DocumentRow
        doc_subs = self._doc_filter(s, outlet, date_from, date_to, None, None)
        if doc_subs is None:
            return []
        freqs = self.__dict__.get("_fts_df")
        if freqs is None:
            freqs = self.__dict__.setdefault("_fts_df", _FtsDocFreqs())
        in_python = self._fts_python_scores(s, terms)
        if in_python:
            known = [k for k in map(freqs.known, terms) if k is not None]
            if len(known) == len(terms):  # bm25()'s own counting may be cheaper than reading the window
                rows_est = min(SEARCH_WINDOW, *(df for df, _ in known))
                in_python = sum(ms for _, ms in known) >= rows_est * freqs.row_ms
        fts = table("documents_fts", column("rowid"), column("body_norm"), column("title_norm"))
        size = table("documents_fts_docsize", column("id"), column("sz")).alias("z")
        top = table("documents_fts_docsize", column("id")).alias("zt")
        data = table("documents_fts_data", column("id"), column("block"))
        where: list[Any] = [text("documents_fts MATCH :q").bindparams(q=_fts_match(terms))]
        where += self._fts_fact_filters(s, fts, doc_subs, format, actor)
        src = fts.join(size, size.c.id == fts.c.rowid) if in_python else fts
        if likes:  # the wide documents rows are joined only to check words of one or two letters
            src = src.join(d, d.id == fts.c.rowid)
            where += likes
        if in_python:
            cols = [
                fts.c.rowid,
                # bytes: UTF-8 substrings are the same matches, and nothing is decoded
                cast(fts.c.body_norm, LargeBinary),
                cast(fts.c.title_norm, LargeBinary),
                size.c.sz,
                select(data.c.block).where(data.c.id == 1).scalar_subquery(),
                select(func.max(top.c.id)).scalar_subquery(),
            ]
        else:
            cols = [fts.c.rowid, literal_column("bm25(documents_fts, 1.0, 2.0)")]
        started = time.perf_counter()
        rows = s.execute(
            select(*cols).select_from(src).where(*where).order_by(fts.c.rowid.desc()).limit(SEARCH_WINDOW)
        ).all()
        if not rows:
            return []
        if in_python:
            totals = _fts_varints(rows[0][4])
            n_rows, top_id = totals[0], rows[0][5]
            counted = time.perf_counter()
            dfs = [freqs.get(s, t, top_id, n_rows) for t in terms]
            counted = time.perf_counter() - counted
            scored = _bm25([(r[0], r[1] or b"", r[2] or b"", r[3]) for r in rows], terms, dfs, n_rows,
                           sum(totals[1:]))
            freqs.observe_rows(len(rows), (time.perf_counter() - started - counted) * 1000)
        else:
            scored = [(rid, float(sc)) for rid, sc in rows]
        scored.sort(key=lambda r: (r[1], r[0]))
        return scored[:limit]

    def _fts_fact_filters(
        self, s: Session, fts: Any, doc_subs: list[Any], format: str | None, actor: str | None
    ) -> list[Any]:
        """The filters as conditions on each full-text match of ``fts`` (documents_fts).

        A filter passed by many documents (actor TUR or IRN: 45% of the bench store; all
        documents before 2020) is an index probe per match: the window needs only about
        ``SEARCH_WINDOW / share`` matches, while its id set would cost a read of every id
        (300 ms for 450k ids at 1M). A filter passed by few documents stays an id set
        (cheap to build; probing would visit many matches for each one that passes). The
        choice changes the time, not the result. ``doc_subs``: the outlet and date id sets
        of :meth:`_doc_filter`.
        """
        from sqlalchemy import exists, func, or_

        ms, m, p, st = MeetingSourceRow, MeetingRow, ParticipantRow, StatementRow
        rowid = fts.c.rowid
        conds: list[Any] = []
        if not (format or actor or doc_subs):
            return conds
        many = max(_PROBE_MIN_DOCS, int(_PROBE_SQRT_FACTOR * (s.scalar(select(func.max(DocumentRow.id))) or 0) ** 0.5))

        def rows_at_least(q: Any) -> int:
            return s.scalar(select(func.count()).select_from(q.limit(many).subquery())) or 0

        for sub in doc_subs:
            if rows_at_least(sub) >= many:  # the document row, by primary key
                conds.append(sub.where(DocumentRow.id == rowid).correlate(fts).exists())
            else:  # "rowid + 0": a bare rowid IN would be pushed into FTS5 as one lookup per id of the set
                conds.append((rowid + 0).in_(sub))
        if format:
            docs = select(ms.document_id).join(m, m.id == ms.meeting_id).where(m.format == format)
            if rows_at_least(docs) >= many:
                conds.append(
                    exists().where(ms.document_id == rowid, m.id == ms.meeting_id, m.format == format)
                )
            else:
                conds.append((rowid + 0).in_(docs))
        if actor:
            part = select(p.document_id).where(p.actor == actor)
            target = select(st.document_id).where(st.target == actor)
            if rows_at_least(part) >= many or rows_at_least(target) >= many:
                conds.append(
                    or_(
                        exists().where(p.actor == actor, p.document_id == rowid),
                        exists().where(st.target == actor, st.document_id == rowid),
                    )
                )
            else:
                from sqlalchemy import union

                conds.append((rowid + 0).in_(union(part, target)))
        return conds

    def _pg_ranked(self, s: Session, terms: list[str], subs: list[Any], limit: int) -> list[tuple[int, float]]:
        """PostgreSQL search: (document id, score) best first, lower score is better.

        Matching is what SQLite's FTS5 trigram table does: every term occurs as a
        substring of the normalised title or body (``LIKE '%term%'``, served by the
        pg_trgm GIN indexes of migration 0004), so both backends find the same
        documents. Ranking is ``ts_rank`` over the generated ``search_tsv`` with the
        default weights (title A = 1.0, body B = 0.4) and normalisation 1 (divided by
        1 + log(length), as bm25 discounts long documents), queried with
        :func:`pg_tsquery`; ties go to the lower id, as on SQLite.
        Matches beyond the most recent :data:`SEARCH_WINDOW` are not ranked, as on SQLite.
        """
        from sqlalchemy import literal_column, or_

        d = DocumentRow
        where: list[Any] = [
            or_(d.body_norm.contains(t, autoescape=True), d.title_norm.contains(t, autoescape=True)) for t in terms
        ]
        where += [d.id.in_(sub) for sub in subs]
        floor = s.scalar(select(d.id).where(*where).order_by(d.id.desc()).offset(SEARCH_WINDOW - 1).limit(1))
        if floor is not None:
            where.append(d.id >= floor)
        tsq = func.to_tsquery(literal_column(f"'{PG_TS_CONFIG}'::regconfig"), pg_tsquery(terms))
        rank = func.ts_rank(literal_column("documents.search_tsv"), tsq, 1)
        score = (-rank).label("score")
        rows = s.execute(select(d.id, score).where(*where).order_by(score, d.id).limit(limit))
        return [(rid, float(sc)) for rid, sc in rows]

    def refresh_followups(self) -> None:
        """Recompute follow-up status: fulfilled / overdue / pending."""
        with self.session() as s:
            self._refresh_followups(s)

    def _refresh_followups(self, s: Session) -> None:
        latest = s.scalar(select(func.max(DocumentRow.published)))
        # the columns fulfilment compares, not whole records: decoding every record's JSON
        # (merged fields, link summary, merge state) took longer than the matching
        meetings = sorted(
            (m for m in s.execute(select(*_HELD_COLUMNS)) if m.start_date and m.start_date[:4].isdigit()),
            key=lambda x: (x.start_date or "", x.id),
        )
        by_id = {m.id: m for m in meetings}
        index = _HeldMeetings(meetings)
        published: dict[int, str | None] = {
            doc_id: day
            for doc_id, day in s.execute(
                select(DocumentRow.id, DocumentRow.published).where(DocumentRow.id.in_(select(FollowUpRow.document_id)))
            )
        }
        for fu in s.scalars(select(FollowUpRow)):
            parent = by_id.get(fu.meeting_id or -1)
            match = self._fulfilment(fu, parent, index, published.get(fu.document_id))
            hi = fu.date_to or fu.date_from
            if match is not None:
                fu.status, fu.fulfilled_by = "fulfilled", match.id
            elif hi and latest and latest[: len(hi)] > hi:
                fu.status, fu.fulfilled_by = "overdue", None
            else:
                fu.status, fu.fulfilled_by = "pending", None

    @staticmethod
    def _fulfilment(fu: FollowUpRow, parent: Any, index: _HeldMeetings, published: str | None) -> Any:
        """The later meeting that held what ``fu`` announced, from evidence only.

        A mechanism or working group is not a meeting, so it is never "held". A stated
        round number decides on its own; otherwise the window decides, and a meeting
        held after the window counts (late) only when the announcement named its
        place. An announcement with neither window, round nor place is linked only to
        a meeting of its format within ``FOLLOWUP_REACH_DAYS``. In each case the answer
        is the earliest plausible meeting (by start date, then id) of a condition, so
        the meetings are read in date order from the earliest date that can qualify,
        from the smallest list that holds every candidate (same format and round, or
        same place), and the scan stops where no later meeting can change the answer:
        comparing every announcement with every meeting of its format took minutes
        at 100,000 articles.
        """
        if fu.kind not in LINKABLE_FOLLOWUPS:
            return None
        fmt = fu.format or (parent.format if parent else None)
        after = (parent.start_date if parent and parent.start_date else None) or published
        lo, hi = fu.date_from, fu.date_to or fu.date_from

        def plausible(m: Any) -> bool:
            if m.id == fu.meeting_id or (fmt and m.format != fmt):
                return False
            if fu.kind == "summit" and m.level and m.level != "heads_of_state":
                return False
            if fu.place and not (
                (m.city and _same(m.city, fu.place)) or (m.country and _same(m.country, fu.place))
            ):
                return False
            if fu.round is not None and m.round is not None and m.round != fu.round:
                return False
            start = m.start_date or ""
            return not after or start[:10] > after[:10] or (bool(lo) and start[: len(lo)] >= lo)

        # plausible dates start at after[:10] or at lo, whichever is earlier (no bound without after)
        floor = None if not after else min(after[:10], lo) if lo else after[:10]
        if fu.round is not None:
            return next((m for m in index.of_round(fmt, fu.round, floor) if plausible(m)), None)
        candidates = index.at_place(fmt, fu.place, floor) if fu.place else index.of_format(fmt, floor)
        later = (m for m in candidates if plausible(m))
        if lo and hi:
            for m in later:
                if m.start_date[: len(hi)] > hi:  # past the window: so is every later meeting
                    return m if fu.place else None
                if lo <= m.start_date[: len(lo)]:
                    return m
            return None
        if not fmt and not fu.place:
            return None
        reach = _shift(after, FOLLOWUP_REACH_DAYS) if after else None
        first = next(later, None)
        return first if first is not None and (reach is None or first.start_date[:10] <= reach) else None

    def followups(self, status: str | None = None) -> list[dict[str, Any]]:
        """Announced follow-ups with status pending / overdue / fulfilled (and the fulfilling meeting)."""
        with self.session() as s:
            self._refresh_followups(s)
            s.flush()
            # labels and links need a few columns: whole records and documents (raw text,
            # HTML) were loaded one by one
            meetings = {m.id: m for m in s.execute(select(*_HELD_COLUMNS))}
            docs = {d.id: d for d in s.execute(
                select(DocumentRow.id, DocumentRow.source, DocumentRow.url)
                .where(DocumentRow.id.in_(select(FollowUpRow.document_id))))}
            out = []
            for fu in s.scalars(select(FollowUpRow).order_by(FollowUpRow.id)):
                if status and fu.status != status:
                    continue
                doc = docs.get(fu.document_id)
                parent = meetings.get(fu.meeting_id) if fu.meeting_id else None
                ful = meetings.get(fu.fulfilled_by) if fu.fulfilled_by else None
                out.append(followup_record(fu, parent, ful, doc))
            return out

    def positions(self, format: str | None = None, topic: str | None = None) -> list[dict[str, Any]]:
        """Actor × meeting × act/topic, with the evidence supporting each position."""
        with self._reading() as s:
            return position_rows(s, format=format, topic=topic)

    def export_rows(self, kind: str) -> list[dict[str, Any]]:
        """Flat rows for CSV/JSONL export: ``meetings``, ``statements``, ``follow_ups`` or ``framing``."""
        if kind in ("follow_ups", "followups"):
            return self.followups()
        with self._reading() as s:
            docs = {d.id: d for d in s.scalars(select(DocumentRow))}
            meetings = {m.id: m for m in s.scalars(select(MeetingRow))}
            if kind == "meetings":
                by_meeting: dict[int, list[MeetingSourceRow]] = defaultdict(list)
                for src in s.scalars(select(MeetingSourceRow).order_by(MeetingSourceRow.id)):
                    by_meeting[src.meeting_id].append(src)
                # a meeting whose mentions carry no evidence span falls back to its participants'
                part_text: dict[int, list[str]] = defaultdict(list)
                for p in s.scalars(select(ParticipantRow).order_by(ParticipantRow.id)):
                    if p.text and p.text not in part_text[p.meeting_id]:
                        part_text[p.meeting_id].append(p.text)
                rows = []
                for m in sorted(meetings.values(), key=lambda x: (x.start_date or "9999", x.id)):
                    srcs = by_meeting[m.id]
                    dids = list(dict.fromkeys(src.document_id for src in srcs))
                    rows.append(
                        {
                            "id": m.id,
                            "format": m.format,
                            "round": m.round,
                            "city": m.city,
                            "country": m.country,
                            "start_date": m.start_date,
                            "end_date": m.end_date,
                            "level": m.level,
                            "known_by_reference": m.known_by_reference,
                            "sources": len(dids),
                            "source_paths": "; ".join(docs[d].source for d in dids),
                            "urls": "; ".join(docs[d].url or "" for d in dids),
                            "outlets": "; ".join(docs[d].outlet or "" for d in dids),
                            "evidence": " | ".join(src.text for src in srcs if src.text)
                            or " | ".join(part_text[m.id]),
                            "disagreements": json.dumps(
                                {k: v["values"] for k, v in (m.fields or {}).items() if v.get("disagreement")},
                                ensure_ascii=False,
                            ),
                        }
                    )
                return rows
            if kind == "statements":
                rows = []
                for st in s.scalars(select(StatementRow).order_by(StatementRow.id)):
                    m = meetings.get(st.meeting_id) if st.meeting_id else None
                    d = docs[st.document_id]
                    rows.append(
                        {
                            "id": st.id,
                            "meeting_id": st.meeting_id,
                            "format": m.format if m else None,
                            "round": m.round if m else None,
                            "meeting_date": m.start_date if m else None,
                            "document_id": d.id,
                            "source": d.source,
                            "url": d.url,
                            "outlet": d.outlet,
                            "published": d.published,
                            "actors": ";".join(st.actors or []),
                            "act": st.act,
                            "topic": st.topic,
                            "target": st.target,
                            "attribution": st.attribution,
                            "text": st.text,
                            "start": st.start,
                            "end": st.end,
                        }
                    )
                return rows
            if kind == "framing":
                return [
                    {
                        "id": f.id,
                        "document_id": f.document_id,
                        "source": docs[f.document_id].source,
                        "url": docs[f.document_id].url,
                        "outlet": docs[f.document_id].outlet,
                        "kind": f.kind,
                        "label": f.label,
                        "text": f.text,
                        "start": f.start,
                        "end": f.end,
                    }
                    for f in s.scalars(select(FramingRow).order_by(FramingRow.id))
                ]
        raise ValueError(f"unknown export kind: {kind!r}")

    # ---- re-extraction

    def document(self, doc_id: int) -> Document | None:
        """Rebuild a :class:`Document` (metadata + cleaned body, no facts) from the store."""
        with self.session() as s:
            d = s.get(DocumentRow, doc_id)
            return _rebuild(d) if d else None

    def reextract(
        self,
        extract_fn: Callable[[Document], Document | None],
        *,
        extractor_version: str = "",
    ) -> int:
        """Re-run ``extract_fn`` over every stored document and replace all facts.

        ``extract_fn`` receives a Document rebuilt from the stored body and metadata and
        returns the extracted Document (or fills the one it was given and returns None).
        Earlier extraction payloads are kept as history in ``extractions``.
        """
        try:
            with self.session() as s:
                for model in _FACT_MODELS:
                    s.execute(delete(model))
                if not self.is_sqlite:
                    self._restart_ids(s)
                n = 0
                for d in s.scalars(select(DocumentRow).order_by(DocumentRow.id)).all():
                    base = _rebuild(d)
                    out = extract_fn(base) or base
                    out.body = d.body  # offsets must keep pointing at the stored body
                    out.content_hash = d.content_hash
                    self._add_extraction(s, d.id, out, extractor_version)
                    if d.duplicate_of is None:
                        self._store_facts(s, d.id, out)
                    else:
                        self._store_framing(s, d.id, out)
                    n += 1
                return n
        except BaseException:
            if not self.is_sqlite:  # sequences are not transactional: back in step with the restored rows
                with self.session() as s:
                    self._restart_ids(s)
            raise

    @staticmethod
    def _restart_ids(s: Session) -> None:
        """PostgreSQL: the fact tables' next id is max(id) + 1, as SQLite assigns rowids, so
        a re-extraction numbers its new meetings and facts exactly as SQLite does."""
        for model in _FACT_MODELS:
            t = model.__tablename__
            s.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), COALESCE((SELECT max(id) FROM {t}), 0) + 1, "
                     "false)")
            )


# the tables ``reextract`` empties and refills
_FACT_MODELS = (FollowUpRow, StatementRow, ParticipantRow, FramingRow, MeetingSourceRow, MeetingRow)


def _rebuild(d: DocumentRow) -> Document:
    return Document(
        source=d.source,
        raw_text=d.raw_text,
        html=d.html,
        url=d.url,
        outlet=d.outlet,
        title=d.title,
        published=d.published,
        published_time=d.published_time,
        body=d.body,
        language=d.language,
        content_hash=d.content_hash,
    )


def position_rows(s: Session, *, format: str | None, topic: str | None) -> list[dict[str, Any]]:
    """Actor × meeting × act/topic with evidence (``Store.positions`` and the web API).

    Filters run in SQL and the evidence's ``source`` (``None`` for a near-duplicate) comes
    from a join on ``source``, the first column of a document row; near-duplicates are
    read from the ``duplicate_of`` index. Testing ``duplicate_of`` in the join instead
    would read past the texts of every document (SQLite stores it after them).
    """
    st_, m_, d_ = StatementRow, MeetingRow, DocumentRow
    dups = set(s.scalars(select(d_.id).where(d_.duplicate_of.is_not(None))))
    stmt = (
        select(st_.id, st_.meeting_id, st_.document_id, st_.actors, st_.act, st_.topic, st_.text, st_.start, st_.end,
               d_.source)
        .outerjoin(d_, d_.id == st_.document_id)
        .order_by(st_.id)
    )
    if format:
        stmt = stmt.where(st_.meeting_id.in_(select(m_.id).where(m_.format == format)))
    if topic:
        stmt = stmt.where(st_.topic == topic)
    groups: dict[tuple[str, int | None, str, str], list[Any]] = defaultdict(list)
    for st in s.execute(stmt):
        for a in st.actors or []:
            groups[(a, st.meeting_id, st.act, st.topic)].append(st)
    mids = {mid for (_, mid, _, _) in groups if mid}
    meetings = {m.id: m for m in s.execute(
        select(m_.id, m_.format, m_.round, m_.start_date, m_.city).where(m_.id.in_(mids)))} if mids else {}
    out = []
    for (a, mid, act, top), sts in groups.items():
        m = meetings.get(mid) if mid else None
        out.append(
            {
                "actor": a,
                "meeting_id": mid,
                "format": m.format if m else None,
                "round": m.round if m else None,
                "start_date": m.start_date if m else None,
                "city": m.city if m else None,
                "act": act,
                "topic": top,
                "evidence_count": len(sts),
                "documents": sorted({st.document_id for st in sts}),
                "evidence": [
                    {"document_id": st.document_id, "source": None if st.document_id in dups else st.source,
                     "text": st.text, "start": st.start, "end": st.end}
                    for st in sts
                ],
            }
        )
    out.sort(key=lambda r: (r["start_date"] or "9999", r["meeting_id"] or 0, r["actor"], r["act"], r["topic"]))
    return out


def followup_record(fu: FollowUpRow, parent: Any, ful: Any, doc: Any) -> dict[str, Any]:
    """One announced follow-up as the store reports it (the CLI, exports and the API share it)."""
    window_end = fu.date_to or fu.date_from
    return {
        "id": fu.id,
        "meeting_id": fu.meeting_id,
        "announced_at": meeting_label(parent),
        "document_id": fu.document_id,
        "source": doc.source if doc else None,
        "url": doc.url if doc else None,
        "kind": fu.kind,
        "format": fu.format or (parent.format if parent else None),
        "place": fu.place,
        "from": fu.date_from,
        "to": fu.date_to,
        "text": fu.text,
        "start": fu.start,
        "end": fu.end,
        "status": fu.status,
        "fulfilled_by": fu.fulfilled_by,
        "fulfilled_by_label": meeting_label(ful),
        "fulfilled_on": ful.start_date if ful else None,
        "round": fu.round,
        # held, but after the announced window ("February or March" → July)
        "held_late": bool(ful and ful.start_date and window_end
                          and ful.start_date[: len(window_end)] > window_end),
    }


def meeting_label(m: Any) -> str | None:
    """Short human label, e.g. ``astana round 19 Astana 2022-11-22``."""
    if m is None:
        return None
    parts = [m.format or "meeting"]
    if m.round is not None:
        parts.append(f"round {m.round}")
    if m.city:
        parts.append(m.city)
    if m.start_date:
        parts.append(m.start_date)
    return " ".join(parts)


# Characters ``normalise`` drops (harakat, Quranic marks, tatweel, zero-width/bidi controls).
_DROPPED = re.compile("[\u064b-\u065f\u0670\u0640\u06d6-\u06ed\u200b-\u200f\u061c\ufeff]")


def _norm_to_orig(body: str, norm: str) -> Callable[[int], int]:
    """Map an index of ``norm`` (= ``normalise(body)``) to the index of that character in ``body``."""
    dropped = [m.start() for m in _DROPPED.finditer(body)]
    if len(body) - len(dropped) != len(norm):  # stored text out of step: recompute exactly
        from bayan.arabic.normalise import normalise_with_map

        nt = normalise_with_map(body)
        norm_len = len(nt.orig)
        return lambda i: nt.orig[i] if i < norm_len else len(body)

    def to_orig(i: int) -> int:
        o = i
        for p in dropped:
            if p > o:
                break
            o += 1
        return min(o, len(body))

    return to_orig


def _snippet(body: str, terms: list[str], width: int = 80, norm: str | None = None) -> str:
    """About ``2 * width`` characters of ``body`` around the densest cluster of query terms.

    Terms are matched on the normalised text (``norm``, computed when not given) and the
    snippet is cut from the original, so it keeps the article's own spelling; every word
    containing a term is wrapped in ``[ ]``.
    """
    if norm is None:
        norm = normalise(body)
    hits: list[tuple[int, int]] = []
    for k, t in enumerate(terms):
        pos, n = norm.find(t), 0
        while pos >= 0 and n < 30:  # the first occurrences of each term are enough
            hits.append((pos, k))
            pos, n = norm.find(t, pos + 1), n + 1
    hits.sort()
    center, best = 0, 0
    j = 0
    for i, (p, _) in enumerate(hits):  # window of hits within 2 * width after hit i
        j = max(j, i)
        while j + 1 < len(hits) and hits[j + 1][0] - p <= width:
            j += 1
        distinct = len({k for _, k in hits[i : j + 1]})
        if distinct > best:
            center, best = p + min(width // 2, (hits[j][0] - p) // 2), distinct
    lo, hi = max(0, center - width), min(len(norm), center + width)
    if lo > 0:  # start and end on word boundaries
        sp = norm.find(" ", lo, center)
        lo = sp + 1 if sp >= 0 else lo
    if hi < len(norm):
        sp = norm.rfind(" ", center, hi)
        hi = sp if sp > center else hi
    to_orig = _norm_to_orig(body, norm)
    parts: list[str] = ["…" if lo else ""]
    prev = lo
    for m in _WORD.finditer(norm, lo, hi):
        if any(t in m.group() for t in terms):
            parts += [body[to_orig(prev) : to_orig(m.start())], "[", body[to_orig(m.start()) : to_orig(m.end())], "]"]
            prev = m.end()
    parts += [body[to_orig(prev) : to_orig(hi)], "…" if hi < len(norm) else ""]
    return " ".join("".join(parts).split())


# FTS5's bm25() constants (fts5_aux.c) and the column weights Store.search ranks with.
_BM25_K1 = 1.2
_BM25_B = 0.75
_BM25_WEIGHTS = (1.0, 2.0)  # body_norm, title_norm
# A format or actor filter becomes a per-match probe when at least this many of its rows
# exist (max of the floor and factor * sqrt(documents)); below, an id set.
_PROBE_MIN_DOCS = 2000
_PROBE_SQRT_FACTOR = 100
_FTS_DF_MAX_TERMS = 10_000  # cached document frequencies (per store); cleared when full


def _fts_match(terms: list[str]) -> str:
    """The FTS5 MATCH expression: every term as a quoted phrase, ANDed."""
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)


def _fts_varints(blob: bytes) -> list[int]:
    """The varints of an FTS5 record (``documents_fts_docsize.sz``: tokens per column;
    ``documents_fts_data`` row 1: row count, then tokens per column over the index)."""
    out: list[int] = []
    i, n = 0, len(blob)
    while i < n:
        value = 0
        for k in range(9):
            byte = blob[i]
            i += 1
            if k == 8:  # the ninth byte of a varint carries 8 bits
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        out.append(value)
    return out


@lru_cache(maxsize=1 << 16)
def _fts_row_tokens(sz: bytes) -> float:
    """A row's tokens over all columns (``xColumnSize(-1)``) from its docsize record;
    cached, as few distinct records recur."""
    return float(sum(_fts_varints(sz)))


@lru_cache(maxsize=4096)
def _self_overlapping(term: bytes) -> bool:
    """Whether two occurrences of ``term`` can overlap (a prefix equals a suffix)."""
    return any(term[:k] == term[-k:] for k in range(1, len(term)))


def _occurrences(text_: bytes, term: bytes) -> int:
    """Occurrences of ``term`` in ``text_`` (UTF-8), overlapping ones included: the trigram
    tokenizer gives a phrase instance at every position where the term starts."""
    if not _self_overlapping(term):
        return text_.count(term)
    n, i = 0, text_.find(term)
    while i >= 0:
        n += 1
        i = text_.find(term, i + 1)
    return n


def _bm25(
    rows: list[tuple[int, bytes, bytes, bytes]], terms: list[str], dfs: list[int], n_rows: int, n_tokens: int
) -> list[tuple[int, float]]:
    """(rowid, score) as ``bm25(documents_fts, 1.0, 2.0)`` computes it (lower is better).

    ``rows``: rowid, normalised body and title (UTF-8), ``documents_fts_docsize.sz``.
    The operations and their order are fts5_aux.c's (idf per phrase with its 1e-6
    floor, frequencies summed with the column weights, the row's total token count
    against the index average), so the doubles come out identical.
    """
    import math

    k1, b = _BM25_K1, _BM25_B
    w_body, w_title = _BM25_WEIGHTS
    avgdl = float(n_tokens) / float(n_rows)
    keys = [t.encode("utf-8") for t in terms]
    idfs = []
    for n_hit in dfs:
        idf = math.log((n_rows - n_hit + 0.5) / (n_hit + 0.5))
        idfs.append(idf if idf > 0.0 else 1e-6)
    counters = [
        (key, idf, (lambda text_, key=key: _occurrences(text_, key)) if _self_overlapping(key) else None)
        for key, idf in zip(keys, idfs, strict=True)
    ]
    out = []
    for rowid, body, title, sz in rows:
        norm = k1 * (1 - b + b * _fts_row_tokens(sz) / avgdl)
        score = 0.0
        for key, idf, overlapping in counters:
            if overlapping is None:
                freq = body.count(key) * w_body + title.count(key) * w_title
            else:
                freq = overlapping(body) * w_body + overlapping(title) * w_title
            score += idf * ((freq * (k1 + 1.0)) / (freq + norm))
        out.append((rowid, -1.0 * score))
    return out


class _FtsDocFreqs:
    """Document frequency of each query term in the FTS5 index, cached per term, and
    what ranking in Python costs per window row (to choose it or ``bm25()``).

    An entry is valid for the index state it was counted at: the top rowid and row count.
    Documents are only ever appended (rowid = ``documents.id``, never updated or deleted
    in the index), so a newer state adds the term's matches above the old top rowid to
    the count once the row counts confirm that only appends happened; anything else
    (rows removed, an older snapshot) counts again. The state comes from the query's own
    snapshot and is read from the database each time, so another process writing the
    same file (an ingest beside the web server) cannot leave a stale count in use.
    """

    _COUNT = text("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH :q AND rowid > :lo AND rowid <= :hi")
    _ADDED = text("SELECT count(*) FROM documents_fts_docsize WHERE id > :lo AND id <= :hi")

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        # term -> (top rowid, rows, matches, ms the full count took: what bm25() spends on it)
        self._df: dict[str, tuple[int, int, int, float]] = {}
        self.row_ms = 0.015  # Python ranking per window row, moving average (initial guess: 100k store)

    def known(self, term: str) -> tuple[int, float] | None:
        """(matches, ms to count them) from the last count, whatever the index state."""
        with self._lock:
            cached = self._df.get(term)
        return None if cached is None else (cached[2], cached[3])

    def observe_rows(self, rows: int, ms: float) -> None:
        self.row_ms = 0.8 * self.row_ms + 0.2 * ms / max(rows, 1)

    def get(self, s: Session, term: str, top: int, n_rows: int) -> int:
        """Rows matching ``term`` among those with rowid <= ``top`` (the index had ``n_rows``)."""
        import time

        with self._lock:
            cached = self._df.get(term)
        if cached is not None and cached[0] == top and cached[1] == n_rows:
            return cached[2]
        match = _fts_match([term])
        if (
            cached is not None
            and cached[0] < top
            and n_rows - cached[1] == s.scalar(self._ADDED, {"lo": cached[0], "hi": top})  # appends only
        ):
            df = cached[2] + s.scalar(self._COUNT, {"q": match, "lo": cached[0], "hi": top})
            ms = cached[3]
        else:
            started = time.perf_counter()
            df = s.scalar(self._COUNT, {"q": match, "lo": 0, "hi": top})
            ms = (time.perf_counter() - started) * 1000
        with self._lock:
            if len(self._df) >= _FTS_DF_MAX_TERMS:
                self._df.clear()
            current = self._df.get(term)
            if current is None or current[0] <= top:
                self._df[term] = (top, n_rows, df, ms)
        return df

def _like_scores(rows: Iterable[Any], terms: list[str]) -> list[tuple[int, float]]:
    """BM25-like scores (lower is better) for the LIKE fallback: saturated term counts,
    title counted twice, normalised by body length against the candidates' average."""
    rows = list(rows)
    if not rows:
        return []
    avg = sum(len(r.body_norm or "") for r in rows) / len(rows) or 1.0
    k1, b = 1.2, 0.75
    out = []
    for r in rows:
        norm_len = 1 - b + b * len(r.body_norm or "") / avg
        score = 0.0
        for t in terms:
            tf = (r.body_norm or "").count(t) + 2 * (r.title_norm or "").count(t)
            score -= tf * (k1 + 1) / (tf + k1 * norm_len)
        out.append((r.id, score))
    return out


# --------------------------------------------------------------------------- write-path SQL
#
# Built once: constructing SQLAlchemy expressions per article cost more than running them.

_DOCS = DocumentRow.__table__
_MEETINGS = MeetingRow.__table__
_SOURCES = MeetingSourceRow.__table__

_SQL_BY_HASH = text("SELECT id FROM documents WHERE content_hash = :h")
_INSERT_DOCUMENT = insert(_DOCS).returning(_DOCS.c.id)
_SQL_FTS_INSERT = text("INSERT INTO documents_fts(rowid, body_norm, title_norm) VALUES (:id, :b, :t)")
_INSERT_EXTRACTION = insert(ExtractionRow.__table__)
_INSERT_FRAMING = insert(FramingRow.__table__)
_INSERT_BANDS = insert(MinhashBandRow.__table__)
_INSERT_SOURCE = insert(_SOURCES)
_INSERT_PARTICIPANT = insert(ParticipantRow.__table__)
_INSERT_STATEMENT = insert(StatementRow.__table__)
_INSERT_FOLLOWUP = insert(FollowUpRow.__table__)
_INSERT_ACTOR = insert(ActorRow.__table__)
_INSERT_MEETING = insert(_MEETINGS).returning(_MEETINGS.c.id)
_SQL_ACTOR_KEYS = select(ActorRow.__table__.c.key)

# The original documents among the LSH_MAX_CANDIDATES sharing most bands with a
# signature, with their signatures: one statement on the sqlite3 cursor (it was two,
# the second through SQLAlchemy's expanding IN).
_SQL_NEAR_CANDIDATES = text(
    "SELECT d.id, d.minhash FROM (SELECT document_id FROM minhash_bands WHERE "
    + " OR ".join(f"(band = :b{b} AND hash = :h{b})" for b in range(LSH_BANDS))
    + " GROUP BY document_id ORDER BY count(*) DESC, document_id LIMIT :lim) AS c"
    " JOIN documents AS d ON d.id = c.document_id WHERE d.duplicate_of IS NULL"
)
_SQL_SOURCE_VALUES = select(_SOURCES.c.meeting_id, _SOURCES.c["values"]).where(
    _SOURCES.c.meeting_id.in_(bindparam("ids", expanding=True))
)
_SQL_MEETING_ACTORS = (
    select(ParticipantRow.__table__.c.actor)
    .where(ParticipantRow.__table__.c.meeting_id.in_(bindparam("ids", expanding=True)))
    .distinct()
)
_SQL_RECORD_ACTORS = select(ParticipantRow.__table__.c.meeting_id, ParticipantRow.__table__.c.actor).where(
    ParticipantRow.__table__.c.meeting_id.in_(bindparam("ids", expanding=True))
)
_SQL_MEETING_SOURCES = (
    select(_SOURCES.c["values"], _SOURCES.c.primary, _SOURCES.c.local_index, _DOCS.c.id.label("document_id"),
           _DOCS.c.published)
    .join(_DOCS, _DOCS.c.id == _SOURCES.c.document_id)
    .where(_SOURCES.c.meeting_id == bindparam("mid"))
)
_SQL_MEETING_STATE = select(
    _MEETINGS.c.known_by_reference, cast(_MEETINGS.c.fields, Text).label("fields"),
    cast(_MEETINGS.c.link_summary, Text).label("link_summary"),
    cast(_MEETINGS.c.merge_state, Text).label("merge_state"),
).where(_MEETINGS.c.id == bindparam("mid"))
_SQL_DELETE_MEETING = delete(_MEETINGS).where(_MEETINGS.c.id == bindparam("mid"))
_SQL_UPDATE_MEETING = (
    update(_MEETINGS)
    .where(_MEETINGS.c.id == bindparam("mid"))
    .values(
        {
            **{f: bindparam(f) for f in MEETING_FIELDS},
            "known_by_reference": bindparam("known_by_reference"),
            "fields": bindparam("fields", type_=_MEETINGS.c.fields.type),
            "link_summary": bindparam("link_summary", type_=_MEETINGS.c.link_summary.type),
            "merge_state": bindparam("merge_state", type_=_MEETINGS.c.merge_state.type),
            "undated": bindparam("undated"),
            "start_dates_vary": bindparam("start_dates_vary"),
        }
    )
)


def _field_entry(
    value: Any,
    best_key: str,
    values: dict[str, list[int]],
    sources: list[int],
    inferred: bool,
    notes: list[str] | None,
    inconsistent: list[dict[str, Any]],
) -> dict[str, Any]:
    """One merged field of a meeting record (``meetings.fields[field]``)."""
    entry: dict[str, Any] = {"value": value, "support": len(values[best_key]), "sources": sources, "values": values}
    if inferred:
        entry["inferred"] = True
    if len(values) > 1:
        entry["disagreement"] = True
    if notes:
        entry["notes"] = notes
    if inconsistent:
        # the article contradicts itself (e.g. round 7 once, 17 elsewhere)
        entry["inconsistent"] = inconsistent
    return entry


def _link_summary(values: Iterable[dict[str, Any]], actors: Iterable[str]) -> dict[str, Any]:
    """What linking needs from a record: each field's distinct explicit values, and the actors."""
    seen: dict[str, list[Any]] = {}
    for v in values:
        for f in MEETING_FIELDS:
            x = _explicit(v, f)
            if x is not None:
                got = seen.setdefault(f, [])
                if x not in got:
                    got.append(x)
    return {"seen": {f: _seen_order(xs) for f, xs in seen.items()}, "actors": sorted(set(actors))}


def _seen_order(values: list[Any]) -> list[Any]:
    """A summary's values in one order whatever the order of the reports (linking only
    asks whether a value is among them)."""
    return sorted(values, key=lambda x: (type(x).__name__, str(x)))


def _summaries_from_sources(conn: Any, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Link summaries read from the sources and participants (records without a stored one)."""
    values: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for mid, v in conn.execute(_SQL_SOURCE_VALUES, {"ids": ids}):
        values[mid].append(v)
    actors: dict[int, set[str]] = defaultdict(set)
    for mid, a in conn.execute(_SQL_RECORD_ACTORS, {"ids": ids}):
        actors[mid].add(a)
    return {mid: _link_summary(values[mid], actors[mid]) for mid in ids}
