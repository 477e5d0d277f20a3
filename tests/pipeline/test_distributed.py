"""A Dask run of `bayan ingest` stores exactly what a single-process run stores.

The Dask run uses a LocalCluster of 2 worker processes and small chunks, so the
articles are spread over both workers and chunks can finish out of order; the writer
must still store them in input order. Every table is compared row by row through
content hashes (ids included, the two wall-clock timestamps excluded).
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sqlite3
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bayan.cli import app
from bayan.pipeline import distributed
from bayan.pipeline.distributed import ExtractionFailure
from bayan.pipeline.ingest import InputError, iter_inputs
from bayan.store.repository import Store

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()

# Wall-clock columns: the only values that legitimately differ between two runs.
TIMESTAMPS = {"ingested_at", "created_at"}


def table_hashes(path: Path) -> dict[str, tuple[int, str]]:
    """{table: (row count, sha256 of its sorted rows)} for every table of an SQLite file.

    FTS5 shadow tables (documents_fts_data, ...) hold the index b-tree, whose layout
    depends on how rows were grouped into transactions; the indexed content is
    compared through the virtual table itself instead.
    """
    con = sqlite3.connect(path)
    try:
        names = [n for (n,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        hashes = {}
        for name in names:
            if name.startswith("documents_fts_"):
                continue
            cols = [r[1] for r in con.execute(f'PRAGMA table_xinfo("{name}")')
                    if r[1] not in TIMESTAMPS]
            select = ", ".join(f'"{c}"' for c in cols)
            if name == "documents_fts":
                select = "rowid, " + select
            rows = sorted(repr(row) for row in con.execute(f'SELECT {select} FROM "{name}"'))
            digest = hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()
            hashes[name] = (len(rows), digest)
        return hashes
    finally:
        con.close()


def _generated(path: Path, n: int, seed: int) -> Path:
    """``n`` articles from the bench corpus generator, as one JSON Lines file."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from corpus import write
    finally:
        sys.path.remove(str(REPO / "bench"))
    write(n, seed, str(path))
    return path


def _inputs(tmp_path: Path) -> list[Path]:
    """samples/dev, generated articles (more meetings to link), and unreadable inputs."""
    generated = _generated(tmp_path / "generated.jsonl", 24, 7)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (bad / "mixed.jsonl").write_text(
        json.dumps({"text": "التقى وزير الخارجية نظيره في موسكو."}, ensure_ascii=False)
        + "\n{not json\n", encoding="utf-8")
    return [REPO / "samples" / "dev", generated, bad]


def test_dask_ingest_equals_single_process(tmp_path: Path) -> None:
    inputs = [str(p) for p in _inputs(tmp_path)]
    local_db, dask_db = tmp_path / "local.db", tmp_path / "dask.db"

    local = runner.invoke(app, ["ingest", *inputs, "--db", f"sqlite:///{local_db}", "--no-progress"])
    dask = runner.invoke(app, ["ingest", *inputs, "--db", f"sqlite:///{dask_db}", "--no-progress",
                               "--workers", "2", "--chunk", "3"])

    # Same exit status, summary line and failure lines (two unreadable inputs).
    assert local.exit_code == dask.exit_code == 1, (local.output, dask.output)
    assert dask.output == local.output
    n = sum(1 for _ in iter_inputs(inputs))
    assert f"read: {n}," in local.output and "failed: 2" in local.output

    expected, actual = table_hashes(local_db), table_hashes(dask_db)
    assert expected["meetings"][0] > 0 and expected["meeting_sources"][0] > expected["meetings"][0]
    assert actual == expected


def test_chunk_failure_survives_pickling() -> None:
    failure = pickle.loads(pickle.dumps(ExtractionFailure.of(ValueError("bad date"))))
    assert str(failure) == "ValueError: bad date"


def test_worker_with_other_extraction_code_refuses() -> None:
    item = next(i for i in iter_inputs([REPO / "samples" / "dev"]) if not isinstance(i, InputError))
    [doc] = distributed.extract_chunk([item], distributed.extraction_fingerprint())
    assert doc.meetings
    with pytest.raises(distributed.CodeMismatch):
        distributed.extract_chunk([item], "0" * 16)


