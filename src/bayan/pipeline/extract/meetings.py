"""Find the meetings an article reports or refers to, with format, round, place, date, level.

A *mention* is a meeting noun (اجتماع، جولة، قمة، محادثات …) or a format name, with a
window of text after it up to the next mention or the end of the sentence. Mentions
that carry a distinguishing fact (another explicit date, city, level or format, or a
past marker such as "السابق" / "الذي استضافته") become meetings the article only
refers to; mentions about the future are follow-ups; the rest describe the primary
meeting, whose fields are voted from them — disagreements are kept as conflicts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from bayan.arabic.dates import DateMention
from bayan.arabic.matcher import Match
from bayan.arabic.numbers import NumberMatch
from bayan.models import Evidence, Meeting
from bayan.pipeline.extract.analysis import Analysis
from bayan.pipeline.extract.calendar import complete_from_calendar

WINDOW = 110  # folded characters after a meeting noun that describe it
LEAD_SENTENCES = 3  # title + first paragraph(s) name the primary meeting


@dataclass
class Mention:
    start: int
    end: int
    window_end: int
    sentence: int
    noun: str | None = None  # meeting | round | summit | talks | statement
    format: str | None = None
    format_strength: str = "alias"
    format_at: int = -1  # where the format name that described this mention starts
    round: int | None = None
    round_match: NumberMatch | None = None
    level: str | None = None
    city: str | None = None
    city_inferred: bool = False
    date: DateMention | None = None
    past: bool = False
    future: bool = False
    sideline: bool = False


@dataclass
class MeetingDraft:
    """A meeting being assembled from its mentions, before participants and statements."""

    meeting: Meeting
    mentions: list[Mention] = field(default_factory=list)
    sentences: set[int] = field(default_factory=set)


def find_meetings(an: Analysis) -> list[MeetingDraft]:
    """Group the article's meeting mentions into a primary meeting and referred ones."""
    mentions = _mentions(an)
    if not mentions:
        return []
    current = [m for m in mentions if not m.future]
    if not current:
        return []
    referred = [m for m in current if _is_referred(m)]
    primary_mentions = [m for m in current if not _is_referred(m)]
    drafts: list[MeetingDraft] = []
    if primary_mentions:
        first_draft = _build(an, primary_mentions, primary=True)
        first = first_draft.meeting
        # A mention with its own place, level or format that the majority does not
        # share ("اجتماع وزراء الدفاع في موسكو في 25 أبريل") is another meeting.
        discordant = [m for m in primary_mentions if _discordant(m, first)]
        if discordant and len(discordant) < len(primary_mentions):
            primary_mentions = [m for m in primary_mentions if m not in discordant]
            referred = sorted(referred + discordant, key=lambda m: m.start)
            drafts.append(_build(an, primary_mentions, primary=True))
        else:
            # Same mentions, same vote: _build has no side effects, so the first
            # draft is what a second build would give.
            drafts.append(first_draft)
    primary = drafts[0].meeting if drafts else None
    for m in referred:
        if primary and _same_as(m, primary):
            drafts[0].mentions.append(m)
            continue
        draft = next((d for d in drafts[1:] if _same_as(m, d.meeting)), None)
        if draft:
            draft.mentions.append(m)
            draft.sentences.add(m.sentence)
            _fill(draft.meeting, m, an)
            continue
        draft = _build(an, [m], primary=False)
        # A referred meeting with nothing but a noun is not worth a record; nor is a
        # track named in passing ("دعمهم للجنة الدستورية") with no meeting noun, date or round.
        named_only = not m.noun and not draft.meeting.start_date and draft.meeting.round is None
        if not named_only and any((draft.meeting.format, draft.meeting.city, draft.meeting.start_date,
                                   draft.meeting.level)):
            drafts.append(draft)
    if primary is None and drafts:
        drafts[0].meeting.primary = True
    if primary is not None:
        for draft in drafts[1:]:
            _sideline(an, draft, primary)
    return drafts


def _sideline(an: Analysis, draft: MeetingDraft, primary: Meeting) -> None:
    """"اجتماع مع الوفد السوري في إطار اجتماع أستانا": a bilateral meeting held on the
    sidelines of the primary one, in its city."""
    markers = an.group("sideline_markers")
    if not any(m.start <= s.start <= m.window_end for m in draft.mentions for s in markers):
        return
    if any(m.noun in {"round", "summit"} for m in draft.mentions):
        return
    meeting = draft.meeting
    meeting.format, meeting.format_inferred = "bilateral", False
    meeting.round = None
    if meeting.city is None and primary.city:
        meeting.city, meeting.city_inferred = primary.city, True
        meeting.country = primary.country
        meeting.inferred_from["city"] = "held on the sidelines of the primary meeting"


