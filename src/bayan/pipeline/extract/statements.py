"""Positions taken at a meeting: actors × act × topic, with the evidence clause.

An act cue (أكد، دعا، رفض، أدان، رحب، اتفق، التزم، أعرب عن قلقه …) opens a scope
that runs to the next act cue or the end of the sentence; topic cues inside the
scope give the topics. The holder is read next to the cue: a joint subject
("البيان", "المجتمعون", a passive "جرى التأكيد") means every signatory; a named
official means the actor he speaks for; a coordinated list of states means those.
"""

from __future__ import annotations

import re

from bayan.arabic.matcher import Match
from bayan.models import Meeting, Statement
from bayan.pipeline.extract.analysis import ActorMention, Analysis
from bayan.pipeline.extract.meetings import MeetingDraft
from bayan.pipeline.extract.parties import Owners, groups, valid_actors

SIGNATORY_ROLES = ("guarantor", "member", "host", "participant")
MIN_TOPIC_SCORE = 2  # a weight-1 cue alone is too weak to claim a topic


def extract_statements(an: Analysis, drafts: list[MeetingDraft], owners: Owners) -> None:
    if not drafts:
        return
    acts = an.group("act")
    topics = an.group("topic")
    joint = an.group("joint_subjects")
    negations = an.group("negation")
    actors = valid_actors(an)
    runs = groups(an, actors)
    people = [m for m in an.group("entity") if m.entry.kind == "person"]
    future_sentences = {an.sentence_index(f.start) for f in an.group("followup")}
    quote_spans = _quotes(an.text)
    plan = _effective_cues(an, acts)
    acts = [c for c, _, _ in plan]
    breaks = an.group("scope_breaks")
    last_actors: dict[int, list[str]] = {}
    for i, (cue, act, governor) in enumerate(plan):
        sent_i = an.sentence_index(cue.start)
        sent = an.sentences[sent_i]
        scope_end = sent.end
        for nxt in acts[i + 1:]:
            if nxt.start >= sent.end:
                break
            if nxt.start > cue.end:
                scope_end = nxt.start
                break
        for b in an.between(breaks, cue.end, scope_end):
            scope_end = b.start
            break
        scored: dict[str, int] = {}
        first_pos: dict[str, int] = {}
        for t in an.between(topics, cue.end, scope_end):
            scored[t.entry.key] = scored.get(t.entry.key, 0) + _weight(t)
            first_pos.setdefault(t.entry.key, t.start)
        chosen = [k for k, v in scored.items() if v >= MIN_TOPIC_SCORE]
        if not chosen:
            continue
        if sent_i in future_sentences and act == "agree":
            continue  # "اتفقوا على عقد القمة المقبلة" is a follow-up, not a position
        idx = owners.owner(an, cue.start)
        meeting = drafts[idx].meeting
        holders, attribution, speaker = _holders(an, governor, sent.start, scope_end, joint, runs,
                                                 people, meeting)
        if holders is None:
            holders = last_actors.get(sent_i - 1) or last_actors.get(sent_i) or _signatories(meeting)
        last_actors[sent_i] = holders
        if any(q[0] <= cue.start < q[1] for q in quote_spans) and attribution == "outlet":
            attribution = "statement"
        if act == "affirm" and _negated(negations, governor, an):
            act = "reject"
        ev = an.evidence(_clause_start(an, governor, sent.start), scope_end)
        target = _target(an, actors, holders, cue.end, scope_end) if act in {"condemn", "reject"} else None
        for topic in sorted(chosen, key=lambda k: first_pos[k]):
            if any(s.act == act and s.topic == topic and s.actors == holders for s in meeting.statements):
                continue
            meeting.statements.append(Statement(
                actors=list(holders), act=act, topic=topic, text=ev.text, start=ev.start,
                end=ev.end, target=target, attribution=attribution, speaker=speaker,
                cue=an.evidence(cue.start, cue.end).text,
            ))


