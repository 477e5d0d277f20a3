"""Clean: boilerplate out, title/date/dateline kept, metadata read."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from bayan.arabic.normalise import normalise
from bayan.pipeline.clean import boilerplate_kind, clean, detect_language, fallback_date
from bayan.pipeline.ingest import RawInput, iter_inputs

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"

TITLE = "وزيرا خارجية سوريا وروسيا يبحثان مسار أستانا في موسكو"
ARTICLE = f"""{TITLE}
2024-11-12 14:35
موسكو-سانا

بحث وزير الخارجية السوري مع نظيره الروسي في موسكو اليوم تطورات الأوضاع في المنطقة ومسار أستانا للتسوية السياسية في سوريا.
{TITLE}
(صورة)
وأكد الجانبان أهمية مواصلة التنسيق بين البلدين في المحافل الدولية ودعم الجهود الرامية إلى إنهاء الأزمة.
شارك المقال
Facebook Twitter WhatsApp Telegram
تابعونا على تلغرام
رقم الخبر : 48213
https://t.me/example
اقرأ أيضا
لافروف يلتقي بيدرسون في جنيف
وزير الخارجية يستقبل سفير الصين
جميع الحقوق محفوظة © 2024
"""


def _clean_text(text: str, **kw) -> object:
    return clean(RawInput(source="t.txt", text=text, encoding="utf-8", **kw))


def test_boilerplate_lines_are_removed_and_content_kept():
    doc = _clean_text(ARTICLE)
    lines = doc.body.split("\n")
    assert lines[:3] == [TITLE, "2024-11-12 14:35", "موسكو-سانا"]
    assert sum(1 for ln in lines if ln == TITLE) == 1  # caption repeating the title dropped
    for gone in ["(صورة)", "شارك المقال", "Facebook", "تابعونا", "رقم الخبر", "https://",
                 "اقرأ أيضا", "لافروف يلتقي", "سفير الصين", "الحقوق"]:
        assert gone not in doc.body, gone
    assert "وأكد الجانبان أهمية مواصلة التنسيق" in doc.body
    assert doc.title == TITLE
    assert (doc.published, doc.published_time) == ("2024-11-12", "14:35")
    assert doc.outlet == "سانا"
    assert doc.language == "ar"
    assert doc.content_hash == hashlib.sha256(doc.body.encode("utf-8")).hexdigest()
    assert doc.raw_text == ARTICLE and doc.encoding == "utf-8"


def test_related_block_ends_at_a_long_line():
    text = (TITLE + "\nالأكثر قراءة\nخبر قصير أول\nخبر قصير ثان\n"
            "وقال المتحدث باسم الوزارة في مؤتمر صحفي إن المحادثات ستستأنف الشهر المقبل في العاصمة الكازاخستانية.")
    body = _clean_text(text).body
    assert "خبر قصير" not in body
    assert "وقال المتحدث باسم الوزارة" in body


def test_body_is_nfc_without_invisible_controls_and_not_folded():
    text = "عنوان\u200f الخبر\n\nقال   الوزير\u200b إن أستانا\u00a0مهمة."
    doc = _clean_text(text)
    assert doc.body == "عنوان الخبر\nقال الوزير إن أستانا مهمة."
    assert "أ" in doc.body  # no hamza folding in the body


def test_slash_date_with_am_pm_and_input_published_wins():
    doc = _clean_text("تاريخ النشر : 22/12/2021 7:13:52 PM\n" + TITLE + "\nنص الخبر هنا.")
    assert (doc.published, doc.published_time) == ("2021-12-22", "19:13")
    assert doc.title == TITLE
    doc = _clean_text("2024-11-12 14:35\n" + TITLE, published="2025-01-02")
    assert doc.published == "2025-01-02" and doc.published_time is None


def test_fallback_date_formats():
    assert fallback_date("2024-11-12T14:35") == ("2024-11-12", "14:35")
    assert fallback_date("12/22/2021") == ("2021-12-22", None)
    assert fallback_date("٠٣/٠٤/٢٠٢٢") == ("2022-04-03", None)
    assert fallback_date("لا تاريخ هنا") == (None, None)


@pytest.mark.parametrize(
    ("line", "outlet"),
    [("موسكو – (الأناضول)", "الأناضول"), ("دمشق-سانا", "سانا"), ("طهران/ إرنا", "إرنا")],
)
def test_outlet_from_dateline(line, outlet):
    doc = _clean_text(f"{TITLE}\n{line}\nقال الوزير إن المحادثات كانت بناءة ومثمرة جدا.")
    assert doc.outlet == outlet
    assert line in doc.body


def test_inline_dateline_and_signature_line():
    doc = _clean_text(f"{TITLE}\nأنقرة (الأناضول) - قال الوزير إن المحادثات كانت بناءة.")
    assert doc.outlet == "الأناضول"
    doc = _clean_text(f"{TITLE}\nقال الوزير إن المحادثات كانت بناءة.\nTRT عربي - وكالات")
    assert doc.outlet == "TRT عربي"


def test_outlet_from_url_domain_and_input_outlet_wins():
    body = f"{TITLE}\nقال الوزير إن المحادثات كانت بناءة."
    assert _clean_text(body, url="https://www.aa.com.tr/ar/x/123").outlet == "الأناضول"
    assert _clean_text(body, url="https://arabic.rt.com/middle_east/1").outlet == "روسيا اليوم"
    assert _clean_text(body, url="https://www.bbc.com/arabic/articles/x").outlet == "بي بي سي عربي"
    assert _clean_text(body, url="https://example.org/x").outlet is None
    assert _clean_text(body, url="https://sana.sy/?p=1", outlet="جريدة ما").outlet == "جريدة ما"


HTML = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{TITLE} | سانا</title>
<meta property="og:site_name" content="سانا">
<meta property="article:published_time" content="2024-11-12T14:35:00+03:00">
</head><body>
<nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/politics">سياسة</a></li><li><a href="/eco">اقتصاد</a></li></ul></nav>
<article><h1>{TITLE}</h1>
<p>بحث وزير الخارجية السوري مع نظيره الروسي في موسكو اليوم تطورات الأوضاع في المنطقة ومسار أستانا للتسوية السياسية.</p>
<p>وأكد الجانبان أهمية مواصلة التنسيق بين البلدين في المحافل الدولية ودعم الجهود الرامية إلى إنهاء الأزمة في سوريا.</p>
</article>
<div class="share">شارك الخبر <a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">WhatsApp</a></div>
<footer><p>جميع الحقوق محفوظة © 2024 الوكالة العربية السورية للأنباء</p></footer>
</body></html>"""


