"""Sequences the stages for one input: clean → extract (ingest yields the inputs)."""

from __future__ import annotations

from bayan.models import Document
from bayan.pipeline.clean import clean
from bayan.pipeline.extract import extract
from bayan.pipeline.ingest import RawInput


def process(raw: RawInput) -> Document:
    """Turn one read input into a fully extracted document."""
    # clean: boilerplate out, metadata in
    doc = clean(raw)
    # extract: meetings, statements, follow-ups, framing
    return extract(doc)
