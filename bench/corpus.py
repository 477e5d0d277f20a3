"""Deterministic synthetic corpus: N realistic-looking Arabic articles from samples/.

Usage:
    python bench/corpus.py N --seed 1 --out corpus.jsonl     # JSON Lines (one article a line)
    python bench/corpus.py N --seed 1 --out DIR               # DIR/000/000000.txt, 1,000 per folder
    python bench/corpus.py N --seed 1 --out -                 # JSON Lines on stdout

Each article recombines the bundled sample articles (samples/dev and samples/blind):
the title and lead paragraph of one *base* article, 3-7 paragraphs drawn from all
samples, and entity names swapped consistently inside the article — cities for cities,
people for people — all taken from the samples themselves. Years are shifted to a random
publication date (2016-2025), written in one of the date styles the samples use, and
the dateline names one of the samples' outlets.

Article ``i`` depends only on ``(seed, i)``, so output is identical across runs and any
slice can be generated independently (``--start``); output streams, memory stays flat.
The JSON Lines records carry ``text``, ``url``, ``outlet`` and ``published``, which
``bayan ingest`` / ``bayan extract`` read; ``Article.base`` names the base sample for
benchmarks that need its metadata.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = (REPO / "samples" / "dev", REPO / "samples" / "blind")

# Entity names that occur in the sample articles (swapped among themselves).
CITIES = (
    "أستانا", "موسكو", "جنيف", "جدة", "عمّان", "برلين", "يريفان", "سوتشي", "أنقرة", "طهران",
    "دمشق", "القاهرة", "الخرطوم", "مينسك", "سرت", "غدامس", "الغردقة", "طرابلس", "إدلب", "نور سلطان",
)
PEOPLE = (
    "سيرغي لافروف", "فيصل المقداد", "أيمن الصفدي", "مولود تشاووش أوغلو", "حسين أمير عبداللهيان",
    "ألكسندر لافرنتييف", "غير بيدرسن", "أحمد الكزبري", "هادي البحرة", "أنطونيو غوتيريش",
    "فلاديمير بوتين", "رجب طيب أردوغان", "عبد الفتاح السيسي", "سيرغي شويغو", "خلوصي أكار",
    "علي محمود عباس", "ستيفاني وليامز", "غسان سلامة", "أنجيلا ميركل", "نيكول باشينيان",
    "أحمد أبو الغيط", "فيصل بن فرحان", "سامح شكري", "فؤاد حسين", "أيمن سوسان", "أحمد طعمة",
)
OUTLETS = (
    "الأهرام", "الجزيرة نت", "بوابة الوسط", "أرمنبرس", "عنب بلدي", "إرنا", "الأناضول", "بترا",
    "روسيا اليوم", "سانا", "سودان تربيون", "الميادين", "ليبيا أوبزرفر", "سكاي نيوز عربية", "سبوتنيك",
)
MONTHS_EG = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
             "أكتوبر", "نوفمبر", "ديسمبر")
MONTHS_LEV = ("كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
              "تشرين الأول", "تشرين الثاني", "كانون الأول")
WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")

_YEAR = re.compile(r"(?<!\d)(20[012]\d)(?!\d)")
_PREFIX = r"(?<!\w)((?:[وف]?[بلك]?)|(?:[وف]?ل))"
FIRST_DAY, LAST_DAY = date(2016, 1, 1), date(2025, 12, 31)


@dataclass
class Article:
    index: int
    base: str  # source of the base sample article (title + lead)
    title: str
    outlet: str
    city: str
    published: str  # ISO date
    paragraphs: list[str]
    text: str  # what a file would hold: title, date line, dateline, paragraphs

    @property
    def url(self) -> str:
        return f"https://bench.bayan.invalid/{self.index:08d}"

    def record(self) -> dict[str, str]:
        return {"url": self.url, "outlet": self.outlet, "published": self.published, "text": self.text}


@dataclass(frozen=True)
class _Sample:
    source: str
    title: str
    year: int | None
    paragraphs: tuple[str, ...]


@cache
def samples() -> tuple[_Sample, ...]:
    """The sample articles, cleaned (boilerplate out), split into paragraphs."""
    from bayan.pipeline.clean import clean
    from bayan.pipeline.ingest import InputError, iter_inputs

    out = []
    for raw in iter_inputs([p for p in SAMPLES if p.exists()]):
        if isinstance(raw, InputError):
            continue
        doc = clean(raw)
        title = (doc.title or "").strip()
        paras = tuple(
            line.strip() for line in doc.body.split("\n") if len(line.strip()) >= 80 and line.strip() != title
        )
        if not paras:
            continue
        year = int(doc.published[:4]) if doc.published and doc.published[:4].isdigit() else None
        out.append(_Sample(raw.source, title or paras[0][:80], year, paras))
    if not out:
        raise SystemExit("no sample articles found under samples/")
    return tuple(out)


@cache
def _entity_regex(names: tuple[str, ...]) -> re.Pattern[str]:
    alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(_PREFIX + "(" + alts + r")(?!\w)")


def _swap(text: str, names: tuple[str, ...], mapping: dict[str, str], rng: random.Random) -> str:
    def repl(m: re.Match[str]) -> str:
        name = m.group(2)
        if name not in mapping:
            mapping[name] = rng.choice(names)
        return m.group(1) + mapping[name]

    return _entity_regex(names).sub(repl, text)


def _date_line(d: date, rng: random.Random) -> str:
    style = rng.randrange(6)
    wd = WEEKDAYS[d.weekday()]
    if style == 0:
        return d.isoformat()
    if style == 1:
        return f"{wd} {d.day} {MONTHS_EG[d.month - 1]} {d.year}"
    if style == 2:
        return f"{d.day} {MONTHS_LEV[d.month - 1]} {d.year}"
    if style == 3:
        return f"تاريخ النشر: {d.day:02d}.{d.month:02d}.{d.year}"
    if style == 4:
        return f"{d.day:02d}/{d.month:02d}/{d.year} - {rng.randrange(8, 23):02d}:{rng.randrange(60):02d}"
    return f"{wd} {d.day} {MONTHS_LEV[d.month - 1]} {d.year}"


def article(i: int, seed: int = 1) -> Article:
    """Article number ``i`` of the corpus for ``seed`` (a pure function of both)."""
    rng = random.Random(seed * 1_000_003 + i)
    pool = samples()
    base = pool[rng.randrange(len(pool))]
    published = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    shift = published.year - (base.year or published.year)

    paras = [base.paragraphs[0]]
    extra = rng.randint(3, 7)
    own = list(base.paragraphs[1:])
    rng.shuffle(own)
    paras += own[: rng.randint(1, min(3, len(own))) if own else 0]
    while len(paras) < extra + 1:
        other = pool[rng.randrange(len(pool))]
        p = other.paragraphs[rng.randrange(len(other.paragraphs))]
        if p not in paras:
            paras.append(p)

    cities: dict[str, str] = {}
    people: dict[str, str] = {}

    def recombine(s: str) -> str:
        s = _swap(s, CITIES, cities, rng)
        s = _swap(s, PEOPLE, people, rng)
        return _YEAR.sub(lambda m: str(min(2025, max(2011, int(m.group(1)) + shift))), s)

    title = recombine(base.title)
    paras = [recombine(p) for p in paras]
    city = cities.get(next(iter(cities), ""), "") or rng.choice(CITIES)
    outlet = rng.choice(OUTLETS)
    text = "\n".join([title, _date_line(published, rng), "", f"{city} - {outlet}", "", "\n\n".join(paras), ""])
    return Article(i, base.source, title, outlet, city, published.isoformat(), paras, text)


def generate(n: int, seed: int = 1, start: int = 0) -> Iterator[Article]:
    """Articles ``start`` … ``start + n - 1``, one at a time."""
    for i in range(start, start + n):
        yield article(i, seed)


def write(n: int, seed: int, out: str, start: int = 0) -> int:
    """Stream ``n`` articles to a .jsonl file, stdout (``-``) or a directory of .txt files."""
    if out == "-" or out.endswith((".jsonl", ".ndjson")):
        fh = sys.stdout if out == "-" else open(out, "w", encoding="utf-8")  # noqa: SIM115
        try:
            for a in generate(n, seed, start):
                fh.write(json.dumps(a.record(), ensure_ascii=False) + "\n")
        finally:
            if fh is not sys.stdout:
                fh.close()
        return n
    root = Path(out)
    for a in generate(n, seed, start):
        folder = root / f"{a.index // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{a.index:06d}.txt").write_text(a.text, encoding="utf-8")
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0, help="index of the first article (for shards)")
    parser.add_argument("--out", required=True, help="FILE.jsonl, '-' for stdout, or a directory for .txt files")
    args = parser.parse_args()
    write(args.n, args.seed, args.out, args.start)
    if args.out != "-":
        print(f"wrote {args.n} articles (seed {args.seed}) to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
