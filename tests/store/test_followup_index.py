"""Follow-up fulfilment read from date-ordered lists (``_HeldMeetings``) gives, for every
announcement, the meeting that comparing it with every meeting gives (the rule as first
written, kept here as the oracle), on the dev samples plus generated articles."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from store_docs import generated_corpus

from bayan.store import Store
from bayan.store.models import DocumentRow, FollowUpRow, MeetingRow
from bayan.store.repository import FOLLOWUP_REACH_DAYS, LINKABLE_FOLLOWUPS, _same, _shift

REPO = Path(__file__).resolve().parents[2]


def _oracle(fu, parent, meetings, published):
    """Every meeting of the format (or every meeting) tested in (start date, id) order."""
    if fu.kind not in LINKABLE_FOLLOWUPS:
        return None
    fmt = fu.format or (parent.format if parent else None)
    after = (parent.start_date if parent and parent.start_date else None) or published
    lo, hi = fu.date_from, fu.date_to or fu.date_from

    def plausible(m):
        if m.id == fu.meeting_id or (fmt and m.format != fmt):
            return False
        if fu.kind == "summit" and m.level and m.level != "heads_of_state":
            return False
        if fu.place and not ((m.city and _same(m.city, fu.place)) or (m.country and _same(m.country, fu.place))):
            return False
        if fu.round is not None and m.round is not None and m.round != fu.round:
            return False
        start = m.start_date or ""
        return not after or start[:10] > after[:10] or (bool(lo) and start[: len(lo)] >= lo)

    pool = [m for m in meetings if m.format == fmt] if fmt else meetings
    later = [m for m in pool if plausible(m)]
    if fu.round is not None:
        return next((m for m in later if m.round == fu.round), None)
    if lo and hi:
        inside = [m for m in later if lo <= m.start_date[: len(lo)] and m.start_date[: len(hi)] <= hi]
        if inside:
            return inside[0]
        return next((m for m in later if m.start_date[: len(hi)] > hi), None) if fu.place else None
    if not fmt and not fu.place:
        return None
    reach = _shift(after, FOLLOWUP_REACH_DAYS) if after else None
    return next((m for m in later if reach is None or m.start_date[:10] <= reach), None)


def test_indexed_fulfilment_equals_the_full_comparison(tmp_path):
    from bayan.core import process
    from bayan.pipeline.ingest import InputError, iter_inputs

    store = Store(f"sqlite:///{tmp_path / 'fu.db'}")
    inputs = [REPO / "samples" / "dev", generated_corpus(tmp_path / "gen.jsonl", 400, 3)]
    store.add_documents([(process(it), it.text, it.html) for it in iter_inputs(inputs)
                         if not isinstance(it, InputError)])
    store.refresh_followups()
    with store.session() as s:
        meetings = sorted((m for m in s.scalars(select(MeetingRow)) if m.start_date and m.start_date[:4].isdigit()),
                          key=lambda x: (x.start_date or "", x.id))
        by_id = {m.id: m for m in meetings}
        published = dict(s.execute(select(DocumentRow.id, DocumentRow.published)).all())
        fus = list(s.scalars(select(FollowUpRow).order_by(FollowUpRow.id)))
        expected = {}
        for fu in fus:
            match = _oracle(fu, by_id.get(fu.meeting_id or -1), meetings, published.get(fu.document_id))
            expected[fu.id] = match.id if match is not None else None
        got = {fu.id: fu.fulfilled_by if fu.status == "fulfilled" else None for fu in fus}
    store.close()
    assert len(fus) >= 100
    fulfilled = sum(v is not None for v in expected.values())
    assert fulfilled >= 10, fulfilled  # the corpus exercises the matching, not only "pending"
    assert got == expected
