"""`bayan extract --format jsonl` keeps the output contract on real and bundled articles."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from bayan.cli import app

REPO = Path(__file__).resolve().parent.parent
SCHEMA_PATH = REPO / "src" / "bayan" / "schema" / "output.schema.json"


@cache
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def records(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def _spans(record: dict):
    for meeting in record["meetings"]:
        for s in meeting["statements"]:
            yield s["text"], s["start"], s["end"]
        for f in meeting["follow_ups"]:
            yield f["text"], f["start"], f["end"]
        for p in meeting["participants"]:
            if p.get("evidence"):
                yield p["evidence"]["text"], p["evidence"]["start"], p["evidence"]["end"]
        for p in meeting["people"]:
            if p.get("evidence"):
                yield p["evidence"]["text"], p["evidence"]["start"], p["evidence"]["end"]
    for f in record["framing"]:
        yield f["text"], f["start"], f["end"]


def corpus_paths(seed_paths) -> list[Path]:
    return list(seed_paths) + sorted(p for p in (REPO / "samples").rglob("*") if p.is_file())


def test_every_record_validates_and_offsets_point_at_their_text(seed_paths):
    paths = corpus_paths(seed_paths)
    result = run("extract", "--format", "jsonl", *map(str, paths))
    assert result.exit_code == 0, result.output
    out = records(result)
    assert len(out) >= len(paths)
    for record in out:
        validator().validate(record)
        for text, start, end in _spans(record):
            assert record["body"][start:end] == text, record["source"]


def test_output_keeps_input_order(seed_paths):
    paths = list(reversed(seed_paths))
    out = records(run("extract", "--format", "jsonl", *map(str, paths)))
    assert [r["source"] for r in out] == [str(p) for p in paths]


def test_bad_input_is_one_line_and_others_still_processed(seed_paths, tmp_path):
    missing = tmp_path / "nope.txt"
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    result = run("extract", "--format", "jsonl", str(missing), str(seed_paths[0]), str(binary))
    assert result.exit_code == 1
    assert len(records(result)) == 1
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 2
    assert "nope.txt" in errors[0] and "blob.txt" in errors[1]
    assert "Traceback" not in result.output


def test_summary_is_default_and_readable(seed_paths):
    result = run("extract", str(seed_paths[0]))
    assert result.exit_code == 0
    assert "meeting" in result.stdout and "{" not in result.stdout.splitlines()[0]


@pytest.mark.parametrize("command", [[], ["extract"], ["eval"]])
def test_help_on_every_command(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.stdout
