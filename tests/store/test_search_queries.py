"""Arabic query set for ``Store.search`` over the project's own sample articles.

The store holds the 16 articles of the 15 files below (samples/dev and samples/blind;
the IRNA JSON Lines file holds two articles), pinned by name so that samples added
later do not silently change the expected ranks. Every expectation was decided by
reading those articles, not by recording what the system returned: which articles
contain the (folded, clitic-stripped) words, which must not, and, where one article is
plainly the best answer (the words are in its title and it is about them), its rank.

Articles are named by the file's first dotted part (``rt`` = rt.astana-19-2022.txt);
the two IRNA lines are ``irna#L1`` (IRNA) and ``irna#L2`` (Anadolu Agency copy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pg_cluster import BACKENDS, backend_url

from bayan.arabic.normalise import normalise
from bayan.store import Store, query_terms

REPO = Path(__file__).resolve().parents[2]
FILES = [
    "dev/ahram.arab-league-jeddah-2023.html",
    "dev/aljazeera.amman-consultative-2023.txt",
    "dev/alwasat.berlin-libya-2020.txt",
    "dev/armenpress.csto-yerevan-2022.html",
    "dev/enab.geneva-constitutional-2019.txt",
    "dev/irna.quad-moscow-2023.jsonl",
    "dev/petra.amman-consultative-2023.txt",
    "dev/rt.astana-19-2022.txt",
    "dev/sana.sochi-congress-2018.txt",
    "dev/sudantribune.jeddah-talks-2023.txt",
    "blind/almayadeen.geneva-constitutional-8-2022.txt",
    "blind/anadolu.astana-21-2023.txt",
    "blind/libyaobserver.5plus5-sirte-2020.txt",
    "blind/skynews.riyadh-gcc-us-2022.txt",
    "blind/sputnik.moscow-syria-turkey-defence-2022.html",
]
ASTANA = {"rt", "anadolu", "sana", "enab", "irna#L1"}
REGIME = {"aljazeera", "enab", "irna#L2", "anadolu", "armenpress"}  # "نظام" (armenpress: نظام الأمن الجماعي)
IRAN = {"sana", "enab", "irna#L1", "irna#L2", "rt", "anadolu", "skynews"}
REFUGEES = {"aljazeera", "petra", "irna#L1", "irna#L2", "sputnik", "anadolu"}
MOSCOW = {"alwasat", "armenpress", "irna#L1", "irna#L2", "rt", "sputnik"}
GENEVA = {"enab", "sana", "alwasat", "almayadeen", "libyaobserver"}
JEDDAH = {"ahram", "aljazeera", "petra", "sudantribune", "skynews"}
COMMITTEE = {"enab", "sana", "rt", "anadolu", "almayadeen"}  # لجنة + دستورية


def key(source: str) -> str:
    name = Path(source.split("#")[0]).name.split(".")[0]
    return name + ("#" + source.split("#")[1] if "#" in source else "")


@dataclass
class Case:
    query: str
    exact: set[str] | None = None  # the full result set
    top: list[set[str]] = field(default_factory=list)  # result i must be in top[i]
    includes: set[str] = field(default_factory=set)
    excludes: set[str] = field(default_factory=set)
    filters: dict[str, str] = field(default_factory=dict)
    same_as: str | None = None  # must return exactly what this query returns (same order)


CASES = [
    # spelling: hamza on alef, with and without; the two must agree exactly
    Case("أستانا", exact=ASTANA, top=[{"rt", "anadolu"}, {"rt", "anadolu"}]),
    Case("استانا", exact=ASTANA, same_as="أستانا"),
    Case("آستانا", exact=ASTANA, same_as="أستانا"),
    Case("أَسْتَانَا", exact=ASTANA, same_as="أستانا"),  # tashkeel in the query
    Case("أستـــانا", exact=ASTANA, same_as="أستانا"),  # tatweel in the query
    # clitics: ب + ال
    Case("بالنظام", exact=REGIME, same_as="النظام"),
    Case("النظام", exact=REGIME),
    Case("بالنظام السوري", exact=REGIME - {"armenpress"}),
    # taa marbuta / haa
    Case("اللجنة الدستورية", exact=COMMITTEE, top=[{"enab"}]),
    Case("اللجنه الدستوريه", exact=COMMITTEE, same_as="اللجنة الدستورية"),
    # alef maqsura / yaa
    Case("مصطفى الكاظمي", exact={"skynews"}),
    Case("مصطفي الكاظمي", exact={"skynews"}, same_as="مصطفى الكاظمي"),
    # hamza on waw / yaa and initial hamza forms
    Case("مؤتمر برلين", exact={"alwasat"}, top=[{"alwasat"}]),
    Case("موتمر برلين", exact={"alwasat"}, same_as="مؤتمر برلين"),
    Case("إيران", exact=IRAN),
    Case("ايران", exact=IRAN, same_as="إيران"),
    Case("اللاجئين", exact=REFUGEES),
    Case("اللاجيين", exact=REFUGEES, same_as="اللاجئين"),
    # diacritics (shadda) in text and query
    Case("عمّان", exact={"aljazeera", "petra", "skynews"}, top=[{"aljazeera", "petra"}, {"aljazeera", "petra"}]),
    Case("عَمَّان", same_as="عمّان"),
    Case("عمان", same_as="عمّان"),
    Case("المقــداد", exact={"aljazeera", "petra", "irna#L1", "irna#L2"}, top=[{"aljazeera"}]),
    # one clitic each: و ف ب ل ك ال لل
    Case("وموسكو", exact=MOSCOW, same_as="موسكو", top=[{"irna#L1", "irna#L2", "sputnik"}] * 3),
    Case("فجنيف", exact=GENEVA, same_as="جنيف"),
    Case("بجدة", exact=JEDDAH, same_as="جدة", top=[{"sudantribune", "ahram", "skynews"}]),
    Case("لسوريا", same_as="سوريا", includes={"rt", "anadolu", "petra", "sputnik"}, excludes={"armenpress"}),
    Case("كالمرتزقة", exact={"alwasat", "libyaobserver"}, same_as="المرتزقة"),
    Case("للمدنيين", exact={"sudantribune", "aljazeera"}, top=[{"sudantribune"}]),
    Case("والكبتاغون", exact={"aljazeera", "petra"}, top=[{"aljazeera"}]),
    Case("الهدنة", exact={"alwasat", "sudantribune", "skynews"}, top=[{"sudantribune"}]),
    # several words: all must occur
    Case("استانا الجولة", exact={"rt", "anadolu"}),
    Case("الجولة الثامنة", exact={"almayadeen"}),
    Case("استانا يريفان", exact=set()),
    Case("اجتماع في موسكو", same_as="اجتماع موسكو", includes={"irna#L1", "sputnik"}),
    # people and places
    Case("بيدرسن", exact={"rt", "almayadeen"}),  # enab writes بيدرسون: a different spelling
    Case("اللهيان", exact={"irna#L1", "irna#L2"}),  # عبداللهيان and عبد اللهيان
    Case("خليفة حفتر", exact={"alwasat"}),
    Case("يريفان", exact={"armenpress"}),
    Case("سرت", includes={"libyaobserver"}, top=[{"libyaobserver"}]),
    Case("كلمةغيرموجودة", exact=set()),
    # filters
    Case("استانا", filters={"outlet": "الأناضول"}, exact={"anadolu"}),
    Case("استانا", filters={"outlet": "الاناضول"}, exact={"anadolu"}),
    Case("موسكو", filters={"outlet": "Anadolu Agency"}, exact={"irna#L2"}),
    Case("استانا", filters={"outlet": "وكالة غير موجودة"}, exact=set()),
    Case("استانا", filters={"date_from": "2022-01-01", "date_to": "2022-12-31"}, exact={"rt"}),
    Case("استانا", filters={"date_to": "2019"}, exact={"sana", "enab"}),
    Case("استانا", filters={"date_from": "2023-06"}, exact={"anadolu"}),
    Case("استانا", filters={"format": "astana"}, includes={"rt", "anadolu"}, excludes={"irna#L1"}),
    Case("قمة", filters={"format": "csto"}, exact={"armenpress"}),
    Case("موسكو", filters={"actor": "IRN"}, exact={"irna#L1", "irna#L2", "rt"}),
    Case("الهجمات الإسرائيلية", filters={"actor": "ISR"}, exact={"rt", "anadolu"}),
]


@pytest.fixture(scope="module", params=BACKENDS)
def corpus(request, tmp_path_factory):
    """The pinned articles in a store of each backend (SQLite: FTS5 bm25; PostgreSQL:
    trigram-indexed substring match ranked by ts_rank over the generated tsvector)."""
    from bayan.core import process
    from bayan.pipeline.ingest import InputError, iter_inputs

    paths = [REPO / "samples" / f for f in FILES]
    missing = [str(p) for p in paths if not p.exists()]
    assert not missing, f"pinned sample articles missing: {missing}"
    st = Store(backend_url(request, request.param, tmp_path_factory.mktemp("search")))
    names: dict[int, str] = {}
    for item in iter_inputs(paths):
        assert not isinstance(item, InputError), str(item)
        doc_id, _ = st.add_document(process(item), raw_text=item.text, html=item.html)
        names[doc_id] = key(item.source)
    assert len(names) == 16
    yield st, names
    st.close()


def run(corpus, query: str, fts: bool = True, **filters: str) -> list[str]:
    st, names = corpus
    if not fts:
        st._has_fts = lambda s: False  # the LIKE fallback (SQLite without FTS5, PostgreSQL before 0004)
    try:
        return [names[h["id"]] for h in st.search(query, limit=50, **filters)]
    finally:
        st.__dict__.pop("_has_fts", None)


@pytest.mark.parametrize("fts", [True, False], ids=["fts", "like-fallback"])
@pytest.mark.parametrize("case", CASES, ids=[c.query + "|" + ",".join(f"{k}={v}" for k, v in c.filters.items())
                                              for c in CASES])
def test_query(corpus, case: Case, fts: bool) -> None:
    got = run(corpus, case.query, fts, **case.filters)
    assert len(got) == len(set(got))
    if case.exact is not None:
        assert set(got) == case.exact
    assert case.includes <= set(got)
    assert not case.excludes & set(got)
    if case.same_as is not None:
        other = run(corpus, case.same_as, fts, **case.filters)
        assert (got if fts else set(got)) == (other if fts else set(other))
    if fts:  # ranks are bm25's (SQLite) or ts_rank's (PostgreSQL); the fallback only has to find the same documents
        for i, allowed in enumerate(case.top):
            assert got[i] in allowed, f"rank {i + 1}: {got[i]} not in {allowed} ({got})"


def test_query_set_size():
    assert len({c.query for c in CASES}) >= 20


def test_query_terms_fold_and_strip():
    assert query_terms("بالنظام") == ["نظام"]
    assert query_terms("أستانا") == query_terms("استانا") == query_terms("أَسْتـانا") == ["استانا"]
    assert query_terms("والكبتاغون للمدنيين") == ["كبتاغون", "مدنيين"]
    assert query_terms("اجتماع في موسكو") == ["اجتماع", "موسكو"]
    assert query_terms("في") == ["في"]  # a query of only function words keeps them


@pytest.mark.parametrize("fts", [True, False], ids=["fts", "like-fallback"])
def test_snippets_highlight_terms_in_original_spelling(corpus, fts: bool) -> None:
    st, names = corpus
    if not fts:
        st._has_fts = lambda s: False
    try:
        for query in ("بالنظام السوري", "عمّان", "اللجنه الدستوريه", "أستانا"):
            terms = query_terms(query)
            hits = st.search(query)
            assert hits
            for h in hits:
                marked = re.findall(r"\[([^\[\]]+)\]", h["snippet"])
                assert marked, h["snippet"]
                for word in marked:  # every highlighted word holds a query term
                    assert any(t in normalise(word) for t in terms), (word, h["snippet"])
                assert len(h["snippet"]) <= 260
        amman = {names[h["id"]]: h["snippet"] for h in st.search("عمان")}
        assert "[عمّان" in amman["aljazeera"] and "[عمّان" in amman["petra"]  # the article's shadda kept
    finally:
        st.__dict__.pop("_has_fts", None)


def test_limit_and_ranking_are_in_sql(corpus) -> None:
    st, names = corpus
    full = st.search("سوريا", limit=50)
    assert [h["id"] for h in st.search("سوريا", limit=3)] == [h["id"] for h in full[:3]]
    scores = [h["score"] for h in full]
    assert scores == sorted(scores)  # lower is better
    assert st.search("سوريا", limit=0) == []


# --------------------------------------------------------------------------- ranking without bm25()

RANKED = ["سوريا", "بالنظام السوري", "اللجنة الدستورية", "استانا الجولة", "موسكو", "عمان", "الهدنة", "وزير",
          "اجتماع في موسكو", "وقف إطلاق النار"]


def _bm25_sql(st: Store, terms: list[str]) -> list[tuple[int, float]]:
    """Every match with FTS5's own bm25(documents_fts, 1.0, 2.0), best first."""
    from sqlalchemy import text

    from bayan.store.repository import _fts_match

    with st.session() as s:
        rows = s.execute(
            text("SELECT rowid, bm25(documents_fts, 1.0, 2.0) FROM documents_fts WHERE documents_fts MATCH :q"),
            {"q": _fts_match(terms)},
        ).all()
    return sorted(((r[0], r[1]) for r in rows), key=lambda r: (r[1], r[0]))


