"""Generate Bayan's bad-input corpus into a directory, deterministically.

Usage::

    python scripts/make_bad_inputs.py OUT_DIR            # the corpus used by tests/robust
    python scripts/make_bad_inputs.py OUT_DIR --big      # also a 50 MB article (benchmark)
    python scripts/make_bad_inputs.py OUT_DIR --tiny-files 100000   # N tiny files (benchmark)

Every file is written from text in this script (no network, no seeds), the same
bytes on every run. Files go to ``OUT_DIR/corpus/``; ``OUT_DIR/manifest.json`` lists each file with its expected
outcome, read by ``tests/robust/test_bad_inputs.py``:

* ``meeting``   - readable diplomatic text: processed, with at least one meeting;
* ``no_meeting`` - readable text that must yield zero meetings (sports, a recipe,
  weather, English, French);
* ``skipped``   - must be refused with a one-line reason (empty, binary);
* ``any``       - processed or skipped, the outcome is not fixed (broken HTML, mixed
  encodings); only "no traceback, an outcome" is required.

``same_body_as`` names the plain UTF-8 file whose cleaned body a re-encoded copy
must reproduce exactly (windows-1256, UTF-16 with and without BOM).

The manifest's ``records`` says how many outputs a file produces (JSON Lines files
give one per line, good or broken) and ``good_records`` how many of those are
readable (``null`` when either outcome is acceptable). ``--big`` and ``--tiny-files`` are written outside the manifest (in
``big/`` and ``tiny/``) because they are for ``bench/bad_inputs.py``, not unit tests.
"""

from __future__ import annotations

import argparse
import json
import random
import struct
import zlib
from pathlib import Path

# --------------------------------------------------------------------- texts
# All written for this corpus: fictional but plausible reports.

DIPLOMATIC_1 = """اختتام الجولة الحادية والعشرين من محادثات أستانا بشأن سوريا
أستانا - وكالات
اختتمت في العاصمة الكازاخية أستانا يوم الأربعاء 25 كانون الثاني/يناير 2023 أعمال الجولة الحادية والعشرين من محادثات أستانا حول سوريا، بمشاركة وفود الدول الضامنة روسيا وتركيا وإيران، وبحضور الأردن والعراق ولبنان بصفة مراقبين.
وأكدت الدول الضامنة في البيان الختامي التزامها الثابت بسيادة الجمهورية العربية السورية ووحدتها وسلامة أراضيها، ورفضت كل محاولات خلق وقائع جديدة على الأرض بذريعة مكافحة الإرهاب.
ودعا البيان إلى تسهيل العودة الآمنة والطوعية للاجئين والنازحين إلى أماكن سكنهم الأصلية، وإلى زيادة المساعدات الإنسانية لجميع السوريين من دون تمييز.
واتفق المشاركون على عقد الجولة المقبلة من المحادثات في أستانا خلال النصف الأول من العام الجاري.
"""

DIPLOMATIC_2 = """وزراء خارجية عرب يجتمعون في عمّان لبحث الحل السياسي في سوريا
عمّان - بترا
استضافت العاصمة الأردنية عمّان يوم الاثنين اجتماعاً تشاورياً لوزراء خارجية الأردن والسعودية ومصر والعراق وسوريا، لبحث سبل التوصل إلى حل سياسي للأزمة السورية.
وشدد الوزراء على دعم سيادة سوريا ووحدة أراضيها، ورحبوا بخطوات تسهيل عودة اللاجئين الطوعية والآمنة.
وأدان المجتمعون الاعتداءات الإسرائيلية المتكررة على الأراضي السورية، ودعوا إلى تعزيز التعاون في مكافحة تهريب المخدرات عبر الحدود.
"""

FOOTBALL = """المنتخب السعودي يتغلب على نظيره المصري بهدفين مقابل هدف في مباراة ودية
جدة - خاص
التقى المنتخب السعودي لكرة القدم نظيره المصري مساء الثلاثاء على ملعب مدينة الملك عبدالله الرياضية في جدة، في مباراة ودية ضمن استعدادات الفريقين لتصفيات كأس العالم.
وافتتح المهاجم السعودي التسجيل في الدقيقة العشرين بتسديدة قوية من خارج المنطقة، قبل أن يعادل لاعب الوسط المصري النتيجة بضربة رأسية مع نهاية الشوط الأول.
وفي الشوط الثاني ضغط أصحاب الأرض بقوة، وأحرز البديل هدف الفوز في الدقيقة الثامنة والثمانين وسط تشجيع الجماهير.
وأكد مدرب المنتخب السعودي بعد اللقاء أن فريقه قدم أداء جيداً، ودعا اللاعبين إلى مواصلة العمل قبل الجولة الأولى من التصفيات الشهر المقبل.
"""

