"""The data model of the spec, as plain dataclasses shared by every stage.

``to_dict`` methods produce exactly the output contract (``schema/output.schema.json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _plain(obj: Any) -> Any:
    """``dataclasses.asdict`` without its deep copies: the leaves here are str, int,
    bool and None, and ``asdict`` (deepcopy per leaf) was ~1.4 ms of every stored article."""
    cls = type(obj)
    if cls in (str, int, bool, float) or obj is None:
        return obj
    names = _FIELD_NAMES.get(cls)
    if names is None and hasattr(cls, "__dataclass_fields__"):
        names = _FIELD_NAMES.setdefault(cls, tuple(f.name for f in fields(obj)))
    if names is not None:
        return {n: _plain(getattr(obj, n)) for n in names}
    if cls is list or cls is tuple:
        return cls(_plain(v) for v in obj)
    if cls is dict:
        return {_plain(k): _plain(v) for k, v in obj.items()}
    return obj


@dataclass
class Evidence:
    """A span of the cleaned body text that supports a fact."""

    text: str
    start: int
    end: int


@dataclass
class Participant:
    actor: str
    role: str  # host | guarantor | member | observer | participant | organisation
    evidence: Evidence | None = None
    inferred: bool = False


@dataclass
class Person:
    name: str | None  # Latin script, from the officials gazetteer when known
    name_ar: str
    actor: str | None
    title: str | None
    title_ar: str | None = None
    evidence: Evidence | None = None


@dataclass
class Statement:
    actors: list[str]
    act: str
    topic: str
    text: str
    start: int
    end: int
    target: str | None = None
    attribution: str = "outlet"  # outlet | statement | person
    speaker: str | None = None
    cue: str | None = None


@dataclass
class FollowUp:
    kind: str  # summit | meeting | round | ministerial | mechanism | working_group
    text: str
    start: int
    end: int
    place: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    format: str | None = None
    round: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "round": self.round,
            "place": self.place,
            "from": self.date_from,
            "to": self.date_to,
            "format": self.format,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }


@dataclass
class Meeting:
    primary: bool
    format: str | None = None
    format_inferred: bool = False
    round: int | None = None
    city: str | None = None
    city_inferred: bool = False
    country: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    dates_inferred: bool = False
    level: str | None = None
    participants: list[Participant] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    # field name → how it was inferred when the article does not state it
    inferred_from: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = _plain(self)
        data["follow_ups"] = [f.to_dict() for f in self.follow_ups]
        return data


@dataclass
class Framing:
    kind: str  # distancing | hedged_attribution | loaded_label | evaluative
    text: str
    start: int
    end: int
    label: str | None = None


@dataclass
class Document:
    """One input article as it moves through the pipeline."""

    source: str
    raw_text: str = ""
    html: str | None = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    published_time: str | None = None
    published_inferred: bool = False
    body: str = ""
    language: str = "ar"
    content_hash: str | None = None
    encoding: str | None = None
    meetings: list[Meeting] = field(default_factory=list)
    framing: list[Framing] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # derived values the store needs (bayan.store.repository.StoreReady), when computed
    # where the document was extracted; never part of the output
    store_ready: Any = field(default=None, repr=False, compare=False)

    def to_dict(self, include_body: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "source": self.source,
            "url": self.url,
            "outlet": self.outlet,
            "title": self.title,
            "published": self.published,
            "published_time": self.published_time,
            "language": self.language,
            "content_hash": self.content_hash,
            "meetings": [m.to_dict() for m in self.meetings],
            "framing": [_plain(f) for f in self.framing],
            "warnings": list(self.warnings),
        }
        if include_body:
            data["body"] = self.body
        return data
