"""Find and resolve date mentions in Arabic news text.

Written by hand rather than with ``dateparser``: dateparser reads Arabic Gregorian
month names, but not the Levantine/Gregorian month pairs of Arab news
("تشرين الثاني/نوفمبر", "11 تشرين الثاني (نوفمبر)"), day ranges ("يومي 11 و12
نوفمبر", "بين 11 و12"), month windows ("شباط أو آذار المقبلين"), nor the
resolution of weekdays and relative days against an article's publication date.
It also does not search: it parses a whole string, while Bayan needs spans.

:func:`find_dates` works on text already folded by
:func:`bayan.arabic.normalise.normalise` (so offsets are folded offsets; map them
back with :class:`~bayan.arabic.normalise.NormText`). Month, weekday and
relative-day names come from the TSV files in :mod:`bayan.lang.ar`; only the small
grammatical cue words (يوم، عام، شهر، المقبل …) are part of the patterns here.

Flags on a :class:`DateMention`:

* ``relative`` - the phrase only has a meaning against the publication date
  (أمس، الثلاثاء المقبل، الشهر المقبل);
* ``inferred`` - part of the returned date (the year, or the whole date for a
  relative phrase) was taken from the publication date rather than read.

Without a publication date nothing is guessed: relative phrases and dates with no
year are still returned, with ``date_from``/``date_to`` set to ``None``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from bayan.arabic.normalise import normalise
from bayan.lang.ar import tsv

# A date with no year is put in the publication year, unless that lands more than
# ~9 months after publication (then the previous year) or more than ~10 months
# before it (then the next year: an announced event early next year).
FUTURE_DAYS = 275
PAST_DAYS = 300
YEAR_MIN, YEAR_MAX = 1900, 2099


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date phrase at ``[start, end)`` of the folded text, resolved to ISO strings."""

    start: int
    end: int
    date_from: str | None
    date_to: str | None
    precision: str  # 'day' | 'month' | 'year'
    inferred: bool
    relative: bool


# --------------------------------------------------------------------------- data


def _key(form: str) -> str:
    return " ".join(normalise(form).split())


@cache
def _months() -> dict[str, int]:
    return {_key(r["form"]): int(r["month"]) for r in tsv("months.tsv")}


@cache
def _weekdays() -> dict[str, int]:
    return {_key(r["form"]): int(r["weekday"]) for r in tsv("weekdays.tsv")}


@cache
def _relative_days() -> dict[str, int]:
    return {_key(r["form"]): int(r["offset"]) for r in tsv("relative_days.tsv")}


# Grammatical cue words (folded). Direction words for relative phrases.
_NEXT = ("المقبل", "المقبله", "المقبلين", "المقبلتين", "القادم", "القادمه", "القادمين")
_PAST = ("الماضي", "الماضيه", "الماضيين", "المنصرم", "المنصرمه", "السابق", "السابقه")
_THIS = ("الجاري", "الجاريه", "الحالي", "الحاليه")


def _direction(word: str | None) -> int | None:
    """+1 next, -1 past, 0 current, None when no direction word."""
    if not word:
        return None
    if word in _NEXT:
        return 1
    if word in _PAST:
        return -1
    return 0


def _alt(forms) -> str:
    """Regex alternation of folded forms, longest first, spaces as ``\\s+``."""
    parts = sorted(set(forms), key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in f.split()) for f in parts)