RECIPE = """طريقة تحضير المقلوبة الفلسطينية بالدجاج والباذنجان
المكونات: دجاجة مقطعة، كوبان من الأرز المصري، ثلاث حبات باذنجان، حبتا بطاطا، ملعقة بهارات مشكلة، ملح وزيت للقلي.
طريقة التحضير: يسلق الدجاج مع البصل وورق الغار والهيل لمدة أربعين دقيقة، ثم يصفى المرق ويحفظ جانباً.
يقطع الباذنجان إلى شرائح ويقلى في الزيت حتى يصبح لونه ذهبياً، وكذلك البطاطا.
ترتب الخضار في قاع القدر ثم يوضع الدجاج فوقها ويضاف الأرز المنقوع، ويسكب المرق الساخن حتى يغمر الأرز.
يترك القدر على نار هادئة نصف ساعة، ثم يقلب في صينية كبيرة ويزين باللوز والصنوبر المحمص ويقدم مع اللبن والسلطة.
"""

WEATHER = """طقس حار نهاراً ومعتدل ليلاً في معظم المناطق
عمّان - الراصد الجوي
توقعت دائرة الأرصاد الجوية أن يطرأ ارتفاع ملموس على درجات الحرارة يوم الخميس، ويسود طقس حار في معظم المناطق، وشديد الحرارة في الأغوار والبحر الميت والعقبة.
وتكون الرياح شمالية غربية معتدلة السرعة، تنشط أحياناً وتثير الغبار في المناطق الصحراوية.
ودعت الأرصاد المواطنين إلى تجنب التعرض المباشر لأشعة الشمس وقت الظهيرة والإكثار من شرب الماء.
وتتراوح درجات الحرارة العظمى في عمّان بين 33 و35 درجة مئوية، والصغرى بين 19 و21 درجة.
"""

ENGLISH = """Foreign ministers meet in Geneva to discuss the Syrian crisis
GENEVA (Reuters) - Foreign ministers from Russia, Turkey and Iran met in Geneva on Tuesday
to discuss the political process in Syria, and called for the safe return of refugees.
The ministers said they would meet again in Tehran next month.
"""

FRENCH = """Réunion des ministres des affaires étrangères à Amman
AMMAN (AFP) - Les ministres des affaires étrangères de la Jordanie, de l'Arabie saoudite et
de l'Égypte se sont réunis lundi à Amman pour discuter d'une solution politique en Syrie.
Ils ont appelé au retour volontaire et sûr des réfugiés syriens.
"""


# --------------------------------------------------------------------- helpers

def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A tiny valid RGB PNG, written by hand (signature, IHDR, IDAT, IEND)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + bytes([200, 30, 30]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def cut_mid_character(data: bytes) -> bytes:
    """Cut UTF-8 bytes inside the last multi-byte character (leading byte kept)."""
    for i in range(len(data) - 1, 0, -1):
        if data[i] >= 0xC0:  # a leading byte of a multi-byte sequence
            return data[: i + 1]
    raise ValueError("no multi-byte character")


def hostile_invisibles(text: str) -> str:
    """Sprinkle RTL override, ZWJ, ZWNJ, ZWSP and a mid-text BOM through ``text``."""
    words = text.split(" ")
    marks = ["\u202e", "\u200d", "\u200c", "\u200b", "\ufeff", "\u202c", "\u2066", "\u2069"]
    out = []
    for i, word in enumerate(words):
        if i % 3 == 0 and len(word) > 2:
            mid = len(word) // 2
            word = word[:mid] + marks[i % len(marks)] + word[mid:]
        out.append(word)
    return "\u202e" + " ".join(out) + "\u202c"


def nested_html(depth: int, inner: str) -> str:
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>خبر</title></head><body>"
            + "<div>" * depth + f"<p>{inner}</p>" + "</div>" * depth + "</body></html>")


