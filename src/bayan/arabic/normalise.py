"""Arabic normalisation for matching, with a map back to the original offsets.

Written by hand because matching needs an offset map: every fact Bayan reports
points at characters of the cleaned body, while gazetteers and cue lexicons are
matched on a folded form. Libraries (camel-tools, pyarabic) fold text but lose
positions, and pyarabic's hamza rule turns أستانا into ءستانا.

Folding is one character to at most one character: diacritics and tatweel are
dropped, every other character maps to exactly one character. So a match
``[i, j)`` on the folded text maps back to ``[orig[i], orig[j-1] + 1)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain

# Harakat, shadda, sukun, superscript alef, Quranic marks, and tatweel are dropped.
_DROP = {chr(c) for c in range(0x064B, 0x0660)} | {"\u0670", "\u0640"}
_DROP |= {chr(c) for c in range(0x06D6, 0x06EE)}
# Zero-width and bidi controls that break word matching.
_DROP |= {"\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff"}

_DROP_RUN = re.compile("[" + "".join(sorted(_DROP)) + "]+")

_FOLD: dict[str, str] = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ؤ": "و", "ئ": "ي", "ى": "ي", "ی": "ي", "ې": "ي", "ة": "ه", "ۀ": "ه", "ہ": "ه",
    "ک": "ك", "ڪ": "ك", "گ": "ك", "پ": "ب", "چ": "ج", "ژ": "ز", "ڤ": "ف",
    "،": ",", "؛": ";", "؟": "?", "٪": "%",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ",
}
for _i in range(10):
    _FOLD[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic digits
    _FOLD[chr(0x06F0 + _i)] = str(_i)  # Extended (Persian) digits


def fold_char(ch: str) -> str:
    """Fold one character; returns '' for characters that are dropped."""
    if ch in _DROP:
        return ""
    folded = _FOLD.get(ch, ch)
    lowered = folded.lower()
    return lowered if len(lowered) == 1 else folded


class _FoldTable(dict):
    """``str.translate`` table filled lazily from :func:`fold_char` (C-speed folding)."""

    def __missing__(self, cp: int) -> str:
        folded = self[cp] = fold_char(chr(cp))
        return folded


_TABLE = _FoldTable()


def normalise(text: str) -> str:
    """Fold ``text`` for matching (no offset map). Use for lexicon entries and queries."""
    return text.translate(_TABLE)


def strip_diacritics(text: str) -> str:
    """Drop harakat and tatweel only; keep letters as written (for display)."""
    return "".join(ch for ch in text if ch not in _DROP)


@dataclass(frozen=True)
class NormText:
    """Folded text plus, for each folded character, its index in the original."""

    text: str
    orig: tuple[int, ...]
    original: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded span ``[start, end)`` back to original offsets."""
        if end <= start:
            pos = self.orig[start] if start < len(self.orig) else len(self.original)
            return pos, pos
        return self.orig[start], self.orig[end - 1] + 1

    def to_norm(self, orig_index: int) -> int:
        """First folded index at or after an original offset."""
        from bisect import bisect_left

        return bisect_left(self.orig, orig_index)


def normalise_with_map(text: str) -> NormText:
    """Fold ``text`` and keep the offset map (see module docstring)."""
    # fold_char drops exactly the characters of _DROP and maps every other to one
    # character, so the map is every index except the dropped ones.
    kept: list[range] = []
    pos = 0
    for m in _DROP_RUN.finditer(text):
        kept.append(range(pos, m.start()))
        pos = m.end()
    kept.append(range(pos, len(text)))
    return NormText(text.translate(_TABLE), tuple(chain.from_iterable(kept)), text)
