from bayan.arabic.normalise import normalise
from bayan.arabic.segment import clauses, sentences


def _texts(text, spans):
    return [text[s.start:s.end] for s in spans]


def test_sentences_split_on_stops_and_paragraphs():
    text = "أكد البيان سيادة سوريا. ودعا إلى عودة اللاجئين!\n\nفقرة ثانية بلا نقطة"
    assert _texts(text, sentences(text)) == [
        "أكد البيان سيادة سوريا.",
        "ودعا إلى عودة اللاجئين!",
        "فقرة ثانية بلا نقطة",
    ]


def test_decimal_point_does_not_split():
    text = normalise("بلغت المساعدات 2.5 مليون دولار. وانتهى الاجتماع")
    assert len(sentences(text)) == 2


def test_closing_quote_stays_with_sentence():
    text = 'وقال: "اتفقنا على ذلك." ثم غادر'
    assert _texts(text, sentences(text))[0] == 'وقال: "اتفقنا على ذلك."'


def test_question_mark_folded():
    text = normalise("هل ينجح المسار؟ لا أحد يعرف")
    assert len(sentences(text)) == 2


def test_clauses_split_at_coordinating_markers():
    text = normalise("وأكد البيان على وحدة الأراضي، كما دعا إلى رفع العقوبات، فيما رحب بالمشاركين")
    parts = _texts(text, clauses(text))
    assert len(parts) == 3
    assert parts[1].startswith("كما")
    assert parts[2].startswith("فيما")


def test_clause_marker_inside_word_does_not_split():
    text = normalise("تحدث عن الكمالية والفيمائية")
    assert len(clauses(text)) == 1
