"""Clitic-aware phrase matching over folded Arabic text (Aho–Corasick).

pyahocorasick finds every listed form in one pass; this module adds what it does
not know about Arabic: proclitics (و ف ب ل ك, and ل + ال → لل), the definite
article, and the inflected forms of nisba adjectives (روسي → الروسية, الروس is
listed as data). Variants are generated once at build time, so matching stays a
single scan. Matches must start and end on word boundaries; overlapping matches
are resolved leftmost-longest within each group, so different lexicons (actors,
topic cues, framing cues) can overlap each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import ahocorasick

from bayan.arabic.normalise import normalise

# Proclitic sequences that may precede a word, as folded strings. Kept here, not
# in a data file, because they are Arabic grammar rather than domain knowledge.
_PREFIXES_DEF = ("", "و", "ف", "ب", "ك", "وب", "فب", "وك", "فك")  # before ال
_PREFIXES_BARE = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "فك")
_NISBA_SUFFIXES = ("", "ه", "ين", "ون", "ان", "تين", "تان", "ات")


@dataclass(frozen=True, slots=True)
class Entry:
    """What a matched form stands for."""

    group: str  # resolution group: "entity", "act", "topic", ...
    kind: str  # "actor", "city", "person", "title", "format", or the cue file's label
    key: str  # actor key, city name, act, topic, ...
    form: str = "name"  # name | alias | demonym | plural | capital | cue
    data: Any = None  # the source row (a dict) for callers that need more


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    entry: Entry
    prefix: int  # length of the proclitic run before the listed form

    @property
    def body_start(self) -> int:
        """Start of the listed form itself, after any proclitic."""
        return self.start + self.prefix


@dataclass
class Matcher:
    """Build with :meth:`add`, then :meth:`find` on folded text."""

    _forms: dict[str, list[tuple[Entry, int]]] = field(default_factory=dict)
    _automaton: Any = None

    def add(self, phrase: str, entry: Entry, *, clitics: bool = True, nisba: bool = False) -> None:
        """Register ``phrase`` (any spelling; it is folded) with its variants."""
        base = " ".join(normalise(phrase).split())
        if not base:
            return
        bases = _nisba_forms(base) if nisba else [base]
        for form in bases:
            for variant, prefix_len in _clitic_variants(form) if clitics else [(form, 0)]:
                slot = self._forms.setdefault(variant, [])
                if all(existing != entry for existing, _ in slot):
                    slot.append((entry, prefix_len))
        self._automaton = None

    def add_many(self, phrases: Iterable[str], entry: Entry, **kwargs: bool) -> None:
        for phrase in phrases:
            self.add(phrase, entry, **kwargs)

    def _build(self) -> Any:
        automaton = ahocorasick.Automaton()
        for form, entries in self._forms.items():
            # Each reading carries its group, so find() reads no attribute per hit.
            automaton.add_word(form, (len(form), tuple((e.group, e, p) for e, p in entries)))
        automaton.make_automaton()
        self._automaton = automaton
        return automaton

    def __len__(self) -> int:
        return len(self._forms)

    def find(self, text: str) -> list[Match]:
        """All word-bounded matches in folded ``text``, leftmost-longest per group."""
        make = _new_match
        chosen = _resolve(self._candidates(text))
        return [make(start, end, entry, prefix) for start, _, end, entry, prefix in chosen]

    def find_grouped(self, text: str) -> dict[str, list[Match]]:
        """:meth:`find`'s matches by group (``entry.group``), each list in text order.

        Same matches as grouping :meth:`find`'s list, without its sort of all groups
        together: the matches kept in one group do not overlap (or share one span), so
        the group's own order is already text order.
        """
        make = _new_match
        return {
            name: [make(start, end, entry, prefix) for start, _, end, entry, prefix in _resolve_group(group)]
            for name, group in self._candidates(text).items()
        }

    def _candidates(self, text: str) -> dict[str, list[tuple[int, int, int, Entry, int]]]:
        """Word-bounded hits by group, as tuples (start, -length, end, entry, prefix)."""
        automaton = self._automaton or self._build()
        if not self._forms:
            return {}
        # Candidates stay plain tuples until resolution; only the chosen ones
        # become Match objects.
        by_group: dict[str, list[tuple[int, int, int, Entry, int]]] = {}
        get = by_group.get
        n = len(text)
        for end_index, (length, readings) in automaton.iter(text):
            start = end_index - length + 1
            if start > 0:
                ch = text[start - 1]
                if ch.isalnum() or ch == "_":
                    continue
            end = end_index + 1
            if end < n:
                ch = text[end]
                if ch.isalnum() or ch == "_":
                    continue
            for group_name, entry, prefix_len in readings:
                candidate = (start, -length, end, entry, prefix_len)
                group = get(group_name)
                if group is None:
                    by_group[group_name] = [candidate]
                else:
                    group.append(candidate)
        return by_group


_new_object = object.__new__
_set_start, _set_end = Match.start.__set__, Match.end.__set__  # type: ignore[attr-defined]
_set_entry, _set_prefix = Match.entry.__set__, Match.prefix.__set__  # type: ignore[attr-defined]


def _new_match(start: int, end: int, entry: Entry, prefix: int) -> Match:
    """``Match(start, end, entry, prefix)`` at half the cost.

    A frozen dataclass's ``__init__`` goes through ``object.__setattr__`` for every
    field; writing the slots directly gives the same object. ``find`` builds ~150
    matches per article.
    """
    match = _new_object(Match)
    _set_start(match, start)
    _set_end(match, end)
    _set_entry(match, entry)
    _set_prefix(match, prefix)
    return match


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


_BY_START_LONGEST = itemgetter(0, 1)
_BY_SPAN = itemgetter(0, 2)


def _resolve(by_group: dict[str, list[tuple[int, int, int, Entry, int]]]) -> list[tuple[int, int, int, Entry, int]]:
    """Leftmost-longest per group over candidate tuples; same choice as :func:`_leftmost_longest`."""
    chosen: list[tuple[int, int, int, Entry, int]] = []
    for group_matches in by_group.values():
        chosen += _resolve_group(group_matches)
    chosen.sort(key=_BY_SPAN)
    return chosen


def _resolve_group(group_matches: list[tuple[int, int, int, Entry, int]]) -> list[tuple[int, int, int, Entry, int]]:
    """Leftmost-longest within one group (sorts ``group_matches`` in place)."""
    chosen: list[tuple[int, int, int, Entry, int]] = []
    append = chosen.append
    group_matches.sort(key=_BY_START_LONGEST)
    taken_end = -1
    last_start = last_end = -1
    for candidate in group_matches:
        start, end = candidate[0], candidate[2]
        if start == last_start and end == last_end:
            append(candidate)  # same text, another reading (عمان: Amman/Oman)
            continue
        if start < taken_end:
            continue
        append(candidate)
        taken_end = last_end = end
        last_start = start
    return chosen


def _nisba_forms(base: str) -> list[str]:
    """روسي → روسي، روسيه، روسيين، روسيون … and their ال forms."""
    stem = base[2:] if base.startswith("ال") and len(base) > 4 else base
    if stem.endswith("ي"):
        forms = [stem + suffix for suffix in _NISBA_SUFFIXES]
        forms.append(stem + "يه")  # ـيّة written out as ـية after folding shadda
        # plural ـيون/ـيين also written with one ي: روسيون is covered; اردنيون too.
    else:
        forms = [stem]
    return forms + ["ال" + f for f in forms]


def _clitic_variants(form: str) -> list[tuple[str, int]]:
    if form.startswith("ال"):
        variants = [(p + form, len(p)) for p in _PREFIXES_DEF]
        # ل + ال contracts to لل: للأمم, وللأمم, فللأمم.
        variants += [(p + "لل" + form[2:], len(p) + 1) for p in ("", "و", "ف")]
        if form[2:3] == "ل":
            # a stem that starts with ل keeps two lams in all: ل + اللجنة → للجنة
            variants += [(p + "ل" + form[2:], len(p) + 1) for p in ("", "و", "ف")]
        return variants
    return [(p + form, len(p)) for p in _PREFIXES_BARE]


def _leftmost_longest(candidates: list[Match]) -> list[Match]:
    by_group: dict[str, list[Match]] = {}
    for match in candidates:
        by_group.setdefault(match.entry.group, []).append(match)
    chosen: list[Match] = []
    for group_matches in by_group.values():
        group_matches.sort(key=lambda m: (m.start, -(m.end - m.start)))
        taken_end = -1
        last_span: tuple[int, int] | None = None
        for match in group_matches:
            span = (match.start, match.end)
            if span == last_span:
                chosen.append(match)  # same text, another reading (عمان: Amman/Oman)
                continue
            if match.start < taken_end:
                continue
            chosen.append(match)
            taken_end = match.end
            last_span = span
    chosen.sort(key=lambda m: (m.start, m.end))
    return chosen
