import datetime as dt

import pytest

from bayan.arabic.dates import DateMention, find_dates, parse_date_line
from bayan.arabic.normalise import normalise

PUB = dt.date(2024, 11, 12)  # a Tuesday


def one(text: str, published: dt.date | None = PUB) -> tuple[str, DateMention]:
    folded = normalise(text)
    found = find_dates(folded, published)
    assert len(found) == 1, found
    m = found[0]
    return folded[m.start : m.end], m


@pytest.mark.parametrize(
    "text,phrase,date_from,date_to,precision,inferred",
    [
        # Gregorian and Levantine names, both pair orders and the parenthesised pair
        (
            "وقع الهجوم في 11 نوفمبر 2024 صباحا",
            "11 نوفمبر 2024",
            "2024-11-11",
            "2024-11-11",
            "day",
            False,
        ),
        (
            "في 11 تشرين الثاني/نوفمبر 2024",
            "11 تشرين الثاني/نوفمبر 2024",
            "2024-11-11",
            "2024-11-11",
            "day",
            False,
        ),
        (
            "في 11 نوفمبر/تشرين الثاني 2024",
            "11 نوفمبر/تشرين الثاني 2024",
            "2024-11-11",
            "2024-11-11",
            "day",
            False,
        ),
        (
            "في 11 تشرين الثاني (نوفمبر) 2024",
            "11 تشرين الثاني (نوفمبر) 2024",
            "2024-11-11",
            "2024-11-11",
            "day",
            False,
        ),
        (
            "عُقد يوم 25 أبريل 2023 اجتماع",
            "يوم 25 ابريل 2023",
            "2023-04-25",
            "2023-04-25",
            "day",
            False,
        ),
        ("في 3 آذار 2022", "3 اذار 2022", "2022-03-03", "2022-03-03", "day", False),
        ("في 5 جويلية 2021", "5 جويليه 2021", "2021-07-05", "2021-07-05", "day", False),
        (
            "في ١٥ كانون الثاني ٢٠٢٣",
            "15 كانون الثاني 2023",
            "2023-01-15",
            "2023-01-15",
            "day",
            False,
        ),
        (
            "الثلاثاء، 12 نوفمبر 2024",
            "الثلاثاء, 12 نوفمبر 2024",
            "2024-11-12",
            "2024-11-12",
            "day",
            False,
        ),
        # day ranges
        ("يومي 11 و12 نوفمبر", "يومي 11 و12 نوفمبر", "2024-11-11", "2024-11-12", "day", True),
        (
            "بين 11 و12 نوفمبر 2024",
            "بين 11 و12 نوفمبر 2024",
            "2024-11-11",
            "2024-11-12",
            "day",
            False,
        ),
        ("من 20 إلى 21 يونيو", "من 20 الي 21 يونيو", "2024-06-20", "2024-06-21", "day", True),
        ("11-12 نوفمبر 2024", "11-12 نوفمبر 2024", "2024-11-11", "2024-11-12", "day", False),
        (
            "من 30 ديسمبر إلى 2 يناير 2025",
            "من 30 ديسمبر الي 2 يناير 2025",
            "2024-12-30",
            "2025-01-02",
            "day",
            False,
        ),
        # month + year, month windows
        ("في فبراير 2022", "فبراير 2022", "2022-02", "2022-02", "month", False),
        ("في شهر شباط 2022", "شهر شباط 2022", "2022-02", "2022-02", "month", False),
        ("فبراير أو مارس 2022", "فبراير او مارس 2022", "2022-02", "2022-03", "month", False),
        # year with a cue
        ("منذ عام 2022", "عام 2022", "2022", "2022", "year", False),
        ("خلال العام 2022", "العام 2022", "2022", "2022", "year", False),
        ("في سنة 2022", "سنه 2022", "2022", "2022", "year", False),
        ("بين عامي 2020 و2022", "بين عامي 2020 و2022", "2020", "2022", "year", False),
        # numeric dates, day/month/year order
        ("بتاريخ 12/11/2024", "12/11/2024", "2024-11-12", "2024-11-12", "day", False),
        ("بتاريخ 2024-11-12", "2024-11-12", "2024-11-12", "2024-11-12", "day", False),
        ("بتاريخ 12.11.2024", "12.11.2024", "2024-11-12", "2024-11-12", "day", False),
        # missing year, inferred from publication
        ("في 11 نوفمبر", "11 نوفمبر", "2024-11-11", "2024-11-11", "day", True),
        ("في 5 يناير", "5 يناير", "2025-01-05", "2025-01-05", "day", True),
        ("في شهر آب", "شهر اب", "2024-08", "2024-08", "month", True),
    ],
)
def test_absolute(text, phrase, date_from, date_to, precision, inferred):
    got, m = one(text)
    assert got == phrase
    assert (m.date_from, m.date_to, m.precision, m.inferred) == (
        date_from,
        date_to,
        precision,
        inferred,
    )
    assert m.relative is False


