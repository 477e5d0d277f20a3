"""PostgreSQL: many concurrent readers and one writer ingesting, without errors.

One writer thread ingests the sample corpus document by document (one transaction
each) through its own :class:`Store`, while eight reader threads share another Store
(as ``bayan serve`` does) and run the read queries in a loop: timeline, meetings,
search with and without filters, positions, exports, counts. Nothing may raise, every
reader must make progress, the document count a reader sees never goes down (each read
is a committed state), and the whole run is bounded in time.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from bayan.store import Store

REPO = Path(__file__).resolve().parents[2]
READERS = 8
TIMEOUT_S = 90


@pytest.fixture(scope="module")
def extracted():
    from bayan.core import process
    from bayan.pipeline.ingest import InputError, iter_inputs

    items = [i for i in iter_inputs([REPO / "samples" / "dev", REPO / "samples" / "blind"])
             if not isinstance(i, InputError)]
    return [(process(i), i.text, i.html) for i in items]


def test_concurrent_readers_and_one_writer(pg_cluster, extracted):
    url = pg_cluster.create_database("conc")
    writer_store, reader_store = Store(url), Store(url)
    errors: list[BaseException] = []
    done = threading.Event()
    reads = [0] * READERS

    def writer() -> None:
        try:
            for doc, raw, html in extracted:
                writer_store.add_document(doc, raw_text=raw, html=html)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            done.set()

    def reader(k: int) -> None:
        queries = [
            lambda: reader_store.counts()["documents"],
            lambda: reader_store.timeline(),
            lambda: reader_store.meetings(),
            lambda: reader_store.search("استانا"),
            lambda: reader_store.search("بالنظام السوري", date_from="2019", actor="IRN"),
            lambda: reader_store.search("موسكو", outlet="Anadolu Agency", limit=5),
            lambda: reader_store.positions(format="astana"),
            lambda: reader_store.export_rows("statements"),
        ]
        seen = 0
        try:
            i = k
            while not done.is_set() or reads[k] < len(queries):
                res = queries[i % len(queries)]()
                if isinstance(res, int):
                    assert res >= seen, (res, seen)  # committed states only, never going back
                    seen = res
                reads[k] += 1
                i += 1
        except BaseException as exc:  # noqa: BLE001
            import traceback

            traceback.print_exc()
            errors.append(exc)

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader, args=(k,)) for k in range(READERS)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(1.0, TIMEOUT_S - (time.monotonic() - t0)))
    alive = [t for t in threads if t.is_alive()]
    done.set()
    try:
        assert not alive, f"{len(alive)} thread(s) still running after {TIMEOUT_S}s"
        assert not errors, errors
        assert all(n > 0 for n in reads), reads
        assert reader_store.counts()["documents"] == len({d.content_hash or id(d) for d, _, _ in extracted})
        assert reader_store.search("استانا")
    finally:
        writer_store.close()
        reader_store.close()