BROKEN_HTML = (
    "<html><head><title>اجتماع <b>وزاري</title><script>var x = '<p>' + \n"
    "<body><div class=\"a><p>" + DIPLOMATIC_2.replace("\n", "<p>") +
    "<table><tr><td>خلية<td><tr><div><span></p></div></table></b></i><<<>>> &amp &#xZZ; &#99999999;"
    "<!-- تعليق لم يغلق <p>نص"
)


def billion_laughs() -> str:
    ents = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 9)
    ]
    return ('<?xml version="1.0"?>\n<!DOCTYPE html [\n' + "\n".join(ents) + "\n]>\n"
            "<html><body><p>&lol8;</p><p>" + DIPLOMATIC_1 + "</p></body></html>")


def jsonl_with_broken_lines() -> tuple[str, int, int]:
    good1 = {"text": DIPLOMATIC_1, "url": "https://example.org/a/1", "outlet": "وكالات",
             "published": "2023-01-25"}
    good2 = {"html": "<html><body><p>" + DIPLOMATIC_2 + "</p></body></html>",
             "published": "not a date"}
    good3 = {"text": FOOTBALL}
    lines = [
        json.dumps(good1, ensure_ascii=False),
        '{"text": "سطر مقطوع',                       # truncated JSON
        "[1, 2, 3]",                                  # not an object
        '{"url": "https://example.org/no-text"}',    # no text/html
        '{"text": 42}',                               # text not a string
        "",                                           # blank: ignored, not a record
        json.dumps(good2, ensure_ascii=False),
        '{"text": "x", }',                            # trailing comma
        "null",
        '{"text": "   "}',                            # whitespace-only text
        json.dumps(good3, ensure_ascii=False),
        "\ufeff{}",                                   # BOM mid-file
    ]
    records = sum(1 for ln in lines if ln.strip())
    return "\n".join(lines) + "\n", records, 3


# --------------------------------------------------------------------- corpus