def _sqlite_store(tmp_path: Path, docs: list[tuple[str, str]]) -> Store:
    from store_docs import make_doc

    st = Store(f"sqlite:///{tmp_path / 'rank.db'}")
    for i, (title, body) in enumerate(docs):
        st.add_document(make_doc(f"t/{i}.txt", "سانا", f"2024-01-{i + 1:02d}", body, title, []), raw_text=body)
    return st


@pytest.mark.parametrize("query", RANKED)
def test_python_bm25_equals_fts5_bm25(corpus, query: str) -> None:
    """The scores ``Store.search`` computes from the window's text are FTS5 bm25()'s, bit for bit."""
    from sqlalchemy import text

    from bayan.store.repository import _bm25, _fts_match, _fts_varints

    st, _ = corpus
    if not st.is_sqlite:
        pytest.skip("FTS5 is SQLite's")
    terms = [t for t in query_terms(query) if len(t) >= 3]
    with st.session() as s:
        rows = s.execute(
            text("SELECT f.rowid, CAST(f.body_norm AS BLOB), CAST(f.title_norm AS BLOB), z.sz FROM documents_fts f "
                 "JOIN documents_fts_docsize z ON z.id = f.rowid WHERE documents_fts MATCH :q"),
            {"q": _fts_match(terms)},
        ).all()
        totals = _fts_varints(s.scalar(text("SELECT block FROM documents_fts_data WHERE id = 1")))
        dfs = [s.scalar(text("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH :q"), {"q": _fts_match([t])})
               for t in terms]
    ours = sorted(_bm25([tuple(r) for r in rows], terms, dfs, totals[0], sum(totals[1:])), key=lambda r: (r[1], r[0]))
    assert ours == _bm25_sql(st, terms)
    # and through Store.search: first call (counts, ranks in Python), second (cached counts)
    for _ in range(2):
        got = [(h["id"], h["score"]) for h in st.search(query, limit=50)]
        if len(terms) == len(query_terms(query)):  # words of one or two letters filter by LIKE as well
            assert got == _bm25_sql(st, terms)[:50]


