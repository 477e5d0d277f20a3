"""Extraction: from a cleaned document to meetings, statements, follow-ups, framing.

Steps, each its own module: ``analysis`` (one scan), ``meetings``, ``parties``,
``statements``, ``followups``, ``framing``.
"""

from __future__ import annotations

from bayan.models import Document
from bayan.pipeline.extract.analysis import analyse
from bayan.pipeline.extract.followups import extract_followups
from bayan.pipeline.extract.framing import extract_framing
from bayan.pipeline.extract.lexicon import Lexicon, load_lexicon
from bayan.pipeline.extract.meetings import find_meetings
from bayan.pipeline.extract.parties import assign, owners_for
from bayan.pipeline.extract.statements import extract_statements


def _sideline_people(drafts) -> None:
    """Delegation heads met on the sidelines were at the primary meeting too."""
    if not drafts or not drafts[0].meeting.primary:
        return
    primary = drafts[0].meeting
    for draft in drafts[1:]:
        if draft.meeting.format != "bilateral":
            continue
        for person in draft.meeting.people:
            known = [p for p in primary.people if p.name and p.name == person.name]
            if not known:
                primary.people.append(person)
            elif len(person.name_ar) > len(known[0].name_ar):
                known[0].name_ar, known[0].evidence = person.name_ar, person.evidence


def _diplomatic(meeting) -> bool:
    """Some diplomatic substance besides a meeting noun: a named format, a level,
    a delegation head, a position or a follow-up with a place or format."""
    return bool((meeting.format and not meeting.format_inferred) or meeting.level or meeting.people
                or meeting.statements or any(f.place or f.format for f in meeting.follow_ups))


def extract(doc: Document, lex: Lexicon | None = None) -> Document:
    """Fill ``doc.meetings`` and ``doc.framing`` from ``doc.body``."""
    lex = lex or load_lexicon()
    an = analyse(doc, lex)
    drafts = find_meetings(an)
    owners = owners_for(drafts)
    assign(an, drafts, owners)
    extract_statements(an, drafts, owners)
    extract_followups(an, drafts, owners)
    _sideline_people(drafts)
    if not any(_diplomatic(d.meeting) for d in drafts):
        drafts = []  # a meeting noun alone ("اللقاء", "الجولة الأولى" of a league) is not a meeting
    doc.meetings = [d.meeting for d in drafts]
    doc.framing = extract_framing(an)
    return doc
