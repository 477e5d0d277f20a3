"""Every bad input ends as processed, skipped with a one-line reason, or "no meeting found".

The corpus comes from ``scripts/make_bad_inputs.py`` (see its docstring for the
expected outcome of each file). Each file goes through ``bayan extract`` on its
own and the whole corpus through ``bayan extract`` and ``bayan ingest`` at once, in
process (typer's CliRunner) and in a subprocess, where a traceback would reach the
real stderr.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from robust_support import TALLY, check_record, run_cli
from typer.testing import CliRunner

from bayan.cli import app

BIDI_AND_ZERO_WIDTH = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200c\u200d\u200e\u200f\ufeff")
_LOG_LINE = re.compile(r"^(?:DEBUG|INFO|WARNING) [\w.]+: ")
_TALLY_LINE = re.compile(r"read: (\d+), new: (\d+), duplicate: (\d+), near-duplicate: (\d+), failed: (\d+)")


def _records(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def _error_lines(stderr: str) -> list[str]:
    """stderr lines that are not log records; each must be one 'error SOURCE: reason' line."""
    return [ln for ln in stderr.splitlines() if ln.strip() and not _LOG_LINE.match(ln)]


def _assert_clean_stderr(stderr: str, sources: set[str]) -> list[str]:
    assert "Traceback" not in stderr, stderr
    errors = _error_lines(stderr)
    for line in errors:
        assert line.startswith("error "), line
        source, sep, reason = line[len("error "):].rpartition(": ")
        assert sep and reason.strip(), line
        rest = line[len("error "):]
        assert any(re.match(re.escape(s) + r"(?:#L\d+)?: ", rest) for s in sources), line
    return errors


def test_each_bad_input_has_one_clear_outcome(bad_corpus):
    corpus, entries = bad_corpus
    runner = CliRunner()
    bodies: dict[str, str] = {}
    outcomes: dict[str, int] = {"processed": 0, "no_meeting": 0, "skipped": 0}
    for entry in sorted(entries, key=lambda e: "same_body_as" in e):  # references first
        path = corpus / entry["file"]
        result = runner.invoke(app, ["extract", "--format", "jsonl", str(path)])
        TALLY["bad_inputs_tried"] += 1
        where = f"{entry['file']} ({entry['note']})"
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            where, repr(result.exception))
        assert "Traceback" not in result.stdout, where
        records = _records(result.stdout)
        errors = _assert_clean_stderr(result.stderr, {str(path)})
        assert len(records) + len(errors) == entry["records"], (where, result.stdout, result.stderr)
        assert result.exit_code == (1 if errors else 0), where
        for record in records:
            check_record(record)
            if record["meetings"]:
                outcomes["processed"] += 1
            else:
                outcomes["no_meeting"] += 1
        outcomes["skipped"] += len(errors)
        TALLY["bad_input_records"] += len(records) + len(errors)

        expect = entry["expect"]
        if expect == "skipped":
            assert not records and len(errors) == entry["records"], where
        elif expect in {"meeting", "no_meeting"}:
            assert len(records) == entry["good_records"] == 1 and not errors, (where, result.stderr)
            meetings = records[0]["meetings"]
            if expect == "meeting":
                assert meetings, f"{where}: a diplomatic report gave no meeting"
            else:
                assert meetings == [], f"{where}: invented {[m['format'] for m in meetings]}"
        elif entry["good_records"] is not None:
            assert len(records) == entry["good_records"], (where, result.stderr)
        if records and len(records) == 1:
            body = records[0]["body"]
            bodies[entry["file"]] = body
            assert not BIDI_AND_ZERO_WIDTH & set(body), f"{where}: invisible controls kept"
            assert "\ufffd" not in body or expect == "any", where
            if "same_body_as" in entry:
                assert body == bodies[entry["same_body_as"]], f"{where}: decoded differently"
    TALLY["tracebacks"] += 0  # every path above asserts there was none
    assert outcomes["skipped"] and outcomes["no_meeting"] and outcomes["processed"]


def test_whole_corpus_in_one_extract_keeps_order_and_counts(bad_corpus):
    corpus, entries = bad_corpus
    result = CliRunner().invoke(app, ["extract", "--format", "jsonl", str(corpus)])
    assert result.exit_code == 1  # some inputs are refused
    assert result.exception is None or isinstance(result.exception, SystemExit)
    records = _records(result.stdout)
    files = {str(corpus / e["file"]) for e in entries}
    errors = _assert_clean_stderr(result.stderr, files)
    assert len(records) + len(errors) == sum(e["records"] for e in entries)
    for record in records:
        check_record(record)
    # Input order: directory listing order, JSON Lines records in line order.
    order = sorted(e["file"] for e in entries)
    seen = list(dict.fromkeys(Path(r["source"].split("#")[0]).name for r in records))
    assert seen == [f for f in order if f in seen]
    by_name = {e["file"]: e for e in entries}
    for record in records:
        if by_name[Path(record["source"].split("#")[0]).name]["expect"] == "no_meeting":
            assert record["meetings"] == [], record["source"]


def test_no_traceback_reaches_stderr_in_a_subprocess(bad_corpus):
    corpus, entries = bad_corpus
    proc = run_cli("extract", "--format", "jsonl", str(corpus))
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    files = {str(corpus / e["file"]) for e in entries}
    errors = _assert_clean_stderr(proc.stderr, files)
    records = _records(proc.stdout)
    assert len(records) + len(errors) == sum(e["records"] for e in entries)
    TALLY["subprocess_runs"] += 1


def _ingest_tally(output: str) -> dict[str, int]:
    m = _TALLY_LINE.search(output)
    assert m, output
    keys = ("read", "new", "duplicate", "near_duplicate", "failed")
    return dict(zip(keys, map(int, m.groups()), strict=True))


def test_ingest_stores_or_lists_every_input(bad_corpus, tmp_path):
    corpus, entries = bad_corpus
    db_path = tmp_path / "bad.db"
    total = sum(e["records"] for e in entries)
    proc = run_cli("ingest", str(corpus), "--db", f"sqlite:///{db_path}", "--no-progress")
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr
    assert proc.returncode == 1  # the refused inputs are listed
    tally = _ingest_tally(proc.stdout)
    assert tally["read"] == total
    assert tally["read"] == tally["new"] + tally["duplicate"] + tally["near_duplicate"] + tally["failed"]
    files = {str(corpus / e["file"]) for e in entries}
    errors = _assert_clean_stderr(proc.stderr, files)
    assert len(errors) == tally["failed"]
    failed = {line[len("error "):].split(": ")[0] for line in errors}

    con = sqlite3.connect(db_path)
    try:
        stored = {src for (src,) in con.execute("SELECT source FROM documents")}
        n_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        assert n_docs == tally["new"] + tally["near_duplicate"]
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # No meeting is linked to a document of a non-diplomatic input.
        quiet = [str(corpus / e["file"]) for e in entries if e["expect"] == "no_meeting"]
        linked = {src for (src,) in con.execute(
            "SELECT DISTINCT d.source FROM documents d JOIN meeting_sources ms ON ms.document_id = d.id")}
        assert not linked & set(quiet), linked & set(quiet)
    finally:
        con.close()
    # Every record is stored, listed as failed, or a duplicate of a stored one.
    sources = set()
    for e in entries:
        path = str(corpus / e["file"])
        sources.add(path) if e["records"] == 1 and not e["file"].endswith(".jsonl") else None
    unaccounted = [s for s in sources if s not in stored and s not in failed]
    assert len(unaccounted) <= tally["duplicate"], unaccounted
    assert not stored & failed

    again = run_cli("ingest", str(corpus), "--db", f"sqlite:///{db_path}", "--no-progress")
    tally2 = _ingest_tally(again.stdout)
    assert tally2["new"] == 0 and tally2["near_duplicate"] == 0
    assert tally2["failed"] == tally["failed"] and tally2["read"] == total
    TALLY["ingest_runs"] += 2


def test_ingest_in_process_matches(bad_corpus, tmp_path):
    corpus, entries = bad_corpus
    result = CliRunner().invoke(app, ["ingest", str(corpus), "--db", f"sqlite:///{tmp_path / 'b.db'}",
                                      "--no-progress"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    tally = _ingest_tally(result.stdout)
    assert tally["read"] == sum(e["records"] for e in entries)
    assert tally["read"] == tally["new"] + tally["duplicate"] + tally["near_duplicate"] + tally["failed"]
    fixed = [e for e in entries if e["good_records"] is not None]
    failed_fixed = sum(e["records"] - e["good_records"] for e in fixed)
    assert failed_fixed <= tally["failed"] <= failed_fixed + sum(e["records"] for e in entries
                                                                 if e["good_records"] is None)
