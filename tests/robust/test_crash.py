"""Crash safety: SIGKILL ``bayan ingest`` part way, ingest again, lose and duplicate nothing.

About 34 distinct articles (the dev samples, each in variants with an extra
paragraph of its own) are ingested in a subprocess that is killed with SIGKILL
once the database holds a given number of documents; a second ingest then runs
to completion. The database must pass ``PRAGMA integrity_check``, be in WAL mode,
hold each article once, and end with the same rows as an uninterrupted ingest.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from robust_support import CLI, REPO, TALLY, run_cli

SAMPLES = REPO / "samples" / "dev"
TABLES = ("documents", "extractions", "meetings", "meeting_sources", "participants",
          "statements", "follow_ups", "framing")
_TALLY = re.compile(r"read: (\d+), new: (\d+), duplicate: (\d+), near-duplicate: (\d+), failed: (\d+)")

# Paragraphs of their own, long enough to survive boilerplate cleaning, so every
# variant has its own content hash.
NOTES = [
    "وفي سياق متصل، قال مراقبون للشأن الإقليمي إن نتائج هذا الاجتماع ستظهر بوضوح خلال "
    "الأسابيع المقبلة، بعد أن تعود الوفود إلى عواصمها وتعرض ما اتفق عليه على حكوماتها.",
    "ونشرت وزارة الخارجية صوراً من الجلسة الافتتاحية على موقعها الرسمي، وأشارت إلى أن "
    "المباحثات جرت في أجواء وصفتها بالإيجابية والبناءة رغم استمرار الخلاف حول عدة ملفات.",
]
# x 2 variants = 34 articles: the last kill (14) still leaves 20 documents to go,
# so a fast machine cannot finish the run inside the delay before the kill.
N_SOURCES = 17


def _articles(root: Path) -> list[Path]:
    """Copies of dev text samples in two variants, each with a paragraph of its own mid-text."""
    root.mkdir()
    out = []
    sources = sorted(p for p in SAMPLES.iterdir() if p.suffix == ".txt")[:N_SOURCES]
    for variant, note in enumerate(NOTES):
        for src in sources:
            raw = src.read_bytes()
            enc = "utf-8" if _is_utf8(raw) else "cp1256"
            lines = raw.decode(enc).splitlines()
            mid = max(3, len(lines) // 2)
            lines.insert(mid, f"{note} ({src.stem})")
            dest = root / f"{variant}-{src.name}"
            dest.write_bytes("\n".join(lines).encode(enc, errors="replace"))
            out.append(dest)
    return out


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _ingest_cmd(inputs: Path, db: Path) -> list[str]:
    # small batches, so the kill lands between commits and inside one (ingest commits
    # --batch documents per transaction)
    return [sys.executable, "-c", CLI, "ingest", str(inputs), "--db", f"sqlite:///{db}", "--no-progress",
            "--batch", "3"]


def _doc_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0  # not migrated yet, or busy


def _tally(stdout: str) -> dict[str, int]:
    m = _TALLY.search(stdout)
    assert m, stdout
    return dict(zip(("read", "new", "duplicate", "near_duplicate", "failed"), map(int, m.groups()),
                    strict=True))


def _counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def _check_db(db: Path, inputs: list[Path], failed: set[str]) -> set[str]:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        dup_hashes = con.execute(
            "SELECT content_hash, count(*) FROM documents GROUP BY content_hash HAVING count(*) > 1"
        ).fetchall()
        assert dup_hashes == []
        dup_sources = con.execute(
            "SELECT source, count(*) FROM documents GROUP BY source HAVING count(*) > 1").fetchall()
        assert dup_sources == []
        # A document never lands without its extraction (one transaction per document).
        orphans = con.execute(
            "SELECT count(*) FROM documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM extractions e WHERE e.document_id = d.id)").fetchone()[0]
        assert orphans == 0
        stored = {src for (src,) in con.execute("SELECT source FROM documents")}
    finally:
        con.close()
    lost = [str(p) for p in inputs if str(p) not in stored and str(p) not in failed]
    assert lost == [], f"rows lost: {lost}"
    return stored


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[Path], dict[str, int]]:
    """The articles and the table counts of one uninterrupted ingest of them."""
    root = tmp_path_factory.mktemp("crash")
    inputs = _articles(root / "in")
    db = root / "reference.db"
    proc = run_cli("ingest", str(root / "in"), "--db", f"sqlite:///{db}", "--no-progress", timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    tally = _tally(proc.stdout)
    assert tally["read"] == len(inputs) and tally["failed"] == 0
    assert tally["new"] + tally["near_duplicate"] == len(inputs)
    _check_db(db, inputs, set())
    return root / "in", inputs, _counts(db)


@pytest.mark.parametrize("kill_after", [1, 7, 14])
def test_sigkill_then_resume_loses_and_duplicates_nothing(corpus, tmp_path, kill_after):
    inputs_dir, inputs, reference = corpus
    db = tmp_path / "crash.db"
    proc = subprocess.Popen(_ingest_cmd(inputs_dir, db), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "200"})
    deadline = time.monotonic() + 240
    killed_at = None
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            n = _doc_count(db)
            if n >= kill_after:
                # A short, varying delay lands the kill at different points of the
                # next document (extraction, or inside its transaction).
                time.sleep(0.01 * (kill_after % 5))
                killed_at = _doc_count(db)
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.01)
    finally:
        if proc.poll() is None and killed_at is None:
            proc.kill()
        proc.wait(timeout=30)
    assert killed_at is not None, "ingest finished before it could be killed"
    assert proc.returncode == -signal.SIGKILL
    TALLY["crash_kills"] += 1
    TALLY[f"crash_killed_with_docs.{kill_after}"] = killed_at

    before = _doc_count(db)
    assert 0 < before < len(inputs)
    resumed = run_cli("ingest", str(inputs_dir), "--db", f"sqlite:///{db}", "--no-progress", timeout=300)
    assert "Traceback" not in resumed.stderr, resumed.stderr[-3000:]
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    tally = _tally(resumed.stdout)
    assert tally["read"] == len(inputs) and tally["failed"] == 0
    assert tally["duplicate"] == before  # what the killed run committed is kept, once
    assert tally["new"] + tally["near_duplicate"] == len(inputs) - before

    stored = _check_db(db, inputs, set())
    assert len(stored) == len(inputs)
    counts = _counts(db)
    assert counts == reference, "rows differ from an uninterrupted ingest"
    TALLY["crash_resumes"] += 1
    TALLY["crash_rows_lost"] += len(inputs) - len(stored)
    TALLY["crash_inputs"] += len(inputs)
