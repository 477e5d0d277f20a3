"""Hypothesis properties: the normaliser, ordinal and date parsers, the sentence and
clause splitter, and the whole pipeline never raise and always return valid output.

Example counts come from the profile in ``conftest.py`` (200 by default,
``HYPOTHESIS_PROFILE=ci-long`` for 2,000); the number actually run is tallied.
"""

from __future__ import annotations

import datetime as dt
import re
import string

from hypothesis import given, settings
from hypothesis import strategies as st
from robust_support import TALLY, check_record

from bayan.arabic.dates import find_dates, parse_date_line
from bayan.arabic.normalise import fold_char, normalise, normalise_with_map, strip_diacritics
from bayan.arabic.numbers import _table, find_ordinals, parse_ordinal
from bayan.arabic.segment import clauses, sentences
from bayan.core import process
from bayan.lang.ar import tsv
from bayan.pipeline.clean import fallback_date, normalise_line, parse_date
from bayan.pipeline.ingest import RawInput, _Unreadable, decode_bytes

ISO = re.compile(r"^[0-9]{4}(-[0-1][0-9](-[0-3][0-9])?)?$")
HHMM = re.compile(r"^[0-2][0-9]:[0-5][0-9]$")

# --------------------------------------------------------------- strategies

ARABIC_LETTERS = "".join(chr(c) for c in range(0x0621, 0x064B)) + "ٱپچژڤکگی"
# Harakat, and the combining madda/hamza that NFC composes with alef (ا + ٓ = آ).
HARAKAT = "".join(chr(c) for c in range(0x064B, 0x0656)) + "\u0670\u0640"
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2069\ufeff\u061c\u00ad"
PUNCT = "،؛؟.!?:;,()[]«»\"'“”-–—/\\\n\n\t "
DIGITS = "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲"

arabic_ish = st.text(alphabet=ARABIC_LETTERS + HARAKAT + INVISIBLE + PUNCT + DIGITS + " " * 8,
                     max_size=300)
# Letters, joiners and combining marks packed close: NFC composition across removed controls.
composing = st.text(alphabet="اويe \u0653\u0654\u0655\u0301\u200b\u200c\u200d\ufeff\u202e",
                    max_size=12)
any_text = st.one_of(st.text(max_size=300), arabic_ish, composing)

# Fragments of diplomatic reporting, written for these tests.
FRAGMENTS = [
    "اختتمت في العاصمة الكازاخية أستانا الجولة الحادية والعشرون من محادثات أستانا",
    "بمشاركة الدول الضامنة روسيا وتركيا وإيران",
    "وبحضور الأردن والعراق ولبنان بصفة مراقبين",
    "وأكدت الدول الضامنة التزامها بسيادة سوريا ووحدة أراضيها",
    "ورفض البيان الختامي محاولات خلق وقائع جديدة على الأرض",
    "ودعا المجتمعون إلى العودة الطوعية والآمنة للاجئين",
    "وأدان الوزراء الاعتداءات الإسرائيلية على الأراضي السورية",
    "التقى وزير الخارجية السعودي نظيره المصري في القاهرة",
    "اجتماع وزراء خارجية الأردن والسعودية ومصر والعراق في عمّان",
    "واتفق المشاركون على عقد الاجتماع المقبل في طهران خلال شهري شباط أو آذار المقبلين",
    "يومي 11 و12 تشرين الثاني/نوفمبر 2024",
    "الجولة الـ22", "الثانية والعشرين", "السابع عشر", "أمس", "الثلاثاء المقبل",
    "ما يسمى", "النظام السوري", "الاحتلال التركي", "زعم", "على حد تعبيرهم",
    "دمشق - سانا", "موسكو وأنقرة وطهران", "الجانب الأمريكي", "مجلس الأمن 2254",
    "نور سلطان", "قمة", "محادثات", "الاجتماع الرباعي", "منظمة معاهدة الأمن الجماعي",
    "و " * 20, "(((", "\"«", "٢٠٢٣/٠٥/٠١", "31/02/2023", "2024-11-12 14:35",
]
SEPARATORS = [" ", "، ", ". ", "\n", "\n\n", " و", "؛ ", " - ", ": "]

