"""Read-only queries over a :class:`~bayan.store.repository.Store` for the API and the dashboard.

Every function returns plain JSON-able dicts/lists so the JSON API and the Jinja2 views
share one shape. Filters go through SQLAlchemy expressions (bound parameters) or are
applied in Python to already-loaded rows: no user text is ever formatted into SQL.

Paged functions return ``{"total", "limit", "offset", "items"}``; ``list_actors`` and
``list_followups`` return ``{"total", "items"}``.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import weakref
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Select, Text, cast, func, literal, select, text, union
from sqlalchemy.orm import Session

from bayan.arabic.normalise import normalise
from bayan.export.writers import KIND_COLUMNS
from bayan.store.models import (
    ActorRow,
    DocumentRow,
    ExtractionRow,
    FollowUpRow,
    FramingRow,
    MeetingRow,
    MeetingSourceRow,
    ParticipantRow,
    StatementRow,
)
from bayan.store.repository import (
    MEETING_FIELDS,
    Store,
    actor_names,
    followup_record,
    meeting_label,
    position_rows,
)

MAX_LIMIT = 500
_SAFE_KEY = re.compile(r"[A-Za-z0-9_.-]{1,64}")
EXPORT_KINDS = ("meetings", "statements", "follow_ups", "framing")
FOLLOWUP_STATUSES = ("pending", "overdue", "fulfilled")


# --------------------------------------------------------------------------- helpers


def _norm_outlet(value: str | None) -> str:
    """Outlet names compare spelling-insensitively (hamza/alef/taa marbuta, case)."""
    return normalise(value or "").casefold().strip()


def _date_ge(value: str | None, bound: str) -> bool:
    """``value >= bound`` at the precision both share; an undated value never matches.

    The definition the SQL of :func:`_date_conds` follows (the tests compare them).
    """
    if not value:
        return False
    n = min(len(value), len(bound))
    return value[:n] >= bound[:n]


def _date_le(value: str | None, bound: str) -> bool:
    if not value:
        return False
    n = min(len(value), len(bound))
    return value[:n] <= bound[:n]


def _doc_ref(d: DocumentRow) -> dict[str, Any]:
    return {
        "id": d.id,
        "outlet": d.outlet,
        "title": d.title,
        "url": d.url,
        "source": d.source,
        "published": d.published,
    }


def _doc_refs(s: Session, doc_ids: list[int]) -> dict[int, Any]:
    """id → the :func:`_doc_ref` columns of those documents (not the whole rows: bodies are large)."""
    if not doc_ids:
        return {}
    d = DocumentRow
    return {r.id: r for r in s.execute(select(d.id, d.outlet, d.title, d.url, d.source, d.published)
                                       .where(d.id.in_(doc_ids)))}


def _sources_by_meeting(s: Session, meeting_ids: Iterable[int] | None = None) -> dict[int, list[int]]:
    """meeting id → distinct document ids, in first-seen order."""
    q = select(MeetingSourceRow.meeting_id, MeetingSourceRow.document_id).order_by(MeetingSourceRow.id)
    if meeting_ids is not None:
        q = q.where(MeetingSourceRow.meeting_id.in_(list(meeting_ids)))
    out: dict[int, list[int]] = defaultdict(list)
    for mid, did in s.execute(q):
        if did not in out[mid]:
            out[mid].append(did)
    return out


def _meeting_summary(m: Any, n_sources: int, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    """Summary of a MeetingRow (or a row of its columns plus ``fields``)."""
    fields = m.fields if fields is None else fields
    return {
        "id": m.id,
        "label": meeting_label(m),
        "format": m.format,
        "round": m.round,
        "city": m.city,
        "country": m.country,
        "start_date": m.start_date,
        "end_date": m.end_date,
        "level": m.level,
        "known_by_reference": bool(m.known_by_reference),
        "n_sources": n_sources,
        "disagreements": sorted(k for k, v in (fields or {}).items() if isinstance(v, dict) and v.get("disagreement")),
    }


def _actor_docs_and_meetings(s: Session, actor: str) -> tuple[set[int], set[int]]:
    """Documents and meetings where ``actor`` participates, holds a statement or is its target."""
    docs: set[int] = set()
    meetings: set[int] = set()
    for did, mid in s.execute(
        select(ParticipantRow.document_id, ParticipantRow.meeting_id).where(ParticipantRow.actor == actor)
    ):
        docs.add(did)
        meetings.add(mid)
    if _SAFE_KEY.fullmatch(actor):
        # a key without quotes or backslashes appears in the JSON list text exactly as "KEY",
        # so a bound, escaped LIKE finds it without decoding every row
        for did, mid in s.execute(
            select(StatementRow.document_id, StatementRow.meeting_id).where(
                cast(StatementRow.actors, Text).contains(f'"{actor}"', autoescape=True) | (StatementRow.target == actor)
            )
        ):
            docs.add(did)
            if mid is not None:
                meetings.add(mid)
        return docs, meetings
    stmt = select(StatementRow.document_id, StatementRow.meeting_id, StatementRow.actors, StatementRow.target)
    for did, mid, actors, target in s.execute(stmt):
        if actor in (actors or []) or target == actor:
            docs.add(did)
            if mid is not None:
                meetings.add(mid)
    return docs, meetings


def _actor_selects(actor: str) -> tuple[Select[Any], Select[Any]] | None:
    """SQL twins of :func:`_actor_docs_and_meetings`: (document ids, meeting ids) selects.

    ``None`` for a key the JSON ``LIKE`` cannot find exactly (quotes, backslashes); callers
    then fall back to the Python sets. Kept in SQL so a common actor (tens of thousands of
    documents at 100k articles) is never shipped to Python and back as bound parameters.
    """
    if not _SAFE_KEY.fullmatch(actor):
        return None
    in_statement = cast(StatementRow.actors, Text).contains(f'"{actor}"', autoescape=True) | (
        StatementRow.target == actor
    )
    docs = union(
        select(ParticipantRow.document_id).where(ParticipantRow.actor == actor),
        select(StatementRow.document_id).where(in_statement),
    )
    meetings = union(
        select(ParticipantRow.meeting_id).where(ParticipantRow.actor == actor),
        select(StatementRow.meeting_id).where(in_statement, StatementRow.meeting_id.is_not(None)),
    )
    return select(docs.subquery().c[0]), select(meetings.subquery().c[0])


def _actor_filter(s: Session, col: Any, actor: str, *, meetings: bool) -> Any:
    """``col IN`` the documents (or meetings) of ``actor``, in SQL when the key allows it."""
    selects = _actor_selects(actor)
    if selects is not None:
        return col.in_(selects[1] if meetings else selects[0])
    docs, mids = _actor_docs_and_meetings(s, actor)
    return col.in_(sorted(mids if meetings else docs))


# per store: (max document id, normalised outlet → stored spellings); a few dozen names
_OUTLET_CACHE: weakref.WeakKeyDictionary[Store, tuple[Any, dict[str, list[str]]]] = weakref.WeakKeyDictionary()


def _outlet_filter(s: Session, store: Store, outlet: str) -> Any:
    """``documents.outlet IN`` the stored spellings equal to ``outlet`` once normalised.

    Normalising the handful of distinct outlet names (cached until a document is added)
    instead of every document's outlet lets the filter run in SQL on the outlet index.
    """
    top = s.scalar(select(func.max(DocumentRow.id)))
    hit = _OUTLET_CACHE.get(store)
    if hit is None or hit[0] != top:
        names: dict[str, list[str]] = defaultdict(list)
        for (raw,) in s.execute(select(DocumentRow.outlet).where(DocumentRow.outlet.is_not(None)).distinct()):
            names[_norm_outlet(raw)].append(raw)
        hit = (top, dict(names))
        with _CACHE_LOCK:
            _OUTLET_CACHE[store] = hit
    want = _norm_outlet(outlet)
    cond = DocumentRow.outlet.in_(hit[1].get(want, []))
    return cond | DocumentRow.outlet.is_(None) if want == "" else cond


def _date_conds(col: Any, date_from: str | None, date_to: str | None) -> list[Any]:
    """SQL for :func:`_date_ge` / :func:`_date_le` (compare at the precision both share).

    ``value[:n] >= bound[:n]`` ⇔ ``value >= bound`` or ``bound`` starts with ``value``;
    ``value[:n] <= bound[:n]`` ⇔ ``value < bound + U+FFFF``. Undated values never match.
    """
    conds: list[Any] = []
    if date_from:
        conds.append((col >= date_from) | (func.substr(literal(date_from), 1, func.length(col)) == col))
    if date_to:
        conds.append(col < date_to + "\uffff")
    if conds:
        conds.append(col != "")
    return conds


def _sql_page(s: Session, ids: Select[Any], order: list[Any], limit: int, offset: int) -> tuple[dict[str, Any], list[int]]:
    """The paged envelope of ``ids`` (a one-column select) counted and sliced in SQL.

    Only the page's ids reach Python; the caller loads their rows into ``items``.
    """
    limit = max(0, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    total = s.scalar(select(func.count()).select_from(ids.order_by(None).subquery())) or 0
    page = list(s.scalars(ids.order_by(*order).limit(limit).offset(offset))) if limit and offset < total else []
    return {"total": total, "limit": limit, "offset": offset, "items": []}, page


_CACHE_LOCK = threading.Lock()
# extraction rows are immutable (re-extraction adds new ones), so their parsed people can be
# cached by row id; bounded so a huge store cannot grow it without limit
_PEOPLE_CACHE: dict[int, list[list[dict[str, Any]]]] = {}
_PEOPLE_CACHE_MAX = 20_000
# per store: (version key, follow-up dicts); recomputed when documents/extractions change
_FOLLOWUP_CACHE: weakref.WeakKeyDictionary[Store, tuple[tuple[Any, ...], list[dict[str, Any]]]] = (
    weakref.WeakKeyDictionary()
)
# per store: (version key, /api/actors body); one computation at a time
_ACTORS_LOCK = threading.Lock()
_ACTORS_CACHE: weakref.WeakKeyDictionary[Store, tuple[tuple[Any, ...], dict[str, Any]]] = weakref.WeakKeyDictionary()


def _people_by_meeting(s: Session, doc_ids: Iterable[int]) -> dict[int, list[list[dict[str, Any]]]]:
    """document id → people of each of its meetings (by local index), from its latest extraction.

    Delegation heads are only kept in the extraction payload, which is large JSON, so
    parsed results are cached by extraction id.
    """
    ids = list(doc_ids)
    if not ids:
        return {}
    latest = dict(
        s.execute(
            select(ExtractionRow.document_id, func.max(ExtractionRow.id))
            .where(ExtractionRow.document_id.in_(ids))
            .group_by(ExtractionRow.document_id)
        ).all()
    )
    out: dict[int, list[list[dict[str, Any]]]] = {}
    missing = [eid for eid in latest.values() if eid not in _PEOPLE_CACHE]
    if missing:
        parsed: dict[int, list[list[dict[str, Any]]]] = {}
        for eid, payload in s.execute(select(ExtractionRow.id, ExtractionRow.payload).where(ExtractionRow.id.in_(missing))):
            try:
                data = json.loads(payload)
            except (TypeError, ValueError):
                data = {}
            meetings = data.get("meetings") if isinstance(data, dict) else None
            parsed[eid] = [
                [p for p in (m.get("people") or []) if isinstance(p, dict)] if isinstance(m, dict) else []
                for m in (meetings or [])
            ]
        with _CACHE_LOCK:
            if len(_PEOPLE_CACHE) + len(parsed) > _PEOPLE_CACHE_MAX:
                _PEOPLE_CACHE.clear()
            _PEOPLE_CACHE.update(parsed)
        for did, eid in latest.items():
            out[did] = parsed.get(eid) or _PEOPLE_CACHE.get(eid, [])
        return out
    return {did: _PEOPLE_CACHE.get(eid, []) for did, eid in latest.items()}


def _people_at(people: dict[int, list[list[dict[str, Any]]]], doc_id: int, local_index: int) -> list[dict[str, Any]]:
    per_meeting = people.get(doc_id) or []
    return per_meeting[local_index] if 0 <= local_index < len(per_meeting) else []


def _store_version(s: Session) -> tuple[Any, ...]:
    """Changes whenever a document is added or facts are re-extracted (cheap indexed maxima)."""
    row = s.execute(
        select(
            select(func.count(DocumentRow.id)).scalar_subquery(),
            select(func.max(DocumentRow.id)).scalar_subquery(),
            select(func.max(ExtractionRow.id)).scalar_subquery(),
            select(func.max(FollowUpRow.id)).scalar_subquery(),
            select(func.max(MeetingRow.id)).scalar_subquery(),
        )
    ).one()
    return tuple(row)


def _followups(store: Store) -> list[dict[str, Any]]:
    """All follow-ups with current status (pending / overdue / fulfilled), read-only and cached.

    The list is shared with the cache: callers deep-copy what they hand out.

    ``Store._refresh_followups`` mutates the loaded rows; we never flush and the session is
    rolled back, so readers get the current status while the database stays untouched.
    """
    with _read_session(store) as s:
        key = _store_version(s)
        hit = _FOLLOWUP_CACHE.get(store)
        if hit is not None and hit[0] == key:
            return hit[1]
        with s.no_autoflush:
            try:
                store._refresh_followups(s)  # status logic lives in the store; never flushed
            except Exception:  # noqa: BLE001 - fall back to the stored status
                pass
            fus = list(s.scalars(select(FollowUpRow).order_by(FollowUpRow.id)))
            labels = {
                row.id: row
                for row in s.execute(select(MeetingRow.id, MeetingRow.format, MeetingRow.round, MeetingRow.city,
                                            MeetingRow.start_date))
            }
            docs = {
                row.id: row
                for row in s.execute(select(DocumentRow.id, DocumentRow.outlet, DocumentRow.source, DocumentRow.url))
            }
            items = [_followup_dict(fu, labels, docs) for fu in fus]
        s.rollback()
    with _CACHE_LOCK:
        _FOLLOWUP_CACHE[store] = (key, items)
    return items


@contextmanager
def _read_session(store: Store) -> Iterator[Session]:
    """A session that is only read from and always rolled back.

    On SQLite an explicit ``BEGIN`` makes every SELECT in it read one WAL snapshot (the
    driver would otherwise run each SELECT on its own), so a page is consistent even while
    an ingest commits; on PostgreSQL a REPEATABLE READ transaction does the same.
    """
    s = Session(store.engine, autoflush=False, expire_on_commit=False)
    try:
        if store.is_sqlite:
            s.execute(text("BEGIN"))
        else:  # PostgreSQL: one snapshot for the whole page, not one per SELECT
            s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield s
    finally:
        s.rollback()
        s.close()


def _followup_dict(fu: FollowUpRow, meetings: dict[int, Any], docs: dict[int, Any]) -> dict[str, Any]:
    parent = meetings.get(fu.meeting_id) if fu.meeting_id else None
    ful = meetings.get(fu.fulfilled_by) if fu.fulfilled_by else None
    d = docs.get(fu.document_id)
    rec = followup_record(fu, parent, ful, d)
    rec["outlet"] = d.outlet if d else None
    for key in ("round", "held_late"):
        rec.pop(key)
    rec["evidence"] = {"document_id": fu.document_id, "text": rec.pop("text"),
                       "start": rec.pop("start"), "end": rec.pop("end")}
    return rec


# --------------------------------------------------------------------------- meetings


def list_meetings(
    store: Store,
    *,
    format: str | None = None,
    round: int | None = None,
    actor: str | None = None,
    topic: str | None = None,
    outlet: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Meetings matching every given filter, in date order (undated last), paged.

    ``q`` keeps meetings reported by a document matching the Arabic-aware search.
    Filters, order and paging run in SQL; only the page's rows are loaded.
    """
    with _read_session(store) as s:
        m_ = MeetingRow
        where: list[Any] = []
        if format:
            where.append(m_.format == format)
        if round is not None:
            where.append(m_.round == round)
        if topic:
            where.append(m_.id.in_(select(StatementRow.meeting_id).where(StatementRow.topic == topic)))
        if actor:
            where.append(_actor_filter(s, m_.id, actor, meetings=True))
        if outlet:
            docs = select(DocumentRow.id).where(_outlet_filter(s, store, outlet))
            where.append(m_.id.in_(select(MeetingSourceRow.meeting_id).where(MeetingSourceRow.document_id.in_(docs))))
        if q is not None:
            hits = [h["id"] for h in store.search(q, limit=10_000)]
            where.append(m_.id.in_(select(MeetingSourceRow.meeting_id).where(MeetingSourceRow.document_id.in_(hits))))
        where += _date_conds(m_.start_date, date_from, date_to)
        page, ids = _sql_page(s, select(m_.id).where(*where), [m_.start_date.is_(None), m_.start_date, m_.id],
                              limit, offset)
        if not ids:
            return page
        cols = (m_.id, m_.format, m_.round, m_.city, m_.country, m_.start_date, m_.end_date, m_.level,
                m_.known_by_reference, m_.fields)
        rows = {r.id: r for r in s.execute(select(*cols).where(m_.id.in_(ids)))}
        n_sources = dict(
            s.execute(
                select(MeetingSourceRow.meeting_id, func.count(func.distinct(MeetingSourceRow.document_id)))
                .where(MeetingSourceRow.meeting_id.in_(ids))
                .group_by(MeetingSourceRow.meeting_id)
            ).all()
        )
        page["items"] = [_meeting_summary(rows[i], int(n_sources.get(i, 0)), rows[i].fields or {}) for i in ids]
        return page


