"""Arabic ordinal words (الأول ... التاسع والتسعون) and digit numbers in folded text.

Written by hand, with the word table in ``bayan/lang/ar/ordinals.tsv``: no library
parses Arabic ordinal *words* in both genders. num2words only generates, and its
Arabic ordinals are wrong from 20 up (``num2words(21, lang="ar", to="ordinal")`` gives
the cardinal-like ``إحدى و عشرون`` instead of ``الحادي والعشرون``), so the table is
written from the grammar of the عدد ترتيبي, not from num2words.

:func:`find_ordinals` scans text already folded by :func:`bayan.arabic.normalise.normalise`
in one regex pass: the longest ordinal phrase wins (``السابعه عشر`` is 17, not 7),
and every digit run is returned too (``الجوله 22``, ``ال22`` after the tatweel of
``الـ22`` is dropped, years). Spans index the given string; a clitic و/ف/ب/ك before
``ال`` is left out of the span, the ``لل`` of ``ل + ال`` is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bayan.arabic.normalise import normalise
from bayan.lang.ar import tsv

__all__ = ["NumberMatch", "find_ordinals", "parse_ordinal"]


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """A number found in folded text: ``text[start:end]`` has ``value``.

    ``kind`` is ``'ordinal'`` (a word ordinal), ``'cardinal'`` or ``'digits'``;
    ``gender`` is ``'m'``/``'f'`` when the words show it, else None.
    """

    start: int
    end: int
    value: int
    gender: str | None
    kind: str


def _key(phrase: str) -> str:
    """Canonical lookup key of a folded phrase: no ``ال``, single spaces, ``و`` glued on.

    ``الحادي و العشرين`` and ``حادي وعشرين`` both give ``حادي وعشرين``.
    """
    words = phrase.split()
    merged: list[str] = []
    for word in words:
        if merged and merged[-1] == "و":
            merged[-1] = "و" + word
        else:
            merged.append(word)
    out = []
    for word in merged:
        if word.startswith("وال") and len(word) > 3:
            word = "و" + word[3:]
        elif word.startswith("ال") and len(word) > 2:
            word = word[2:]
        out.append(word)
    return " ".join(out)


@cache
def _table() -> dict[str, tuple[int, str | None]]:
    """Key -> (value, gender); gender is None when a form serves both genders."""
    seen: dict[str, tuple[int, set[str]]] = {}
    for row in tsv("ordinals.tsv"):
        form = normalise(row["form"]).strip()
        if not form:
            continue
        value = int(row["value"])
        key = _key(form)
        old = seen.get(key)
        if old is not None and old[0] != value:
            raise ValueError(f"ordinals.tsv: {row['form']!r} has two values")
        genders = old[1] if old else set()
        genders.add(row["gender"])
        seen[key] = (value, genders)
    return {
        key: (value, next(iter(g)) if len(g) == 1 else None)
        for key, (value, g) in seen.items()
    }


def _body_pattern(key: str) -> str:
    """Regex for one key's words after the leading ``ال``; flexible inner spacing."""
    parts = []
    for i, word in enumerate(key.split(" ")):
        if i == 0:
            parts.append(re.escape(word))
        elif word.startswith("و"):
            parts.append(r"\s+و\s*ال" + re.escape(word[1:]))
        else:
            parts.append(r"\s+" + re.escape(word))
    return "".join(parts)


def _trie_body(keys: list[str]) -> str | None:
    """The alternation of ``keys`` as a letter trie over their first words.

    A plain alternation of ~400 keys makes the regex engine try every key at every
    word starting with ``ال``. The trie tries one letter at a time. It matches what
    the plain alternation matches: a key's match is followed by a space or a
    non-word character, so keys with different first words (word characters only)
    never match at the same place, and keys sharing a first word keep their order.
    Returns None, for the plain alternation, when a first word is not all word
    characters.
    """
    groups: dict[str, list[str]] = {}
    for key in keys:
        first = key.split(" ")[0]
        groups.setdefault(first, []).append(_body_pattern(key)[len(re.escape(first)):])
    if not all(re.fullmatch(r"\w+", word) for word in groups):
        return None
    root: dict[str, dict] = {}
    for word, rests in groups.items():
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = rests  # type: ignore[assignment]

    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in node.items() if ch]
        if "" in node:
            alts.append("(?:" + "|".join(node[""]) + ")")
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(root)