def _discordant(m: Mention, meeting: Meeting) -> bool:
    if m.city and meeting.city and m.city != meeting.city:
        return True
    if m.level and meeting.level and m.level != meeting.level and m.date is not None:
        return True
    if m.date and m.date.date_from and meeting.start_date and m.date.precision == "day" \
            and not _within(m.date.date_from, meeting.start_date, meeting.end_date):
        return True
    return bool(m.format and meeting.format and m.format != meeting.format
                and m.format_strength == "alias" and (m.city or m.date or m.level))


def _within(day: str, start: str, end: str | None) -> bool:
    return start[:10] <= day[:10] <= (end or start)[:10]


def _weight(an: Analysis, m: Mention) -> int:
    """Title and lead paragraph name the reported meeting: their mentions count double."""
    return 2 if m.sentence < LEAD_SENTENCES else 1


def _mentions(an: Analysis) -> list[Mention]:
    text = an.text
    anchors: list[tuple[int, int, str | None, Match | None]] = []
    for m in an.group("meeting_noun"):
        if m.entry.key == "statement":
            continue
        anchors.append((m.start, m.end, m.entry.key, None))
    format_matches = [m for m in an.group("format") if m.entry.form == "alias"]
    for fm in format_matches:
        if not any(a[0] <= fm.start < a[1] + 3 for a in anchors):
            anchors.append((fm.start, fm.end, None, fm))
    anchors.sort()
    mentions: list[Mention] = []
    for i, (start, end, noun, _fm) in enumerate(anchors):
        sent_i = an.sentence_index(start)
        sent = an.sentences[sent_i] if an.sentences else None
        limit = sent.end if sent else len(text)
        next_start = anchors[i + 1][0] if i + 1 < len(anchors) else len(text)
        # The window stops at the next meeting noun, unless that noun merely
        # continues this one ("جولة محادثات أستانا").
        if next_start - end <= 2 or (i + 1 < len(anchors) and anchors[i + 1][3] is not None):
            following = [a[0] for a in anchors[i + 2:]] or [len(text)]
            next_start = following[0]
        window_end = min(limit, end + WINDOW, max(next_start, end))
        mention = Mention(start, end, window_end, sent_i, noun)
        _describe(an, mention, sent)
        mentions.append(mention)
    return [m for m in mentions if m.noun or m.format]


def _describe(an: Analysis, m: Mention, sent) -> None:
    lo, hi = m.start, m.window_end
    before_lo = max(sent.start if sent else 0, m.start - 25)
    # Each lookup below reads only the matches that start in its window (bisection).
    for fm in an.between(an.group("format"), min(before_lo, lo), hi):
        if lo <= fm.start < hi or (before_lo <= fm.start < lo and fm.entry.form == "alias"):
            if m.format is None or (m.format_strength == "cue" and fm.entry.form == "alias"):
                m.format = fm.entry.key
                m.format_strength = fm.entry.form
                m.format_at = fm.start
    m.round_match = _round_after(an, m)
    m.round = m.round_match.value if m.round_match else None
    for lv in an.between(an.group("level"), before_lo, hi):
        m.level = lv.entry.key
        break
    m.city, m.city_inferred = _city_in(an, lo, hi)
    dates = an.between(an.dates, lo, hi)
    if dates:
        m.date = dates[0]
    for pm in an.between(an.group("past_markers"), m.start - 30, max(m.start, m.end + 16)):
        # "الاجتماع السابق" / "استكمالاً للاجتماع": right after or just before the noun.
        if m.end <= pm.start <= m.end + 15 or (m.start - 30 <= pm.start < m.start):
            m.past = True
    for fu in an.between(an.group("followup"), m.start - 40, min(hi, m.end + 40)):
        if m.start - 40 <= fu.start < min(hi, m.end + 40):
            m.future = True
    if m.date and an.published and m.date.date_from and m.date.date_from[:4].isdigit():
        if m.date.date_from > an.published.isoformat() and not m.date.relative:
            m.future = True
    for sm in an.between(an.group("sideline_markers"), m.start - 20, m.start):
        if m.start - 20 <= sm.start < m.start:
            m.sideline = True