def _effective_cues(an: Analysis, acts: list[Match]) -> list[tuple[Match, str, Match]]:
    """Which cues open a scope: (cue, act, governor whose subject holds the position).

    A weak cue inside a strong cue's sentence after it is part of its content:
    "وشدد الوزراء على دعم سيادة سوريا" is an affirmation, "دعم" is not a second
    statement. Two exceptions, both Arabic syntax rather than vocabulary:

    * a demand heading an affirmed complement turns it into a call: "شدد على ضرورة
      خروج القوات" (a weak ``call`` cue), "وشدد على … ، وعلى إنهاء وجود الجماعات،
      ووقف التدخلات" (``content`` cues such as وقف/إنهاء, used only in coordinated
      complements); so does "ضرورة" right after a speech verb ("مشيرا إلى ضرورة");
    * a commitment noun that is the object of an affirmation ("أكدوا التزامهم
      بسيادة سوريا") is what they affirmed.

    After a strong cue governed by an affirmation ("مشددا على رفض التدخل … وعلى أن
    …"), a coordinated "وعلى" resumes the governing verb.
    """
    out: list[tuple[Match, str, Match]] = []
    strong_in: dict[int, Match] = {}
    named = [a for a in an.actors if a.via in {"name", "alias"}]
    speech = an.group("speech_verbs")
    text = an.text
    for cue in acts:
        if _spurious(an, cue, named):
            continue
        sent = an.sentence_index(cue.start)
        gov = strong_in.get(sent)
        form = cue.entry.form
        if form in {"weak", "content"} and gov is not None and gov.start < cue.start:
            if cue.entry.key == "call" and (
                    (gov.entry.key == "affirm" and _heads_complement(text, gov, cue))
                    or (form == "weak" and _after_speech(text, speech, cue))):
                out.append((cue, "call", gov))
            continue
        if form == "content":
            continue
        if (gov is not None and gov.entry.key == "affirm" and cue.entry.key == "commit"
                and text[cue.start:cue.body_start] in {"", "و"} and _in_clause(text, gov, cue)
                and (cue.entry.data or {}).get("cue", "").startswith(_COMMIT_NOUNS)):
            continue  # "أكد الرؤساء التزامهم الثابت بـ": the affirmation's content
        if gov is not None and gov.entry.key == "affirm" and form != "weak" and _object_of(text, gov, cue):
            out.append((cue, cue.entry.key, cue))
            nxt = _resumption(an, cue)
            if nxt is not None:
                out.append((nxt, gov.entry.key, gov))
            continue
        if form != "weak":
            strong_in[sent] = cue  # the nearest strong cue governs what follows
        out.append((cue, cue.entry.key, cue))
    out.sort(key=lambda t: t[0].start)
    return out


_LINKS = {"علي", "ان", "الي", "بان"}
_COMMIT_NOUNS = ("التزام", "العزم", "عزم")
_QUOTES = "\"'«»“”"


def _object_of(text: str, gov: Match, cue: Match) -> bool:
    """``cue`` is the first word of ``gov``'s complement ("شدد على رفض", "أكد العزم على")."""
    between = [w.strip(_QUOTES) for w in text[gov.end:cue.start].split()]
    between = [w for w in between if w]
    return len(between) == 0 or (len(between) == 1 and between[0] in _LINKS)


def _in_clause(text: str, gov: Match, cue: Match, max_words: int = 12) -> bool:
    """``cue`` follows ``gov`` in the same clause: no comma, a few words (subject, "في البيان")."""
    between = text[gov.end:cue.start]
    return not any(c in between for c in "،,;:") and len(between.split()) <= max_words


def _heads_complement(text: str, gov: Match, cue: Match) -> bool:
    """"ضرورة" opening the complement of ``gov``, or a demand heading a coordinated complement."""
    if _object_of(text, gov, cue):
        return cue.entry.form == "weak"
    before = text[max(gov.end, cue.start - 12):cue.start].rstrip()
    if before.endswith(("، وعلي", ", وعلي", "، علي", "وعلي")):
        return True
    return cue.prefix > 0 and text[cue.start] == "و" and before.endswith(("،", ","))


def _after_speech(text: str, speech: list[Match], cue: Match) -> bool:
    """A demand reported by a new speech verb: "… مشيرا إلى ضرورة ضمان وصول المساعدات"."""
    for v in speech:
        if v.end <= cue.start and cue.start - v.end <= 8:
            between = [w for w in text[v.end:cue.start].split() if w.strip(_QUOTES)]
            return not between or (len(between) == 1 and between[0] in _LINKS)
    return False


def _resumption(an: Analysis, cue: Match) -> Match | None:
    """A coordinated "وعلى" later in the sentence, resuming the governing verb."""
    sent = an.sentences[an.sentence_index(cue.start)]
    pos = an.text.find(" وعلي ", cue.end, sent.end)
    if pos == -1:
        return None
    return Match(pos + 1, pos + 5, cue.entry, 0)