def test_html_keeps_article_paragraphs_and_drops_page_furniture(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    (raw,) = list(iter_inputs([path]))
    doc = clean(raw)
    assert "بحث وزير الخارجية السوري" in doc.body
    assert "وأكد الجانبان أهمية مواصلة التنسيق" in doc.body
    for gone in ["الرئيسية", "اقتصاد", "Facebook", "شارك الخبر", "الحقوق محفوظة"]:
        assert gone not in doc.body, gone
    assert doc.title == TITLE
    assert doc.published == "2024-11-12"
    assert doc.outlet == "سانا"
    assert doc.html == HTML


def test_html_fallback_when_extractors_find_nothing():
    doc = clean(RawInput(source="x.html", html="<html><head><title>عنوان</title></head>"
                                               "<body><p>قصير</p></body></html>"))
    assert doc.title == "عنوان"
    assert "قصير" in doc.body


def test_language_detection():
    assert detect_language("قال الوزير إن the talks were good") == "ar"
    assert detect_language("The minister said that the talks in Astana were useful.") == "en"
    assert detect_language("Le ministre a déclaré que les discussions étaient utiles.") == "fr"
    assert detect_language("Министр заявил") == "other"


def _seed_files() -> list[Path]:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the repository")
    return sorted(SEEDS.glob("*.txt"))


def _has_dates_module() -> bool:
    try:
        from bayan.arabic.dates import parse_date_line  # noqa: F401
    except Exception:  # noqa: BLE001
        return False
    return True


def test_real_seeds_clean_to_a_body_with_title_and_no_boilerplate():
    files = _seed_files()
    assert files
    for raw in iter_inputs(files):
        assert isinstance(raw, RawInput), raw
        doc = clean(raw)
        assert doc.body.strip(), raw.source
        assert doc.title, raw.source
        for line in doc.body.split("\n"):
            assert boilerplate_kind(line) is None, (raw.source, line)
        head = [ln for ln in raw.text.splitlines()[:6] if 0 < len(ln.split()) <= 12]
        has_numeric_date = any(fallback_date(ln)[0] for ln in head)
        has_year_line = any(re.search(r"(?<!\d)(19|20)\d\d(?!\d)", ln) for ln in head)
        # Some seeds carry no date at all; a date line must be read when there is one.
        if has_numeric_date or (_has_dates_module() and has_year_line):
            assert doc.published is not None, raw.source
        # the title appears once at most
        key = normalise(doc.title)
        assert sum(1 for ln in doc.body.split("\n") if normalise(ln) == key) <= 1