def _round_after(an: Analysis, m: Mention) -> NumberMatch | None:
    """An ordinal or number right after the noun or format name: الجولة الـ22، أستانا 20."""
    for num in an.between(an.numbers, m.end, m.end + 41):
        gap = an.text[m.end:num.start].split()
        # Allow one or two adjectives between noun and ordinal ("الاجتماع الدولي السابع عشر"),
        # or a format name ("الجولة الـ22 من محادثات").
        if len(gap) <= 2 and all(not ch.isdigit() for w in gap for ch in w):
            if num.kind == "digits" and not (1 <= num.value <= 200):
                continue
            if num.kind == "digits" and _quantity(an, num, gap):
                continue
            if num.kind == "cardinal" and len(gap) > 0:
                continue
            if num.kind == "ordinal" and _superlative(an, num.end):
                continue
            return num
    return None


_TIME_PREPOSITIONS = frozenset({"بعد", "قبل", "منذ", "خلال", "نحو", "حوالي", "قرابه"})


def _quantity(an: Analysis, num: NumberMatch, gap: list[str]) -> bool:
    """"المؤتمر بعد 6 أيام": a count of days, states or delegates is not a round number."""
    if any(w in _TIME_PREPOSITIONS for w in gap):
        return True
    nouns = an.lex.words.get("count_nouns", frozenset())
    following = an.words_after(num.end, 1)
    return bool(following) and following[0].strip("،,.") in nouns


def _superlative(an: Analysis, pos: int) -> bool:
    """"الأولى التي تعقد حضورياً منذ 2019": first-since, not round one."""
    markers = an.lex.words.get("superlative_markers", frozenset())
    return any(w.strip("،,.") in markers for w in an.words_after(pos, 6))


def _dateline(an: Analysis, d: DateMention) -> bool:
    """A date standing alone on its line ("2022/07/20 - 09:15") dates the article, not the meeting.

    Remembered per date span: the primary meeting is voted twice over the same dates.
    """
    memo: dict[tuple[int, int], bool] = an.memo.setdefault("dateline", {})  # type: ignore[assignment]
    key = (d.start, d.end)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _is_dateline(an, d)
    return found


def _is_dateline(an: Analysis, d: DateMention) -> bool:
    # Look at most 300 characters each way: a line longer than that is not a dateline,
    # and scanning whole lines per date is quadratic on a one-line body.
    lo, hi = max(0, d.start - 300), min(len(an.text), d.end + 300)
    line_start = an.text.rfind("\n", lo, d.start) + 1 or lo
    line_end = an.text.find("\n", d.end, hi)
    rest = an.text[line_start:d.start] + " " + an.text[d.end:line_end if line_end >= 0 else hi]
    return not _has_words(rest, 3)


_ARABIC_WORD = re.compile(r"[\u0621-\u064A]{2,}")


def _has_words(text: str, n: int, start: int = 0, end: int | None = None) -> bool:
    """Whether ``text[start:end]`` holds at least ``n`` Arabic words: ``findall``'s count,
    stopping at the ``n``-th (most lines and sentences have far more)."""
    found = _ARABIC_WORD.finditer(text, start, len(text) if end is None else end)
    return sum(1 for _ in islice(found, n)) >= n


def _city_in(an: Analysis, lo: int, hi: int, after_host: bool = False) -> tuple[str | None, bool]:
    """A city named as the place of the meeting inside ``[lo, hi)``."""
    text = an.text
    capital_nouns = an.lex.words.get("capital_nouns", frozenset())
    for em in an.between(an.group("entity"), lo, hi):
        prev = an.words_before(em.start, 1)
        prev_word = prev[-1] if prev else ""
        if em.entry.kind == "city":
            locative = em.prefix > 0 and text[em.start:em.body_start].endswith("ب")
            if locative or after_host or prev_word in {"في", "الى", "من"} or prev_word in capital_nouns:
                return em.entry.key, False
            if _after_capital_descriptor(an, em.start):
                return em.entry.key, False
        elif em.entry.kind == "actor" and prev_word in capital_nouns:
            # "العاصمة الكازاخستانية" / "عاصمة كازاخستان": the capital, inferred.
            capital = (em.entry.data or {}).get("capital")
            if capital and not _named_city_follows(an, em.end):
                return capital, True
    return None, False


def _city_in_lead(an: Analysis, draft: MeetingDraft) -> tuple[str, bool] | None:
    """The place named in a sentence that reports the primary meeting, before its noun:
    "استضافت العاصمة الكازاخستانية، أمس واليوم، الجولة العشرين"."""
    lead = [i for i in sorted(draft.sentences) if i < LEAD_SENTENCES + 2]
    for h in an.group("host_verbs"):
        # "استضافت العاصمة الكازاخستانية": the place right after a hosting verb.
        if an.sentence_index(h.start) in lead:
            city, inferred = _city_in(an, h.end, min(h.end + 40, len(an.text)), after_host=True)
            if city:
                return city, inferred
    for idx in lead:
        sent = an.sentences[idx]
        city, inferred = _city_in(an, sent.start, sent.end)
        if city:
            return city, inferred
    return None


