"""Sentence and clause segmentation for Arabic news text.

Hand-written: spaCy's blank Arabic pipeline has no sentence boundaries and no
offline Arabic sentence splitter is packaged. News text marks sentences with
full stops, question/exclamation marks and paragraph breaks; Arabic commas join
long chains of clauses, which ``clauses`` splits at coordinating markers listed
in ``lang/ar/clause_markers.txt``.

All offsets index the string given (callers pass folded text; see
``bayan.arabic.normalise``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bayan.arabic.normalise import normalise
from bayan.lang.ar import lines

# A sentence ends at . ! ? ؟ (folded to ?) ; or a line break, unless the full stop
# sits between digits (2.5) — closing quotes and brackets stay with their sentence.
# Written to start with a character class, so the regex engine jumps between the
# candidate characters instead of testing a look-behind at every position: the same
# matches as r"(?<!\d)[.!?;](?!\d)[\"'”»)\]]*|\n+".
_SENT_END = re.compile(r"[.!?;\n](?:(?<=\n)\n*|(?<!\d[.!?;])(?!\d)[\"'”»)\]]*)")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


def sentences(text: str) -> list[Span]:
    """Split ``text`` into sentence spans, trimmed of surrounding whitespace."""
    spans: list[Span] = []
    pos = 0
    for match in _SENT_END.finditer(text):
        _append_trimmed(text, pos, match.end(), spans)
        pos = match.end()
    _append_trimmed(text, pos, len(text), spans)
    return spans


# A character for which str.isalnum() is true (\w is exactly isalnum() or "_").
_ALNUM = re.compile(r"[^\W_]")


def _append_trimmed(text: str, start: int, end: int, out: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and _ALNUM.search(text, start, end) is not None:
        out.append(Span(start, end))


@cache
def _clause_pattern() -> re.Pattern[str]:
    markers = sorted({normalise(m) for m in lines("clause_markers.txt")}, key=len, reverse=True)
    alternation = "|".join(re.escape(m) for m in markers)
    # A clause starts at a marker that stands as its own word after a comma or
    # space: "، وكذلك", " كما ", " فيما ".
    return re.compile(rf"(?:[,:]\s*|\s)(?=(?:{alternation})(?:\s|$))")


def clauses(text: str, span: Span | None = None) -> list[Span]:
    """Split a sentence (``span`` of ``text``, or all of it) into clause spans."""
    start = span.start if span else 0
    end = span.end if span else len(text)
    cuts = [start]
    for match in _clause_pattern().finditer(text, start, end):
        if match.start() > cuts[-1] + 1:
            cuts.append(match.end())
    cuts.append(end)
    out: list[Span] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        _append_trimmed(text, a, b, out)
    return out