@pytest.mark.parametrize(
    "text,phrase,date_from,date_to,precision",
    [
        ("قال اليوم الثلاثاء إن", "اليوم الثلاثاء", "2024-11-12", "2024-11-12", "day"),
        ("وقال أمس الاثنين", "امس الاثنين", "2024-11-11", "2024-11-11", "day"),
        ("وصل اليوم", "اليوم", "2024-11-12", "2024-11-12", "day"),
        ("قال أمس", "امس", "2024-11-11", "2024-11-11", "day"),
        ("يصل غداً", "غدا", "2024-11-13", "2024-11-13", "day"),
        ("حدث أول أمس", "اول امس", "2024-11-10", "2024-11-10", "day"),
        ("قال الاثنين", "الاثنين", "2024-11-11", "2024-11-11", "day"),
        ("قال الثلاثاء", "الثلاثاء", "2024-11-12", "2024-11-12", "day"),
        ("يجتمع الخميس المقبل", "الخميس المقبل", "2024-11-14", "2024-11-14", "day"),
        ("اجتمع الثلاثاء الماضي", "الثلاثاء الماضي", "2024-11-05", "2024-11-05", "day"),
        ("الأسبوع المقبل", "الاسبوع المقبل", "2024-11-18", "2024-11-24", "day"),
        ("في الشهر المقبل", "الشهر المقبل", "2024-12", "2024-12", "month"),
        ("العام الماضي", "العام الماضي", "2023", "2023", "year"),
        ("في شباط أو آذار المقبلين", "شباط او اذار المقبلين", "2025-02", "2025-03", "month"),
    ],
)
def test_relative(text, phrase, date_from, date_to, precision):
    got, m = one(text)
    assert got == phrase
    assert (m.date_from, m.date_to, m.precision) == (date_from, date_to, precision)
    assert m.relative is True
    assert m.inferred is True


@pytest.mark.parametrize("text", ["قال أمس الاثنين", "الشهر المقبل", "الخميس المقبل", "اليوم"])
def test_relative_without_published_is_not_guessed(text):
    _, m = one(text, None)
    assert m.relative is True
    assert m.date_from is None and m.date_to is None
    assert m.inferred is False


def test_missing_year_without_published():
    got, m = one("في 11 نوفمبر", None)
    assert got == "11 نوفمبر"
    assert (m.date_from, m.precision, m.inferred, m.relative) == (None, "day", False, False)


def test_missing_year_late_in_year_goes_to_previous_year():
    _, m = one("في 20 ديسمبر", dt.date(2024, 1, 10))
    assert m.date_from == "2023-12-20"


@pytest.mark.parametrize(
    "text", ["في 31 فبراير 2024", "بتاريخ 31/02/2024", "في 30 فبراير", "2024-13-01"]
)
def test_invalid_dates_are_skipped(text):
    assert find_dates(normalise(text), PUB) == []


@pytest.mark.parametrize(
    "text",
    [
        "قتل 2022 شخصا",  # bare four-digit number
        "مارس الضغط على الحكومة",  # مارس as a verb
        "الأب والابن",  # آب folds to اب
        "العام",
    ],
)
def test_no_false_positives(text):
    assert find_dates(normalise(text), PUB) == []


def test_several_mentions_in_order_with_offsets():
    text = normalise("قال أمس إن الاجتماع سيعقد يومي 11 و12 نوفمبر 2024 بعد عام 2022")
    found = find_dates(text, PUB)
    assert [text[m.start : m.end] for m in found] == [
        "امس",
        "يومي 11 و12 نوفمبر 2024",
        "عام 2022",
    ]
    assert [m.date_from for m in found] == ["2024-11-11", "2024-11-11", "2022"]


def test_clitics():
    got, m = one("وفي عام 2022")
    assert got == "عام 2022"
    got, m = one("وأمس")
    assert got == "وامس" and m.date_from == "2024-11-11"


@pytest.mark.parametrize(
    "line,expected",
    [
        ("2024-11-12 14:35", ("2024-11-12", "14:35")),
        ("12/11/2024 - 14:35", ("2024-11-12", "14:35")),
        ("الثلاثاء 12 نوفمبر 2024 - 02:35 م", ("2024-11-12", "14:35")),
        ("الثلاثاء 12 نوفمبر 2024 - 09:05 صباحاً", ("2024-11-12", "09:05")),
        ("نُشر في: 12 تشرين الثاني 2024 الساعة 14:35", ("2024-11-12", "14:35")),
        ("2022-06-16T09:12:00+03:00", ("2022-06-16", "09:12")),
        ("آخر تحديث: ١٢/١١/٢٠٢٤", ("2024-11-12", None)),
        ("بقلم محرر الشؤون السياسية", (None, None)),
    ],
)
def test_parse_date_line(line, expected):
    assert parse_date_line(line) == expected
