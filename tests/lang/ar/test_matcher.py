import pytest

from bayan.arabic.matcher import Entry, Matcher
from bayan.arabic.normalise import normalise

RUS = Entry("entity", "actor", "RUS", "demonym")
UN = Entry("entity", "actor", "UN")
MOSCOW = Entry("entity", "city", "Moscow")
AMMAN = Entry("entity", "city", "Amman")
OMAN = Entry("entity", "actor", "OMN")


@pytest.fixture(scope="module")
def matcher():
    m = Matcher()
    m.add("روسي", RUS, nisba=True)
    m.add("الأمم المتحدة", UN)
    m.add("موسكو", MOSCOW)
    m.add("عمان", AMMAN)
    m.add("عمان", OMAN)
    m.add("سلطنة عمان", OMAN)
    m.add("مكافحة الإرهاب", Entry("topic", "topic", "counter_terrorism"))
    return m


def keys(matcher, text):
    norm = normalise(text)
    return [(norm[m.start:m.end], m.entry.key) for m in matcher.find(norm)]


@pytest.mark.parametrize(
    "text,surface",
    [
        ("الوفد الروسي", "الروسي"),
        ("الدبلوماسية الروسية", "الروسيه"),
        ("العسكريين الروس والروسيين", "والروسيين"),
        ("وفد روسي", "روسي"),
        ("والروسية", "والروسيه"),
    ],
)
def test_nisba_inflections(matcher, text, surface):
    assert (surface, "RUS") in keys(matcher, text)


@pytest.mark.parametrize("text", ["بالأمم المتحدة", "وللأمم المتحدة", "للأمم المتحدة", "والأمم المتحدة"])
def test_proclitics_before_definite_article(matcher, text):
    assert [k for _, k in keys(matcher, text)] == ["UN"]


@pytest.mark.parametrize("text", ["بموسكو", "وموسكو", "فموسكو", "لموسكو"])
def test_proclitics_before_bare_name(matcher, text):
    assert [k for _, k in keys(matcher, text)] == ["Moscow"]


def test_no_match_inside_a_longer_word(matcher):
    assert keys(matcher, "موسكوفيون") == []
    assert keys(matcher, "الروسيات") == [("الروسيات", "RUS")]  # feminine plural is still RUS


def test_longest_match_wins_within_group(matcher):
    found = keys(matcher, "زار سلطنة عمان")
    assert found == [("سلطنه عمان", "OMN")]


def test_ambiguous_form_keeps_both_readings(matcher):
    found = {k for _, k in keys(matcher, "في عمان")}
    assert found == {"Amman", "OMN"}


def test_groups_overlap_independently(matcher):
    m = Matcher()
    m.add("الإرهاب", Entry("entity", "actor", "X"))
    m.add("مكافحة الإرهاب", Entry("topic", "topic", "counter_terrorism"))
    norm = normalise("مكافحة الإرهاب")
    assert {x.entry.key for x in m.find(norm)} == {"X", "counter_terrorism"}


def test_prefix_length_reported(matcher):
    norm = normalise("وبموسكو")
    (match,) = matcher.find(norm)
    assert match.prefix == 2 and norm[match.body_start:match.end] == "موسكو"
