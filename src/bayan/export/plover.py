"""Statements as PLOVER event records (JSON Lines).

One record per stored statement, with the PLOVER fields (``id``, ``date``, ``actor``,
``recipient``, ``event``, ``mode``, ``context``, ``event_text``, ``cite_info``, plus the
optional ``enddate``, ``event_loc`` and ``coder``) and Bayan's own detail under
``"bayan"``. The act → event mapping is the data file ``bayan/data/plover.tsv``, copied
from the spec. Acts with no PLOVER counterpart (``affirm``, ``concern``, and any act
missing from the file) are exported under the namespaced event ``BAYAN:<ACT>`` with
``"bayan": {"plover_extension": true}`` — never dropped. See ``docs/export.md``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from bayan import __version__
from bayan.export.writers import Destination, write_jsonl

MAPPING_PATH = Path(__file__).resolve().parent.parent / "data" / "plover.tsv"
EXTENSION_PREFIX = "BAYAN:"
CODER = f"bayan {__version__}"

# Bayan topic → PLOVER general context (PLOVER manual, "Context codes that can be used
# with any category"). A topic with no fitting context (``other``) gives an empty list.
TOPIC_CONTEXT: dict[str, str] = {
    "sovereignty": "political",
    "counter_terrorism": "terrorism",
    "foreign_forces": "military",
    "non_interference": "political",
    "separatism": "political",
    "refugees": "migration",
    "humanitarian": "humanitarian",
    "sanctions": "economic",
    "political_process": "political",
    "ceasefire": "military",
    "israel": "military",
    "detainees": "human_rights",
    "normalization": "diplomatic",
    "border_security": "military",
    "resources": "resource",
    "reconstruction": "economic",
    "reconciliation": "political",
    "regional": "political",
}

_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class PloverMapping:
    act: str
    event: str
    mode: str | None
    note: str

    @property
    def extension(self) -> bool:
        """True when the event is Bayan's extension, not a PLOVER category."""
        return self.event.startswith(EXTENSION_PREFIX)


@lru_cache(maxsize=4)
def load_mapping(path: Path = MAPPING_PATH) -> dict[str, PloverMapping]:
    """act → :class:`PloverMapping` from the TSV (``#`` comments, then a header row)."""
    from bayan.lang.ar import read_tsv

    mapping: dict[str, PloverMapping] = {}
    for row in read_tsv(path.name, path.parent):
        act, event = row.get("act", ""), row.get("plover_event", "")
        if not act or not event:
            raise ValueError(f"{path}: a row needs an act and a plover_event: {row!r}")
        mapping[act] = PloverMapping(act=act, event=event, mode=row.get("plover_mode") or None,
                                     note=row.get("note", ""))
    return mapping


def map_act(act: str) -> PloverMapping:
    """The PLOVER event for a Bayan act; an unknown act gets the extension event."""
    found = load_mapping().get(act)
    if found is not None:
        return found
    return PloverMapping(act, EXTENSION_PREFIX + act.upper(), None, "extension: act not in plover.tsv")


def _actor(code: str, names: dict[str, tuple[str | None, str | None, str | None]]) -> dict[str, Any]:
    name_en, name_ar, _ = names.get(code, (None, None, None))
    obj: dict[str, Any] = {"code": code}
    if name_en:
        obj["name"] = name_en
    if name_ar:
        obj["name_ar"] = name_ar
    return obj


def _codes(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v]
    return [a for a in str(value or "").split(";") if a]


def record_id(row: dict[str, Any]) -> str:
    """A stable id from the statement's provenance (source, span, act, topic, actors)."""
    key = "|".join(
        str(row.get(k) or "") for k in ("source", "start", "end", "act", "topic", "actors", "target")
    )
    return "bayan-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _full(value: Any) -> str | None:
    return value if isinstance(value, str) and _FULL_DATE.match(value) else None


