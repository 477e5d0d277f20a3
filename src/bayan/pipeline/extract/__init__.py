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


def extract(doc: Document, lex: Lexicon | None = None) -> Document:
    """Fill ``doc.meetings`` and ``doc.framing`` from ``doc.body``."""
    lex = lex or load_lexicon()
    an = analyse(doc, lex)
    drafts = find_meetings(an)
    owners = owners_for(drafts)
    assign(an, drafts, owners)
    extract_statements(an, drafts, owners)
    extract_followups(an, drafts, owners)
    doc.meetings = [d.meeting for d in drafts]
    doc.framing = extract_framing(an)
    return doc
