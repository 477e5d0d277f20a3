"""The HTML dashboard: server-rendered Jinja2 pages over the same queries as the JSON API.

Safety rules kept by every page:

* Jinja2 autoescaping is always on and no template uses ``|safe``: article text, titles,
  outlet names and evidence are always rendered as text, never as markup.
* Highlighting evidence slices the body into plain-text pieces (:func:`segments`) and the
  template wraps pieces in ``<mark>``; the text itself is never turned into HTML.
* No inline scripts or styles: chart data travels in ``<script type="application/json">``
  blocks (``|tojson`` escapes ``<``, ``>``, ``&`` and quotes) read by ``static/app.js``.
* ``/ingest`` writes, so it needs the configured token (form field ``token`` or
  ``Authorization: Bearer``), compared with :func:`hmac.compare_digest`; with no token
  configured it only accepts requests from loopback clients, and always refuses
  cross-site form posts.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import threading
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import yaml
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bayan.web import queries as Q

HERE = Path(__file__).resolve().parent
TEMPLATE_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
LANG_COOKIE = "bayan_lang"
LANGS = ("ar", "en")
PAGE_SIZE = 100
MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # default; the app's ``state.max_upload`` wins
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_HL = re.compile(r"^(\d{1,9})-(\d{1,9})$")
_SNIP = re.compile(r"\[([^\[\]]*)\]")
# which evidence kind colours a piece of text covered by several spans
_KIND_PRIORITY = ("statement", "follow_up", "framing", "person", "participant", "meeting")

router = APIRouter(include_in_schema=False)

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATE_DIR)),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True, default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
# a document's short name when it has no outlet: "samples/dev/x.txt#L2" -> "x.txt#L2"
_env.filters["shortsrc"] = lambda s: Path(str(s)).name if s else ""


# --------------------------------------------------------------------------- labels and names


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, dict[str, str]]]:
    """The interface label dictionary (``labels.yaml``): section → key → {ar, en}."""
    data = yaml.safe_load((HERE / "labels.yaml").read_text(encoding="utf-8")) or {}
    return {sec: dict(vals or {}) for sec, vals in data.items()}


@lru_cache(maxsize=1)
def format_names() -> dict[str, dict[str, str]]:
    """format key → {ar, en} from the format registry."""
    path = HERE.parent / "lang" / "ar" / "formats.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    out: dict[str, dict[str, str]] = {}
    for f in data.get("formats") or []:
        if isinstance(f, dict) and f.get("key"):
            out[f["key"]] = {"ar": f.get("name_ar") or f["key"], "en": f.get("name_en") or f["key"]}
    return out


@lru_cache(maxsize=1)
def city_names() -> dict[str, str]:
    """canonical English city name → Arabic name, from the city gazetteer."""
    from bayan.lang.ar import tsv

    out: dict[str, str] = {}
    try:
        rows = tsv("cities.tsv")
    except OSError:
        return out
    for row in rows:
        if row.get("name_en") and row.get("name_ar"):
            out.setdefault(row["name_en"], row["name_ar"])
    return out


class Texts:
    """Per-request label lookups in the chosen interface language."""

    def __init__(self, lang: str):
        self.lang = lang
        self._labels = labels()
        from bayan.store.repository import actor_names

        self._actors = actor_names()

    def t(self, key: str) -> str:
        entry = self._labels.get("ui", {}).get(key)
        return entry.get(self.lang) or entry.get("ar") or key if entry else key

    def lab(self, section: str, key: Any) -> str:
        if key is None or key == "":
            return self.t("unknown")
        entry = self._labels.get(section, {}).get(str(key))
        return (entry.get(self.lang) or str(key)) if entry else str(key)

    def fmt(self, key: str | None) -> str:
        if not key:
            return self.t("unknown")
        entry = format_names().get(key)
        return entry[self.lang] if entry else key

    def actor(self, key: str | None) -> str:
        if not key:
            return self.t("unknown")
        en, ar, _ = self._actors.get(key, (None, None, None))
        name = ar if self.lang == "ar" else en
        return name or en or ar or key

    def city(self, name: str | None) -> str:
        if not name:
            return ""
        if self.lang == "ar":
            return city_names().get(name, name)
        return name

    def place(self, city: str | None, country: str | None) -> str:
        parts = [self.city(city)] if city else []
        if country:
            parts.append(self.actor(country))
        return "، ".join(parts) if self.lang == "ar" else ", ".join(parts)

    def field_value(self, field: str, value: Any) -> str:
        if value is None or value == "":
            return self.t("unknown")
        if field == "format":
            return self.fmt(str(value))
        if field == "country":
            return self.actor(str(value))
        if field == "city":
            return self.city(str(value))
        if field == "level":
            return self.lab("levels", value)
        return str(value)

    def meeting(self, m: dict[str, Any] | None) -> str:
        """A short label: format, round, place and date."""
        if not m:
            return ""
        parts = [self.fmt(m.get("format")) if m.get("format") else self.t("meeting")]
        if m.get("round") is not None:
            parts.append(f"{self.t('round')} {m['round']}")
        if m.get("city"):
            parts.append(self.city(m["city"]))
        if m.get("start_date"):
            parts.append(_ltr(str(m["start_date"])))
        return " · ".join(parts)


# --------------------------------------------------------------------------- helpers


def _ltr(text: str) -> str:
    """Isolate a left-to-right run (a date) inside Arabic text: LRI … PDI, plain characters."""
    return "\u2066" + text + "\u2069"


def _lang(request: Request) -> str:
    q = request.query_params.get("lang")
    if q in LANGS:
        return q
    c = request.cookies.get(LANG_COOKIE)
    return c if c in LANGS else "ar"


def _arg(request: Request, name: str, limit: int = 200) -> str | None:
    v = request.query_params.get(name)
    if v is None:
        return None
    v = v.strip()[:limit]
    return v or None


def _date_arg(request: Request, name: str) -> str | None:
    v = _arg(request, name, 10)
    return v if v and _DATE.match(v) else None


def _int_arg(request: Request, name: str, default: int | None = None, lo: int = 0, hi: int = 10**9) -> int | None:
    v = _arg(request, name, 12)
    if v is None or not v.isdigit():
        return default
    return max(lo, min(hi, int(v)))


def ev_url(ev: dict[str, Any] | None, doc_id: int | None = None) -> str:
    """Link to the source view with the evidence span highlighted."""
    ev = ev or {}
    did = ev.get("document_id", doc_id)
    if did is None:
        return "#"
    start, end = ev.get("start"), ev.get("end")
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end:
        return f"/documents/{int(did)}?hl={start}-{end}#hl"
    return f"/documents/{int(did)}"


def segments(body: str, spans: list[dict[str, Any]], active: tuple[int, int] | None = None) -> list[dict[str, Any]]:
    """Split ``body`` into plain-text pieces at every span boundary.

    Each piece is ``{text, kinds, labels, active, anchor}``: the template wraps pieces that
    have kinds (or are active) in ``<mark>`` and escapes the text. Nothing here produces
    markup, so the article can contain anything.
    """
    n = len(body)
    valid = [sp for sp in spans if isinstance(sp.get("start"), int) and isinstance(sp.get("end"), int)
             and 0 <= sp["start"] < sp["end"] <= n]
    cuts = {0, n}
    for sp in valid:
        cuts.add(sp["start"])
        cuts.add(sp["end"])
    if active:
        cuts.update(active)
    points = sorted(c for c in cuts if 0 <= c <= n)
    opening: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for sp in valid:
        opening[sp["start"]].append(sp)
    out: list[dict[str, Any]] = []
    live: list[dict[str, Any]] = []
    anchor_done = False
    for a, b in zip(points, points[1:], strict=False):
        live = [sp for sp in live if sp["end"] > a] + opening.get(a, [])
        kinds = sorted({sp["kind"] for sp in live},
                       key=lambda k: _KIND_PRIORITY.index(k) if k in _KIND_PRIORITY else 99)
        is_active = bool(active and active[0] <= a and b <= active[1])
        piece = {
            "text": body[a:b],
            "kinds": kinds,
            "labels": list(dict.fromkeys(sp.get("label") or sp["kind"] for sp in live)),
            "active": is_active,
            "anchor": is_active and not anchor_done,
            "start": a,
            "end": b,
        }
        if is_active:
            anchor_done = True
        if out and not piece["kinds"] and not piece["active"] and not out[-1]["kinds"] and not out[-1]["active"]:
            out[-1]["text"] += piece["text"]
            out[-1]["end"] = b
        else:
            out.append(piece)
    return out


def snippet_parts(snippet: str | None) -> list[tuple[str, bool]]:
    """``"…a [b] c…"`` → ``[("…a ", False), ("b", True), (" c…", False)]`` (text only)."""
    if not snippet:
        return []
    parts: list[tuple[str, bool]] = []
    pos = 0
    for m in _SNIP.finditer(snippet):
        if m.start() > pos:
            parts.append((snippet[pos : m.start()], False))
        parts.append((m.group(1), True))
        pos = m.end()
    if pos < len(snippet):
        parts.append((snippet[pos:], False))
    return parts


def _url(path: str, params: dict[str, Any]) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return path + ("?" + urlencode(clean) if clean else "")


EXPORT_FORMATS = ("csv", "jsonl", "parquet", "plover")


def export_links(kinds: tuple[str, ...], **filters: Any) -> list[dict[str, Any]]:
    """Download links to ``/api/export/{kind}`` in every format, one group per kind.

    PLOVER is offered for statements only (the API refuses it for other kinds); filters
    with no value are left out of the URL.
    """
    return [
        {
            "kind": kind,
            "links": [
                {"to": to, "label_key": f"export_{to}", "url": _url(f"/api/export/{kind}", {"to": to, **filters})}
                for to in EXPORT_FORMATS
                if to != "plover" or kind == "statements"
            ],
        }
        for kind in kinds
    ]


def _render(request: Request, template: str, ctx: dict[str, Any], status: int = 200) -> HTMLResponse:
    lang = _lang(request)
    tx = Texts(lang)
    params = {k: v for k, v in request.query_params.items() if k != "lang"}
    other = "en" if lang == "ar" else "ar"
    base = {
        "request": request,
        "lang": lang,
        "dir": "rtl" if lang == "ar" else "ltr",
        "tx": tx,
        "t": tx.t,
        "lab": tx.lab,
        "ev_url": ev_url,
        "url": _url,
        "path": request.url.path,
        "toggle_url": _url(request.url.path, {**params, "lang": other}),
    }
    html = _env.get_template(template).render(**base, **ctx)
    resp = HTMLResponse(html, status_code=status)
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "same-origin"
    resp.headers["X-Frame-Options"] = "DENY"
    if request.query_params.get("lang") in LANGS:
        resp.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return resp


def _not_found(request: Request) -> HTMLResponse:
    return _render(request, "error.html", {"title_key": "not_found", "message_key": "not_found_text"}, status=404)


def _store(request: Request):  # noqa: ANN202 - bayan.store.repository.Store
    return request.app.state.store


# --------------------------------------------------------------------------- static files


@lru_cache(maxsize=1)
def _static_files() -> dict[str, Path]:
    return {p.name: p for p in STATIC_DIR.iterdir() if p.is_file() and not p.name.startswith(".")}


_MEDIA = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".md": "text/plain; charset=utf-8", ".txt": "text/plain; charset=utf-8",
          ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png"}


@router.get("/static/{name}", include_in_schema=False)
def static_file(name: str) -> Response:
    """Vendored and own assets, by exact file name only (no paths, no traversal)."""
    path = _static_files().get(name)
    if path is None:
        return Response("not found", status_code=404, media_type="text/plain")
    resp = FileResponse(path, media_type=_MEDIA.get(path.suffix, "application/octet-stream"))
    resp.headers["Cache-Control"] = "public, max-age=3600"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


# --------------------------------------------------------------------------- timeline


def _facet_options(store) -> dict[str, Any]:  # noqa: ANN001
    """Choices for the filter forms: formats, actors, outlets and topics present in the store."""
    allm = Q.list_meetings(store, limit=Q.MAX_LIMIT)["items"]
    formats = sorted({m["format"] for m in allm if m["format"]})
    actors = [a for a in Q.list_actors(store)["items"] if a["n_meetings"] or a["n_statements"]]
    docs = Q.list_documents(store, limit=Q.MAX_LIMIT)["items"]
    outlets = sorted({d["outlet"] for d in docs if d["outlet"]})
    return {"formats": formats, "actors": actors, "outlets": outlets,
            "topics": list(labels().get("topics", {}))}


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def timeline_view(request: Request) -> HTMLResponse:
    store = _store(request)
    tx = Texts(_lang(request))
    filters = {
        "format": _arg(request, "format", 64),
        "round": _int_arg(request, "round"),
        "actor": _arg(request, "actor", 64),
        "topic": _arg(request, "topic", 64),
        "outlet": _arg(request, "outlet"),
        "date_from": _date_arg(request, "date_from"),
        "date_to": _date_arg(request, "date_to"),
        "q": _arg(request, "q"),
    }
    offset = _int_arg(request, "offset", 0) or 0
    everything = Q.list_meetings(store, **filters, limit=Q.MAX_LIMIT, offset=0)
    page = Q.list_meetings(store, **filters, limit=PAGE_SIZE, offset=offset)
    seen: list[str | None] = []
    for m in everything["items"]:
        if m["format"] not in seen:
            seen.append(m["format"])
    counts = Counter(m["format"] for m in everything["items"])
    seen.sort(key=lambda k: (-counts[k], k is None, k or ""))
    chart = {
        "labels": {k: tx.t(k) for k in ("date", "round", "place", "sources", "by_reference")},
        "formats": [{"key": k, "name": tx.fmt(k)} for k in seen],
        "items": [
            {
                "id": m["id"],
                "date": _chart_date(m["start_date"]),
                "end": m["end_date"],
                "format": m["format"],
                "format_name": tx.fmt(m["format"]),
                "round": m["round"],
                "place": tx.place(m["city"], m["country"]),
                "sources": m["n_sources"],
                "by_reference": m["known_by_reference"],
                "url": f"/meetings/{int(m['id'])}",
            }
            for m in everything["items"]
        ],
    }
    params = {k: v for k, v in filters.items() if v is not None}
    return _render(request, "timeline.html", {
        "page": page,
        "chart": chart,
        "filters": filters,
        "options": _facet_options(store),
        "prev_url": _url("/", {**params, "offset": max(0, offset - PAGE_SIZE)}) if offset > 0 else None,
        "next_url": _url("/", {**params, "offset": offset + PAGE_SIZE})
        if offset + PAGE_SIZE < page["total"] else None,
        "exports": export_links(("meetings", "statements", "follow_ups", "framing"), format=filters["format"]),
    })


def _chart_date(value: str | None) -> str | None:
    """ECharts time axis wants a full date: '2023-04' → '2023-04-01'."""
    if not value or not _DATE.match(value):
        return None
    if len(value) == 4:
        return value + "-01-01"
    if len(value) == 7:
        return value + "-01"
    return value


# --------------------------------------------------------------------------- meeting


@router.get("/meetings/{meeting_id}", response_class=HTMLResponse, include_in_schema=False)
def meeting_view(request: Request, meeting_id: int) -> HTMLResponse:
    store = _store(request)
    m = Q.meeting_detail(store, meeting_id) if 0 < meeting_id < 2**63 else None
    if m is None:
        return _not_found(request)
    docs = {d["id"]: d for d in m["sources"]}
    # evidence of the meeting itself in each source, to link field values to
    doc_ev = {d["id"]: d.get("evidence") for d in m["sources"]}
    return _render(request, "meeting.html", {"m": m, "docs": docs, "doc_ev": doc_ev,
                                             "field_keys": list(m["fields"]), "mmap": _meeting_map(store),
                                             "exports": export_links(("meetings", "statements", "follow_ups",
                                                                      "framing"), meeting_id=m["id"])})


@router.get("/meetings/{meeting_id}/compare", response_class=HTMLResponse, include_in_schema=False)
def compare_view(request: Request, meeting_id: int) -> HTMLResponse:
    store = _store(request)
    c = Q.compare_sources(store, meeting_id) if 0 < meeting_id < 2**63 else None
    if c is None:
        return _not_found(request)
    articles = []
    for d in c["documents"]:
        detail = Q.document_detail(store, d["id"])
        if detail is None:
            continue
        spans = [sp for sp in detail["spans"]
                 if sp["kind"] == "framing" or sp.get("meeting_id") in (None, meeting_id)]
        articles.append({"doc": d, "segments": segments(detail["body"], spans)})
    return _render(request, "compare.html", {"c": c, "m": c["meeting"], "articles": articles})


# --------------------------------------------------------------------------- document


@router.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
def document_view(request: Request, doc_id: int) -> HTMLResponse:
    store = _store(request)
    d = Q.document_detail(store, doc_id) if 0 < doc_id < 2**63 else None
    if d is None:
        return _not_found(request)
    active: tuple[int, int] | None = None
    hl = _arg(request, "hl", 24)
    if hl and (mm := _HL.match(hl)):
        a, b = int(mm.group(1)), int(mm.group(2))
        if 0 <= a < b <= len(d["body"]):
            active = (a, b)
    active_spans = [sp for sp in d["spans"] if active and sp["start"] == active[0] and sp["end"] == active[1]]
    return _render(request, "document.html", {
        "d": d,
        "segments": segments(d["body"], d["spans"], active),
        "active": active,
        "active_spans": active_spans,
        "kinds": [k for k in _KIND_PRIORITY if any(sp["kind"] == k for sp in d["spans"])],
    })


# --------------------------------------------------------------------------- positions


@router.get("/positions", response_class=HTMLResponse, include_in_schema=False)
def positions_view(request: Request) -> HTMLResponse:
    store = _store(request)
    tx = Texts(_lang(request))
    fmt = _arg(request, "format", 64)
    sel = {
        "actor": _arg(request, "actor", 64),
        "topic": _arg(request, "topic", 64),
        "act": _arg(request, "act", 32),
        "meeting": _int_arg(request, "meeting"),
    }
    data = Q.positions(store, format=fmt)
    rows = data["items"]
    meetings = sorted(data["meetings"], key=lambda m: (m["start_date"] or "9999", m["meeting_id"]))
    has_unlinked = any(r["meeting_id"] is None for r in rows)

    def col_label(m: dict[str, Any] | None) -> str:
        if m is None:
            return tx.t("unknown")
        bits = []
        if not fmt:
            bits.append(tx.fmt(m["format"]))
        if m["round"] is not None:
            bits.append(f"{tx.t('round')} {m['round']}")
        elif m.get("city"):
            bits.append(tx.city(m["city"]))
        if m["start_date"]:
            bits.append(m["start_date"][:7])
        return " · ".join(bits)

    columns = [{"id": m["meeting_id"], "label": col_label(m), "meeting": m} for m in meetings]
    if has_unlinked:
        columns.append({"id": None, "label": tx.t("unknown"), "meeting": None})

    # actor × meeting: cell → [(act, topic, count)]
    cells: dict[tuple[str, int | None], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        cells[(r["actor"], r["meeting_id"])].append(r)
    actors = sorted(data["actors"], key=lambda a: (-sum(1 for r in rows if r["actor"] == a), a))
    matrix = [
        {
            "actor": a,
            "cells": [
                {
                    "items": cells.get((a, col["id"]), []),
                    "url": _url("/positions", {"format": fmt, "actor": a, "meeting": col["id"]}) + "#evidence"
                    if cells.get((a, col["id"])) else None,
                }
                for col in columns
            ],
        }
        for a in actors
    ]

    # topic × meeting heatmap: distinct pieces of evidence (a joint statement counts once)
    ev_sets: dict[tuple[str, int | None], set[tuple[int, int, int]]] = defaultdict(set)
    for r in rows:
        for ev in r["evidence"]:
            ev_sets[(r["topic"], r["meeting_id"])].add((ev["document_id"], ev["start"], ev["end"]))
    topics = sorted(data["topics"], key=lambda t: -sum(len(v) for k, v in ev_sets.items() if k[0] == t))
    heat = {
        "labels": {"evidence_count": tx.t("evidence_count")},
        "x": [c["label"] for c in columns],
        "y": [tx.lab("topics", t) for t in topics],
        "cells": [
            {
                "value": [xi, yi, len(ev_sets[(t, col["id"])])],
                "topic": tx.lab("topics", t),
                "column": col["label"],
                "url": _url("/positions", {"format": fmt, "topic": t, "meeting": col["id"]}) + "#evidence",
            }
            for xi, col in enumerate(columns)
            for yi, t in enumerate(topics)
            if ev_sets.get((t, col["id"]))
        ],
    }

    selected: list[dict[str, Any]] = []
    if any(v is not None for v in sel.values()):
        seen: set[tuple[int, int, int]] = set()
        for r in rows:
            if sel["actor"] and r["actor"] != sel["actor"]:
                continue
            if sel["topic"] and r["topic"] != sel["topic"]:
                continue
            if sel["act"] and r["act"] != sel["act"]:
                continue
            if sel["meeting"] is not None and r["meeting_id"] != sel["meeting"]:
                continue
            for ev in r["evidence"]:
                key = (ev["document_id"], ev["start"], ev["end"])
                if key in seen:
                    continue
                seen.add(key)
                actors_of = sorted({x["actor"] for x in rows if x["meeting_id"] == r["meeting_id"]
                                    and x["topic"] == r["topic"] and x["act"] == r["act"]
                                    and any((e["document_id"], e["start"], e["end"]) == key for e in x["evidence"])})
                selected.append({"row": r, "ev": ev, "actors": actors_of})
    by_id = {m["meeting_id"]: m for m in meetings}
    return _render(request, "positions.html", {
        "fmt": fmt,
        "formats": sorted({m["format"] for m in Q.list_meetings(store, limit=Q.MAX_LIMIT)["items"] if m["format"]}),
        "columns": columns,
        "matrix": matrix,
        "heat": heat,
        "sel": sel,
        "selected": selected,
        "meetings_by_id": by_id,
        "total": data["total"],
        "exports": export_links(("statements",), format=fmt),
    })


# --------------------------------------------------------------------------- follow-ups


@router.get("/followups", response_class=HTMLResponse, include_in_schema=False)
def followups_view(request: Request) -> HTMLResponse:
    store = _store(request)
    tx = Texts(_lang(request))
    status = _arg(request, "status", 16)
    if status not in Q.FOLLOWUP_STATUSES:
        status = None
    allf = Q.list_followups(store)["items"]
    counts = Counter(f["status"] for f in allf)
    items = [f for f in allf if not status or f["status"] == status]
    chart = {"items": [{"key": k, "label": tx.lab("followup_status", k), "count": counts.get(k, 0)}
                       for k in Q.FOLLOWUP_STATUSES]}
    return _render(request, "followups.html", {"items": items, "status": status, "counts": counts,
                                               "statuses": Q.FOLLOWUP_STATUSES, "chart": chart,
                                               "total": len(allf), "mmap": _meeting_map(store)})


def _meeting_map(store) -> dict[int, dict[str, Any]]:  # noqa: ANN001
    return {m["id"]: m for m in Q.list_meetings(store, limit=Q.MAX_LIMIT)["items"]}


# --------------------------------------------------------------------------- search


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_view(request: Request) -> HTMLResponse:
    store = _store(request)
    q = _arg(request, "q", 300) or ""
    f = {
        "outlet": _arg(request, "outlet"),
        "format": _arg(request, "format", 64),
        "actor": _arg(request, "actor", 64),
        "date_from": _date_arg(request, "date_from"),
        "date_to": _date_arg(request, "date_to"),
    }
    results: dict[str, Any] = {"total": 0, "items": []}
    facets: dict[str, list[tuple[str, int]]] = {}
    if q:
        results = Q.search(store, q, **f, limit=100)
        # facets are counted over the query alone, so every choice stays visible
        base = Q.search(store, q, limit=Q.MAX_LIMIT)["items"]
        ids = {h["id"] for h in base}
        doc_formats: dict[int, set[str]] = defaultdict(set)
        for m in store.timeline():
            for did in m["documents"]:
                if did in ids and m["format"]:
                    doc_formats[did].add(m["format"])
        doc_actors = _doc_actors(store, ids)
        facets = {
            "outlet": Counter(h["outlet"] for h in base if h.get("outlet")).most_common(),
            "format": Counter(k for h in base for k in doc_formats.get(h["id"], ())).most_common(),
            "actor": Counter(a for h in base for a in doc_actors.get(h["id"], ())).most_common(20),
            "year": sorted(Counter((h.get("published") or "")[:4] for h in base if h.get("published")).items()),
        }
    for h in results["items"]:
        h["parts"] = snippet_parts(h.get("snippet"))
    params = {"q": q, **f}
    return _render(request, "search.html", {
        "q": q,
        "f": f,
        "results": results,
        "facets": facets,
        "params": params,
        "options": _facet_options(store),
    })


def _doc_actors(store, ids: set[int]) -> dict[int, set[str]]:  # noqa: ANN001
    """document id → participant actor keys (read-only, parameterised)."""
    from sqlalchemy import select

    from bayan.store.models import ParticipantRow

    out: dict[int, set[str]] = defaultdict(set)
    if not ids:
        return out
    with store.session() as s:
        for did, actor in s.execute(
            select(ParticipantRow.document_id, ParticipantRow.actor).where(ParticipantRow.document_id.in_(list(ids)))
        ):
            out[did].add(actor)
    return out


# --------------------------------------------------------------------------- ingest


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return host == "localhost"


def _token_ok(expected: str, given: str | None) -> bool:
    return hmac.compare_digest(expected.encode("utf-8"), (given or "").encode("utf-8"))


def _same_origin(request: Request) -> bool:
    """Refuse cross-site form posts (a web page cannot make your browser ingest for it)."""
    site = request.headers.get("sec-fetch-site")
    if site and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        return urlsplit(origin).netloc.lower() == host.lower()
    return origin != "null"


def _write_allowed(request: Request, form_token: str | None) -> tuple[bool, str | None]:
    token = getattr(request.app.state, "token", None)
    if not _same_origin(request):
        return False, "ingest_forbidden"
    if token:
        given = form_token
        auth = request.headers.get("authorization", "")
        if auth[:7].lower() == "bearer ":
            given = auth[7:].strip()
        return (True, None) if _token_ok(token, given) else (False, "ingest_forbidden")
    client = request.client.host if request.client else None
    return (True, None) if _is_loopback(client) else (False, "ingest_loopback_only")


@router.get("/ingest", response_class=HTMLResponse, include_in_schema=False)
def ingest_form(request: Request) -> HTMLResponse:
    return _render(request, "ingest.html", _ingest_ctx(request))


def _ingest_ctx(request: Request, **extra: Any) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "needs_token": bool(getattr(request.app.state, "token", None)),
        "max_mb": round(_upload_limit(request) / (1024 * 1024), 1),
        "form": {},
        "error": None,
        "result": None,
    }
    ctx.update(extra)
    return ctx


@router.post("/ingest", response_class=HTMLResponse, include_in_schema=False)
async def ingest_submit(request: Request) -> HTMLResponse:
    limit = _upload_limit(request)
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit + 64 * 1024:
        return _render(request, "ingest.html", _ingest_ctx(request, error="ingest_too_large"), status=413)
    if not getattr(request.app.state, "token", None):
        ok, why = _write_allowed(request, None)
        if not ok:  # refuse before reading the body
            return _render(request, "ingest.html", _ingest_ctx(request, error=why), status=403)
    try:
        form = await request.form(max_files=1, max_fields=16, max_part_size=limit + 1024)
    except Exception:  # noqa: BLE001 - a malformed or oversized form is a 400, not a traceback
        return _render(request, "ingest.html", _ingest_ctx(request, error="ingest_failed"), status=400)
    try:
        def field(name: str, maxlen: int = 500) -> str | None:
            v = form.get(name)
            if not isinstance(v, str):
                return None
            v = v.strip()[:maxlen]
            return v or None

        ok, why = _write_allowed(request, field("token", 1000))
        if not ok:
            status = 401 if why == "ingest_forbidden" and getattr(request.app.state, "token", None) else 403
            return _render(request, "ingest.html", _ingest_ctx(request, error=why), status=status)
        meta = {"outlet": field("outlet", 200), "published": field("published", 32), "url": field("url", 2000)}
        if meta["published"] and not _DATE.match(meta["published"]):
            meta["published"] = None
        text = form.get("text") if isinstance(form.get("text"), str) else ""
        source = "web:pasted"
        data: bytes | None = None
        upload = form.get("file")
        if upload is not None and not isinstance(upload, str) and getattr(upload, "filename", None):
            data = await upload.read(limit + 1)
            if len(data) > limit:
                return _render(request, "ingest.html", _ingest_ctx(request, error="ingest_too_large", form=meta),
                               status=413)
            source = "web:" + Path(upload.filename).name[:200]
        if data is None and len(text.encode("utf-8")) > limit:
            return _render(request, "ingest.html", _ingest_ctx(request, error="ingest_too_large", form=meta),
                           status=413)
        if data is None and not text.strip():
            return _render(request, "ingest.html", _ingest_ctx(request, error="ingest_empty", form=meta), status=400)
    finally:
        await form.close()
    store = _store(request)
    try:
        result = await run_in_threadpool(_ingest, store, source, text, data, meta)
    except Exception as exc:  # noqa: BLE001 - show the reason, never a traceback
        return _render(request, "ingest.html",
                       _ingest_ctx(request, error="ingest_failed", detail=type(exc).__name__, form=meta), status=422)
    return _render(request, "ingest.html", _ingest_ctx(request, result=result))


_LOCAL_LOCK = threading.Lock()


def _write_lock() -> threading.Lock:
    """The API's ingest lock when there is one, so dashboard and API writes never overlap."""
    from bayan.web import api

    lock = getattr(api, "_ingest_lock", None)
    return lock if lock is not None else _LOCAL_LOCK