@cache
def _regex() -> re.Pattern[str]:
    keys = sorted(_table(), key=lambda k: (-len(k), k))
    body = _trie_body(keys) or "|".join(_body_pattern(k) for k in keys)
    # A clitic و/ف then ب/ك before ال, or و/ف before لل (ل + ال); left out of the span.
    prefix = r"(?<!\w)(?:[وف]?[بك]?(?=ال)|[وف]?(?=لل))"
    ordinal = prefix + r"(?P<ord>(?:ال|لل)(?:" + body + r"))(?!\w)"
    digits = (
        r"(?:" + prefix + r"|(?<!\w)[وفبكل]?)"
        r"(?P<dig>(?:(?:ال|لل)\s?)?(?P<num>\d+(?:[.,]\d+)*))(?!\d)"
    )
    return re.compile(_gate(keys) + "(?:" + ordinal + "|" + digits + ")")


def _gate(keys: list[str]) -> str:
    """A lookahead that every match of :func:`_regex` satisfies where it starts.

    It adds no condition, only speed: most word starts fail it after two or three
    letters, where the full alternation tried both branches with their optional
    clitics. A match starts at a word start with at most two clitics (و ف ب ك ل),
    then either ``ال``/``لل`` and the first two letters of a key's first word or
    (after an optional space) a digit, or a digit with no article.
    """
    heads = sorted({key.split(" ")[0][:2] for key in keys}, key=lambda h: (-len(h), h))
    after_article = "|".join(re.escape(h) for h in heads)
    return r"(?<!\w)(?=[وفبكل]{0,2}(?:ال|لل)(?:" + after_article + r"|\s?\d)|[وفبكل]?\d)"


_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")


def _digit_value(num: str) -> int | None:
    if num.isdigit():
        return int(num)
    if _THOUSANDS.fullmatch(num):
        return int(num.replace(",", ""))
    return None  # a decimal such as 3.5 is not a count or rank


def parse_ordinal(text: str) -> int | None:
    """Value of one ordinal phrase (``الحادية والعشرين`` -> 21), else None.

    Accepts any diacritics, alef/hamza, ى/ي and ة/ه spelling, with or without ``ال``
    and with a leading clitic (``وال``, ``بال``, ``لل``).
    """
    folded = " ".join(normalise(text).split())
    if not folded:
        return None
    table = _table()
    hit = table.get(_key(folded))
    if hit is None:
        for clitic, rest in (("لل", "ال"), ("و", ""), ("ف", ""), ("ب", ""), ("ك", "")):
            if folded.startswith(clitic):
                hit = table.get(_key(rest + folded[len(clitic):]))
                if hit is not None:
                    break
    return hit[0] if hit else None


def find_ordinals(text: str) -> list[NumberMatch]:
    """Ordinal word phrases and digit numbers in ``text`` (already ``normalise``-d)."""
    table = _table()
    found: list[NumberMatch] = []
    for m in _regex().finditer(text):
        if m.group("ord") is not None:
            phrase = m.group("ord")
            if phrase.startswith("لل"):
                phrase = "ال" + phrase[2:]
            value, gender = table[_key(phrase)]
            found.append(NumberMatch(m.start("ord"), m.end("ord"), value, gender, "ordinal"))
            continue
        value = _digit_value(m.group("num"))
        if value is not None:
            found.append(NumberMatch(m.start("dig"), m.end("dig"), value, None, "digits"))
    return found
