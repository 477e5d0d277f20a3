"""The SQL forms of the list filters agree with their Python definitions.

The list endpoints filter and page in SQL (so a 100k-article store is not loaded into
Python per request); these checks pin the SQL date filter to ``_date_ge``/``_date_le``
and the paged lists to the Python order they used to compute.
"""

from __future__ import annotations

import itertools

from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, select

from bayan.web import queries as Q

VALUES = [
    None,
    "",
    "2021",
    "2022",
    "2022-05",
    "2022-05-01",
    "2022-12-31",
    "2023",
    "2022-1",
    "2021-12-31T10:00",
    "20",
    "2022-05-01x",
]
BOUNDS = ["2022", "2022-05", "2022-05-01", "2021-12-31", "2", "2023-01", "2022-05-01T00", "20"]


def test_sql_date_filter_matches_python():
    engine = create_engine("sqlite://")
    md = MetaData()
    t = Table("t", md, Column("id", Integer, primary_key=True), Column("v", String, nullable=True))
    md.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": i, "v": v} for i, v in enumerate(VALUES)])
        for lo, hi in itertools.product([None, *BOUNDS], [None, *BOUNDS]):
            got = set(conn.scalars(select(t.c.id).where(*Q._date_conds(t.c.v, lo, hi))))
            want = {
                i
                for i, v in enumerate(VALUES)
                if (not lo or Q._date_ge(v, lo)) and (not hi or Q._date_le(v, hi))
            }
            assert got == want, (lo, hi)


def test_lists_are_in_python_order(web_store):
    docs = Q.list_documents(web_store, limit=500)["items"]
    assert [d["id"] for d in docs] == [
        d["id"]
        for d in sorted(docs, key=lambda d: (d["published"] is None, d["published"] or "", d["id"]))
    ]
    sts = Q.list_statements(web_store, limit=500)
    assert sts["total"] == len(sts["items"]) and [s["id"] for s in sts["items"]] == [
        s["id"]
        for s in sorted(
            sts["items"],
            key=lambda s: (s["meeting_date"] is None, s["meeting_date"] or "", s["id"]),
        )
    ]
    page = Q.list_statements(web_store, limit=3, offset=2)["items"]
    assert [s["id"] for s in page] == [s["id"] for s in sts["items"][2:5]]
    meetings = Q.list_meetings(web_store, limit=500)["items"]
    assert [m["id"] for m in meetings] == [
        m["id"]
        for m in sorted(
            meetings, key=lambda m: (m["start_date"] is None, m["start_date"] or "", m["id"])
        )
    ]


def test_actor_filter_in_sql_matches_python_sets(web_store):
    with Q._read_session(web_store) as s:
        for actor in ("RUS", "TUR", "IRN", "SYR", "NOPE"):
            docs, meetings = Q._actor_docs_and_meetings(s, actor)
            sel = Q._actor_selects(actor)
            assert sel is not None
            assert set(s.scalars(sel[0])) == docs and set(s.scalars(sel[1])) == meetings, actor
        assert Q._actor_selects('a"b') is None


def test_actor_counts_match_statement_lists(web_store):
    """``list_actors`` counts statement holders and meetings as the rows themselves say."""
    from collections import Counter

    from sqlalchemy import select

    from bayan.store.models import ParticipantRow, StatementRow

    with Q._read_session(web_store) as s:
        statements = s.execute(select(StatementRow.meeting_id, StatementRow.actors)).all()
        participants = s.execute(select(ParticipantRow.actor, ParticipantRow.meeting_id)).all()
    n_st = Counter(a for _, actors in statements for a in actors or [])
    pairs = {(a, mid) for a, mid in participants} | {(a, mid) for mid, actors in statements for a in actors or []
                                                      if mid is not None}
    n_meet = Counter(a for a, _ in pairs)
    items = Q.list_actors(web_store)["items"]
    assert sum(i["n_statements"] for i in items) > 0 and sum(i["n_meetings"] for i in items) > 0
    for item in items:
        assert (item["n_statements"], item["n_meetings"]) == (n_st[item["key"]], n_meet[item["key"]]), item["key"]