def build(out: Path) -> list[dict]:
    """Write the unit-test corpus into ``out/corpus`` and return the manifest entries."""
    root = out
    out = root / "corpus"
    out.mkdir(parents=True, exist_ok=True)
    entries: list[dict] = []

    def put(name: str, data: bytes | str, expect: str, note: str, **extra) -> None:
        path = out / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        good = {"skipped": 0, "any": None}.get(expect, 1)
        entries.append({"file": name, "expect": expect, "note": note, "records": 1,
                        "good_records": good, **extra})

    # Reference articles (plain UTF-8) for the re-encoded copies.
    put("ref_diplomatic_1.txt", DIPLOMATIC_1, "meeting", "reference Astana report, UTF-8")
    put("ref_diplomatic_2.txt", DIPLOMATIC_2, "meeting", "reference Amman report, UTF-8")

    # Empty and whitespace.
    put("empty.txt", b"", "skipped", "zero bytes")
    put("whitespace.txt", b" \t\r\n  \n\n\t ", "skipped", "ASCII whitespace only")
    put("unicode_whitespace.txt", "\u00a0\u3000\u2003\n\u2029\u00a0", "skipped",
        "Unicode spaces only")
    put("invisible_only.txt", "\u200b\u200c\u200d\ufeff\u202e\n\u200f", "any",
        "zero-width and bidi controls only")
    put("bom_only.txt", b"\xef\xbb\xbf", "skipped", "UTF-8 BOM and nothing else")
    put("utf16_bom_only.txt", b"\xff\xfe", "skipped", "UTF-16 BOM and nothing else")

    # Binary.
    put("image.txt", png_bytes(), "skipped", "a PNG renamed .txt")
    put("image.html", png_bytes(3, 1), "skipped", "a PNG renamed .html")
    rnd = random.Random(1256)
    put("random.txt", bytes(rnd.randrange(256) for _ in range(4096)), "skipped",
        "4 KiB of seeded random bytes")
    put("nul_in_utf8.txt", DIPLOMATIC_1.encode("utf-8")[:300] + b"\x00\x00\x00\x01\x02"
        + DIPLOMATIC_1.encode("utf-8")[300:600], "any", "UTF-8 text with stray NUL bytes")
    put("pdf.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        "skipped", "a PDF header renamed .txt")

    # Encodings.
    put("cp1256.txt", DIPLOMATIC_1.encode("cp1256"), "meeting", "windows-1256",
        same_body_as="ref_diplomatic_1.txt")
    put("utf16le_bom.txt", b"\xff\xfe" + DIPLOMATIC_1.encode("utf-16-le"), "meeting",
        "UTF-16 LE with BOM", same_body_as="ref_diplomatic_1.txt")
    put("utf16be_bom.txt", b"\xfe\xff" + DIPLOMATIC_1.encode("utf-16-be"), "meeting",
        "UTF-16 BE with BOM", same_body_as="ref_diplomatic_1.txt")
    put("utf16le_nobom.txt", DIPLOMATIC_2.encode("utf-16-le"), "meeting",
        "UTF-16 LE without BOM", same_body_as="ref_diplomatic_2.txt")
    put("utf16be_nobom.txt", DIPLOMATIC_2.encode("utf-16-be"), "meeting",
        "UTF-16 BE without BOM", same_body_as="ref_diplomatic_2.txt")
    put("utf8_bom.txt", b"\xef\xbb\xbf" + DIPLOMATIC_2.encode("utf-8"), "meeting",
        "UTF-8 with BOM", same_body_as="ref_diplomatic_2.txt")
    put("crlf.txt", DIPLOMATIC_2.replace("\n", "\r\n").encode("utf-8"), "meeting",
        "CRLF line ends", same_body_as="ref_diplomatic_2.txt")
    put("mixed_utf8_cp1256.txt", DIPLOMATIC_1.encode("utf-8") + b"\n" + DIPLOMATIC_2.encode("cp1256"),
        "any", "UTF-8 paragraph then windows-1256 paragraph")
    put("mixed_cp1256_utf8.txt", DIPLOMATIC_2.encode("cp1256") + b"\n" + DIPLOMATIC_1.encode("utf-8"),
        "any", "windows-1256 paragraph then UTF-8 paragraph")
    put("mixed_utf16_utf8.txt", b"\xff\xfe" + DIPLOMATIC_1.encode("utf-16-le") + DIPLOMATIC_2.encode("utf-8"),
        "any", "UTF-16 LE with BOM, then UTF-8 bytes")
    put("latin1_french.txt", FRENCH.encode("latin-1"), "no_meeting", "French in Latin-1")

    # Truncated UTF-8.
    utf8 = DIPLOMATIC_1.encode("utf-8")
    put("truncated_utf8.txt", cut_mid_character(utf8), "meeting",
        "UTF-8 cut inside the last Arabic letter")
    put("truncated_utf8_short.txt", cut_mid_character(utf8[:7]), "any",
        "three Arabic letters, the last cut in half")
    put("surrogate_bytes.txt", utf8[:200] + b"\xed\xa0\x80" + utf8[200:400], "any",
        "UTF-8 with an encoded lone surrogate (invalid)")

    # HTML.
    put("nested_5000.html", nested_html(5000, DIPLOMATIC_1.replace("\n", "</p><p>")), "any",
        "5,000 nested <div> around the article")
    put("nested_5000_unclosed.html", "<html><body>" + "<div><span>" * 5000 + DIPLOMATIC_2, "any",
        "10,000 unclosed tags")
    put("broken.html", BROKEN_HTML, "any", "unclosed tags, bad entities, open comment and script")
    put("script_only.html", "<html><head><script>" + "var a=1;" * 2000 + "</script></head><body></body></html>",
        "any", "a page with only a script")
    put("entities.html", "<html><body><p>" + "&amp;&lt;&#1575;&#x627;&nbsp;" * 5000 + "</p></body></html>",
        "any", "25,000 character references")
    put("billion_laughs.html", billion_laughs(), "any", "nested entity definitions (must not expand)")
    put("tag_soup.txt", "<p><div><span>" * 20 + DIPLOMATIC_2, "any", "tag soup sniffed as HTML")

    # JSON Lines.
    text, records, good = jsonl_with_broken_lines()
    entries.append({"file": "broken_lines.jsonl", "expect": "any", "records": records,
                    "good_records": good, "note": "good records mixed with 8 broken lines"})
    (out / "broken_lines.jsonl").write_text(text, encoding="utf-8")
    put("all_broken.jsonl", '{"a": \nnot json\n[]\n', "skipped", "no good line", records=3)
    put("blank_lines.jsonl", "\n\n   \n", "skipped", "only blank lines")

    # Hostile invisible characters.
    put("rtl_zero_width.txt", hostile_invisibles(DIPLOMATIC_1), "meeting",
        "RLO, ZWJ, ZWNJ, ZWSP, mid-text BOM and isolates inside the Astana report")
    put("rtl_zero_width_2.txt", "\ufeff" + hostile_invisibles(DIPLOMATIC_2), "meeting",
        "the same controls in the Amman report")

    # Not Arabic.
    put("english.txt", ENGLISH, "no_meeting", "English report, no Arabic")
    put("french.txt", FRENCH, "no_meeting", "French report, no Arabic")

    # Arabic, not diplomacy.
    put("sport_football.txt", FOOTBALL, "no_meeting", "a football match report")
    put("recipe.txt", RECIPE, "no_meeting", "a recipe")
    put("weather.txt", WEATHER, "no_meeting", "a weather report")
    put("weather.html", "<html><head><title>الطقس</title></head><body><article><p>"
        + WEATHER.replace("\n", "</p><p>") + "</p></article></body></html>", "no_meeting",
        "the weather report as HTML")

    # Odd but readable.
    put("one_line_no_punct.txt", ("اجتماع وزراء خارجية " * 500).strip(), "any",
        "one long line without punctuation")
    put("punctuation_only.txt", "،،، ... !!! ؟؟؟ ---\n«»\n", "any", "punctuation only")
    put("digits_only.txt", "٢٠٢٣ 2023 ٠١/٠٥/٢٠٢٣ 31/02/2023 9999-99-99\n", "any", "numbers and bad dates")
    put("arabic name بيان.txt", DIPLOMATIC_2, "meeting", "Arabic letters and a space in the file name")
    put("no_extension", DIPLOMATIC_1, "meeting", "no file extension")
    put("diacritics_tatweel.txt", "".join(ch + ("\u064e" if "\u0621" <= ch <= "\u064a" else "")
                                          for ch in DIPLOMATIC_2).replace("ا", "ــا"),
        "meeting", "every letter with a fatha, tatweel before alef")

    manifest = {"entries": entries,
                "files": len(entries),
                "records": sum(e["records"] for e in entries)}
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    return entries


def build_big(out: Path, megabytes: int = 50) -> Path:
    """One article of about ``megabytes`` MB: the Astana report padded with paragraphs."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"big_{megabytes}mb.txt"
    target = megabytes * 1024 * 1024
    filler = [DIPLOMATIC_2, WEATHER, FOOTBALL, RECIPE, DIPLOMATIC_1]
    with path.open("wb") as fh:
        fh.write(DIPLOMATIC_1.encode("utf-8"))
        written = len(DIPLOMATIC_1.encode("utf-8"))
        i = 0
        while written < target:
            chunk = (f"\nفقرة {i}: " + filler[i % len(filler)]).encode("utf-8")
            fh.write(chunk)
            written += len(chunk)
            i += 1
    return path


def build_tiny(out: Path, count: int) -> Path:
    """``count`` tiny files (a few bytes each) in one directory."""
    out.mkdir(parents=True, exist_ok=True)
    words = ["اجتماع", "وزير", "طقس", "مباراة", "بيان", ""]
    for i in range(count):
        (out / f"t{i:07d}.txt").write_bytes(f"{words[i % len(words)]} {i}\n".encode())
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate the bad-input corpus.")
    parser.add_argument("out", type=Path, help="directory to write into (created)")
    parser.add_argument("--big", action="store_true", help="also write a 50 MB article into OUT/big/")
    parser.add_argument("--big-mb", type=int, default=50, help="size of the --big article in MB")
    parser.add_argument("--tiny-files", type=int, default=0, metavar="N",
                        help="also write N tiny files into OUT/tiny/")
    args = parser.parse_args(argv)
    entries = build(args.out)
    print(f"{len(entries)} files in {args.out / 'corpus'}")
    if args.big:
        print(f"big article: {build_big(args.out / 'big', args.big_mb)}")
    if args.tiny_files:
        print(f"{args.tiny_files} tiny files in {build_tiny(args.out / 'tiny', args.tiny_files)}")


if __name__ == "__main__":
    main()