def test_python_bm25_counts_overlapping_matches(tmp_path: Path) -> None:
    """A term whose occurrences can overlap (ككك in كككك: two) counts each, as the trigram index does."""
    st = _sqlite_store(tmp_path, [("ككككك", "نص فيه كككك ثم ككك"), ("عنوان", "ككك مرة واحدة"), ("آخر", "لا شيء هنا")])
    try:
        for query in ("ككك", "كككك"):
            terms = query_terms(query)
            st.__dict__.pop("_fts_df", None)
            assert [(h["id"], h["score"]) for h in st.search(query)] == _bm25_sql(st, terms)
    finally:
        st.close()


def _no_row_ms(init):  # noqa: ANN001, ANN202 - wraps _FtsDocFreqs.__init__
    def wrapped(self) -> None:  # noqa: ANN001
        init(self)
        self.row_ms = 0.0

    return wrapped


def test_document_frequency_cache_follows_new_documents(tmp_path: Path, monkeypatch) -> None:
    """Cached document frequencies are brought up to date when documents are added, also by
    another Store on the same file (another process: an ingest beside the web server)."""
    from store_docs import make_doc

    from bayan.store.repository import _FtsDocFreqs

    # rank in Python every time (on so small a store bm25()'s own counting is cheaper)
    monkeypatch.setattr(_FtsDocFreqs, "observe_rows", lambda self, rows, ms: None)
    monkeypatch.setattr(_FtsDocFreqs, "__init__", _no_row_ms(_FtsDocFreqs.__init__))
    st = _sqlite_store(tmp_path, [(f"خبر {i}", f"اجتماع في موسكو رقم {i}" + (" عن سوريا" if i % 2 else ""))
                                  for i in range(6)])
    writer = Store(f"sqlite:///{tmp_path / 'rank.db'}")
    try:
        for round_ in range(3):
            for query in ("سوريا", "موسكو سوريا", "اجتماع"):
                terms = query_terms(query)
                assert [(h["id"], h["score"]) for h in st.search(query, limit=50)] == _bm25_sql(st, terms)
            freqs = st.__dict__["_fts_df"]
            assert freqs.known("سوريا")[0] == len(_bm25_sql(st, ["سوريا"]))
            for i in range(3):
                body = f"سوريا ثم سوريا في الجولة {round_}-{i}"
                writer.add_document(make_doc(f"w/{round_}-{i}.txt", "بترا", "2024-02-01", body, "سوريا", []),
                                    raw_text=body)
        assert freqs.known("سوريا")[0] == len(_bm25_sql(st, ["سوريا"])) - 3  # the last three not searched yet
        assert [(h["id"], h["score"]) for h in st.search("سوريا", limit=50)] == _bm25_sql(st, ["سوريا"])
        assert freqs.known("سوريا")[0] == len(_bm25_sql(st, ["سوريا"]))
    finally:
        writer.close()
        st.close()