def _spurious(an: Analysis, cue: Match, named: list[ActorMention]) -> bool:
    """Cue forms that are really other words.

    A two-letter verb with a preposition is another word (ب + حث = بحث "discussed");
    a weak noun after ب is adverbial ("بدعم روسي" = with Russian support); a cue
    inside a named actor is part of the name ("قوات الدعم السريع").
    """
    body_len = cue.end - cue.body_start
    clitics = an.text[cue.start:cue.body_start]
    if body_len <= 2 and any(c in clitics for c in "بكل"):
        return True
    if cue.entry.form == "weak" and "ب" in clitics:
        return True
    return bool(an.overlapping(named, cue.start, cue.end))


def _weight(m: Match) -> int:
    try:
        return int(m.entry.form)
    except (TypeError, ValueError):
        return 2


def _signatories(meeting: Meeting) -> list[str]:
    guarantors = [p.actor for p in meeting.participants if p.role == "guarantor"]
    if guarantors:
        return guarantors
    return [p.actor for p in meeting.participants if p.role in SIGNATORY_ROLES]


def _holders(an: Analysis, cue: Match, sent_start: int, scope_end: int, joint: list[Match],
             runs, people: list[Match], meeting: Meeting):
    """Who holds the position: (actors or None if unknown, attribution, speaker)."""
    window_lo = max(sent_start, cue.start - 60)
    window_hi = min(scope_end, cue.end + 40)
    # A named official right after the verb (VSO) or before it (SVO).
    # Only matches that start in the window can qualify (bisection, not a scan).
    for p in an.between(people, min(window_lo, cue.end), cue.end + 5):
        if cue.end <= p.start <= cue.end + 4 or (window_lo <= p.start and p.end <= cue.start
                                                  and cue.start - p.end <= 25):
            actor = (p.entry.data or {}).get("actor")
            if actor:
                return [actor], "person", (p.entry.data or {}).get("name_en")
    for run in runs:
        first, last = run[0], run[-1]
        if 0 <= first.start - cue.end <= 2 or (len(run) >= 2 and 0 <= cue.start - last.end <= 2):
            return sorted({a.actor for a in run}, key=[a.actor for a in run].index), "outlet", None
        if len(run) == 1 and 0 <= first.start - cue.end <= 12 and first.via in {"demonym", "person"}:
            return [first.actor], "person" if first.via == "person" else "outlet", None
    for j in an.between(joint, min(window_lo, cue.end), max(window_hi + 1, cue.start)):
        if cue.end <= j.start <= window_hi or window_lo <= j.start < cue.start:
            attribution = "statement" if "بيان" in j.entry.key or "اعلان" in j.entry.key else "outlet"
            return _signatories(meeting), attribution, None
    before = an.text[window_lo:cue.start].split()[-2:]
    if any(w in {"جري", "تم", "وجري", "وتم"} for w in before):
        return _signatories(meeting), "statement", None
    return None, "outlet", None


def _clause_start(an: Analysis, cue: Match, sent_start: int) -> int:
    """Evidence starts at the clause that holds the cue, not mid-sentence."""
    text = an.text
    cut = max(text.rfind(",", sent_start, cue.start), text.rfind(";", sent_start, cue.start))
    if cut != -1 and cue.start - cut < 80:
        return cut + 1 if cut + 1 < cue.start else cue.start
    return sent_start if cue.start - sent_start < 120 else cue.start


def _negated(negations: list[Match], cue: Match, an: Analysis) -> bool:
    return bool(an.ending(negations, cue.start - 2, cue.start + 1))  # a negation 0-2 chars before


def _target(an: Analysis, actors, holders: list[str], lo: int, hi: int) -> str | None:
    for a in an.between(an.actors, lo, hi):
        if a.actor not in holders and a.via in {"name", "alias", "demonym"}:
            row = an.lex.actors.get(a.actor, {})
            if row.get("type") in {"state", "nonstate"}:
                return a.actor
    return None


_QUOTE = re.compile(r'"[^"\n]{3,}?"|“[^”\n]{3,}?”|«[^»\n]{3,}?»')


def _quotes(text: str) -> list[tuple[int, int]]:
    """Spans of quoted text: positions quoted from a statement, not the outlet's."""
    return [(m.start(), m.end()) for m in _QUOTE.finditer(text)]
