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

PLACE_REACH = 110  # folded characters after the cue where its place is named
NOUN_KIND = {"summit": "summit", "round": "round"}
KINDS = frozenset({"summit", "ministerial", "round", "meeting", "working_group", "mechanism"})
LEVEL_KIND = {"heads_of_state": "summit", "foreign_ministers": "ministerial",
              "defence_ministers": "ministerial", "experts": "working_group"}


def extract_followups(an: Analysis, drafts: list[MeetingDraft], owners: Owners) -> None:
    if not drafts:
        return
    done: set[tuple[int, str]] = set()
    format_spans = [(f.start, f.end) for f in an.group("format")]
    for cue in an.group("followup"):
        sent_i = an.sentence_index(cue.start)
        sent = an.sentences[sent_i]
        if cue.entry.key == "when" and not (an.in_span(an.group("meeting_noun"), sent)
                                            or an.in_span(an.group("format"), sent)):
            continue  # "الشهر المقبل" alone announces no meeting
        kind = _kind(an, cue, sent)
        if (sent_i, kind) in done:
            continue
        done.add((sent_i, kind))
        place = _place(an, cue, sent, format_spans)
        # a relative date counts when it points ahead ("يوم الاثنين المقبل")
        dates = [d for d in an.in_span(an.dates, sent)
                 if not d.relative or (an.published and d.date_from and d.date_from[:10] > an.published.isoformat())]
        future = [d for d in dates if d.date_to and (
            not an.published or d.date_to >= an.published.isoformat()[: len(d.date_to)])]
        date_from = future[0].date_from if future else None
        date_to = future[0].date_to if future else None
        fmt = next((f.entry.key for f in an.in_span(an.group("format"), sent)), None)
        ev = an.evidence(sent.start, sent.end)
        idx = owners.owner(an, cue.start)
        meeting = drafts[idx].meeting if drafts[idx].meeting.primary else drafts[0].meeting
        twin = next((f for f in meeting.follow_ups if f.kind == kind and f.place == place
                     and (f.date_from == date_from or not date_from or not f.date_from)), None)
        if twin is not None:
            # The same announcement repeated later in the article: keep one, with dates.
            twin.date_from = twin.date_from or date_from
            twin.date_to = twin.date_to or date_to
            continue
        meeting.follow_ups.append(FollowUp(kind=kind, text=ev.text, start=ev.start, end=ev.end,
                                           place=place, date_from=date_from, date_to=date_to,
                                           format=fmt, round=_round(an, cue, sent, meeting.round)))


def _round(an: Analysis, cue, sent, reported: int | None) -> int | None:
    """"الاتفاق على عقد الجولة العشرين": the number of the announced round, when stated.

    The round being reported ("في ختام الجولة العشرين ... اتفقوا على") is not the one announced.
    """
    from bayan.pipeline.extract.meetings import Mention, _round_after

    for noun in an.in_span(an.group("meeting_noun"), sent):
        if noun.start < cue.start - 40 or noun.entry.key not in {"round", "meeting", "summit", "talks"}:
            continue
        found = _round_after(an, Mention(noun.start, noun.end, sent.end, 0, noun.entry.key))
        if found is not None and found.kind != "cardinal" and found.value != reported:
            return found.value
    return None


def _place(an: Analysis, cue, sent, format_spans: list[tuple[int, int]]) -> str | None:
    """The city the follow-up is to be held in: a locative city after the cue
    ("بطهران", "في جنيف"); a city inside a format name ("صيغة أستانا") is not a place."""
    best = None
    for em in an.in_span(an.group("entity"), sent):
        if em.entry.kind != "city" or em.start < cue.start or em.start > cue.end + PLACE_REACH:
            continue
        if any(a <= em.start < b for a, b in format_spans):
            continue
        prev = an.words_before(em.start, 1)
        locative = (em.prefix > 0 and an.text[em.start:em.body_start].endswith("ب")) or (
            bool(prev) and prev[-1] in {"في", "بمدينه", "بالعاصمه"})
        if locative:
            return em.entry.key
        best = best or em.entry.key
    if best is None:
        # "في مملكة البحرين": the text names a country, not a city; keep the country
        for em in an.in_span(an.group("entity"), sent):
            if em.entry.kind == "actor" and em.entry.form in {"name", "alias"} \
                    and (an.lex.actors.get(em.entry.key) or {}).get("type") == "state" \
                    and cue.start <= em.start <= cue.end + PLACE_REACH:
                prev = an.words_before(em.start, 2)
                if prev and (prev[-1] == "في" or (len(prev) == 2 and prev[0] == "في")):
                    return em.entry.key
    return best


def _kind(an: Analysis, cue, sent) -> str:
    """Kind from the cue itself, else from the meeting noun nearest to it (and the
    level that qualifies that noun: "اجتماع وزراء الخارجية" is ministerial)."""
    if cue.entry.key in {"working_group", "mechanism", "summit", "ministerial", "round"}:
        return cue.entry.key
    nouns = [n for n in an.in_span(an.group("meeting_noun"), sent) if n.start >= cue.start - 40]
    nouns.sort(key=lambda n: min(abs(n.start - cue.end), abs(cue.start - n.end)))
    levels = an.in_span(an.group("level"), sent)
    if any(n.entry.key == "summit" and n.start - nouns[0].end <= 40 for n in nouns[:2]):
        return "summit"  # "عقد الدورة العادية الثالثة والثلاثين للقمة"
    for n in nouns[:1]:
        if n.entry.key in NOUN_KIND:
            return NOUN_KIND[n.entry.key]
        for lv in levels:
            if n.end <= lv.start <= n.end + 3 and lv.entry.key in LEVEL_KIND:
                return LEVEL_KIND[lv.entry.key]
    if not nouns:
        for lv in levels:
            if lv.entry.key in LEVEL_KIND:
                return LEVEL_KIND[lv.entry.key]
    return cue.entry.key if cue.entry.key in KINDS else "meeting"