def _after_capital_descriptor(an: Analysis, pos: int) -> bool:
    words = an.words_before(pos, 2)
    return len(words) == 2 and words[0] in an.lex.words.get("capital_nouns", frozenset())


def _named_city_follows(an: Analysis, pos: int) -> bool:
    return any(em.entry.kind == "city" for em in an.between(an.group("entity"), pos, pos + 3))


def _is_referred(m: Mention) -> bool:
    return m.past and not m.sideline


def _same_as(m: Mention, meeting: Meeting) -> bool:
    """Whether a referred mention adds nothing that contradicts ``meeting``."""
    if m.format and meeting.format and m.format != meeting.format:
        return False
    if m.level and meeting.level and m.level != meeting.level:
        return False
    if m.city and meeting.city and m.city != meeting.city:
        return False
    if m.date and m.date.date_from and meeting.start_date \
            and not m.date.date_from.startswith(meeting.start_date[:7]):
        return False
    return bool(m.format or m.level or m.city or m.date) and not (
        meeting.primary and m.past
    )


def _build(an: Analysis, mentions: list[Mention], primary: bool) -> MeetingDraft:
    meeting = Meeting(primary=primary)
    draft = MeetingDraft(meeting, list(mentions), {m.sentence for m in mentions})
    if primary:
        _vote_primary(an, draft)
    else:
        for m in mentions:
            _fill(meeting, m, an)
    return draft


def _fill(meeting: Meeting, m: Mention, an: Analysis) -> None:
    if meeting.format is None and m.format:
        meeting.format = m.format
    if meeting.round is None and m.round:
        meeting.round = m.round
    if meeting.level is None and m.level:
        meeting.level = m.level
    if meeting.city is None and m.city:
        meeting.city, meeting.city_inferred = m.city, m.city_inferred
    if meeting.start_date is None and m.date:
        meeting.start_date, meeting.end_date = m.date.date_from, m.date.date_to
        meeting.dates_inferred = m.date.inferred
    if meeting.format is None:
        # A sentence-level format name covers meetings listed in that sentence.
        sent = an.sentences[m.sentence]
        names = [f.entry.key for f in an.in_span(an.group("format"), sent)]
        if names:
            meeting.format = names[0]
            meeting.format_inferred = True
    meeting.evidence.append(an.evidence(m.start, m.window_end))
    _set_country(meeting, an)


def _set_country(meeting: Meeting, an: Analysis) -> None:
    if meeting.city and not meeting.country:
        row = an.lex.cities.get(meeting.city)
        meeting.country = row.get("country") if row else None


def _vote_primary(an: Analysis, draft: MeetingDraft) -> None:
    meeting = draft.meeting
    mentions = draft.mentions
    formats: Counter = Counter()
    voted: set[int] = set()
    for m in mentions:
        # one format name read by two mentions (the noun before it and the name itself) votes once
        if m.format and m.format_at not in voted:
            voted.add(m.format_at)
            formats[m.format] += _weight(an, m) * (2 if m.format_strength == "alias" else 1)
    # The title and lead name the track even without a meeting noun
    # ("وزراء خارجية دول منظمة معاهدة الأمن الجماعي يدعون …").
    lead_end = _lead_end(an)
    for fm in an.group("format"):
        if fm.start < lead_end:
            formats[fm.entry.key] += 2
    if not formats:
        # Format names anywhere outside referred/future windows still speak for it.
        formats = Counter(f.entry.key for f in an.group("format") if f.entry.form == "alias")
        meeting.format_inferred = bool(formats)
    if formats:
        meeting.format = formats.most_common(1)[0][0]
    rounds = Counter(m.round for m in mentions if m.round and (not m.format or m.format == meeting.format))
    if rounds:
        meeting.round = _vote(meeting, "round", rounds, mentions, an, lambda m: m.round,
                              lambda m: m.round_match)
    levels = Counter(m.level for m in mentions if m.level)
    if levels:
        meeting.level = levels.most_common(1)[0][0]
    cities: Counter = Counter()
    for m in mentions:
        # "استئناف اللجنة الدستورية اجتماعاتها في جنيف" inside an Astana report is another track
        if m.city and (not m.format or m.format == meeting.format):
            cities[m.city] += _weight(an, m)
    if not cities:
        fallback = _city_in_lead(an, draft)
        if fallback:
            meeting.city, meeting.city_inferred = fallback
    if cities:
        meeting.city = _vote(meeting, "city", cities, mentions, an, lambda m: m.city, None)
        meeting.city_inferred = all(m.city_inferred for m in mentions if m.city == meeting.city)
    candidates = [m.date for m in mentions if m.date and m.date.date_from
                  and _plausible_meeting_date(m.date, an) and not _dateline(an, m.date)]
    # The lead paragraph dates the reported meeting even away from its noun.
    lead_end = _lead_end(an, skip_header=True)
    candidates += [d for d in an.dates if d.start < lead_end and d.date_from
                   and d.precision == "day" and _plausible_meeting_date(d, an)
                   and not _dateline(an, d) and d not in candidates]
    # "عام 2017" near the noun is context, not the day of the meeting; of several
    # days, the one nearest the publication date is the reported meeting's.
    days = [d for d in candidates if d.precision == "day"]
    chosen = min(days, key=lambda d: _distance_to_publication(d, an)) if days else None
    if chosen is None:
        chosen = _lead_relative_date(an, draft)
    if chosen:
        meeting.start_date, meeting.end_date = chosen.date_from, chosen.date_to
        meeting.dates_inferred = chosen.inferred
    for m in mentions[:5]:
        meeting.evidence.append(an.evidence(m.start, m.window_end))
    complete_from_calendar(meeting)
    _default_level(meeting, an)
    _set_country(meeting, an)


