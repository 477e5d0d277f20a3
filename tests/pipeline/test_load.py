"""The single writer's loop (``bayan.pipeline.load``): batches, order, and failures."""

from __future__ import annotations

from pathlib import Path

from bayan.pipeline.ingest import InputError, RawInput, iter_inputs
from bayan.pipeline.load import ExtractionFailure, extract_local, store_stream
from bayan.store.repository import Store

REPO = Path(__file__).resolve().parents[2]


def _dev_inputs(n: int) -> list[RawInput]:
    items = [it for it in iter_inputs([REPO / "samples" / "dev"]) if isinstance(it, RawInput)]
    return items[:n]


def test_batches_commit_together_and_results_keep_input_order(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'b.db'}")
    calls: list[int] = []
    add_documents = store.add_documents

    def counting(items, **kwargs):
        items = list(items)
        calls.append(len(items))
        return add_documents(items, **kwargs)

    store.add_documents = counting  # type: ignore[method-assign]
    items = [*_dev_inputs(5), InputError("missing.txt", "no such file")]
    got = list(store_stream(extract_local(items), store, batch=2, max_wait=60))
    assert [it.source for it, _, _ in got] == [it.source for it in items]
    assert [status for _, status, _ in got] == ["new"] * 5 + ["failed"]
    assert got[-1][2] == "missing.txt: no such file"
    assert calls == [2, 2, 1]  # one transaction per batch, the last one partial
    assert store.counts()["documents"] == 5
    # ingesting again: every document is a duplicate, nothing is added
    again = list(store_stream(extract_local(items[:5]), store, batch=2))
    assert [status for _, status, _ in again] == ["duplicate"] * 5
    assert store.counts()["documents"] == 5


def test_extraction_failure_and_store_failure_lose_only_their_article(tmp_path, monkeypatch):
    import bayan.pipeline.load as load

    items = _dev_inputs(4)
    real_process = __import__("bayan.core", fromlist=["process"]).process

    def flaky_process(item):
        if item.source == items[1].source:
            raise ValueError("bad date")
        return real_process(item)

    monkeypatch.setattr("bayan.core.process", flaky_process)
    pairs = list(extract_local(items))
    assert isinstance(pairs[1][1], ExtractionFailure)

    store = Store(f"sqlite:///{tmp_path / 'f.db'}")
    real_add = store._add

    def flaky_add(s, doc, *args):
        if doc.source == items[3].source:
            raise RuntimeError("disk full")
        return real_add(s, doc, *args)

    monkeypatch.setattr(store, "_add", flaky_add)
    got = list(load.store_stream(pairs, store, batch=10))
    assert [status for _, status, _ in got] == ["new", "failed", "new", "failed"]
    assert got[1][2] == f"{items[1].source}: ValueError: bad date"
    assert got[3][2] == f"{items[3].source}: RuntimeError: disk full"
    # the failed batch was rolled back and written again one by one: the good ones are stored once
    assert store.counts()["documents"] == 2
