"""Linking reads stored summaries and bounded lookups; the results stay those of the sources.

* every record's ``link_summary`` equals what its sources and participants say, after
  ingesting the dev corpus (so linking from the summary is linking from the sources);
* ``undated`` matches the record's start date;
* a record written before migration 0006 (no summary) is still found and linked;
* an article's own meeting with no named format is not merged into an undated record
  of a named format on shared actors alone (it put a dated two-party meeting into
  "Astana round 20"), while a passing reference still is.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update
from store_docs import generated_corpus, make_doc, participants

from bayan.models import Meeting
from bayan.store import Store
from bayan.store.models import MeetingRow
from bayan.store.repository import _summaries_from_sources, is_undated

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dev_store(tmp_path_factory):
    from bayan.core import process
    from bayan.pipeline.ingest import InputError, iter_inputs

    st = Store(f"sqlite:///{tmp_path_factory.mktemp('link') / 'dev.db'}")
    for item in iter_inputs([REPO / "samples" / "dev"]):
        if not isinstance(item, InputError):
            st.add_document(process(item), raw_text=item.text, html=item.html)
    yield st
    st.close()


def test_summaries_equal_what_the_sources_say(dev_store):
    with dev_store.session() as s:
        rows = s.execute(select(MeetingRow.id, MeetingRow.link_summary, MeetingRow.undated, MeetingRow.start_date)).all()
        assert len(rows) > 20
        fresh = _summaries_from_sources(s.connection(), [r.id for r in rows])
    for r in rows:
        assert r.link_summary is not None
        assert {f: sorted(map(str, v)) for f, v in r.link_summary["seen"].items()} == {
            f: sorted(map(str, v)) for f, v in fresh[r.id]["seen"].items()
        }
        assert r.link_summary["actors"] == fresh[r.id]["actors"]
        assert r.undated == is_undated(r.start_date)
    assert any(r.undated for r in rows) and any(not r.undated for r in rows)


def _doc(source: str, body: str, meeting: Meeting, published: str) -> object:
    return make_doc(source, "outlet", published, body, "عنوان", [meeting])


def test_record_without_summary_is_still_linked(store):
    body = "اجتمع وزراء خارجية روسيا وتركيا وإيران في موسكو لبحث الملف السوري."
    first = Meeting(primary=True, format="astana", city="Moscow", start_date="2023-05-10", participants=participants("RUS", "TUR", "IRN"))
    store.add_document(_doc("a.txt", body, first, "2023-05-10"))
    with store.session() as s:  # as if written before migration 0006
        s.execute(update(MeetingRow).values(link_summary=None))
    again = Meeting(primary=True, format="astana", city="Moscow", start_date="2023-05-10", participants=participants("RUS", "TUR"))
    store.add_document(_doc("b.txt", body, again, "2023-05-11"))
    assert store.counts()["meetings"] == 1


def test_own_meeting_without_named_format_is_not_merged_into_undated_reference(store):
    # an undated reference to a named round, then an article's own dated meeting whose
    # format is only inferred (two parties), sharing both actors
    ref = Meeting(format="astana", round=20, primary=False, participants=participants("RUS", "TUR"))
    store.add_document(_doc("ref.txt", "وتطرق الجانبان إلى الجولة العشرين من محادثات أستانا.", ref, "2022-07-01"))
    own = Meeting(primary=True, format="bilateral", format_inferred=True, start_date="2022-07-16", city="Tehran",
                  participants=participants("RUS", "TUR", role="party"))
    store.add_document(_doc("own.txt", "التقى الرئيسان الروسي والتركي في طهران.", own, "2022-07-16"))
    assert store.counts()["meetings"] == 2
    # a passing reference with the same shape is still compared with recent undated records
    later = Meeting(format="bilateral", format_inferred=True, start_date="2022-07-20", primary=False,
                    participants=participants("RUS", "TUR"))
    store.add_document(_doc("later.txt", "وأشار إلى جولة أستانا العشرين في العشرين من تموز.", later, "2022-07-21"))
    rounds = [m for m in store.meetings() if m["format"] == "astana"]
    assert len(rounds) == 1 and len(rounds[0]["documents"]) == 2


def _canonical_tables(url: str) -> dict[str, list[str]]:
    """Every table's rows with JSON columns parsed (key order aside), timestamps left out."""
    import json
    import sqlite3

    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    out: dict[str, list[str]] = {}
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'documents_fts%'"):
        cols = [r[1] for r in con.execute(f'PRAGMA table_info("{name}")') if r[1] not in ("ingested_at", "created_at")]
        rows = []
        for row in con.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{name}" ORDER BY rowid'):
            vals = []
            for v in row:
                if isinstance(v, str) and v[:1] in "[{":
                    try:
                        v = json.loads(v)
                    except ValueError:
                        pass  # text that happens to start with a bracket
                vals.append(v)
            rows.append(json.dumps(vals, sort_keys=True, ensure_ascii=False, default=repr))
        out[name] = rows
    con.close()
    return out


@pytest.mark.parametrize("order", ["date", "corpus"])
def test_incremental_merge_equals_full_recompute(tmp_path, monkeypatch, order):
    """Merging a report into its record without reading the other reports gives the rows
    a full recompute gives, on an archive ingested in date order (each report appended
    after the others) and in the corpus's own order (random dates: most reports go
    before some earlier one)."""
    import json

    import bayan.store.repository as repository
    from bayan.core import process
    from bayan.pipeline.ingest import InputError, iter_inputs

    generated = generated_corpus(tmp_path / "generated.jsonl", 160, 11)
    lines = generated.read_text(encoding="utf-8").splitlines()
    if order == "date":
        lines.sort(key=lambda line: json.loads(line).get("published") or "")
    generated.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs = [(process(it), it) for it in iter_inputs([generated]) if not isinstance(it, InputError)]

    appended = []
    placed_before = []  # merged in place, before an earlier-stored report
    real_append = repository.Store._append_source

    def counting(self, s, mid, new):
        state = s.connection().execute(repository._SQL_MEETING_STATE, {"mid": mid}).first()
        merge = json.loads(state.merge_state) if state and state.merge_state else None
        last = (merge or {}).get("last")
        ok = real_append(self, s, mid, new)
        appended.append(ok)
        if ok and last and [new.published or "9999", new.document_id] < last:
            placed_before.append(mid)
        return ok

    urls = {}
    for incremental in (False, True):
        monkeypatch.setattr(repository, "INCREMENTAL_MERGE", incremental)
        monkeypatch.setattr(repository.Store, "_append_source", counting)
        url = f"sqlite:///{tmp_path / f'{incremental}.db'}"
        st = Store(url)
        for doc, item in docs:
            st.add_document(doc, raw_text=item.text, html=item.html)
        st.close()
        urls[incremental] = url
    assert sum(appended) >= 20  # the incremental path did run
    assert (len(placed_before) >= 10) if order == "corpus" else not placed_before
    full, incremental = _canonical_tables(urls[False]), _canonical_tables(urls[True])
    assert full.keys() == incremental.keys()
    for table in full:
        assert full[table] == incremental[table], table
