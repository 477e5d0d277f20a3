"""Everything extraction looks up, built once from the data files in ``bayan.lang.ar``.

One :class:`~bayan.arabic.matcher.Matcher` holds every gazetteer and cue lexicon so
an article is scanned once; each lexicon is its own resolution group, so an actor
name inside a framing cue ("النظام السوري") is still seen as an actor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from bayan.arabic.matcher import Entry, Matcher
from bayan.arabic.normalise import normalise
from bayan.lang.ar import split_list, tsv, yaml_data

CUE_FILES = {
    # group: (file, label column)
    "act": ("cues/acts.tsv", "act"),
    "topic": ("cues/topics.tsv", "topic"),
    "framing": ("cues/framing.tsv", "kind"),
    "followup": ("cues/followups.tsv", "kind"),
    "level": ("cues/levels.tsv", "level"),
    "meeting_noun": ("cues/meeting_nouns.tsv", "kind"),
    "role": ("cues/roles.tsv", "role"),
    "negation": ("cues/negation.tsv", "scope"),
}


@dataclass
class Lexicon:
    matcher: Matcher
    actors: dict[str, dict[str, str]] = field(default_factory=dict)
    cities: dict[str, dict[str, str]] = field(default_factory=dict)
    formats: dict[str, dict[str, Any]] = field(default_factory=dict)
    people: list[dict[str, str]] = field(default_factory=list)
    titles: dict[str, dict[str, str]] = field(default_factory=dict)
    capital_of: dict[str, str] = field(default_factory=dict)  # city name_en → actor key
    words: dict[str, frozenset[str]] = field(default_factory=dict)  # small folded word sets

    def actor_name(self, key: str) -> tuple[str | None, str | None]:
        row = self.actors.get(key)
        return (row.get("name_en"), row.get("name_ar")) if row else (None, None)


def _rows(name: str) -> tuple[dict[str, str], ...]:
    try:
        return tsv(name)
    except FileNotFoundError:
        return ()


@cache
def load_lexicon() -> Lexicon:
    """Build (once per process) the matcher and lookup tables from the shipped data."""
    matcher = Matcher()
    lex = Lexicon(matcher=matcher)

    for row in _rows("actors.tsv"):
        key = row["key"]
        lex.actors[key] = row
        entry = Entry("entity", "actor", key, "name", row)
        matcher.add(row.get("name_ar", ""), entry)
        alias = Entry("entity", "actor", key, "alias", row)
        matcher.add_many(split_list(row.get("aliases_ar")), alias)
        matcher.add_many(split_list(row.get("aliases_en")), alias, clitics=False)
        demonym = Entry("entity", "actor", key, "demonym", row)
        for nisba in split_list(row.get("demonym_ar")):
            matcher.add(nisba, demonym, nisba=True)
        plural = Entry("entity", "actor", key, "plural", row)
        matcher.add_many(split_list(row.get("plural_ar")), plural)

    for row in _rows("cities.tsv"):
        name = row["name_en"]
        lex.cities.setdefault(name, row)
        entry = Entry("entity", "city", name, "name", row)
        matcher.add(row.get("name_ar", ""), entry)
        matcher.add_many(split_list(row.get("aliases_ar")), Entry("entity", "city", name, "alias", row))
        matcher.add_many(split_list(row.get("aliases_en")), Entry("entity", "city", name, "alias", row),
                         clitics=False)
        if row.get("capital", "").lower() in {"yes", "true", "1"}:
            lex.capital_of[name] = row.get("country", "")

    for row in _rows("people.tsv"):
        lex.people.append(row)
        entry = Entry("entity", "person", row["name_en"], "name", row)
        matcher.add(row.get("name_ar", ""), entry)
        matcher.add_many(split_list(row.get("aliases_ar")), Entry("entity", "person", row["name_en"], "alias", row))

    for row in _rows("titles.tsv"):
        lex.titles[normalise(row["title_ar"])] = row
        matcher.add(row["title_ar"], Entry("title", "title", row.get("title_en", ""), "name", row))

    formats = _formats()
    for fmt in formats:
        key = fmt["key"]
        lex.formats[key] = fmt
        for alias in fmt.get("aliases_ar") or []:
            matcher.add(alias, Entry("format", "format", key, "alias", fmt))
        for alias in fmt.get("aliases_en") or []:
            matcher.add(alias, Entry("format", "format", key, "alias", fmt), clitics=False)
        for cue in fmt.get("cues_ar") or []:
            matcher.add(cue, Entry("format", "format", key, "cue", fmt))

    for group, (name, column) in CUE_FILES.items():
        for row in _rows(name):
            cue = row.get("cue", "")
            label = row.get(column, "")
            if cue and label:
                entry = Entry(group, group, label, row.get("strength") or row.get("weight") or "cue", row)
                matcher.add(cue, entry)
                if group in DEFINITE_GROUPS and not normalise(cue).startswith("ال"):
                    # Verbal nouns take the article: رفض → الرفض، تأكيد → التأكيد.
                    matcher.add("ال" + cue, entry)

    for name in WORD_LISTS:
        words = _word_list(name)
        lex.words[name] = frozenset(normalise(w) for w in words)
        for phrase in words:
            matcher.add(phrase, Entry(name, name, normalise(phrase), "cue"))
    return lex


DEFINITE_GROUPS = frozenset({"act", "topic"})

WORD_LISTS = (
    "capital_nouns", "delegation_nouns", "joint_subjects", "host_verbs", "speech_verbs",
    "past_markers", "sideline_markers", "scope_breaks", "superlative_markers", "count_nouns",
)


def _word_list(name: str) -> list[str]:
    from bayan.lang.ar import lines

    try:
        return list(lines(f"cues/{name}.txt"))
    except FileNotFoundError:
        return []


def _formats() -> list[dict[str, Any]]:
    try:
        data = yaml_data("formats.yaml")
    except FileNotFoundError:
        return []
    if isinstance(data, dict):
        data = data.get("formats", [])
    return [f for f in data or [] if isinstance(f, dict) and f.get("key")]


def data_dir() -> Path:
    from bayan.lang.ar import DATA_DIR

    return DATA_DIR