def meeting_detail(store: Store, meeting_id: int) -> dict[str, Any] | None:
    """The merged record of one meeting with every fact linked to its source documents.

    Keys: the summary fields, ``fields`` (per field value/support/sources/values/
    disagreement/inferred/notes), ``sources`` (documents with their own reported values and
    evidence), ``participants`` (grouped by actor), ``people`` (delegation heads),
    ``statements`` (grouped by topic) and ``follow_ups``.
    """
    with _read_session(store) as s:
        m = s.get(MeetingRow, meeting_id)
        if m is None:
            return None
        msrcs = list(
            s.scalars(
                select(MeetingSourceRow).where(MeetingSourceRow.meeting_id == meeting_id).order_by(MeetingSourceRow.id)
            )
        )
        doc_ids = list(dict.fromkeys(src.document_id for src in msrcs))
        docs = _doc_refs(s, doc_ids)
        names = _actor_table(s)

        fields: dict[str, Any] = {}
        for f in MEETING_FIELDS:
            e = (m.fields or {}).get(f) or {}
            fields[f] = {
                "value": e.get("value"),
                "support": e.get("support", 0),
                "sources": list(e.get("sources") or []),
                "values": dict(e.get("values") or {}),
                "disagreement": bool(e.get("disagreement")),
                "inferred": bool(e.get("inferred")),
                "notes": list(e.get("notes") or []),
            }

        sources = []
        for src in msrcs:
            d = docs.get(src.document_id)
            if d is None:
                continue
            vals = dict(src.values or {})
            sources.append(
                {
                    **_doc_ref(d),
                    "primary": bool(src.primary),
                    "reported": {f: vals.get(f) for f in MEETING_FIELDS},
                    "inferred": list(vals.get("inferred") or []),
                    "evidence": (
                        {"document_id": d.id, "text": src.text, "start": src.start, "end": src.end}
                        if src.text is not None
                        else None
                    ),
                }
            )

        # delegation heads, from each source's latest extraction payload
        people_of = _people_by_meeting(s, doc_ids)
        people: dict[tuple[str | None, str], dict[str, Any]] = {}
        for src in msrcs:
            for p in _people_at(people_of, src.document_id, src.local_index):
                key = (p.get("actor"), p.get("name") or p.get("name_ar") or "")
                entry = people.setdefault(
                    key,
                    {
                        "name": p.get("name"),
                        "name_ar": p.get("name_ar"),
                        "actor": p.get("actor"),
                        "title": p.get("title"),
                        "title_ar": p.get("title_ar"),
                        "evidence": [],
                    },
                )
                ev = p.get("evidence")
                if isinstance(ev, dict) and ev.get("text") is not None:
                    entry["evidence"].append(
                        {"document_id": src.document_id, "text": ev.get("text"), "start": ev.get("start"), "end": ev.get("end")}
                    )

        parts: dict[str, dict[str, Any]] = {}
        for p in s.scalars(
            select(ParticipantRow).where(ParticipantRow.meeting_id == meeting_id).order_by(ParticipantRow.id)
        ):
            name_en, name_ar, _ = names.get(p.actor, (None, None, None))
            entry = parts.setdefault(
                p.actor,
                {"actor": p.actor, "name_en": name_en, "name_ar": name_ar, "roles": [], "inferred": True,
                 "documents": [], "evidence": []},
            )
            if p.role and p.role not in entry["roles"]:
                entry["roles"].append(p.role)
            entry["inferred"] = entry["inferred"] and bool(p.inferred)
            if p.document_id not in entry["documents"]:
                entry["documents"].append(p.document_id)
            if p.text is not None:
                entry["evidence"].append(
                    {"document_id": p.document_id, "text": p.text, "start": p.start, "end": p.end, "role": p.role}
                )
        for entry in parts.values():
            entry["heads"] = [pp for (a, _), pp in people.items() if a == entry["actor"]]

        by_topic: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for st in s.scalars(
            select(StatementRow).where(StatementRow.meeting_id == meeting_id).order_by(StatementRow.id)
        ):
            d = docs.get(st.document_id)
            by_topic[st.topic].append(
                {
                    "id": st.id,
                    "act": st.act,
                    "topic": st.topic,
                    "actors": list(st.actors or []),
                    "target": st.target,
                    "attribution": st.attribution,
                    "speaker": st.speaker,
                    "document_id": st.document_id,
                    "outlet": d.outlet if d else None,
                    "evidence": {"document_id": st.document_id, "text": st.text, "start": st.start, "end": st.end},
                }
            )

        all_fus = _followups(store)
        follow_ups = [copy.deepcopy(fu) for fu in all_fus if fu["meeting_id"] == meeting_id]
        fulfils = [
            {k: fu[k] for k in ("id", "meeting_id", "announced_at", "kind", "document_id")}
            for fu in all_fus
            if fu["fulfilled_by"] == meeting_id
        ]

        return {
            **_meeting_summary(m, len(doc_ids)),
            "fields": fields,
            "sources": sources,
            "participants": sorted(parts.values(), key=lambda e: e["actor"]),
            "people": list(people.values()),
            "statements": [{"topic": t, "statements": by_topic[t]} for t in sorted(by_topic)],
            "follow_ups": follow_ups,
            "fulfils": fulfils,
        }


