"""Announced future meetings and mechanisms: kind, place, time window, evidence.

A sentence with a follow-up cue ("القمة المقبلة", "سينعقد", "الاتفاق على عقد",
"تشكيل فريق") yields one follow-up; its kind comes from the meeting noun or level
it names (or the committee that holds it), its place from a city in the sentence,
its window from the dates in it. Talks that are to go on ("اتفق الطرفان على مواصلة
التفاوض") continue the reported meeting, at its place. Background told in the
pluperfect ("وكان القادة أعلنوا ...") announces nothing new.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bayan.arabic.normalise import normalise
from bayan.models import FollowUp
from bayan.pipeline.extract.analysis import Analysis
from bayan.pipeline.extract.meetings import MeetingDraft
from bayan.pipeline.extract.parties import Owners

PLACE_REACH = 110  # folded characters after the cue where its place is named
NOUN_KIND = {"summit": "summit", "round": "round"}
KINDS = frozenset({"summit", "ministerial", "round", "meeting", "working_group", "mechanism"})
LEVEL_KIND = {"heads_of_state": "summit", "foreign_ministers": "ministerial",
              "defence_ministers": "ministerial"}
# A committee or team that holds the announced meeting makes it a working group:
# "أعلن أن اللجنة العسكرية المشتركة ستعقد أول اجتماعاتها في جنيف".
BODY_NOUNS = frozenset(normalise(w) for w in (
    "لجنة", "اللجنة", "لجنه", "فريق", "الفريق", "مجموعة", "المجموعة"))


def _at_word_start(*literals: str) -> str:
    r"""``(?<!\w)(?:a|b)``, written with each literal first and the look-behind after
    it (testing the same character before the literal). A pattern that starts with a
    literal lets the regex engine jump to where it occurs; one that starts with a
    look-behind is tried at every position of the article."""
    return "(?:" + "|".join(f"{re.escape(w)}(?<!\\w{re.escape(w)})" for w in literals) + ")"


# Reported speech and agreements that also carry statements: phrases matched here
# rather than in cues/followups.tsv, whose cues mark the whole sentence as future
# (statements and parties skip such sentences).
QUIET_CUES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(normalise(p) + r"(?!\w)"), kind) for p, kind in (
        # the dual of a body: "تشكيل فريقي عمل سياسيين وأمنيين مشتركين"
        (_at_word_start("تشكيل ") + r"(?:فريقي|فريقا|لجنتي|لجنتا|مجموعتي|مجموعتا)", "working_group"),
        # the meeting tasks a group: "وكلفت القمة وزراء خارجية ... ببدء تحرك دولي"
        (_at_word_start("وكلف", "كلف") + r"ت? (?:القمة|القادة|الوزراء|المجلس|المؤتمر|الاجتماع)",
         "working_group"),
        # a monitoring mechanism: "يرافقه آلية مراقبة بدعم سعودي أمريكي"
        (_at_word_start("آلية ") + r"(?:مراقبة|رقابة|لمراقبة)", "mechanism"),
        # the same talks go on: "اتفق الطرفان على مواصلة التفاوض", "التزامهم بمواصلة المفاوضات"
        (_at_word_start("على ", "ب") + r"(?:مواصلة|استئناف) (?:التفاوض|المفاوضات|المحادثات)",
         "continue"),
    ))


# Text that every match of the QUIET_CUES pattern at the same index contains: an
# article without it skips that regex (most articles have none of these phrases).
QUIET_NEEDS: tuple[tuple[str, ...], ...] = tuple(
    tuple(normalise(w) for w in words)
    for words in (("تشكيل ",), ("كلف",), ("آلية ",), ("مواصلة ", "استئناف "))
)


@dataclass(frozen=True, slots=True)
class _Cue:
    start: int
    end: int
    key: str  # a follow-up kind, "when" (a future time) or "continue" (the same talks go on)


def _cues(an: Analysis) -> list[_Cue]:
    """Lexicon cues and quiet cues, in text order. Two cues that touch are one
    announcement: the later names the body ("اتفقوا على تشكيل" + "لجنة متابعة"), unless
    it is only a time or a verb ("القمة المقبلة" + "ستعقد", "ستعقد" + "الأسبوع المقبل")."""
    cues = [_Cue(c.start, c.end, c.entry.key) for c in an.group("followup")]
    text = an.text
    for (pattern, kind), needs in zip(QUIET_CUES, QUIET_NEEDS, strict=True):
        if not any(w in text for w in needs):
            continue
        cues.extend(_Cue(m.start(), m.end(), kind) for m in pattern.finditer(an.text))
    cues.sort(key=lambda c: (c.start, -c.end))
    kept: list[_Cue] = []
    for c in cues:
        if kept and c.start < kept[-1].end:
            continue  # overlaps a longer cue already kept
        if kept and c.start - kept[-1].end <= 1 and an.sentence_index(c.start) == an.sentence_index(kept[-1].start):
            key = kept[-1].key if c.key in {"when", "meeting"} else c.key
            kept[-1] = _Cue(kept[-1].start, c.end, key)
            continue
        kept.append(c)
    return kept


def extract_followups(an: Analysis, drafts: list[MeetingDraft], owners: Owners) -> None:
    if not drafts:
        return
    done: set[tuple[int, str]] = set()
    format_spans = [(f.start, f.end) for f in an.group("format")]
    nouns = [n for n in an.group("meeting_noun") if n.entry.key != "statement"]
    cues = _cues(an)
    announced = {an.sentence_index(c.start) for c in cues if c.key != "when"}
    for cue in cues:
        sent_i = an.sentence_index(cue.start)
        sent = an.sentences[sent_i]
        if cue.key == "when" and (sent_i in announced or not (
                an.in_span(nouns, sent) or an.in_span(an.group("format"), sent))):
            # "الشهر المقبل" alone announces no meeting ("وفق البيان" names none), and
            # next to "على عقد الجولة العشرين" it only dates that announcement
            continue
        if _background(an, sent):
            continue
        idx = owners.owner(an, cue.start)
        meeting = drafts[idx].meeting if drafts[idx].meeting.primary else drafts[0].meeting
        if cue.key == "continue":
            # the same talks go on: the next session of the meeting reported, where it is held
            primary = drafts[0].meeting
            kind, place = ("round" if primary.round else "meeting"), primary.city
        else:
            kind = _kind(an, cue, sent)
            place = _place(an, cue, sent, format_spans)
        if (sent_i, kind) in done:
            continue
        done.add((sent_i, kind))
        # a relative date counts when it points ahead ("يوم الاثنين المقبل")
        dates = [d for d in an.in_span(an.dates, sent)
                 if not d.relative or (an.published and d.date_from and d.date_from[:10] > an.published.isoformat())]
        future = [d for d in dates if d.date_to and (
            not an.published or d.date_to >= an.published.isoformat()[: len(d.date_to)])]
        date_from = future[0].date_from if future else None
        date_to = future[0].date_to if future else None
        fmt = next((f.entry.key for f in an.in_span(an.group("format"), sent)), None)
        ev = an.evidence(sent.start, sent.end)
        twin = next((f for f in meeting.follow_ups if f.kind == kind
                     and (f.place == place or not f.place or not place)
                     and (f.date_from == date_from or not date_from or not f.date_from)), None)
        if twin is not None:
            # The same announcement repeated later in the article (the committee formed,
            # then its first meeting placed): keep one, with what each mention adds.
            twin.place = twin.place or place
            twin.date_from = twin.date_from or date_from
            twin.date_to = twin.date_to or date_to
            continue
        meeting.follow_ups.append(FollowUp(kind=kind, text=ev.text, start=ev.start, end=ev.end,
                                           place=place, date_from=date_from, date_to=date_to,
                                           format=fmt, round=_round(an, cue, sent, meeting.round)))


def _background(an: Analysis, sent) -> bool:
    """"وكان رؤساء الدول الثلاث أعلنوا في قمة أنقرة ...": background told in the pluperfect."""
    first = an.text[sent.start:sent.end].split()[:1]
    return bool(first) and first[0] in {"وكان", "كان", "وكانت", "كانت"}


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
        # "... اعتبارا من يوم غد الثلاثاء في فيينا.": a locative city closing the sentence
        for em in an.in_span(an.group("entity"), sent):
            if em.entry.kind == "city" and em.start > cue.end and not an.text[em.end:sent.end].strip(" .،\n") \
                    and an.words_before(em.start, 1)[-1:] == ["في"]:
                return em.entry.key
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
    if cue.key in {"working_group", "mechanism", "summit", "ministerial", "round"}:
        return cue.key
    if _body_holds(an, cue, sent):
        return "working_group"
    nouns = [n for n in an.in_span(an.group("meeting_noun"), sent)
             if n.start >= cue.start - 40 and n.entry.key != "statement"]
    # "على عقد الجولة العشرين": the masdar governs the noun after it, not the one before
    governs = an.text[cue.start:cue.end].split()[-1:] == ["عقد"]
    nouns.sort(key=lambda n: (governs and n.end <= cue.start,
                              min(abs(n.start - cue.end), abs(cue.start - n.end))))
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
    return cue.key if cue.key in KINDS else "meeting"


def _body_holds(an: Analysis, cue: _Cue, sent) -> bool:
    """"أن اللجنة العسكرية المشتركة ... ستعقد": a committee is the subject of the
    announced meeting (named between the complementiser "أن" and the cue)."""
    head = an.text[sent.start:cue.start]
    cut = max(head.rfind(" ان "), head.rfind(" بان "))
    if cut < 0:
        return False
    words = head[cut:].split()[1:]
    return bool(words) and any(w in BODY_NOUNS for w in words[:2])
