"""The candidate lookups of meeting linking (``bayan.store.candidates``).

* the SQL date filter keeps every stored date ``dates_close`` calls close to the
  report's (over a grid of report dates, stored dates of every form the extractor
  writes, odd forms and invalid days), keeps records whose sources report several
  dates, and does drop far dates;
* every lookup but the date window reads an index in id order (no sort of all the
  rows it matches, no table scan): its cost does not grow with the archive; with the
  date and format filters it reads that index only (no row seek per entry);
* linking a generated archive with the filter and the early exit gives the same rows
  as without them, with the lookups cut to 5 records so their bounds bind.
"""

from __future__ import annotations

import pytest
from sqlalchemy import insert, text
from store_docs import generated_corpus

from bayan.store import Store, candidates
from bayan.store.models import MeetingRow
from bayan.store.repository import DATE_WINDOW_DAYS, dates_close

REPORT_DATES = [
    "2023-04-12", "2024-01-01", "2023-12-30", "2024-02-29", "2023-03-01", "2024-03-01",
    "2023-04", "2023", "2024-12", "--04-12", "2023-W15", None,
]


def _stored_dates() -> list[str]:
    out = ["", "2023", "2024", "2022", "2023-04", "2023-05", "2023-12", "2024-01", "2024-02",
           "2023-04-12", "2023-04-09", "2023-04-15", "2023-04-16", "2023-04-08", "2022-04-12",
           "2023-12-28", "2024-01-03", "2024-01-05", "2024-02-26", "2024-03-03", "2023-02-27",
           "2023-02-30", "2023-13-01", "20230412", "2023-W15", "2023-4", "2023-04-12T10:00",
           "04-12", "12-31", "01-02", "02-29", "02-30", "03-02", " 2023", "٢٠٢٣-٠٤-١٢"]
    for md in ("04-10", "04-15", "04-16", "12-29", "01-01", "02-27", "03-03"):
        out += [p + md for p in ("--", "XXXX-", "xxxx-", "")]
    return sorted(set(out))


@pytest.fixture
def sqlite_store(tmp_path):
    st = Store(f"sqlite:///{tmp_path / 'c.db'}")
    yield st
    st.close()


def _kept(st: Store, report: str | None, stored: list[str], vary: bool = False) -> set[str]:
    """The stored dates the filter lets through for a report date (one record per date)."""
    with st.engine.begin() as conn:
        conn.execute(text("DELETE FROM meetings"))
        conn.execute(insert(MeetingRow.__table__), [
            {"id": i + 1, "format": f"f{i}", "start_date": d, "undated": True, "fields": {},
             "link_summary": {"seen": {"start_date": [d]}, "actors": []}, "start_dates_vary": vary,
             "known_by_reference": False}
            for i, d in enumerate(stored)
        ])
        found = candidates.date_filter(report, DATE_WINDOW_DAYS)
        mode, params = found if found else (None, {})
        stmt = candidates.statement(("format",), 0, mode, True)
        kept = set()
        for i, d in enumerate(stored):
            if conn.execute(stmt, {**params, "fmt": f"f{i}"}).first() is not None:
                kept.add(d)
    return kept


def test_date_filter_keeps_every_close_date(sqlite_store):
    stored = _stored_dates()
    dropped_any = 0
    for report in REPORT_DATES:
        kept = _kept(sqlite_store, report, stored)
        close = {d for d in stored if dates_close(report, d)}
        assert close <= kept, (report, sorted(close - kept))
        dropped_any += len(set(stored) - kept)
        if report == "2023-04-12":
            assert {"2022-04-12", "2023-04-16", "2023-05", "2022", "--04-16", "12-31"}.isdisjoint(kept)
            assert {"2023-04-09", "2023-04-15", "2023", "2023-04", "--04-15", "XXXX-04-10", "20230412",
                    "2023-W15", ""} <= kept
        if report == "2023-04":
            assert {"2023-05", "2022", "2023-12"}.isdisjoint(kept) and "--12-29" in kept
    assert dropped_any > 100  # the filter does filter


def test_records_with_several_dates_are_always_kept(sqlite_store):
    stored = ["2019-01-01", "2010", "2023-05"]
    assert _kept(sqlite_store, "2023-04-12", stored, vary=True) == set(stored)
    assert _kept(sqlite_store, "2023-04-12", stored, vary=False) == set()


LOOKUPS = {  # name: (parameters, the index it must read)
    "window": ({"lo": "2023-04-09", "hi": "2023-04-15"}, "ix_meetings_start_date"),
    "undated_recent": ({}, "ix_meetings_undated"),
    "month": ({"prefix": "2023-04"}, "ix_meetings_start_month"),
    "year": ({"prefix": "2023"}, "ix_meetings_start_year"),
    "format_round": ({"fmt": "astana", "round": 5}, "ix_meetings_format_round"),
    "format_round_undated": ({"fmt": "astana", "round": 5}, "ix_meetings_format_round_undated"),
    "city": ({"city": "Astana"}, "ix_meetings_city"),
    "city_undated": ({"city": "Astana"}, "ix_meetings_city_undated"),
    "format": ({"fmt": "astana"}, "ix_meetings_format"),
}


