"""Announced future meetings and mechanisms: kind, place, time window, evidence.

A sentence with a follow-up cue ("القمة المقبلة", "سينعقد", "الاتفاق على عقد",
"تشكيل فريق") yields one follow-up; its kind comes from the meeting noun or level
it names, its place from a city in the sentence, its window from the dates in it.
"""

from __future__ import annotations

from bayan.models import FollowUp
from bayan.pipeline.extract.analysis import Analysis
from bayan.pipeline.extract.meetings import MeetingDraft
from bayan.pipeline.extract.parties import Owners

NOUN_KIND = {"summit": "summit", "round": "round"}
LEVEL_KIND = {"heads_of_state": "summit", "foreign_ministers": "ministerial",
              "defence_ministers": "ministerial", "experts": "working_group"}


def extract_followups(an: Analysis, drafts: list[MeetingDraft], owners: Owners) -> None:
    if not drafts:
        return
    done: set[int] = set()
    for cue in an.group("followup"):
        sent_i = an.sentence_index(cue.start)
        if sent_i in done:
            continue
        done.add(sent_i)
        sent = an.sentences[sent_i]
        kind = _kind(an, cue, sent)
        place = None
        for em in an.in_span(an.group("entity"), sent):
            if em.entry.kind == "city" and em.start >= cue.start - 60:
                place = em.entry.key
                break
        dates = [d for d in an.in_span(an.dates, sent) if not d.relative]
        future = [d for d in dates if not an.published or d.date_to >= an.published.isoformat()[: len(d.date_to)]]
        date_from = future[0].date_from if future else None
        date_to = future[0].date_to if future else None
        fmt = next((f.entry.key for f in an.in_span(an.group("format"), sent)), None)
        ev = an.evidence(sent.start, sent.end)
        idx = owners.owner(an, cue.start)
        meeting = drafts[idx].meeting if drafts[idx].meeting.primary else drafts[0].meeting
        meeting.follow_ups.append(FollowUp(kind=kind, text=ev.text, start=ev.start, end=ev.end,
                                           place=place, date_from=date_from, date_to=date_to,
                                           format=fmt))


def _kind(an: Analysis, cue, sent) -> str:
    if cue.entry.key in {"working_group", "mechanism", "summit", "ministerial", "round"}:
        return cue.entry.key
    nouns = [n for n in an.in_span(an.group("meeting_noun"), sent) if n.start >= cue.start - 40]
    for n in nouns:
        if n.entry.key in NOUN_KIND:
            return NOUN_KIND[n.entry.key]
    for lv in an.in_span(an.group("level"), sent):
        if lv.entry.key in LEVEL_KIND:
            return LEVEL_KIND[lv.entry.key]
    return cue.entry.key or "meeting"