_CL = "[وبلف]?"  # one-letter clitic
_B = r"(?<!\w)"
_E = r"(?!\w)"


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    month = f"(?:{_alt(_months())}){_E}"
    wd = f"(?:{_alt(_weekdays())}){_E}"
    rel = f"(?:{_alt(_relative_days())}){_E}"
    dirs = f"(?:{_alt(_NEXT + _PAST + _THIS)}){_E}"

    def mon(name: str) -> str:
        # A month, optionally paired with its other-system name: "تشرين الثاني/نوفمبر",
        # "نوفمبر/تشرين الثاني", "تشرين الثاني (نوفمبر)".
        return (
            f"(?P<{name}>{month})"
            rf"(?:\s*[/\\]\s*{month}|\s*\(\s*{month}\s*\))?"
        )

    year = rf"(?P<{{n}}>(?:19|20)\d\d)(?:\s?م)?{_E}"
    year_cue = rf"(?:{_CL}(?:عام|العام|سنه|السنه|للعام|لعام|للسنه)\s+)"
    year_part = rf"(?:\s*,?\s*(?:من\s+)?{year_cue}?{year.format(n='y')})"
    day = r"(?P<{n}>\d{{1,2}})(?!\d)"
    same_month_sep = r"(?:\s*[-–]\s*|\s+(?:الي|حتي)\s+|\s*و\s*)"
    cross_sep = r"(?:\s*[-–]\s*|\s+(?:الي|حتي)\s+)"
    wd_prefix = rf"(?:{_CL}(?:يوم\s+)?{wd}\s*,?\s*(?:[-–]\s*)?(?:الموافق\s+)?)"
    day_cue = rf"(?:{_CL}(?:يومي|يوم|بين|من)\s+)"

    day_pat = (
        rf"{_B}{wd_prefix}?{day_cue}?(?<![\w/.\-])"
        + day.format(n="d1")
        + rf"(?:{same_month_sep}"
        + day.format(n="d2")
        + r")?\s*(?:من\s+)?(?:شهر\s+)?"
        + mon("m1")
        + rf"(?:{cross_sep}"
        + day.format(n="d3")
        + r"\s*(?:من\s+)?"
        + mon("m2")
        + rf")?{year_part}?"
    )
    month_sep = r"(?:\s*[-–]\s*|\s+(?:او|الي|حتي)\s+|\s+و\s*)"
    month_pat = (
        rf"{_B}(?P<cue>{_CL}(?:شهري|شهر)\s+)?{_CL}"
        + mon("m1")
        + rf"(?:{month_sep}(?:شهر\s+)?"
        + mon("m2")
        + rf")?(?:{year_part}|\s+(?P<dir>{dirs}))?"
    )
    numeric = (
        r"(?<![\d/.\-])(?:(?P<y1>\d{4})(?P<s1>[-/.])(?P<m1>\d{1,2})(?P=s1)(?P<d1>\d{1,2})"
        r"|(?P<d2>\d{1,2})(?P<s2>[-/.])(?P<m2>\d{1,2})(?P=s2)(?P<y2>\d{4}))(?!\d)"
    )
    year_range = (
        rf"{_B}{_CL}(?:بين\s+)?(?:عامي|سنتي|العامين)\s+{year.format(n='y1')}"
        rf"(?:\s*و\s*|\s*[-–]\s*|\s+(?:الي|حتي)\s+){year.format(n='y2')}"
    )
    year_pat = rf"{_B}{year_cue}{year.format(n='y')}"
    unit_pat = (
        rf"{_B}(?:(?P<this>{_CL}(?:هذا|هذه)\s+))?{_CL}(?P<unit>الاسبوع|الشهر|العام|السنه)"
        rf"(?:\s+(?P<dir>{dirs}))?"
    )
    rel_pat = rf"{_B}{_CL}(?:يوم\s+)?(?P<rel>{rel})(?:\s*,?\s*(?:يوم\s+)?(?P<wd>{wd}))?"
    wd_pat = rf"{_B}{_CL}(?:يوم\s+)?(?P<wd>{wd})(?:\s+(?P<dir>{dirs}))?"
    # Lookaheads that every match satisfies where it starts (see _heads): they add
    # no condition, but most word starts fail them after a letter or two instead of
    # running the whole pattern with its optional clitics and cue words.
    wd_heads = _heads(_weekdays(), 3)
    day_gate = rf"{_B}(?=[وبلف]?(?:يوم|بين|من|{wd_heads})|\d)"
    month_gate = rf"{_B}(?=[وبلف]?(?:شهر|{_heads(_months(), 2)}))"
    rel_gate = rf"{_B}(?=[وبلف]?(?:يوم|{_heads(_relative_days(), 3)}))"
    wd_gate = rf"{_B}(?=[وبلف]?(?:يوم|{wd_heads}))"
    return {
        "day": re.compile(day_gate + day_pat),
        "numeric": re.compile(r"(?=\d)" + numeric),
        "month": re.compile(month_gate + month_pat),
        "year_range": re.compile(year_range),
        "year": re.compile(year_pat),
        "unit": re.compile(unit_pat),
        "rel": re.compile(rel_gate + rel_pat),
        "weekday": re.compile(wd_gate + wd_pat),
    }


