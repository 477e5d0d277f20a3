from __future__ import annotations

import hashlib

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from store_docs import (
    doc_round7,
    doc_round17,
    doc_sana,
    doc_tehran_summit,
    doc_trt,
    doc_yearless,
    sana_body,
)

from bayan.store import Store, open_db, query_terms, upgrade
from bayan.store.db import alembic_config, table_names
from bayan.store.models import TABLES

EXPECTED_TABLES = {
    "documents",
    "extractions",
    "meetings",
    "meeting_sources",
    "statements",
    "follow_ups",
    "framing",
    "actors",
    "participants",
}


def db_digest(store: Store) -> str:
    h = hashlib.sha256()
    with store.engine.connect() as conn:
        if store.is_sqlite:
            for t in [*TABLES, "documents_fts"]:
                for row in conn.execute(text(f'SELECT rowid, * FROM "{t}" ORDER BY rowid')):
                    h.update(repr(tuple(row)).encode("utf-8"))
        else:  # every column, the generated search_tsv included, in primary-key order
            for t in TABLES:
                key = {"actors": '"key"', "minhash_bands": '"document_id", "band"'}.get(t, '"id"')
                for row in conn.execute(text(f'SELECT * FROM "{t}" ORDER BY {key}')):
                    h.update(repr(tuple(row)).encode("utf-8"))
    return h.hexdigest()


def meeting_by(store: Store, **kw):
    found = [m for m in store.meetings() if all(m[k] == v for k, v in kw.items())]
    assert len(found) == 1, (kw, store.meetings())
    return found[0]


def test_migrations_create_all_tables(db_url):
    engine = open_db(db_url)
    upgrade(engine)
    upgrade(engine)  # idempotent
    names = set(table_names(engine))
    assert EXPECTED_TABLES <= names
    with engine.connect() as conn:
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
        if engine.dialect.name == "sqlite":
            assert "documents_fts" in names
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar().lower() == "wal"
        else:
            assert "documents_fts" not in names
            cols = {c["name"]: c for c in inspect(engine).get_columns("documents")}
            assert "tsvector" in str(cols["search_tsv"]["type"]).lower()
            indexes = {i["name"] for i in inspect(engine).get_indexes("documents")}
            assert {"ix_documents_search_tsv", "ix_documents_body_norm_trgm", "ix_documents_title_norm_trgm"} <= indexes
            # foreign keys are enforced (SQLite needs PRAGMA foreign_keys for that)
            fks = {fk["referred_table"] for fk in inspect(engine).get_foreign_keys("statements")}
            assert fks == {"meetings", "documents"}
    engine.dispose()


