"""One pass over an article: folded text, sentences, lexicon matches, numbers, dates.

Every later extraction step reads this object instead of re-scanning the text, so
each article is normalised and matched exactly once.
"""

from __future__ import annotations

import bisect
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from operator import attrgetter, le, sub

from bayan.arabic.dates import DateMention, find_dates
from bayan.arabic.matcher import Match
from bayan.arabic.normalise import NormText, normalise_with_map
from bayan.arabic.numbers import NumberMatch, find_ordinals
from bayan.arabic.segment import Span, sentences
from bayan.models import Document, Evidence
from bayan.pipeline.extract.lexicon import Lexicon

_BY_SPAN = attrgetter("start", "end")

# Longer bodies are scanned up to here only: several steps are quadratic in the
# number of mentions, and real articles are far shorter (a long report is ~20,000).
MAX_SCAN_CHARS = 100_000


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor named in the text, directly or by metonymy."""

    start: int
    end: int
    actor: str
    via: str  # name | alias | demonym | plural | capital | person | descriptor
    match: Match | None = None


_new_object = object.__new__
_set_start, _set_end = ActorMention.start.__set__, ActorMention.end.__set__  # type: ignore[attr-defined]
_set_actor, _set_via = ActorMention.actor.__set__, ActorMention.via.__set__  # type: ignore[attr-defined]
_set_match = ActorMention.match.__set__  # type: ignore[attr-defined]


def _actor_mention(start: int, end: int, actor: str, via: str, match: Match) -> ActorMention:
    """``ActorMention(start, end, actor, via, match)`` without the frozen dataclass's
    ``__init__``, which goes through ``object.__setattr__`` per field (same object)."""
    mention = _new_object(ActorMention)
    _set_start(mention, start)
    _set_end(mention, end)
    _set_actor(mention, actor)
    _set_via(mention, via)
    _set_match(mention, match)
    return mention


@dataclass
class Analysis:
    doc: Document
    lex: Lexicon
    norm: NormText
    sentences: list[Span]
    matches: dict[str, list[Match]]
    numbers: list[NumberMatch]
    dates: list[DateMention]
    published: date | None
    actors: list[ActorMention] = field(default_factory=list)
    _sentence_starts: list[int] = field(default_factory=list)
    # id(list) -> (the list, its items' starts or None when not sorted by start, the
    # longest item). Holding the list keeps its id from being reused meanwhile.
    _starts: dict[int, tuple[list, list[int] | None, int]] = field(default_factory=dict)
    _empty: dict[str, list[Match]] = field(default_factory=dict)
    _words_before: dict[tuple[int, int, int], list[str]] = field(default_factory=dict)
    # Results that several extraction steps share (valid actors, their runs).
    memo: dict[str, object] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.norm.text

    def sentence_index(self, pos: int) -> int:
        """Index of the sentence holding folded offset ``pos`` (or the one before it)."""
        return max(0, bisect.bisect_right(self._sentence_starts, pos) - 1)

    def _index(self, items: list) -> tuple[list, list[int] | None, int]:
        """The ``start`` of every item (None when the items are not in start order)
        and the longest item, computed once per list (lists are not changed once built)."""
        hit = self._starts.get(id(items))
        if hit is None or hit[0] is not items:
            starts = [i.start for i in items]
            ordered = all(map(le, starts, islice(starts, 1, None)))
            longest = max(map(sub, [i.end for i in items], starts), default=0)
            hit = self._starts[id(items)] = (items, starts if ordered else None, longest)
        return hit

    def between(self, items: list, lo: int, hi: int) -> list:
        """Items with ``lo <= start < hi``, in list order, found by bisection.

        The extraction steps ask this for every mention's window; scanning every
        match of a group each time made them quadratic in the matches.
        """
        hit = self._starts.get(id(items))  # _index(), inlined: called ~170 times per article
        if hit is None or hit[0] is not items:
            hit = self._index(items)
        starts = hit[1]
        if starts is None:
            return [i for i in items if lo <= i.start < hi]
        return items[bisect_left(starts, lo) : bisect_left(starts, hi)]

    def ending(self, items: list, lo: int, hi: int) -> list:
        """Items with ``lo <= end < hi``, in list order: an item that ends there
        starts at most its length earlier, so only that window is read."""
        _, starts, longest = self._index(items)
        if starts is None:
            return [i for i in items if lo <= i.end < hi]
        window = items[bisect_left(starts, lo - longest) : bisect_left(starts, hi)]
        return [i for i in window if lo <= i.end < hi]

    def overlapping(self, items: list, lo: int, hi: int) -> list:
        """Items with ``start < hi`` and ``end > lo``, in list order (see :meth:`ending`)."""
        _, starts, longest = self._index(items)
        if starts is None:
            return [i for i in items if i.start < hi and i.end > lo]
        window = items[bisect_left(starts, lo - longest) : bisect_left(starts, hi)]
        return [i for i in window if i.end > lo]

    def in_span(self, items: list, span: Span) -> list:
        """Items (with ``start``/``end``) lying inside ``span``."""
        starts = self._index(items)[1]
        if starts is None:
            return [i for i in items if i.start >= span.start and i.end <= span.end]
        # An item ends at or after its start, so one inside the span starts in it.
        lo, hi = bisect_left(starts, span.start), bisect_right(starts, span.end)
        return [i for i in items[lo:hi] if i.end <= span.end]

    def group(self, name: str) -> list[Match]:
        """The matches of one lexicon group, in text order (do not change the list)."""
        found = self.matches.get(name)
        if found is None:
            # One empty list per missing group, so between() indexes it only once.
            found = self._empty.setdefault(name, [])
        return found

    def evidence(self, start: int, end: int) -> Evidence:
        """Evidence over the cleaned body for a folded span."""
        a, b = self.norm.span(start, end)
        return Evidence(self.doc.body[a:b], a, b)

    def words_before(self, pos: int, count: int, floor: int = 0) -> list[str]:
        """Up to ``count`` folded words ending at ``pos`` (nearest last; do not change
        the list). Remembered: the steps ask again about the same mentions."""
        key = (pos, count, floor)
        words = self._words_before.get(key)
        if words is None:
            # A blank chunk splits to [], so no separate strip() test is needed.
            chunk = self.norm.text[max(floor, pos - 80) : pos]
            words = self._words_before[key] = chunk.split()[-count:]
        return words

    def words_after(self, pos: int, count: int, ceil: int | None = None) -> list[str]:
        text = self.norm.text
        end = min(len(text), pos + 80) if ceil is None else min(ceil, pos + 80)
        return text[pos:end].split()[:count]


def analyse(doc: Document, lex: Lexicon) -> Analysis:
    """Scan ``doc.body`` once and collect everything the extractors need."""
    body = doc.body or ""
    if len(body) > MAX_SCAN_CHARS:  # bounded time and memory on pathological inputs
        doc.warnings.append(f"extraction read only the first {MAX_SCAN_CHARS:,} of {len(body):,} characters")
        body = body[:MAX_SCAN_CHARS]
    norm = normalise_with_map(body)
    text = norm.text
    published = _parse_iso(doc.published)
    grouped = lex.matcher.find_grouped(text)
    spans = sentences(text)
    analysis = Analysis(
        doc=doc,
        lex=lex,
        norm=norm,
        sentences=spans,
        matches=grouped,
        numbers=find_ordinals(text),
        dates=find_dates(text, published),
        published=published,
        _sentence_starts=[s.start for s in spans],
    )
    analysis.actors = _actor_mentions(analysis)
    return analysis


def _parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _actor_mentions(an: Analysis) -> list[ActorMention]:
    """Resolve entity matches to actors: names, capitals as metonyms, people."""
    lex = an.lex
    out: list[ActorMention] = []
    append = out.append
    spans: dict[tuple[int, int], list[Match]] = {}
    for m in an.group("entity"):
        key = (m.start, m.end)
        readings = spans.get(key)
        if readings is None:
            spans[key] = [m]
        else:
            readings.append(m)
    capital_nouns = lex.words.get("capital_nouns", frozenset())
    capital_of = lex.capital_of
    for (start, end), readings in spans.items():
        if len(readings) > 1:
            kinds = {m.entry.kind for m in readings}
            if "city" in kinds and "actor" in kinds:
                # A name that is both a city and a state (عمان: Amman / Oman). The state
                # reading needs its distinctive form ("سلطنة عمان"), which the matcher
                # then prefers as the longer match; a bare form is the city.
                readings = [m for m in readings if m.entry.kind == "city"]
        for m in readings:
            entry = m.entry
            kind = entry.kind
            if kind == "actor":
                if entry.form == "demonym":
                    # The word before is read only here (remembered for later steps).
                    prev = an.words_before(start, 1)
                    if (prev[-1] if prev else "") in capital_nouns:
                        continue  # "العاصمة الأردنية": a place, handled as a city descriptor
                append(_actor_mention(start, end, entry.key, entry.form, m))
            elif kind == "city":
                country = capital_of.get(entry.key)
                if country:
                    append(_actor_mention(start, end, country, "capital", m))
            elif kind == "person":
                actor = (entry.data or {}).get("actor")
                if actor:
                    append(_actor_mention(start, end, actor, "person", m))
    out.sort(key=_BY_SPAN)
    return out