article_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.sampled_from(SEPARATORS), st.text(max_size=20),
              arabic_ish.map(lambda s: s[:40])),
    max_size=40,
).map("".join)

published_dates = st.one_of(st.none(), st.dates(min_value=dt.date(1950, 1, 1),
                                                 max_value=dt.date(2090, 12, 31)))


def _count(name: str) -> None:
    TALLY["fuzz_examples"] += 1
    TALLY[f"fuzz_examples.{name}"] += 1


# --------------------------------------------------------------- normaliser

@given(any_text)
def test_normalise_is_idempotent_and_never_longer(text):
    _count("normalise")
    once = normalise(text)
    assert normalise(once) == once
    assert len(once) <= len(text)
    assert strip_diacritics(strip_diacritics(text)) == strip_diacritics(text)


@given(any_text)
def test_offset_map_points_back_at_the_original(text):
    _count("offset_map")
    norm = normalise_with_map(text)
    assert norm.text == normalise(text)
    assert len(norm.orig) == len(norm.text)
    assert all(a < b for a, b in zip(norm.orig, norm.orig[1:], strict=False))
    for i, j in enumerate(norm.orig):
        assert 0 <= j < len(text)
        assert fold_char(text[j]) == norm.text[i]
    # Every folded span maps to an original span inside the text.
    n = len(norm.text)
    for start in range(0, n + 1, max(1, n // 7 or 1)):
        for end in (start, min(n, start + 3), n):
            a, b = norm.span(start, end)
            assert 0 <= a <= b <= len(text)
            if end > start:
                assert normalise(text[a:b]) == norm.text[start:end]
                assert norm.to_norm(a) == start


@given(any_text)
def test_body_line_normalisation_is_idempotent(text):
    _count("normalise_line")
    once = normalise_line(text)
    assert normalise_line(once) == once
    assert not set(once) & set("\u200b\u200c\u200d\u202e\ufeff")


# --------------------------------------------------------------- ordinals

ORDINAL_ROWS = [(r["form"], int(r["value"])) for r in tsv("ordinals.tsv") if r.get("form")]


@given(any_text)
def test_ordinal_parsers_never_raise(text):
    _count("ordinals")
    value = parse_ordinal(text)
    assert value is None or (isinstance(value, int) and 1 <= value <= 1000)
    folded = normalise(text)
    last_end = -1
    for m in find_ordinals(folded):
        assert 0 <= m.start < m.end <= len(folded)
        assert m.start >= last_end
        last_end = m.end
        assert isinstance(m.value, int) and m.value >= 0
        assert m.kind in {"ordinal", "cardinal", "digits"}
        assert m.gender in {None, "m", "f"}


@given(st.sampled_from(ORDINAL_ROWS), st.sampled_from(["", "و", "ب", "ل"]),
       st.sampled_from(["", "\u064e", "\u0640"]), st.text(alphabet=" .،", max_size=2))
def test_every_listed_ordinal_reads_back(row, clitic, mark, tail):
    _count("ordinal_table")
    form, value = row
    if clitic == "ل":
        written = "لل" + form[2:] if form.startswith("ال") else "ل" + form
    else:
        written = clitic + form
    written = written.replace("ا", "ا" + mark, 1)
    assert parse_ordinal(written) == value, written
    found = [m for m in find_ordinals(normalise("في " + written + tail)) if m.kind == "ordinal"]
    assert found and found[0].value == value, written
    assert _table()  # the table itself loads without conflicts


# --------------------------------------------------------------- dates

MONTH_FORMS = [(r["form"], int(r["month"])) for r in tsv("months.tsv") if r.get("form")]


@given(any_text, published_dates)
def test_find_dates_outputs_are_valid(text, published):
    _count("dates")
    folded = normalise(text)
    last = (-1, -1)
    for m in find_dates(folded, published):
        assert 0 <= m.start < m.end <= len(folded)
        assert (m.start, m.end) >= last
        last = (m.start, m.end)
        assert m.precision in {"day", "month", "year"}
        for value in (m.date_from, m.date_to):
            assert value is None or ISO.match(value), value
        if m.date_from and m.date_to and len(m.date_from) == len(m.date_to):
            assert m.date_from <= m.date_to
        if published is None:
            assert not m.inferred


@given(any_text)
def test_date_line_parsers_return_iso_or_none(text):
    _count("date_lines")
    for iso, time in (parse_date_line(text), fallback_date(text), parse_date(text)):
        if iso is not None:
            dt.date.fromisoformat(iso)
        assert time is None or HHMM.match(time), time


@given(st.integers(1, 31), st.sampled_from(MONTH_FORMS), st.integers(1990, 2060),
       st.sampled_from(["", "يوم ", "في ", "بتاريخ "]), st.sampled_from([" ", "  ", " م "]))
def test_written_dates_read_back(day, month, year, lead, gap):
    _count("written_dates")
    form, number = month
    text = f"{lead}{day} {form} {year}"
    found = find_dates(normalise(text), None)
    try:
        expected = dt.date(year, number, day).isoformat()
    except ValueError:
        assert not any(m.precision == "day" for m in found), text
        return
    assert any(m.date_from == expected for m in found), (text, found)
    assert parse_date_line(text)[0] == expected, text


# --------------------------------------------------------------- segmenter

def _check_spans(text, spans, lo=0, hi=None):
    hi = len(text) if hi is None else hi
    prev_end = lo
    for s in spans:
        assert lo <= s.start < s.end <= hi
        assert s.start >= prev_end
        prev_end = s.end
        assert not text[s.start].isspace() and not text[s.end - 1].isspace()


@given(st.one_of(any_text, article_text))
def test_sentences_and_clauses_are_ordered_spans_inside_the_text(text):
    _count("segment")
    folded = normalise(text)
    spans = sentences(folded)
    _check_spans(folded, spans)
    for sent in spans:
        _check_spans(folded, clauses(folded, sent), sent.start, sent.end)
    _check_spans(folded, clauses(folded))


# --------------------------------------------------------------- whole pipeline

@given(article_text, st.one_of(st.none(), st.dates().map(dt.date.isoformat), st.text(max_size=12)))
def test_extractor_output_is_valid_and_offsets_hold(text, published):
    _count("extract_text")
    doc = process(RawInput(source="fuzz.txt", text=text, published=published))
    record = doc.to_dict(True)
    check_record(record)
    assert not set(record["body"]) & set(INVISIBLE)


def _html(parts: list[str]) -> str:
    return "<html><head><title>" + (parts[0] if parts else "") + "</title></head><body>" + "".join(
        f"<{tag}>{p}</{tag}>" for tag, p in zip(["p", "div", "li", "h2", "span"] * 20, parts,
                                                strict=False)) + "</body></html>"


@settings(max_examples=40)
@given(st.lists(article_text, max_size=6))
def test_extractor_on_html_is_valid(parts):
    _count("extract_html")
    doc = process(RawInput(source="fuzz.html", html=_html(parts)))
    check_record(doc.to_dict(True))


@given(st.text(alphabet=string.printable + ARABIC_LETTERS + INVISIBLE, max_size=400))
def test_extractor_on_raw_noise_is_valid(text):
    _count("extract_noise")
    check_record(process(RawInput(source="noise.txt", text=text)).to_dict(True))


# --------------------------------------------------------------- decoding

@given(st.binary(max_size=3000))
def test_decoding_any_bytes_gives_text_or_a_reason(data):
    _count("decode_bytes")
    try:
        text, encoding = decode_bytes(data)
    except _Unreadable as exc:
        assert str(exc)
        return
    assert isinstance(text, str) and encoding


@given(arabic_ish.filter(lambda s: s.strip()), st.integers(0, 400))
def test_truncated_utf8_decodes_to_a_prefix(text, cut):
    _count("decode_truncated")
    data = text.encode("utf-8")[:cut] or text.encode("utf-8")
    if not data.strip():
        return
    try:
        decoded, encoding = decode_bytes(data)
    except _Unreadable:
        return  # control characters: refused as binary, which is a clear outcome too
    if encoding == "utf-8":
        assert text.startswith(decoded)
        assert len(data.decode("utf-8", errors="ignore")) - len(decoded) <= 1