def test_default_url_from_env(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("BAYAN_DB", db_url)
    st = Store()
    assert st.engine.dialect.name == db_url.split(":")[0]
    if st.is_sqlite:
        assert (tmp_path / "bayan.db").exists()
    assert st.counts()["documents"] == 0
    st.close()


def test_postgresql_url_uses_psycopg3():
    from bayan.store.db import normalise_url

    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgresql+psycopg2://u@h/db").drivername == "postgresql+psycopg2"
    assert normalise_url("sqlite:///x.db").drivername == "sqlite"


def test_readding_same_document_changes_nothing(store):
    doc_id, status = store.add_document(doc_sana(), doc_sana().raw_text, None)
    assert status == "new"
    store.add_document(doc_trt(), "raw", "<p>html</p>")
    before_counts, before_digest = store.counts(), db_digest(store)
    again_id, again = store.add_document(doc_sana(), doc_sana().raw_text, None)
    assert (again_id, again) == (doc_id, "duplicate")
    assert store.counts() == before_counts
    assert db_digest(store) == before_digest


def test_two_outlets_merge_into_one_meeting(store):
    a, _ = store.add_document(doc_sana(), "", None)
    b, _ = store.add_document(doc_trt(), "", None)
    m = meeting_by(store, format="astana", round=22)
    assert m["documents"] == [a, b]
    assert m["sources"] == 2
    assert m["start_date"] == "2024-11-11"  # from SANA
    assert m["city"] == "Astana"  # from TRT
    assert m["fields"]["start_date"]["sources"] == [a]
    assert m["fields"]["city"]["sources"] == [b]
    assert not m["known_by_reference"]


def test_referred_meeting_is_known_by_reference(store):
    store.add_document(doc_sana(), "", None)
    m = meeting_by(store, format="quad")
    assert m["known_by_reference"] is True
    assert m["city"] == "Moscow"


def test_round_disagreement_is_kept(store):
    c, _ = store.add_document(doc_round17(), "", None)
    d, _ = store.add_document(doc_round7(), "", None)
    e, _ = store.add_document(doc_yearless(), "", None)
    m = meeting_by(store, format="astana", city="Astana")
    rnd = m["fields"]["round"]
    assert rnd["values"] == {"17": [c, e], "7": [d]}
    assert rnd["value"] == 17 and rnd["support"] == 2
    assert rnd["disagreement"] is True
    assert "round" in m["disagreements"]
    # the year missing from one source is filled from another and noted
    sd = m["fields"]["start_date"]
    assert sd["value"] == "2021-12-21"
    assert e in sd["values"]["2021-12-21"]
    assert any("filled" in n for n in sd["notes"])
    rows = store.export_rows("meetings")
    row = next(r for r in rows if r["id"] == m["id"])
    assert "r7.txt" in row["source_paths"] and '"7"' in row["disagreements"]


def test_round_tie_goes_to_earliest_document(store):
    store.add_document(doc_round7(), "", None)  # published 2021-12-23
    store.add_document(doc_round17(), "", None)  # published 2021-12-22 → earlier
    m = meeting_by(store, format="astana")
    assert m["round"] == 17


def test_near_duplicate_detected(store):
    a, _ = store.add_document(doc_sana(), "", None)
    counts = store.counts()
    body2 = sana_body("وفي ختام الاجتماعات أصدرت الوفود بياناً ختامياً مشتركاً من عشرين بنداً.")
    n, status = store.add_document(doc_sana(body2, source="copy.txt"), "", None)
    assert status == "near_duplicate"
    after = store.counts()
    assert after["documents"] == counts["documents"] + 1
    for t in ("meetings", "meeting_sources", "statements", "follow_ups", "participants"):
        assert after[t] == counts[t]
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT duplicate_of FROM documents WHERE id=:i"), {"i": n}).scalar() == a
    # a fresh Store rebuilds the LSH index lazily from stored signatures
    st2 = Store(str(store.engine.url))
    body3 = sana_body("وأعلن المشاركون في نهاية اللقاء عن موعد الجولة المقبلة قريباً جداً.")
    _, status3 = st2.add_document(doc_sana(body3, source="copy2.txt"), "", None)
    assert status3 == "near_duplicate"
    st2.close()


def test_search_spelling_clitics_and_filters(store):
    a, _ = store.add_document(doc_sana(), "", None)
    b, _ = store.add_document(doc_trt(), "", None)
    c, _ = store.add_document(doc_round17(), "", None)
    assert query_terms("بالنظام") == ["نظام"]
    hits = {h["id"] for h in store.search("استانا")}
    assert {a, b, c} <= hits
    res = store.search("بالنظام")
    assert [h["id"] for h in res] == [b]
    assert "[" in res[0]["snippet"]
    only_trt = store.search("استانا", outlet="TRT عربي")
    assert [h["id"] for h in only_trt] == [b]
    assert [h["id"] for h in store.search("استانا", date_to="2022")] == [c]
    assert {h["id"] for h in store.search("أستانا", actor="IRN")} == {a, c}
    assert store.search("كلمة_غير_موجودة") == []


def test_search_like_fallback(store, monkeypatch):
    b, _ = store.add_document(doc_trt(), "", None)
    monkeypatch.setattr(Store, "_has_fts", lambda self, s: False)
    assert [h["id"] for h in store.search("بالنظام")] == [b]


def test_followups_status(store):
    store.add_document(doc_round17(), "", None)
    store.add_document(doc_tehran_summit(), "", None)
    store.add_document(doc_sana(), "", None)  # latest document: 2024-11-12
    fus = {f["place"]: f for f in store.followups()}
    tehran = meeting_by(store, city="Tehran")
    assert fus["Tehran"]["status"] == "fulfilled"
    assert fus["Tehran"]["fulfilled_by"] == tehran["id"]
    assert fus["Geneva"]["status"] == "overdue"
    assert fus["Astana"]["status"] == "pending"
    assert [f["place"] for f in store.followups(status="fulfilled")] == ["Tehran"]


def test_timeline_positions_exports(store):
    store.add_document(doc_round17(), "", None)
    store.add_document(doc_sana(), "", None)
    store.add_document(doc_trt(), "", None)
    tl = store.timeline()
    dated = [m["start_date"] for m in tl if m["start_date"]]
    assert dated == sorted(dated)
    assert tl[-1]["start_date"] is None  # undated (referred) meeting last
    pos = store.positions(format="astana", topic="separatism")
    assert {p["actor"] for p in pos} == {"RUS", "TUR", "IRN"}
    assert all(p["evidence_count"] == 1 and p["round"] == 22 for p in pos)
    sts = store.export_rows("statements")
    assert all(r["url"].startswith("https://example.org/") and r["text"] for r in sts)
    body = doc_sana().body
    for r in sts:
        if r["source"] == "sana.txt":
            assert body[r["start"] : r["end"]] == r["text"]
    assert store.export_rows("framing")[0]["text"] == "النظام السوري"
    assert len(store.export_rows("follow_ups")) == 3
    actors = store.counts()["actors"]
    assert actors >= 3


def test_batched_add_and_reextract(store):
    docs = [doc_round17(), doc_round7(), doc_sana(), doc_trt()]
    res = store.add_documents(docs, batch_size=2)
    assert [s for _, s in res] == ["new"] * 4
    before = store.counts()
    by_source = {d.source: d for d in [doc_round17(), doc_round7(), doc_sana(), doc_trt()]}

    def extract(d):
        assert d.body == by_source[d.source].body
        out = by_source[d.source]
        return out

    assert store.reextract(extract, extractor_version="2") == 4
    after = store.counts()
    assert after["extractions"] == before["extractions"] + 4
    for t in ("meetings", "meeting_sources", "statements", "follow_ups", "framing", "participants"):
        assert after[t] == before[t], t
    # an extractor that finds nothing clears the facts
    store.reextract(lambda d: d)
    assert store.counts()["meetings"] == 0
    assert store.counts()["statements"] == 0