def _plan(st: Store, stmt, params: dict) -> list[str]:
    """SQLite's query plan for a statement as SQLAlchemy sends it."""
    from sqlalchemy import event

    plan: list[str] = []

    def explain(conn, cursor, statement, parameters, context, executemany):
        plan[:] = [r[-1] for r in cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()]
        return statement, parameters

    event.listen(st.engine, "before_cursor_execute", explain, retval=True)
    try:
        with st.engine.connect() as conn:
            conn.execute(stmt, params).all()
    finally:
        event.remove(st.engine, "before_cursor_execute", explain)
    return plan


@pytest.mark.parametrize("name", sorted(LOOKUPS))
def test_lookups_read_an_index_in_id_order(sqlite_store, name):
    params, index = LOOKUPS[name]
    plan = _plan(sqlite_store, candidates.statement((name,), 0, None, True), params)
    assert any(f"USING INDEX {index} " in step or f"USING COVERING INDEX {index} " in step for step in plan), plan
    assert not any(step.startswith("SCAN meetings") for step in plan), plan
    if name != "window":  # the window's few days of records are sorted: bounded by the window
        assert not any("TEMP B-TREE" in step for step in plan), plan


def test_undated_records_of_several_formats_read_one_index_range_each(sqlite_store):
    found = candidates.date_filter("2023-04-12", DATE_WINDOW_DAYS)
    assert found is not None
    plan = _plan(sqlite_store, candidates.statement(("city_undated",), 2, found[0], True),
                 {"named_0": "astana", "named_1": "sochi", "city": "Astana", **found[1]})
    covering = "USING COVERING INDEX ix_meetings_undated_format (undated=? AND format=?)"
    assert sum(covering in step for step in plan) == 2, plan
    assert not any(step.startswith("SCAN meetings") for step in plan), plan


@pytest.mark.parametrize("name", sorted(LOOKUPS))
def test_lookups_with_the_date_and_format_filters_read_the_index_only(sqlite_store, name):
    """What the filters read (start date, whether it varies, format) is in the index
    (migration 0009): a lookup is one index range, with no row seek per entry. The only
    table access left is the final read of the records that pass, by rowid."""
    params, index = LOOKUPS[name]
    found = candidates.date_filter("2023-04-12", DATE_WINDOW_DAYS)
    assert found is not None
    lookup = name + ("_fmt" if name in candidates.FORMAT_FILTERED else "")
    if lookup.endswith("_fmt"):
        params = {**params, **{f"allowed_{i}": f for i, f in enumerate(["astana", "other", "bilateral", ""])}}
    plan = _plan(sqlite_store, candidates.statement((lookup,), 0, found[0], True, 4), {**params, **found[1]})
    assert any(f"USING COVERING INDEX {index} " in step for step in plan), plan
    reads = [step for step in plan if step.startswith("SEARCH meetings") and "COVERING" not in step]
    assert reads == ["SEARCH meetings USING INTEGER PRIMARY KEY (rowid=?)"], plan


def test_linking_is_the_same_without_the_filter_and_the_early_exit(tmp_path, monkeypatch):
    from test_linking import _canonical_tables

    import bayan.store.repository as repository
    from bayan.core import process
    from bayan.pipeline.ingest import InputError, iter_inputs

    generated = generated_corpus(tmp_path / "generated.jsonl", 300, 5)
    docs = [(process(it), it) for it in iter_inputs([generated]) if not isinstance(it, InputError)]
    monkeypatch.setattr(candidates, "LINK_CANDIDATES", 5)
    monkeypatch.setattr(candidates, "UNDATED_RECENT", 5)
    urls = {}
    for plain in (False, True):
        candidates.statement.cache_clear()
        if plain:
            monkeypatch.setattr(candidates, "date_filter", lambda *_: None)
            monkeypatch.setattr(repository, "_could_link", lambda *_: True)
        url = f"sqlite:///{tmp_path / f'{plain}.db'}"
        st = Store(url)
        for doc, item in docs:
            st.add_document(doc, raw_text=item.text, html=item.html)
        with st.session() as s:
            rows = s.execute(text("SELECT start_dates_vary, link_summary FROM meetings")).all()
        st.close()
        urls[plain] = url
        import json
        for vary, summary in rows:
            summary = json.loads(summary)
            assert bool(vary) == (len(summary["seen"].get("start_date", [])) > 1)
    candidates.statement.cache_clear()
    filtered, plain = _canonical_tables(urls[False]), _canonical_tables(urls[True])
    for table in filtered:
        assert filtered[table] == plain[table], table
    assert len(filtered["meetings"]) > 200


def test_no_lookup_is_skipped_for_a_meeting_that_could_link():
    """``_could_link`` is False only when ``Store._compat`` rejects every record."""
    import itertools

    from bayan.store.repository import _could_link

    values = list(itertools.product(
        (True, False), (None, "2023-04-12", "2023-04"), (None, "astana"), (None, 5), (None, "Astana")))
    records = [
        ({f: [v] for f, v in zip(("start_date", "format", "round", "city"), seen, strict=True) if v is not None},
         actors)
        for seen in itertools.product((None, "2023-04-12", "2023-04"), (None, "astana"), (None, 5), (None, "Astana"))
        for actors in (set(), {"RUS"})
    ]
    skipped = 0
    for (primary, sd, fmt, rnd, city), actors in itertools.product(values, (set(), {"RUS"})):
        vals = {"primary": primary, "start_date": sd, "format": fmt, "round": rnd, "city": city, "inferred": []}
        if _could_link(vals, actors):
            continue
        skipped += 1
        assert all(Store._compat(vals, actors, seen, rec) is None for seen, rec in records), vals
    assert skipped >= 20
