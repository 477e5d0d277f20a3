"""Clean: boilerplate out, metadata in — one :class:`RawInput` to one :class:`Document`.

HTML goes through trafilatura (precision-first article extraction) with justext
and plain tag stripping as fallbacks; plain text goes through a line-level
cleaner driven by ``lang/ar/boilerplate.tsv``. Both end in the same body
normalisation (NFC, no zero-width/bidi controls, collapsed spaces) but *no*
Arabic letter folding: the body is the text every evidence offset indexes.

``clean`` is a pure function of its input.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Any
from urllib.parse import urlparse

from bayan.arabic.normalise import fold_char, normalise
from bayan.lang.ar import split_list, tsv
from bayan.models import Document
from bayan.pipeline.ingest import RawInput

HEADER_KINDS = {"related", "comments"}
SHORT_WORDS = 12  # after a related/comments header, lines shorter than this are dropped
MAX_PATTERN_WORDS = 30  # longer lines are article text, never boilerplate
TITLE_MAX_WORDS = 25
HEAD_LINES = 8  # how far down metadata (date, dateline) is looked for

_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x061C, 0xFEFF, 0x2060, 0x00AD]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
)
# ``str.translate`` with a sparse dict costs a failed lookup per character; a
# character-class search skips clean lines at C speed, so translate only runs on
# the rare line that holds one of these.
_HAS_INVISIBLE = re.compile("[" + "".join(map(chr, _INVISIBLE)) + "]")
# Runs of spaces become one " ". A lone " " is already that, so only longer runs
# and other space characters are matched (most lines then need no replacement).
_SPACE_CHARS = r"\t\u00a0\u2000-\u200a\u202f\u205f\u3000"  # besides " "
_SPACES = re.compile(rf"[ {_SPACE_CHARS}]{{2,}}|[{_SPACE_CHARS}]")
_LEAD = re.compile(r"^[\s•·▪►▶◄■□●○*\-–—|>»«]+")
_WORD = re.compile(r"\w+")
# Matches when a line has more than MAX_PATTERN_WORDS words (``_WORD`` runs), reading
# only up to the first word past the limit; counting every word of each paragraph
# with ``findall`` cost more. Each ``\w+\W+`` step takes one whole run.
_TOO_MANY_WORDS = re.compile(rf"\W*(?:\w+\W+){{{MAX_PATTERN_WORDS}}}\w")
_LETTERLESS = re.compile(r"^[^\w]*$")


# ------------------------------------------------------------------ data files

@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    kind: str


def _fold_pattern(pattern: str) -> str:
    """Fold the Arabic letters of a regex the way lines are folded; leave syntax alone."""
    out = []
    for ch in pattern:
        if "\u0621" <= ch <= "\u06ff" and ch not in "،؛؟٪":
            out.append(fold_char(ch))
        else:
            out.append(ch)
    return "".join(out)


@cache
def boilerplate_rules() -> tuple[_Rule, ...]:
    rules = []
    for row in tsv("boilerplate.tsv"):
        pattern = row.get("pattern") or ""
        if not pattern:
            continue
        rules.append(_Rule(re.compile(_fold_pattern(pattern)), row.get("kind") or "other"))
    return tuple(rules)


def _anchored(pattern: str) -> bool:
    """Whether ``pattern`` starts with ``^`` and has no top-level ``|`` (then it can
    only match at the start of the string)."""
    if not pattern.startswith("^"):
        return False
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2  # an escaped character, in a class or not
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            i += 1
            i += pattern[i : i + 1] == "^"
            i += pattern[i : i + 1] == "]"  # a "]" first in a class is a member
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return False
        i += 1
    return True


@cache
def _rule_gates() -> tuple[re.Pattern[str] | None, tuple[re.Pattern[str], ...]]:
    """A quick test of whether any boilerplate rule matches a key.

    The rules anchored at the start are joined into one alternation tried at
    position 0 only (instead of ~35 searches per line); the others are searched one
    by one. When a line passes, the rules are still tried in order, so the first
    matching rule gives the kind as before. (None: rules that cannot be joined.)
    """
    rules = boilerplate_rules()
    sources = [r.pattern.pattern for r in rules]
    if any(re.search(r"\\[1-9]|\(\?P[=<]|\(\?[aiLmsux]", src) for src in sources):
        return None, ()  # backreferences, names or inline flags: not safe to join
    anchored = [src for src in sources if _anchored(src)]
    others = tuple(r.pattern for r in rules if not _anchored(r.pattern.pattern))
    try:
        joined = re.compile("|".join(f"(?:{src})" for src in anchored) or "(?!)")
    except re.error:
        return None, ()
    return joined, others


@dataclass(frozen=True)
class _Outlet:
    name: str
    aliases: tuple[str, ...]  # normalised
    domains: tuple[str, ...]


@cache
def outlets() -> tuple[_Outlet, ...]:
    result = []
    for row in tsv("outlets.tsv"):
        name = row.get("outlet") or ""
        if not name:
            continue
        names = [name, *split_list(row.get("aliases_ar")), *split_list(row.get("aliases_en"))]
        aliases = tuple(sorted({normalise(a).strip() for a in names if a.strip()}, key=len, reverse=True))
        result.append(_Outlet(name, aliases, tuple(d.lower() for d in split_list(row.get("domain")))))
    return tuple(result)


# ------------------------------------------------------------- text utilities

def normalise_line(line: str) -> str:
    """NFC, invisible controls removed, runs of spaces collapsed, trimmed."""
    if _HAS_INVISIBLE.search(line):
        line = line.translate(_INVISIBLE)
    line = unicodedata.normalize("NFC", line)  # NFC last: idempotent
    return _SPACES.sub(" ", line).strip()


def _key(line: str) -> str:
    """The folded form boilerplate patterns are matched against."""
    return _LEAD.sub("", normalise(line)).strip()


@lru_cache(maxsize=1024)
def _words(line: str) -> int:
    """Word count; remembered, as the head lines are counted by several tests."""
    return len(_WORD.findall(line))


def boilerplate_kind(line: str) -> str | None:
    """The boilerplate kind of ``line`` (a cleaned line), or None if it is content."""
    return _boilerplate_kind_folded(normalise(line))


def _boilerplate_kind_folded(folded: str) -> str | None:
    """:func:`boilerplate_kind` of a line already folded with ``normalise``."""
    key = _LEAD.sub("", folded).strip()
    if not key:
        return None
    # A word takes a character and a separator, so a short key cannot be too long.
    if len(key) > 2 * MAX_PATTERN_WORDS and _TOO_MANY_WORDS.match(key):
        return None
    anchored, unanchored = _rule_gates()
    if anchored is not None and not anchored.match(key):
        if not any(r.search(key) for r in unanchored):
            return None  # no rule matches: most lines are article text
    for rule in boilerplate_rules():
        if rule.pattern.search(key):
            return rule.kind
    return None


def _is_arabic_letter(ch: str) -> bool:
    cp = ord(ch)
    return (0x0620 <= cp <= 0x064A or 0x066E <= cp <= 0x06D3 or 0x06FA <= cp <= 0x06FF
            or 0x0750 <= cp <= 0x077F or 0x08A0 <= cp <= 0x08FF
            or 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFC)


def _letter_class(ranges: list[tuple[int, int]]) -> re.Pattern[str]:
    """A character class of exactly the letters (``str.isalpha``) in ``ranges``."""
    cps = [cp for lo, hi in ranges for cp in range(lo, hi + 1) if chr(cp).isalpha()]
    runs: list[list[int]] = []
    for cp in cps:
        if runs and runs[-1][1] == cp - 1:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp])
    body = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in runs)
    return re.compile("[" + body + "]+")


# Runs of these letters are counted by one C-level scan each (run lengths summed)
# instead of a Python loop over every character.
_ARABIC_LETTER = _letter_class([(0x0620, 0x064A), (0x066E, 0x06D3), (0x06FA, 0x06FF), (0x0750, 0x077F),
                                (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFC)])
_LATIN_LETTER = _letter_class([(0x00, 0x7F), (0xC0, 0x24F)])


@cache
def _arabic_letter_table() -> Any:
    """A numpy table, by code point, of the letters in ``_ARABIC_LETTER`` (None
    without numpy). Summing it over a text's code points counts them in one pass,
    about 5x faster than summing the lengths of ``findall`` runs."""
    try:
        import numpy
    except ImportError:  # pragma: no cover - numpy comes with pyarrow and datasketch
        return None
    table = numpy.zeros(0x110000, dtype=numpy.uint8)
    for cp in range(0x0600, 0x10000):
        if _ARABIC_LETTER.match(chr(cp)):
            table[cp] = 1
    return table


def _arabic_letters(text: str) -> int:
    """How many characters of ``text`` ``_ARABIC_LETTER`` matches."""
    table = _arabic_letter_table()
    if table is None or len(text) < 256:
        return sum(map(len, _ARABIC_LETTER.findall(text)))
    import numpy

    codes = numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
    return int(numpy.count_nonzero(table[codes]))

_FR = re.compile(r"\b(le|la|les|des|du|une|est|et|dans|pour|avec|qui|sur|au|aux)\b")
_EN = re.compile(r"\b(the|and|of|to|in|is|for|with|that|on|was|by|from)\b")


def detect_language(text: str) -> str:
    """'ar' when ≥ 30% of letters are Arabic, else a crude 'en' / 'fr' / 'other'."""
    text = text[:200_000]  # a sample decides; memory stays flat on huge inputs
    arabic = _arabic_letters(text)
    # There are at most len(text) letters, and Arabic letters are letters: when the
    # Arabic share of all characters reaches the threshold, so does its share of the
    # letters, and the letters need not be counted (most articles stop here).
    if arabic and arabic / len(text) >= 0.3:
        return "ar"
    letters = sum(map(str.isalpha, text))
    if not letters:
        return "other"
    if arabic / letters >= 0.3:
        return "ar"
    latin = sum(map(len, _LATIN_LETTER.findall(text)))
    if latin / letters < 0.5:
        return "other"
    lowered = text.lower()
    fr = len(_FR.findall(lowered)) + 2 * sum(lowered.count(c) for c in "éèêàçùœ")
    en = len(_EN.findall(lowered))
    if fr == 0 and en == 0:
        return "other"
    return "fr" if fr > en else "en"


# ------------------------------------------------------------------ dates

_DIGITS = {0x0660 + i: str(i) for i in range(10)} | {0x06F0 + i: str(i) for i in range(10)}
# Translate only when there is something to translate (see _HAS_INVISIBLE).
_HAS_DIGIT = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2}))?")
_SLASH = re.compile(r"(?<!\d)(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:\s+(\d{1,2}):(\d{2})(?::\d{2})?\s*([ap]\.?m\.?|ص|م)?)?",
                    re.IGNORECASE)
_TIME = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?!\d)")


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _hhmm(h: int, m: int, ampm: str | None = None) -> str | None:
    if ampm:
        a = ampm.lower().replace(".", "")
        if a in ("pm", "م") and h < 12:
            h += 12
        elif a in ("am", "ص") and h == 12:
            h = 0
    if 0 <= h <= 23 and 0 <= m <= 59:
        return f"{h:02d}:{m:02d}"
    return None


def fallback_date(text: str) -> tuple[str | None, str | None]:
    """Numeric dates only: 'YYYY-MM-DD[ T]HH:MM' and 'DD/MM/YYYY [HH:MM[:SS] [AM|PM]]'."""
    if _HAS_DIGIT.search(text):
        text = text.translate(_DIGITS)
    m = _ISO.search(text)
    if m:
        iso = _valid(int(m[1]), int(m[2]), int(m[3]))
        if iso:
            time = _hhmm(int(m[4]), int(m[5])) if m[4] else None
            return iso, time
    m = _SLASH.search(text)
    if m:
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        iso = _valid(y, a, b) if b > 12 >= a else _valid(y, b, a)  # MM/DD only when forced
        if iso:
            time = _hhmm(int(m[4]), int(m[5]), m[6]) if m[4] else None
            return iso, time
    return None, None


def parse_date(text: str) -> tuple[str | None, str | None]:
    """Date and time of a line: ``bayan.arabic.dates`` when available, else numeric regexes."""
    try:
        from bayan.arabic.dates import parse_date_line  # written in parallel; optional
    except Exception:  # noqa: BLE001 - missing or broken module: use the fallback
        parse_date_line = None
    if parse_date_line is not None:
        try:
            iso, time = parse_date_line(text)
        except Exception:  # noqa: BLE001
            iso, time = None, None
        if iso:
            if not time:
                time = fallback_date(text)[1]
            return iso, time
    return fallback_date(text)


def _published_from_input(value: str) -> tuple[str | None, str | None]:
    iso, time = fallback_date(value)
    if iso:
        return iso, time
    iso, time = parse_date(value)
    if iso:
        return iso, time
    # A partial ISO date ("2023", "2023-05") is kept; anything else is not a date.
    value = value.strip()
    return (value, None) if re.fullmatch(r"\d{4}(?:-[01]\d(?:-[0-3]\d)?)?", value) else (None, None)


# ------------------------------------------------------------------ outlets

def _alias_regex(alias: str) -> str:
    return r"(?<!\w)" + re.escape(alias) + r"(?!\w)"


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    try:
        parsed = urlparse(url if "//" in url else "//" + url)
    except ValueError:
        return None
    host = (parsed.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    where = host + (parsed.path or "")
    for outlet in outlets():
        for domain in outlet.domains:
            dom_host, _, dom_path = domain.partition("/")
            host_ok = host == dom_host or host.endswith("." + dom_host)
            if host_ok and (not dom_path or where[len(host):].lstrip("/").startswith(dom_path)):
                return outlet.name
    return None


_DATELINE = re.compile(
    r"^(?P<place>[^\W\d][\w]*(?: [^\W\d][\w]*){0,2})\s*(?:[-–—/]\s*\(?|\()\s*(?P<agency>[^()\-–—/:]{2,40}?)\s*\)?"
    r"\s*(?:[-–—:،,]|$)"
)


def outlet_from_alias(text: str) -> str | None:
    """The outlet whose alias is ``text`` (folded comparison)."""
    key = normalise(text).strip(" ()[]-–—:،,.|/")
    if not key:
        return None
    for outlet in outlets():
        if key in outlet.aliases:
            return outlet.name
    return None


def dateline(line: str) -> tuple[str, str | None] | None:
    """``(place, outlet)`` when ``line`` starts with a dateline like 'دمشق-سانا' or 'موسكو – (الأناضول)'."""
    m = _DATELINE.match(line)
    if not m:
        return None
    agency = m["agency"].strip()
    outlet = outlet_from_alias(agency)
    if outlet is None:
        # Multi-word agency cells such as "وكالة سانا" or "سانا - وكالات"
        for part in re.split(r"\s*[/|،,]\s*|\s+و(?=\w)", agency):
            outlet = outlet_from_alias(part)
            if outlet:
                break
    standalone = _words(line) <= 5
    if outlet is None and not standalone:
        return None
    if outlet is None and not re.fullmatch(r"\(?\s*(وكالات|متابعات|خاص|agencies)\s*\)?", agency):
        # a short "X - Y" line is only a dateline if Y is a known agency or a generic credit
        return None
    return m["place"], outlet


def outlet_from_signature(line: str, folded: str | None = None) -> str | None:
    """Outlet named by a short credit line such as 'TRT عربي - وكالات' or 'نورنيوز/وكالات'.

    ``folded``: ``normalise(line)`` when the caller has it already.
    """
    if _words(line) > 6:
        return None
    key = (normalise(line) if folded is None else folded).strip()
    if not _signature_gate().match(key):
        return None  # no alias matches: skip the per-alias regexes
    for outlet in outlets():
        for alias in outlet.aliases:
            if _signature_regex(alias).match(key):
                return outlet.name
    return None


@cache
def _signature_gate() -> re.Pattern[str]:
    """Matches where some :func:`_signature_regex` matches (their alternation)."""
    sources = [_signature_regex(a).pattern for o in outlets() for a in o.aliases]
    return re.compile("|".join(f"(?:{src})" for src in sources) or "(?!)")


@cache
def _signature_regex(alias: str) -> re.Pattern[str]:
    """Compiled once per alias: building it per line was most of the cost of a short file."""
    return re.compile(_alias_regex(alias) + r"\s*(?:$|[-–—/|:،,(]|\s+(?:-|وكالات|متابعات))")


# ------------------------------------------------------------------ text cleaning

@dataclass
class _Cleaned:
    lines: list[str]
    title: str | None
    published: str | None
    published_time: str | None
    outlet: str | None


def _is_title_candidate(line: str, later: list[str], folded: dict[str, str] | None = None) -> bool:
    """``folded``: the lines already folded by the caller (each is folded once)."""
    if _words(line) == 0 or _words(line) >= TITLE_MAX_WORDS * 2:
        return False
    fold = normalise if folded is None else folded.__getitem__
    key = fold(line)
    repeated = any(fold(other) == key for other in later)
    if repeated:
        return True
    if _words(line) >= TITLE_MAX_WORDS:
        return False
    return not re.search(r"[.。!]\s*$", line.rstrip()) or line.rstrip().endswith("..")


@lru_cache(maxsize=256)
def _short_date_line(line: str) -> tuple[str | None, str | None]:
    """Date of a short head line; remembered, as two passes over the head ask."""
    if _words(line) > 12:
        return None, None
    return parse_date(line)


def clean_lines(text: str, title_hint: str | None = None) -> _Cleaned:
    """Line-level cleaning of plain text, plus metadata from the first and last lines."""
    raw_lines = [normalise_line(ln) for ln in text.splitlines()]
    lines = [ln for ln in raw_lines if ln]
    # Each line is folded once here; pass 1 and pass 2 both read the folded form.
    # Folding is per character and keeps "\n" (and makes none), and no line holds
    # one, so the lines are folded together in one call and split again.
    folded = dict(zip(lines, normalise("\n".join(lines)).split("\n"), strict=True)) if lines else {}

    # Pass 1: drop boilerplate (and the short lines after a related/comments header).
    kept: list[str] = []
    caption_titles: list[str] = []
    skipping = False
    for line in lines:
        kind = _boilerplate_kind_folded(folded[line])
        if kind is not None:
            if kind in HEADER_KINDS:
                skipping = True
            elif kind == "caption" and not kept:
                caption_titles.append(line)
            continue
        if _LETTERLESS.match(line):
            continue
        if skipping:
            if _words(line) < SHORT_WORDS:
                continue
            skipping = False
        kept.append(line)

    # Metadata from the head of the article.
    published = published_time = None
    outlet = None
    head = kept[:HEAD_LINES]
    for line in head:
        iso, time = _short_date_line(line)
        if iso:
            published, published_time = iso, time
            break
    title: str | None = None
    title_index: int | None = None
    for i, line in enumerate(head):
        if _short_date_line(line)[0] or dateline(line):
            continue
        if _is_title_candidate(line, kept[i + 1 : i + HEAD_LINES], folded):
            title, title_index = line, i
        break
    if title is None and title_hint:
        title = normalise_line(title_hint) or None
    if title is None and caption_titles:
        title = re.split(r"\s*[/|(\-–—]?\s*صورة\s*:", caption_titles[0])[0].strip() or None
    for line in head:
        found = dateline(line)
        if found and found[1]:
            outlet = found[1]
            break
    if outlet is None:
        for line in [*head[:4], *reversed(kept[-4:])]:
            outlet = outlet_from_signature(line, folded[line])
            if outlet:
                break

    # Pass 2: repeated titles (photo captions, sharing widgets) after the first one.
    if title:
        title_key = normalise(title)
        result = []
        seen_title = False
        for i, line in enumerate(kept):
            if folded[line] == title_key:
                if seen_title or (title_index is not None and i != title_index):
                    continue
                seen_title = True
            result.append(line)
        kept = result
    return _Cleaned(kept, title, published, published_time, outlet)


# ------------------------------------------------------------------ HTML

_META_TIME = re.compile(
    r"<meta[^>]+(?:property|name|itemprop)=[\"'](?:article:published_time|og:published_time|"
    r"datePublished|pubdate|publishdate|date)[\"'][^>]*>",
    re.IGNORECASE,
)
_CONTENT = re.compile(r"content=[\"']([^\"']+)[\"']", re.IGNORECASE)
_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_OG_TITLE = re.compile(r"<meta[^>]+property=[\"']og:title[\"'][^>]*>", re.IGNORECASE)
_OG_SITE = re.compile(r"<meta[^>]+property=[\"']og:site_name[\"'][^>]*>", re.IGNORECASE)


def _meta_content(regex: re.Pattern[str], page: str) -> str | None:
    m = regex.search(page)
    if not m:
        return None
    c = _CONTENT.search(m.group(0))
    return html_lib.unescape(c.group(1)).strip() if c else None


def _strip_tags(page: str) -> str:
    try:
        import lxml.html

        tree = lxml.html.fromstring(page)
        for bad in tree.xpath("//script|//style|//noscript|//nav|//footer|//header|//aside|//form"):
            bad.drop_tree()
        blocks = []
        for el in tree.iter("p", "h1", "h2", "h3", "li", "blockquote", "td", "div"):
            if el.tag == "div" and any(ch.tag in ("p", "div") for ch in el):
                continue
            txt = el.text_content().strip()
            if txt:
                blocks.append(txt)
        if blocks:
            return "\n".join(blocks)
        return tree.text_content()
    except Exception:  # noqa: BLE001 - last resort: regex stripping
        text = re.sub(r"(?is)<(script|style)[^>]*>.*?</\1>", " ", page)
        text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</h\d>|</li>", "\n", text)
        return html_lib.unescape(re.sub(r"<[^>]+>", " ", text))


def _justext(page: str) -> str | None:
    try:
        import justext

        paragraphs = justext.justext(page.encode("utf-8"), justext.get_stoplist("Arabic"),
                                     encoding="utf-8")
    except Exception:  # noqa: BLE001
        return None
    text = "\n".join(p.text for p in paragraphs if not p.is_boilerplate)
    return text if text.strip() else None


def _html_extract(page: str, url: str | None) -> tuple[str, dict[str, str | None]]:
    meta: dict[str, str | None] = {"title": None, "date": None, "sitename": None, "time": None}
    text: str | None = None
    try:
        import trafilatura

        text = trafilatura.extract(page, url=url, include_comments=False, include_tables=False,
                                   favor_precision=True, output_format="txt")
        md = trafilatura.extract_metadata(page, default_url=url)
        if md is not None:
            meta["title"] = getattr(md, "title", None)
            meta["date"] = getattr(md, "date", None)
            meta["sitename"] = getattr(md, "sitename", None)
    except Exception:  # noqa: BLE001 - fall through to the fallbacks
        text = None
    if not text or not text.strip():
        text = _justext(page)
    if not text or not text.strip():
        text = _strip_tags(page)
    if not meta["title"]:
        meta["title"] = _meta_content(_OG_TITLE, page)
    if not meta["title"]:
        m = _TITLE_TAG.search(page)
        if m:
            meta["title"] = html_lib.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip() or None
    if not meta["sitename"]:
        meta["sitename"] = _meta_content(_OG_SITE, page)
    stamp = _meta_content(_META_TIME, page)
    if stamp:
        iso, time = fallback_date(stamp)
        if iso and not meta["date"]:
            meta["date"] = iso
        if iso and time and (meta["date"] in (None, iso)):
            meta["time"] = time
    return text or "", meta


def _clean_html_title(title: str | None, sitename: str | None) -> str | None:
    if not title:
        return None
    title = normalise_line(title)
    if sitename:
        parts = re.split(r"\s+[|\-–—]\s+", title)
        if len(parts) > 1 and normalise(parts[-1]) == normalise(sitename):
            title = " - ".join(parts[:-1])
    return title or None


# ------------------------------------------------------------------ entry point

def clean(raw: RawInput) -> Document:
    """Clean one input into a :class:`Document` (body, title, date, outlet, language, hash)."""
    outlet = raw.outlet
    title_hint = None
    html_date = html_time = None
    if raw.html is not None and raw.text is None:
        extracted, meta = _html_extract(raw.html, raw.url)
        title_hint = _clean_html_title(meta["title"], meta["sitename"])
        html_date, html_time = meta["date"], meta["time"]
        if html_date:
            html_date = fallback_date(html_date)[0] or html_date
        if not outlet and meta["sitename"]:
            outlet = outlet_from_alias(meta["sitename"]) or outlet_from_url(raw.url) or meta["sitename"]
        cleaned = clean_lines(extracted, title_hint=title_hint)
        title = title_hint or cleaned.title
        lines = cleaned.lines
        if title and (not lines or normalise(lines[0]) != normalise(title)):
            lines = [title, *lines]
        raw_text = raw.html
    else:
        raw_text = raw.text or ""
        cleaned = clean_lines(raw_text)
        title = cleaned.title
        lines = cleaned.lines

    body = "\n".join(lines)
    body = unicodedata.normalize("NFC", body)

    published = html_date or cleaned.published
    published_time = html_time if html_date else cleaned.published_time
    if raw.published:
        given_date, given_time = _published_from_input(raw.published)
        if given_date:
            if given_date != published:
                published_time = None
            published = given_date
            published_time = given_time or published_time

    if not outlet:
        outlet = outlet_from_url(raw.url) or cleaned.outlet

    return Document(
        source=raw.source,
        raw_text=raw_text,
        html=raw.html,
        url=raw.url,
        outlet=outlet,
        title=title,
        published=published,
        published_time=published_time,
        body=body,
        language=detect_language(body or raw_text),
        content_hash=hashlib.sha256(body.encode("utf-8")).hexdigest(),
        encoding=raw.encoding,
    )