def statement_to_plover(
    row: dict[str, Any],
    *,
    meetings: dict[int, dict[str, Any]] | None = None,
    names: dict[str, tuple[str | None, str | None, str | None]] | None = None,
) -> dict[str, Any]:
    """One PLOVER record from a ``Store.export_rows("statements")`` row."""
    names = names or {}
    meeting = (meetings or {}).get(row.get("meeting_id")) if row.get("meeting_id") else None
    mapping = map_act(str(row.get("act") or ""))

    # The event happened when the meeting did; without a full meeting date, the article's
    # publication date is the best evidenced date. The basis is recorded, never hidden.
    meeting_date = row.get("meeting_date") or (meeting or {}).get("start_date")
    if _full(meeting_date):
        date, basis = meeting_date, "meeting"
    elif _full(row.get("published")):
        date, basis = row["published"], "published"
    else:
        date = meeting_date or row.get("published")
        basis = ("meeting" if meeting_date else "published") if date else None
    enddate = None
    if basis == "meeting" and meeting and _full(meeting.get("end_date")) and meeting["end_date"] != date:
        enddate = meeting["end_date"]

    event_loc = None
    if meeting and (meeting.get("city") or meeting.get("country")):
        event_loc = {"name": meeting.get("city"), "country": meeting.get("country")}

    topic = row.get("topic")
    target = row.get("target")
    return {
        "id": record_id(row),
        "date": date,
        "enddate": enddate,
        "actor": [_actor(a, names) for a in _codes(row.get("actors"))],
        "recipient": [_actor(a, names) for a in _codes(target)],
        "event": mapping.event,
        "mode": mapping.mode,
        "context": [TOPIC_CONTEXT[topic]] if topic in TOPIC_CONTEXT else [],
        "event_loc": event_loc,
        "event_text": [row.get("text") or ""],
        "cite_info": {
            "source": row.get("source"),
            "url": row.get("url"),
            "outlet": row.get("outlet"),
            "published": row.get("published"),
        },
        "coder": CODER,
        "bayan": {
            "act": row.get("act"),
            "topic": topic,
            "plover_extension": mapping.extension,
            "statement_id": row.get("id"),
            "meeting_id": row.get("meeting_id"),
            "format": row.get("format") if row.get("format") is not None else (meeting or {}).get("format"),
            "round": row.get("round") if row.get("round") is not None else (meeting or {}).get("round"),
            "document_id": row.get("document_id"),
            "attribution": row.get("attribution"),
            "date_basis": basis,
            "evidence": {
                "text": row.get("text"),
                "start": row.get("start"),
                "end": row.get("end"),
                "source": row.get("source"),
                "url": row.get("url"),
            },
        },
    }


def plover_records(store: Any) -> Iterator[dict[str, Any]]:
    """PLOVER records for every statement in ``store`` (a :class:`~bayan.store.Store`)."""
    from bayan.store.repository import actor_names

    meetings = {m["id"]: m for m in store.export_rows("meetings")}
    yield from to_plover(store.export_rows("statements"), meetings=meetings, names=actor_names())


def to_plover(
    rows: Iterable[dict[str, Any]],
    *,
    meetings: dict[int, dict[str, Any]] | None = None,
    names: dict[str, tuple[str | None, str | None, str | None]] | None = None,
) -> Iterator[dict[str, Any]]:
    """PLOVER records for statement rows; ids are made unique within the export."""
    seen: dict[str, int] = {}
    for row in rows:
        rec = statement_to_plover(row, meetings=meetings, names=names)
        n = seen.get(rec["id"], 0)
        seen[rec["id"]] = n + 1
        if n:
            rec["id"] = f"{rec['id']}-{n + 1}"
        yield rec


def write_plover(records: Iterable[dict[str, Any]], dest: Destination = None) -> int:
    """PLOVER records as JSON Lines; return the record count."""
    return write_jsonl(records, dest)