def test_batch_is_indexed_as_one_fts_segment(tmp_path: Path) -> None:
    """A batch's full-text rows are written last in its transaction, so FTS5 writes one
    index segment for the batch (a row written mid-transaction is flushed as its own
    segment by the next statement's savepoint). The index and its rankings are the
    same as when the documents are stored one at a time."""
    from sqlalchemy import text
    from store_docs import make_doc

    bodies = [(f"خبر {i}", f"اجتماع في موسكو رقم {i} عن سوريا" + (" وإيران" if i % 3 else "")) for i in range(24)]
    docs = [make_doc(f"b/{i}.txt", "سانا", f"2024-01-{i + 1:02d}", body, title, []) for i, (title, body) in enumerate(bodies)]
    batched = Store(f"sqlite:///{tmp_path / 'batch.db'}")
    single = _sqlite_store(tmp_path, bodies)
    try:
        batched.add_documents([(d, b, None) for d, (_, b) in zip(docs, bodies, strict=True)], batch_size=len(docs))
        with batched.session() as s:
            segments = s.scalar(text("SELECT count(DISTINCT segid) FROM documents_fts_idx"))
            s.execute(text("INSERT INTO documents_fts(documents_fts, rank) VALUES ('integrity-check', 1)"))
            fts_rows = s.execute(text("SELECT rowid, body_norm, title_norm FROM documents_fts ORDER BY rowid")).all()
            doc_rows = s.execute(text("SELECT id, body_norm, title_norm FROM documents ORDER BY id")).all()
        assert segments == 1
        assert [tuple(r) for r in fts_rows] == [tuple(r) for r in doc_rows] and len(doc_rows) == len(docs)
        with single.session() as s:
            assert s.scalar(text("SELECT count(DISTINCT segid) FROM documents_fts_idx")) > 1
        for query in ("سوريا", "موسكو وإيران", "اجتماع رقم"):
            got = [(h["id"], h["score"]) for h in batched.search(query, limit=50)]
            assert got == [(h["id"], h["score"]) for h in single.search(query, limit=50)]
            assert got == _bm25_sql(batched, query_terms(query))[:50]
    finally:
        batched.close()
        single.close()
