import pytest

from bayan.arabic.normalise import normalise, normalise_with_map, strip_diacritics


@pytest.mark.parametrize(
    "text,expected",
    [
        ("أستانا", "استانا"),
        ("إيران", "ايران"),
        ("آذار", "اذار"),
        ("سوريّة", "سوريه"),
        ("مُؤتمَر", "موتمر"),
        ("الـ22", "ال22"),
        ("٢٠٢٢", "2022"),
        ("۱۷", "17"),
        ("مستوى", "مستوي"),
        ("رئيس", "رييس"),
        ("ASTANA", "astana"),
        ("كازاخستانـــية", "كازاخستانيه"),
        ("ی ک", "ي ك"),
    ],
)
def test_normalise_folds_variants(text, expected):
    assert normalise(text) == expected


def test_variants_meet():
    assert normalise("أستانا") == normalise("استانا") == normalise("أَسْتانا")


def test_offset_map_points_back_to_original():
    original = "انعقدت الجولةُ الـ22 في أَسْتانا"
    norm = normalise_with_map(original)
    start = norm.text.index("استانا")
    a, b = norm.span(start, start + len("استانا"))
    assert original[a:b] == "أَسْتانا"
    start = norm.text.index("ال22")
    a, b = norm.span(start, start + 4)
    assert original[a:b] == "الـ22"


def test_map_has_one_entry_per_folded_char():
    norm = normalise_with_map("سُورِيَّة")
    assert len(norm.text) == len(norm.orig) == 5


def test_strip_diacritics_keeps_letters():
    assert strip_diacritics("أَسْتانا") == "أستانا"