def _heads(forms, n: int) -> str:
    """Alternation of the first ``n`` letters of each form's first word.

    A match of ``_alt(forms)`` starts with a form's first word, so it starts with
    one of these heads.
    """
    heads = {f.split()[0][:n] for f in forms if f.split()}
    return "|".join(re.escape(h) for h in sorted(heads, key=lambda h: (-len(h), h)))


# ------------------------------------------------------------------- resolution


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _guess_year(m: int, d: int, pub: dt.date) -> int:
    """Year for a month-day read without one (see FUTURE_DAYS / PAST_DAYS)."""
    cand = dt.date(pub.year, m, min(d, 28))
    delta = (cand - pub).days
    if delta > FUTURE_DAYS:
        return pub.year - 1
    if delta < -PAST_DAYS:
        return pub.year + 1
    return pub.year


def _month_of(text: str | None) -> int | None:
    return None if text is None else _months().get(" ".join(text.split()))


def _ym(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def _shift_month(y: int, m: int, k: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + k
    return idx // 12, idx % 12 + 1


_Resolved = tuple[str | None, str | None, str, bool, bool] | None


def _resolve_day(g: dict[str, str | None], pub: dt.date | None) -> _Resolved:
    m1 = _month_of(g["m1"])
    if m1 is None:
        return None
    d1 = int(g["d1"] or 0)
    d2 = int(g["d2"]) if g["d2"] else None
    m2 = _month_of(g["m2"])
    d3 = int(g["d3"]) if g["d3"] else None
    if d2 is not None and (d2 <= d1 or m2 is not None):
        return None  # "12 و11 نوفمبر", or "11 و12 نوفمبر - 3 ديسمبر": too tangled
    end_day, end_month = (d3, m2) if m2 is not None else (d2, m1)
    if g["y"]:
        y_end = int(g["y"])
        y_start = y_end - 1 if end_month is not None and end_month < m1 else y_end
        inferred = False
    elif pub is not None:
        y_start = _guess_year(m1, d1, pub)
        y_end = y_start + 1 if end_month is not None and end_month < m1 else y_start
        inferred = True
    else:
        # No year, no publication date: validate against a leap year, never guess.
        ok = _date(2000, m1, d1) and (end_day is None or _date(2000, end_month or m1, end_day))
        return (None, None, "day", False, False) if ok else None
    start = _date(y_start, m1, d1)
    if start is None:
        return None
    end = start
    if end_day is not None and end_month is not None:
        end = _date(y_end, end_month, end_day)
        if end is None or end < start:
            return None
    return start.isoformat(), end.isoformat(), "day", inferred, False


def _resolve_numeric(g: dict[str, str | None], pub: dt.date | None) -> _Resolved:
    if g["y1"]:
        y, m, d = int(g["y1"]), int(g["m1"] or 0), int(g["d1"] or 0)
    else:
        y, m, d = int(g["y2"] or 0), int(g["m2"] or 0), int(g["d2"] or 0)
    if not YEAR_MIN <= y <= YEAR_MAX:
        return None
    day = _date(y, m, d)
    if day is None:
        return None
    return day.isoformat(), day.isoformat(), "day", False, False


def _resolve_month(g: dict[str, str | None], pub: dt.date | None) -> _Resolved:
    m1 = _month_of(g["m1"])
    m2 = _month_of(g["m2"])
    if m1 is None:
        return None
    direction = _direction(g["dir"])
    if not g["y"] and direction is None and not g["cue"]:
        return None  # a bare month name (مارس is also a verb, آب a noun): need a cue
    relative = direction is not None and not g["y"]
    if g["y"]:
        y2 = int(g["y"])
        y1 = y2 - 1 if m2 is not None and m2 < m1 else y2
        inferred = False
    elif pub is None:
        return None, None, "month", False, relative
    else:
        inferred = True
        if direction == 1:
            y1 = pub.year if m1 > pub.month else pub.year + 1
        elif direction == -1:
            y1 = pub.year if m1 < pub.month else pub.year - 1
        elif direction == 0:
            y1 = pub.year
        else:
            y1 = _guess_year(m1, 15, pub)
        y2 = y1 + 1 if m2 is not None and m2 < m1 else y1
    return _ym(y1, m1), _ym(y2, m2 if m2 is not None else m1), "month", inferred, relative


def _resolve_year_range(g: dict[str, str | None], pub: dt.date | None) -> _Resolved:
    y1, y2 = int(g["y1"] or 0), int(g["y2"] or 0)
    if y2 <= y1:
        return None
    return str(y1), str(y2), "year", False, False


def _resolve_year(g: dict[str, str | None], pub: dt.date | None) -> _Resolved:
    return g["y"], g["y"], "year", False, False


def _resolve_unit(g: dict[str, str | None], pub: dt.date | None) -> _Resolved:
    direction = 0 if g["this"] else _direction(g["dir"])
    if direction is None:
        return None  # "العام" alone is not a date
    unit = g["unit"]
    precision = "day" if unit == "الاسبوع" else "month" if unit == "الشهر" else "year"
    if pub is None:
        return None, None, precision, False, True
    if unit == "الاسبوع":
        monday = pub - dt.timedelta(days=pub.weekday()) + dt.timedelta(weeks=direction)
        sunday = monday + dt.timedelta(days=6)
        return monday.isoformat(), sunday.isoformat(), "day", True, True
    if unit == "الشهر":
        y, m = _shift_month(pub.year, pub.month, direction)
        return _ym(y, m), _ym(y, m), "month", True, True
    y = str(pub.year + direction)
    return y, y, "year", True, True


def _resolve_rel(g: dict[str, str | None], pub: dt.date | None) -> _Resolved:
    offset = _relative_days().get(" ".join((g["rel"] or "").split()))
    if offset is None:
        return None
    if pub is None:
        return None, None, "day", False, True
    day = (pub + dt.timedelta(days=offset)).isoformat()
    return day, day, "day", True, True


def _resolve_weekday(g: dict[str, str | None], pub: dt.date | None) -> _Resolved:
    wd = _weekdays().get(" ".join((g["wd"] or "").split()))
    if wd is None:
        return None
    if pub is None:
        return None, None, "day", False, True
    direction = _direction(g["dir"])
    if direction == 1:  # next such weekday, strictly after publication
        delta = (wd - pub.weekday()) % 7 or 7
    elif direction == -1:  # last such weekday, strictly before publication
        delta = -((pub.weekday() - wd) % 7 or 7)
    else:  # most recent such weekday on or before publication
        delta = -((pub.weekday() - wd) % 7)
    day = (pub + dt.timedelta(days=delta)).isoformat()
    return day, day, "day", True, True


# Pattern name -> resolver, in priority order: when spans overlap, the earlier wins.
_RESOLVERS: tuple[tuple[str, Callable[[dict[str, str | None], dt.date | None], _Resolved]], ...] = (
    ("day", _resolve_day),
    ("numeric", _resolve_numeric),
    ("month", _resolve_month),
    ("year_range", _resolve_year_range),
    ("year", _resolve_year),
    ("unit", _resolve_unit),
    ("rel", _resolve_rel),
    ("weekday", _resolve_weekday),
)
_NUMERIC = [name for name, _ in _RESOLVERS].index("numeric")  # the one not at a word start

# A full date that fails validation blocks its span, so "فبراير 2024" inside an
# invalid "31 فبراير 2024" is not read as a month mention.
_BLOCKING = frozenset({"day", "numeric"})

_NUMERIC_CORE = re.compile(r"\d[-/.]\d")  # in every numeric date


def _first_words(forms) -> set[str]:
    """First word of every form: a match of ``_alt(forms)`` starts with one."""
    return {f.split()[0] if f.split() else "" for f in forms}


def _words(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


def _letter_trie(words) -> str:
    """Alternation matching where one of ``words`` starts, one letter at a time
    (the regex engine tries a plain alternation word by word at every position)."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        if "" in node:
            return ""  # a shorter word already matches here
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(root)


@dataclass(frozen=True)
class _WordStarts:
    """How :func:`find_dates` finds where its word-start patterns can match."""

    anchor: re.Pattern[str]  # every word start where one of them may match (a superset)
    key_len: int  # the heads below read at most this many characters
    heads: tuple[tuple[int, re.Pattern[str]], ...]  # (index in _RESOLVERS, head test)
    full_scan: tuple[int, ...]  # patterns with no head test: scanned as before
    plans: dict[str, tuple[int, ...]]  # next key_len characters -> patterns to try


@cache
def _word_starts() -> _WordStarts:
    """Head tests: what every match of each pattern starts with, read off the pattern.

    Every pattern but ``numeric`` starts at a word start with an optional one-letter
    clitic, then a cue word followed by a space, a listed form's first word followed
    by a non-word character, or (``day``) a digit. So one scan finds the word starts
    where any of them can match, and each pattern is tried only where its head test
    passes, instead of each regex being run over the whole text.
    """
    wd = _first_words(_weekdays())
    months = _first_words(_months())
    rel = _first_words(_relative_days())
    cues: dict[str, tuple[set[str], set[str], bool]] = {
        # name: (cue words followed by \s, form words followed by a non-word character, digit)
        "day": ({"يومي", "يوم", "بين", "من"}, wd, True),
        "month": ({"شهري", "شهر"}, months, False),
        "year_range": ({"بين", "عامي", "سنتي", "العامين"}, set(), False),
        "year": ({"عام", "العام", "سنه", "السنه", "للعام", "لعام", "للسنه"}, set(), False),
        "unit": ({"هذا", "هذه"}, set(), False),
        "rel": ({"يوم"}, rel, False),
        "weekday": ({"يوم"}, wd, False),
    }
    # unit's pattern puts no boundary after its unit word: for it, a prefix test.
    prefixes = {"unit": {"الاسبوع", "الشهر", "العام", "السنه"}}
    heads: list[tuple[int, re.Pattern[str]]] = []
    full_scan: list[int] = []
    every: set[str] = set()
    for index, (name, _) in enumerate(_RESOLVERS):
        if name == "numeric":
            continue
        spaced, bounded, digit = cues[name]
        bare = prefixes.get(name, set())
        if "" in spaced | bounded | bare:  # a form with no first word: no head test
            full_scan.append(index)
            continue
        alts = [f"(?:{_words(spaced)})\\s"] if spaced else []
        alts += [f"(?:{_words(bounded)})(?!\\w)"] if bounded else []
        alts += [f"(?:{_words(bare)})"] if bare else []
        test = f"{_CL}(?:{'|'.join(alts)})" + (r"|\d" if digit else "")
        heads.append((index, re.compile(test)))
        every |= spaced | bounded | bare
    # One clitic, the longest word, and the character after it.
    key_len = 2 + max(map(len, every), default=0)
    trie = _letter_trie({w[:3] for w in every})
    anchor = re.compile(rf"{_B}(?:{trie}|[وبلف]{trie}|\d)" if every else rf"{_B}\d")
    return _WordStarts(anchor, key_len, tuple(heads), tuple(full_scan), {})


_PLANS_MAX = 1 << 16  # remembered keys; the dict is emptied when it grows past this


def _plan(scan: _WordStarts, key: str) -> tuple[int, ...]:
    """Patterns whose head test passes on ``key`` (remembered)."""
    plans = scan.plans
    if len(plans) >= _PLANS_MAX:
        plans.clear()
    plan = plans[key] = tuple(index for index, test in scan.heads if test.match(key))
    return plan


def _overlaps(starts: list[int], ends: list[int], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps one of the disjoint spans, kept sorted."""
    i = bisect.bisect_left(starts, end)  # spans before i start before ``end``
    return i > 0 and ends[i - 1] > start


def _candidates(text: str) -> list[list[re.Match[str]]]:
    """Per pattern of ``_RESOLVERS``, what its ``finditer`` over ``text`` yields.

    A pattern is tried (``match`` at that position) only at the anchor's word starts
    where its head test passes; after a match it is not tried again before the
    match's end, as ``finditer`` resumes there.
    """
    patterns = _patterns()
    scan = _word_starts()
    found: list[list[re.Match[str]]] = [[] for _ in _RESOLVERS]
    matchers = [patterns[name].match for name, _ in _RESOLVERS]
    resume = [0] * len(_RESOLVERS)
    key_len = scan.key_len
    plans = scan.plans
    for anchor in scan.anchor.finditer(text):
        pos = anchor.start()
        key = text[pos : pos + key_len]
        plan = plans.get(key)
        if plan is None:
            plan = _plan(scan, key)
        for index in plan:
            if pos >= resume[index]:
                match = matchers[index](text, pos)
                if match is not None:
                    found[index].append(match)
                    resume[index] = match.end()
    for index in scan.full_scan:
        found[index] = list(patterns[_RESOLVERS[index][0]].finditer(text))
    if _NUMERIC_CORE.search(text) is not None:
        found[_NUMERIC] = list(patterns["numeric"].finditer(text))
    return found


def find_dates(text: str, published: dt.date | None) -> list[DateMention]:
    """Date mentions in ``text`` (already folded by ``normalise``), in text order."""
    if isinstance(published, dt.datetime):
        published = published.date()
    # Taken spans never overlap one another, so sorted starts and ends answer
    # "does this span overlap a taken one?" with one bisection.
    starts: list[int] = []
    ends: list[int] = []
    found: list[DateMention] = []
    for (name, resolve), matches in zip(_RESOLVERS, _candidates(text), strict=True):
        for match in matches:
            start, end = match.span()
            if _overlaps(starts, ends, start, end):
                continue
            resolved = resolve(match.groupdict(), published)
            if resolved is None:
                if name in _BLOCKING:  # "31 فبراير 2024": skip it, and do not reread it
                    i = bisect.bisect_left(starts, start)
                    starts.insert(i, start)
                    ends.insert(i, end)
                continue
            i = bisect.bisect_left(starts, start)
            starts.insert(i, start)
            ends.insert(i, end)
            found.append(DateMention(start, end, *resolved))
    found.sort(key=lambda m: (m.start, m.end))
    return found


# ------------------------------------------------------------ publication lines

_TIME = re.compile(
    r"(?<!\d)(?P<h>\d{1,2}):(?P<mi>\d{2})(?::\d{2})?(?!\d)"
    r"(?:\s*(?P<ap>مساء|صباحا|صباح|م|ص|pm|am|p\.m\.|a\.m\.)(?!\w))?"
)


def _parse_time(text: str, start: int) -> str | None:
    match = _TIME.search(text, start) or _TIME.search(text)
    if match is None:
        return None
    hour, minute = int(match["h"]), int(match["mi"])
    marker = match["ap"]
    if marker in ("مساء", "م", "pm", "p.m.") and hour < 12:
        hour += 12
    elif marker in ("صباحا", "صباح", "ص", "am", "a.m.") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def parse_date_line(text: str) -> tuple[str | None, str | None]:
    """Read a publication date line (raw text) into ``(YYYY-MM-DD, HH:MM)``.

    Handles ISO stamps, day/month/year numerics and written dates in either month
    system, with an optional clock time (12-hour with م/مساء or ص/صباحا).
    Returns ``(None, None)`` when the line holds no full date.
    """
    folded = normalise(text)
    for mention in find_dates(folded, None):
        if (
            mention.precision == "day"
            and mention.date_from is not None
            and not mention.relative
            and not mention.inferred
        ):
            return mention.date_from, _parse_time(folded, mention.end)
    return None, None
