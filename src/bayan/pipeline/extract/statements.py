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
from bayan.pipeline.extract.analysis import Analysis
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
    acts = _effective_cues(an, acts)
    breaks = an.group("scope_breaks")
    last_actors: dict[int, list[str]] = {}
    for i, cue in enumerate(acts):
        sent_i = an.sentence_index(cue.start)
        sent = an.sentences[sent_i]
        scope_end = sent.end
        for nxt in acts[i + 1:]:
            if nxt.start >= sent.end:
                break
            if nxt.start > cue.end:
                scope_end = nxt.start
                break
        for b in breaks:
            if cue.end <= b.start < scope_end:
                scope_end = b.start
                break
        scored: dict[str, int] = {}
        first_pos: dict[str, int] = {}
        for t in topics:
            if cue.end <= t.start < scope_end:
                weight = _weight(t)
                scored[t.entry.key] = scored.get(t.entry.key, 0) + weight
                first_pos.setdefault(t.entry.key, t.start)
        chosen = [k for k, v in scored.items() if v >= MIN_TOPIC_SCORE]
        if not chosen:
            continue
        if sent_i in future_sentences and cue.entry.key == "agree":
            continue  # "اتفقوا على عقد القمة المقبلة" is a follow-up, not a position
        idx = owners.owner(an, cue.start)
        meeting = drafts[idx].meeting
        holders, attribution, speaker = _holders(an, cue, sent.start, scope_end, joint, runs,
                                                 people, meeting)
        if holders is None:
            holders = last_actors.get(sent_i - 1) or last_actors.get(sent_i) or _signatories(meeting)
        last_actors[sent_i] = holders
        if any(q[0] <= cue.start < q[1] for q in quote_spans) and attribution == "outlet":
            attribution = "statement"
        act = cue.entry.key
        if act == "affirm" and _negated(negations, cue, an):
            act = "reject"
        ev = an.evidence(_clause_start(an, cue, sent.start), scope_end)
        target = _target(an, actors, holders, cue.end, scope_end) if act in {"condemn", "reject"} else None
        for topic in sorted(chosen, key=lambda k: first_pos[k]):
            if any(s.act == act and s.topic == topic and s.actors == holders for s in meeting.statements):
                continue
            meeting.statements.append(Statement(
                actors=list(holders), act=act, topic=topic, text=ev.text, start=ev.start,
                end=ev.end, target=target, attribution=attribution, speaker=speaker,
                cue=an.evidence(cue.start, cue.end).text,
            ))


def _effective_cues(an: Analysis, acts: list[Match]) -> list[Match]:
    """Drop weak cues that sit inside a strong cue's sentence after it.

    "وشدد الوزراء على دعم سيادة سوريا": the position is the affirmation; "دعم" is
    part of its content, not a second statement.
    """
    out: list[Match] = []
    strong_in: dict[int, int] = {}
    for cue in acts:
        sent = an.sentence_index(cue.start)
        if cue.entry.form == "weak" and sent in strong_in and strong_in[sent] < cue.start:
            continue
        if cue.entry.form != "weak":
            strong_in.setdefault(sent, cue.start)
        out.append(cue)
    return out


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
    for p in people:
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
    for j in joint:
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
    return any(0 <= cue.start - n.end <= 2 for n in negations)


def _target(an: Analysis, actors, holders: list[str], lo: int, hi: int) -> str | None:
    for a in an.actors:
        if lo <= a.start < hi and a.actor not in holders and a.via in {"name", "alias", "demonym"}:
            row = an.lex.actors.get(a.actor, {})
            if row.get("type") in {"state", "nonstate"}:
                return a.actor
    return None


_QUOTE = re.compile(r'"[^"\n]{3,}?"|“[^”\n]{3,}?”|«[^»\n]{3,}?»')


def _quotes(text: str) -> list[tuple[int, int]]:
    """Spans of quoted text: positions quoted from a statement, not the outlet's."""
    return [(m.start(), m.end()) for m in _QUOTE.finditer(text)]
