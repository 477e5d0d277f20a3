"""Helpers shared by the robustness tests (imported as ``robust_support``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import jsonschema

REPO = Path(__file__).resolve().parents[2]
SCHEMA_PATH = REPO / "src" / "bayan" / "schema" / "output.schema.json"

# Figures reported at the end of the run (see conftest.pytest_terminal_summary).
TALLY: Counter = Counter()


@cache
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def evidence_spans(record: dict):
    """Every (text, start, end) the output contract says indexes the body."""
    for meeting in record["meetings"]:
        for s in meeting["statements"]:
            yield s["text"], s["start"], s["end"]
        for f in meeting["follow_ups"]:
            if f.get("start") is not None:
                yield f["text"], f["start"], f["end"]
        for group in ("participants", "people"):
            for p in meeting[group]:
                if p.get("evidence"):
                    yield p["evidence"]["text"], p["evidence"]["start"], p["evidence"]["end"]
        for ev in meeting.get("evidence") or []:
            yield ev["text"], ev["start"], ev["end"]
        for c in meeting.get("conflicts") or []:
            if c.get("start") is not None:
                yield c["text"], c["start"], c["end"]
    for f in record["framing"]:
        yield f["text"], f["start"], f["end"]


def check_record(record: dict) -> None:
    """Schema-valid, and every evidence span lies inside the body and equals its text."""
    validator().validate(record)
    body = record["body"]
    for text, start, end in evidence_spans(record):
        assert 0 <= start <= end <= len(body), (record["source"], start, end, len(body))
        assert body[start:end] == text, (record["source"], start, end)


CLI = "from bayan.cli import app; app(prog_name='bayan')"


def run_cli(*args: str, timeout: float = 120, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``bayan ARGS`` in a fresh interpreter (so a traceback would reach real stderr)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-c", CLI, *args], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, env=env)