def _upload_limit(request: Request) -> int:
    return int(getattr(request.app.state, "max_upload", None) or MAX_UPLOAD_BYTES)


def _ingest(store, source: str, text: str, data: bytes | None, meta: dict[str, str | None]) -> dict[str, Any]:  # noqa: ANN001
    """Decode, clean, extract and store one article; returns what the page shows."""
    from bayan.core import process
    from bayan.pipeline.ingest import RawInput, decode_bytes, looks_like_html

    if data is not None:
        text, encoding = decode_bytes(data)
        text = text.lstrip("\ufeff")
    else:
        encoding = "utf-8"
    text = text.replace("\r\n", "\n")
    if not text.strip():
        raise ValueError("empty input")
    is_html = source.lower().endswith((".html", ".htm", ".xhtml")) or looks_like_html(text)
    raw = RawInput(source=source, text=None if is_html else text, html=text if is_html else None,
                   url=meta.get("url"), outlet=meta.get("outlet"), published=meta.get("published"),
                   encoding=encoding, raw_bytes_len=len(text.encode("utf-8")))
    doc = process(raw)
    with _write_lock():  # the store's near-duplicate index is not thread-safe: one writer at a time
        doc_id, status = store.add_document(doc, raw_text=raw.text, html=raw.html)
    return {"doc_id": doc_id, "status": status, "doc": doc.to_dict(include_body=False)}