def _actor_table(s: Session) -> dict[str, tuple[str | None, str | None, str | None]]:
    """key → (name_en, name_ar, type): the stored actors, falling back to the gazetteer."""
    names = dict(actor_names())
    for a in s.scalars(select(ActorRow)):
        names[a.key] = (a.name_en, a.name_ar, a.type)
    return names


# --------------------------------------------------------------------------- documents


def list_documents(
    store: Store,
    *,
    outlet: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    format: str | None = None,
    actor: str | None = None,
    meeting_id: int | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Stored documents (metadata only, no body) matching the filters, by publication date.

    Filters, order and paging run in SQL (the date order is read from the ``published``
    index); only the page's rows and counts are loaded.
    """
    with _read_session(store) as s:
        d_ = DocumentRow
        where: list[Any] = []
        if format:
            where.append(
                d_.id.in_(
                    select(MeetingSourceRow.document_id)
                    .join(MeetingRow, MeetingRow.id == MeetingSourceRow.meeting_id)
                    .where(MeetingRow.format == format)
                )
            )
        if meeting_id is not None:
            where.append(d_.id.in_(select(MeetingSourceRow.document_id).where(MeetingSourceRow.meeting_id == meeting_id)))
        if actor:
            where.append(_actor_filter(s, d_.id, actor, meetings=False))
        if q is not None:
            where.append(d_.id.in_([h["id"] for h in store.search(q, limit=10_000)]))
        if outlet:
            where.append(_outlet_filter(s, store, outlet))
        where += _date_conds(d_.published, date_from, date_to)
        page, ids = _sql_page(s, select(d_.id).where(*where), [d_.published.is_(None), d_.published, d_.id],
                              limit, offset)
        if not ids:
            return page
        cols = (d_.id, d_.source, d_.url, d_.outlet, d_.title, d_.published, d_.language, d_.duplicate_of,
                d_.similarity)
        rows = {r.id: r for r in s.execute(select(*cols).where(d_.id.in_(ids)))}
        n_meet = dict(
            s.execute(
                select(MeetingSourceRow.document_id, func.count(func.distinct(MeetingSourceRow.meeting_id)))
                .where(MeetingSourceRow.document_id.in_(ids))
                .group_by(MeetingSourceRow.document_id)
            ).all()
        )
        n_st = dict(
            s.execute(
                select(StatementRow.document_id, func.count())
                .where(StatementRow.document_id.in_(ids))
                .group_by(StatementRow.document_id)
            ).all()
        )
        page["items"] = [
            {
                "id": row.id,
                "outlet": row.outlet,
                "title": row.title,
                "url": row.url,
                "source": row.source,
                "published": row.published,
                "language": row.language,
                "duplicate_of": row.duplicate_of,
                "similarity": row.similarity,
                "n_meetings": n_meet.get(row.id, 0),
                "n_statements": int(n_st.get(row.id, 0)),
            }
            for row in (rows[i] for i in ids)
        ]
        return page


def document_detail(store: Store, doc_id: int) -> dict[str, Any] | None:
    """One document with its cleaned body, linked meetings and every evidence span in it.

    ``spans`` is sorted by ``start``; each is ``{start, end, kind, label, text, ref}`` where
    kind is meeting | participant | person | statement | follow_up | framing and ``ref`` the
    id of the row it comes from (meeting id for meeting spans). Offsets index ``body``.
    """
    with _read_session(store) as s:
        d = s.get(DocumentRow, doc_id)
        if d is None:
            return None
        body = d.body or ""
        spans: list[dict[str, Any]] = []

        def span(start: int | None, end: int | None, kind: str, label: str | None, text: str | None,
                 ref: int | None, meeting_id: int | None = None) -> None:
            if start is None or end is None or not (0 <= start <= end <= len(body)):
                return
            spans.append({"start": start, "end": end, "kind": kind, "label": label, "text": text,
                          "ref": ref, "meeting_id": meeting_id})

        msrcs = list(
            s.scalars(select(MeetingSourceRow).where(MeetingSourceRow.document_id == doc_id).order_by(MeetingSourceRow.id))
        )
        mids = list(dict.fromkeys(src.meeting_id for src in msrcs))
        meetings = {m.id: m for m in s.scalars(select(MeetingRow).where(MeetingRow.id.in_(mids)))} if mids else {}
        counts = _sources_by_meeting(s, mids) if mids else {}
        linked = []
        for src in msrcs:
            m = meetings.get(src.meeting_id)
            if m is None:
                continue
            linked.append({**_meeting_summary(m, len(counts.get(m.id, []))), "primary": bool(src.primary)})
            span(src.start, src.end, "meeting", meeting_label(m), src.text, m.id, m.id)
        people_of = _people_by_meeting(s, [doc_id])
        for src in msrcs:
            for p in _people_at(people_of, doc_id, src.local_index):
                ev = p.get("evidence")
                if isinstance(ev, dict):
                    label = " · ".join(x for x in (p.get("name") or p.get("name_ar"), p.get("title"), p.get("actor")) if x)
                    span(ev.get("start"), ev.get("end"), "person", label, ev.get("text"), None, src.meeting_id)
        for p in s.scalars(select(ParticipantRow).where(ParticipantRow.document_id == doc_id).order_by(ParticipantRow.id)):
            span(p.start, p.end, "participant", f"{p.actor} ({p.role})" if p.role else p.actor, p.text, p.id, p.meeting_id)
        for st in s.scalars(select(StatementRow).where(StatementRow.document_id == doc_id).order_by(StatementRow.id)):
            who = ", ".join(st.actors or [])
            span(st.start, st.end, "statement", f"{who} {st.act} {st.topic}".strip(), st.text, st.id, st.meeting_id)
        for fu in s.scalars(select(FollowUpRow).where(FollowUpRow.document_id == doc_id).order_by(FollowUpRow.id)):
            span(fu.start, fu.end, "follow_up", " ".join(x for x in (fu.kind, fu.place) if x), fu.text, fu.id, fu.meeting_id)
        for f in s.scalars(select(FramingRow).where(FramingRow.document_id == doc_id).order_by(FramingRow.id)):
            span(f.start, f.end, "framing", f"{f.kind}: {f.label}" if f.label else f.kind, f.text, f.id)
        spans.sort(key=lambda x: (x["start"], -x["end"], x["kind"]))
        return {
            **_doc_ref(d),
            "published_time": d.published_time,
            "language": d.language,
            "duplicate_of": d.duplicate_of,
            "similarity": d.similarity,
            "body": body,
            "meetings": linked,
            "spans": spans,
        }


# --------------------------------------------------------------------------- statements, actors


def list_statements(
    store: Store,
    *,
    act: str | None = None,
    topic: str | None = None,
    actor: str | None = None,
    format: str | None = None,
    meeting_id: int | None = None,
    outlet: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Statements (positions taken) with their evidence, by meeting date then id, paged.

    Filters, order and paging run in SQL; only the page's statements, meetings and
    documents are loaded.
    """
    with _read_session(store) as s:
        st_, m_ = StatementRow, MeetingRow
        where: list[Any] = []
        if act:
            where.append(st_.act == act)
        if topic:
            where.append(st_.topic == topic)
        if meeting_id is not None:
            where.append(st_.meeting_id == meeting_id)
        if format:
            where.append(st_.meeting_id.in_(select(m_.id).where(m_.format == format)))
        if actor:
            if _SAFE_KEY.fullmatch(actor):
                where.append(cast(st_.actors, Text).contains(f'"{actor}"', autoescape=True) | (st_.target == actor))
            else:  # the exact test on the decoded list (a key no real actor has)
                where.append(st_.id.in_([i for i, actors, target in s.execute(select(st_.id, st_.actors, st_.target))
                                         if actor in (actors or []) or target == actor]))
        if outlet:
            where.append(st_.document_id.in_(select(DocumentRow.id).where(_outlet_filter(s, store, outlet))))
        page, ids = _statement_page(s, where, limit, offset)
        if not ids:
            return page
        sts = {st.id: st for st in s.scalars(select(st_).where(st_.id.in_(ids)))}
        mids = {st.meeting_id for st in sts.values() if st.meeting_id}
        meetings = {m.id: m for m in s.execute(
            select(m_.id, m_.format, m_.round, m_.city, m_.start_date).where(m_.id.in_(mids)))} if mids else {}
        dids = {st.document_id for st in sts.values()}
        d_ = DocumentRow
        docs = {row.id: row for row in s.execute(select(d_.id, d_.outlet, d_.published).where(d_.id.in_(dids)))}
        out = []
        for st in (sts[i] for i in ids):
            d = docs.get(st.document_id)
            m = meetings.get(st.meeting_id) if st.meeting_id else None
            out.append(
                {
                    "id": st.id,
                    "meeting_id": st.meeting_id,
                    "meeting_label": meeting_label(m),
                    "format": m.format if m else None,
                    "round": m.round if m else None,
                    "meeting_date": m.start_date if m else None,
                    "document_id": st.document_id,
                    "outlet": d.outlet if d else None,
                    "published": d.published if d else None,
                    "actors": list(st.actors or []),
                    "act": st.act,
                    "topic": st.topic,
                    "target": st.target,
                    "attribution": st.attribution,
                    "speaker": st.speaker,
                    "evidence": {"document_id": st.document_id, "text": st.text, "start": st.start, "end": st.end},
                }
            )
        page["items"] = out
        return page


def _statement_page(s: Session, where: list[Any], limit: int, offset: int) -> tuple[dict[str, Any], list[int]]:
    """Ids of one page of statements in (meeting date, undated last, id) order.

    Read in two parts so no part sorts every statement: dated meetings in the order of
    the ``start_date`` index, each meeting's statements from the ``meeting_id`` index
    (only statements sharing a date are sorted by id), then the statements without a
    meeting or with an undated one, by id. The first page of 577k statements: 148 ms as
    one sorted query, under 1 ms this way.
    """
    st_, m_ = StatementRow, MeetingRow
    limit = max(0, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    matching = select(st_.id).where(*where)
    undated = matching.where(st_.meeting_id.is_(None) | st_.meeting_id.in_(select(m_.id).where(m_.start_date.is_(None))))

    def count(q: Select[Any]) -> int:
        return s.scalar(select(func.count()).select_from(q.subquery())) or 0

    total = count(matching)
    # two counts, each started from the few undated meetings / meetingless statements
    n_undated = count(matching.where(st_.meeting_id.is_(None))) + count(
        matching.join(m_, m_.id == st_.meeting_id).where(m_.start_date.is_(None))
    )
    n_dated = total - n_undated
    ids: list[int] = []
    if limit and offset < n_dated:
        dated = matching.join(m_, m_.id == st_.meeting_id).where(m_.start_date.is_not(None))
        ids += s.scalars(dated.order_by(m_.start_date, st_.id).limit(min(limit, n_dated - offset)).offset(offset))
    if limit and len(ids) < limit and offset + len(ids) < total:
        ids += s.scalars(undated.order_by(st_.id).limit(limit - len(ids)).offset(max(0, offset - n_dated)))
    return {"total": total, "limit": limit, "offset": offset, "items": []}, ids


def list_actors(store: Store) -> dict[str, Any]:
    """Every stored actor with names and how often it appears (meetings, statements).

    The counts are aggregated in SQL (statement actors unnested from their JSON list)
    and cached until the store changes: they touch every participant and statement
    (seconds at 100k articles), so concurrent first requests wait for one computation.
    """
    with _ACTORS_LOCK, _read_session(store) as s:
        key = _store_version(s)
        hit = _ACTORS_CACHE.get(store)
        if hit is not None and hit[0] == key:
            return copy.deepcopy(hit[1])
        unnest = func.json_each if store.is_sqlite else func.json_array_elements_text
        elem = unnest(StatementRow.actors).table_valued("value").alias("elem")
        in_statements = select(elem.c.value.label("actor"), StatementRow.meeting_id).select_from(StatementRow).join(
            elem, literal(True)
        )
        n_st = dict(
            s.execute(select(elem.c.value, func.count()).select_from(StatementRow).join(elem, literal(True))
                      .group_by(elem.c.value)).all()
        )
        pairs = union(
            select(ParticipantRow.actor.label("actor"), ParticipantRow.meeting_id),
            in_statements.where(StatementRow.meeting_id.is_not(None)),
        ).subquery()
        n_meet = dict(s.execute(select(pairs.c.actor, func.count()).group_by(pairs.c.actor)).all())
        items = [
            {
                "key": a.key,
                "name_en": a.name_en,
                "name_ar": a.name_ar,
                "type": a.type,
                "n_meetings": int(n_meet.get(a.key, 0)),
                "n_statements": int(n_st.get(a.key, 0)),
            }
            for a in s.scalars(select(ActorRow).order_by(ActorRow.key))
        ]
        out = {"total": len(items), "items": items}
        with _CACHE_LOCK:
            _ACTORS_CACHE[store] = (key, out)
    return copy.deepcopy(out)


# --------------------------------------------------------------------------- follow-ups, positions, search


def list_followups(store: Store, status: str | None = None) -> dict[str, Any]:
    """Announced follow-ups with current status (pending / overdue / fulfilled), read-only."""
    items = [copy.deepcopy(fu) for fu in _followups(store) if not status or fu["status"] == status]
    return {"total": len(items), "items": items}


def positions(store: Store, *, format: str | None = None, topic: str | None = None) -> dict[str, Any]:
    """The positions matrix: the rows of ``Store.positions`` plus the axes for a heatmap.

    The rows are built here from the needed columns only: ``Store.positions`` loads every
    document row whole (bodies included) and every statement, 30+ s at 100k articles.
    """
    with _read_session(store) as s:
        rows = position_rows(s, format=format, topic=topic)
    meetings: dict[int, dict[str, Any]] = {}
    for r in rows:
        if r["meeting_id"] is not None and r["meeting_id"] not in meetings:
            meetings[r["meeting_id"]] = {k: r[k] for k in ("meeting_id", "format", "round", "start_date", "city")}
    return {
        "total": len(rows),
        "actors": sorted({r["actor"] for r in rows}),
        "topics": sorted({r["topic"] for r in rows}),
        "acts": sorted({r["act"] for r in rows}),
        "meetings": list(meetings.values()),
        "items": rows,
    }


def search(
    store: Store,
    q: str,
    *,
    outlet: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    format: str | None = None,
    actor: str | None = None,
    limit: int = 20,
) -> dict[str, Any]:
    """Arabic-aware ranked search (``Store.search``) plus outlet facets of the hits."""
    limit = max(0, min(int(limit), MAX_LIMIT))
    hits = store.search(q, outlet=outlet, date_from=date_from, date_to=date_to, format=format, actor=actor,
                        limit=limit) if limit else []
    facets: dict[str, int] = defaultdict(int)
    for h in hits:
        facets[h.get("outlet") or ""] += 1
    return {"query": q, "total": len(hits), "items": hits, "facets": {"outlet": dict(facets)}}


def export_rows(
    store: Store, kind: str, *, format: str | None = None, meeting_id: int | None = None
) -> list[dict[str, Any]] | None:
    """Rows for one of :data:`EXPORT_KINDS`; ``None`` for anything else (never a path).

    ``format`` and ``meeting_id`` narrow the rows as the list endpoints do: a meeting by
    its own id and format, a statement or follow-up by its meeting's, a framing marker
    by the meetings its article reports.
    """
    if kind not in EXPORT_KINDS:
        return None
    if kind == "follow_ups":
        # the columns of Store.export_rows("follow_ups") (= `bayan export`), built read-only:
        # Store.followups() refreshes statuses in a write transaction, a GET must not.
        with _read_session(store) as s:
            rounds = dict(s.execute(select(FollowUpRow.id, FollowUpRow.round)).all())
        rows = []
        for r in list_followups(store)["items"]:
            ev, window, held = r["evidence"], r["to"] or r["from"], r["fulfilled_on"]
            flat = r | {
                "text": ev["text"], "start": ev["start"], "end": ev["end"], "round": rounds.get(r["id"]),
                # held, but after the announced window (as Store.followups computes it)
                "held_late": bool(r["fulfilled_by"] and held and window and held[: len(window)] > window),
            }
            rows.append({k: flat.get(k) for k in KIND_COLUMNS["follow_ups"]})
    else:
        rows = store.export_rows(kind)
    if not format and meeting_id is None:
        return rows
    if kind == "framing":
        keep = _meeting_documents(store, format=format, meeting_id=meeting_id)
        return [r for r in rows if r.get("document_id") in keep]
    id_key = "id" if kind == "meetings" else "meeting_id"
    return [
        r for r in rows
        if (not format or r.get("format") == format) and (meeting_id is None or r.get(id_key) == meeting_id)
    ]


def _meeting_documents(store: Store, *, format: str | None, meeting_id: int | None) -> set[int]:
    """Ids of the documents that report a meeting of ``format`` and/or the meeting ``meeting_id``."""
    with _read_session(store) as s:
        stmt = select(MeetingSourceRow.document_id).join(MeetingRow, MeetingRow.id == MeetingSourceRow.meeting_id)
        if format:
            stmt = stmt.where(MeetingRow.format == format)
        if meeting_id is not None:
            stmt = stmt.where(MeetingRow.id == meeting_id)
        return set(s.scalars(stmt))


# --------------------------------------------------------------------------- compare sources


def compare_sources(store: Store, meeting_id: int) -> dict[str, Any] | None:
    """How each outlet reported one meeting: topics reported/omitted, statement counts, framing."""
    with _read_session(store) as s:
        m = s.get(MeetingRow, meeting_id)
        if m is None:
            return None
        msrcs = list(
            s.scalars(select(MeetingSourceRow).where(MeetingSourceRow.meeting_id == meeting_id).order_by(MeetingSourceRow.id))
        )
        doc_ids = list(dict.fromkeys(src.document_id for src in msrcs))
        docs = _doc_refs(s, doc_ids)
        sts: dict[int, list[StatementRow]] = defaultdict(list)
        for st in s.scalars(select(StatementRow).where(StatementRow.meeting_id == meeting_id).order_by(StatementRow.id)):
            sts[st.document_id].append(st)
        framing: dict[int, list[FramingRow]] = defaultdict(list)
        if doc_ids:
            for f in s.scalars(select(FramingRow).where(FramingRow.document_id.in_(doc_ids)).order_by(FramingRow.id)):
                framing[f.document_id].append(f)
        union = sorted({st.topic for rows in sts.values() for st in rows})
        out_docs = []
        for did in doc_ids:
            d = docs.get(did)
            if d is None:
                continue
            src = next(x for x in msrcs if x.document_id == did)
            topics: dict[str, int] = defaultdict(int)
            acts: dict[str, int] = defaultdict(int)
            for st in sts.get(did, []):
                topics[st.topic] += 1
                acts[st.act] += 1
            reported = sorted(topics)
            out_docs.append(
                {
                    **_doc_ref(d),
                    "primary": bool(src.primary),
                    "reported": {f: (src.values or {}).get(f) for f in MEETING_FIELDS},
                    "topics_reported": reported,
                    "topics_omitted": [t for t in union if t not in topics],
                    "statement_counts": dict(sorted(topics.items())),
                    "act_counts": dict(sorted(acts.items())),
                    "n_statements": sum(topics.values()),
                    "framing": [
                        {"kind": f.kind, "label": f.label, "text": f.text, "start": f.start, "end": f.end}
                        for f in framing.get(did, [])
                    ],
                    "labels": sorted({f.label or f.text for f in framing.get(did, [])}),
                }
            )
        return {
            "meeting": _meeting_summary(m, len(doc_ids)),
            "topics": union,
            "documents": out_docs,
        }