def test_failed_batch_is_rewritten_one_by_one(tmp_path: Path, monkeypatch) -> None:
    """A store error rolls its batch back; the other articles of the batch are still stored."""
    from bayan.core import process

    items = list(iter_inputs([REPO / "samples" / "dev"]))[:5]

    def local_stream(items, client, **_):  # extraction without a cluster
        for it in items:
            yield it, (process(it) if not isinstance(it, InputError) else None)

    monkeypatch.setattr(distributed, "extract_stream", local_stream)
    store = Store(f"sqlite:///{tmp_path / 'b.db'}")
    real_add = store._add

    def flaky_add(s, doc, *args):
        if doc.source == items[2].source:
            raise RuntimeError("disk full")
        return real_add(s, doc, *args)

    monkeypatch.setattr(store, "_add", flaky_add)
    got = list(distributed.ingest_stream(items, store, client=None, batch=10))
    assert [status for _, status, _ in got] == ["new", "new", "failed", "new", "new"]
    assert got[2][2] == f"{items[2].source}: RuntimeError: disk full"
    assert store.counts()["documents"] == 4


def test_dask_ingest_stops_when_workers_run_other_code(tmp_path: Path, monkeypatch) -> None:
    """The client's code differs from the workers' (as after an upgrade on one side only)."""
    monkeypatch.setattr(distributed, "extraction_fingerprint", lambda: "0" * 16)
    db = tmp_path / "b.db"
    result = runner.invoke(app, ["ingest", str(REPO / "samples" / "dev"), "--db", f"sqlite:///{db}",
                                 "--no-progress", "--workers", "1"])
    assert result.exit_code == 1
    assert "CodeMismatch" in result.output and "install the same version" in result.output
    assert Store(f"sqlite:///{db}").counts()["documents"] == 0


def _slow_then_dies(items, fingerprint=None):
    """Stands in for extract_chunk on the workers: slow on article 1, dies on article 8."""
    import os
    import time

    if any(it.source.endswith("#L1") for it in items):
        time.sleep(5)  # the first chunk finishes last: the stream must wait for it
    if any(it.source.endswith("#L8") for it in items):
        os._exit(1)
    from bayan.pipeline.distributed import extract_chunk

    return extract_chunk(items, fingerprint)


def test_out_of_order_chunks_and_a_worker_killing_article(tmp_path: Path, monkeypatch) -> None:
    """Results come back in input order although the first chunk finishes last; a chunk
    whose worker died is retried one article per task, and the culprit fails."""
    import cloudpickle
    import dask

    from bayan.core import process

    corpus = _generated(tmp_path / "c.jsonl", 8, 3)
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    monkeypatch.setattr(distributed, "extract_chunk", _slow_then_dies)
    try:
        with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
                distributed.dask_client(2) as client:
            got = list(distributed.extract_stream(iter_inputs([corpus]), client, chunk=2, in_flight=4))
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert [it.source for it, _ in got] == [f"{corpus}#L{i}" for i in range(1, 9)]
    failure = got[7][1]
    assert isinstance(failure, ExtractionFailure) and failure.type_name == "KilledWorker"
    # An innocent article queued on the dying worker twice may fail with it (rare with
    # Dask's default allowed-failures=3; this test sets 0 to stay fast). All the others
    # come back, extracted exactly as in this process.
    docs = [(item, doc) for item, doc in got[:7] if not isinstance(doc, ExtractionFailure)]
    assert len(docs) >= 6, [str(doc) for _, doc in got if isinstance(doc, ExtractionFailure)]
    for item, doc in docs:
        assert doc.to_dict() == process(item).to_dict()


def _message_log_length() -> int:
    import dask

    return dask.config.get("distributed.admin.low-level-log-length")


def test_local_cluster_keeps_few_sent_messages(tmp_path: Path) -> None:
    """Dask keeps the last 1,000 messages of every comm by default; each Bayan task carries
    a chunk of articles, so a LocalCluster's scheduler (in this process) would hold up to
    2,000 chunks of raw text. Bayan caps those logs on the scheduler and on the workers."""
    corpus = _generated(tmp_path / "c.jsonl", 12, 5)
    with distributed.dask_client(2) as client:
        got = list(distributed.extract_stream(iter_inputs([corpus]), client, chunk=1, in_flight=2))
        assert len(got) == 12
        assert set(client.run(_message_log_length).values()) == {distributed.MESSAGE_LOG_LENGTH}
        scheduler = client.cluster.scheduler
        logs = [ws.recent_message_log for ws in scheduler.stream_comms.values()]
        assert len(logs) == 2
        assert all(log.maxlen == distributed.MESSAGE_LOG_LENGTH for log in logs)
    assert _message_log_length() != distributed.MESSAGE_LOG_LENGTH  # the caller's config is back