def _default_level(meeting: Meeting, an: Analysis) -> None:
    """A format held at one level (Astana: envoys) gives it when the text does not."""
    if meeting.level or not meeting.format:
        return
    level = (an.lex.formats.get(meeting.format) or {}).get("default_level")
    if level:
        meeting.level = level
        meeting.inferred_from["level"] = f"usual level of the {meeting.format} format (formats.yaml)"


REPORT_WINDOW_DAYS = 21  # an article reports a meeting held at most this long before it


def _lead_end(an: Analysis, *, skip_header: bool = False) -> int:
    """Folded offset where the title and lead paragraph end.

    With ``skip_header``, short header lines (dateline, agency, time) do not count
    as lead sentences, so the lead's first real paragraph is always inside.
    """
    key = f"lead_end:{skip_header}"  # the same for every call on one article
    cached = an.memo.get(key)
    if cached is None:
        cached = an.memo[key] = _find_lead_end(an, skip_header)
    return cached  # type: ignore[return-value]


def _find_lead_end(an: Analysis, skip_header: bool) -> int:
    counted = 0
    for sent in an.sentences:
        if not skip_header or _has_words(an.text, 4, sent.start, sent.end):
            counted += 1
        if counted == LEAD_SENTENCES:
            return sent.end
    return an.sentences[-1].end if an.sentences else 0


def _days_before_publication(day: str | None, an: Analysis) -> int | None:
    """Days from ``day`` (ISO, day precision) to publication; None when either is unknown."""
    if an.published is None or not day or len(day) < 10:
        return None
    try:
        return (an.published - date.fromisoformat(day[:10])).days
    except ValueError:
        return None


def _plausible_meeting_date(d: DateMention, an: Analysis) -> bool:
    """A date that can be the reported meeting's: not far from the publication date."""
    delta = _days_before_publication(d.date_from, an)
    return delta is None or -3 <= delta <= REPORT_WINDOW_DAYS


def _distance_to_publication(d: DateMention, an: Analysis) -> int:
    delta = _days_before_publication(d.date_to or d.date_from, an)
    return abs(delta) if delta is not None else 0


def _lead_relative_date(an: Analysis, draft: MeetingDraft) -> DateMention | None:
    """"أمس واليوم" in a sentence that reports the primary meeting."""
    for d in an.dates:
        if an.sentence_index(d.start) in draft.sentences and d.relative:
            return d
    return None


def _vote(meeting: Meeting, field_name: str, counts: Counter, mentions: list[Mention],
          an: Analysis, value_of, match_of) -> object:
    """Majority value; minority values are recorded as conflicts with their evidence."""
    ranked = counts.most_common()
    best = ranked[0][0]
    # Ties go to the earliest mention (title and lead paragraph come first).
    top = [v for v, c in ranked if c == ranked[0][1]]
    if len(top) > 1:
        best = next(value_of(m) for m in mentions if value_of(m) in top)
    for value, count in ranked:
        if value == best:
            continue
        where = [m for m in mentions if value_of(m) == value]
        ev: Evidence = an.evidence(where[0].start, where[0].window_end)
        meeting.conflicts.append({
            "field": field_name, "value": value, "count": count,
            "chosen": best, "chosen_count": counts[best],
            "text": ev.text, "start": ev.start, "end": ev.end,
        })
    return best
