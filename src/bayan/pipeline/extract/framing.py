"""Framing markers: distancing, hedged attribution, loaded labels, evaluative words.

Straight from ``cues/framing.tsv``: the lexicon is the knowledge, this module only
turns its matches into evidence spans over the cleaned body.
"""

from __future__ import annotations

from bayan.models import Framing
from bayan.pipeline.extract.analysis import Analysis


def extract_framing(an: Analysis) -> list[Framing]:
    out: list[Framing] = []
    for m in an.group("framing"):
        ev = an.evidence(m.body_start, m.end)
        label = (m.entry.data or {}).get("label") or None
        out.append(Framing(kind=m.entry.key, text=ev.text, start=ev.start, end=ev.end, label=label))
    return out
