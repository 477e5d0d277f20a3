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
from functools import cache
from itertools import chain
from typing import Any

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

# ``str.translate`` looks a list up by index, which is about twice as fast as a dict
# lookup per character. The list covers the Basic Multilingual Plane; a text with a
# character above it (emoji, rare scripts) is folded through the dict, because
# ``fold_char`` also lowercases some of those and the list would leave them alone.
_BMP = 0x10000
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@cache
def _bmp_table() -> list[int | None]:
    """``fold_char`` of every BMP code point, as ``str.translate`` wants it (built once)."""
    return [ord(f) if f else None for f in map(fold_char, map(chr, range(_BMP)))]


# Long texts are folded with a numpy lookup over their UTF-32 code units: it reads
# the same table as the list above at about 2.5x the speed, because ``str.translate``
# makes an int object per character above 255 to index the list. Short strings
# (lines, lexicon forms) keep ``translate``, which has no fixed cost.
_NUMPY_MIN = 256
_DROPPED = 0xFFFFFFFF  # the numpy table's value for a dropped character


@cache
def _numpy_table() -> Any:
    """The BMP table as a numpy array (dropped characters -> ``_DROPPED``), or None
    when numpy is not installed."""
    try:
        import numpy
    except ImportError:  # pragma: no cover - numpy comes with pyarrow and datasketch
        return None
    return numpy.array([_DROPPED if c is None else c for c in _bmp_table()], dtype=numpy.uint32)


def _fold(text: str) -> str:
    if _ASTRAL.search(text) is not None:
        return text.translate(_TABLE)
    if len(text) >= _NUMPY_MIN:
        table = _numpy_table()
        if table is not None:
            return _fold_numpy(text, table)
    return text.translate(_bmp_table())


def _fold_numpy(text: str, table: Any) -> str:
    """``text.translate(_bmp_table())`` for a BMP-only text (lone surrogates included:
    ``surrogatepass`` keeps each as one code unit, and UTF-32 never pairs them)."""
    import numpy

    codes = numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
    folded = table[codes]
    if _DROP_RUN.search(text) is not None:
        folded = folded[folded != _DROPPED]
    return folded.tobytes().decode("utf-32-le", "surrogatepass")


def normalise(text: str) -> str:
    """Fold ``text`` for matching (no offset map). Use for lexicon entries and queries."""
    return _fold(text)


def drops_nothing(text: str) -> bool:
    """True when :func:`normalise` keeps every character of ``text`` (it then has
    the same length), so a caller can rule out a match by length alone."""
    return _DROP_RUN.search(text) is None


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


# 0, 1, 2, … kept between calls: slicing it copies references, while building the
# map from ranges creates one int object per character (twice the cost of folding).
_INDICES: tuple[int, ...] = ()
_INDICES_MAX = 1 << 16  # longer texts build their map from ranges (bounded memory)


def _indices(n: int) -> tuple[int, ...] | None:
    """At least ``n`` indices (None above the cap). Thread-safe: a caller only
    uses the tuple it checked, whatever another thread stores meanwhile."""
    global _INDICES
    if n > _INDICES_MAX:
        return None
    indices = _INDICES
    if len(indices) < n:
        indices = _INDICES = tuple(range(min(_INDICES_MAX, max(n, 2 * len(indices)))))
    return indices


def normalise_with_map(text: str) -> NormText:
    """Fold ``text`` and keep the offset map (see module docstring)."""
    # fold_char drops exactly the characters of _DROP and maps every other to one
    # character, so the map is every index except the dropped ones.
    kept: list[tuple[int, int]] = []
    pos = 0
    for m in _DROP_RUN.finditer(text):
        kept.append((pos, m.start()))
        pos = m.end()
    kept.append((pos, len(text)))
    indices = _indices(len(text))
    if indices is None:
        orig = tuple(chain.from_iterable(range(a, b) for a, b in kept))
    else:
        parts: list[int] = []
        for a, b in kept:
            parts += indices[a:b]
        orig = tuple(parts)
    return NormText(_fold(text), orig, text)
