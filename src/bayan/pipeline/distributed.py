"""Distributed extraction on Dask: fan ``bayan.core.process`` out, store in input order.

Only extraction is parallel. It is a pure function of one article, so workers
receive picklable :class:`~bayan.pipeline.ingest.RawInput` items (source, text or
HTML, metadata) in chunks and send back :class:`~bayan.models.Document` objects.
Storing is *not* parallel: linking meetings across articles depends on the order
in which articles are added, so the client (one process, one writer) adds the
results in input order, in batches, exactly as a single-process run would.

Interface:

* :func:`dask_client` — a ``distributed.Client`` on a new ``LocalCluster`` (``workers=N``,
  processes, one thread each, loopback, no dashboard) or on an existing scheduler
  (``address="tcp://host:8786"``); a worker plugin builds the lexicon once per worker
  process.
* :func:`extract_stream` — ``items`` (as yielded by ``iter_inputs``) in, ``(item,
  Document | ExtractionFailure | None)`` out, in input order; inputs are streamed in
  chunks with a bounded number of chunks in flight (memory stays flat).
* :func:`ingest_stream` — :func:`extract_stream` plus ``Store.add_documents`` in
  batches; yields ``(item, status, error)`` in input order.

Every task carries a fingerprint of the client's extraction code and data; a worker
with another Bayan installed refuses it (:class:`CodeMismatch`) rather than store
records that a single-process run would not produce.
"""

from __future__ import annotations

import hashlib
import logging
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distributed.diagnostics.plugin import WorkerPlugin

from bayan.pipeline.ingest import InputError, RawInput
from bayan.pipeline.load import BATCH, ExtractionFailure, store_stream

if TYPE_CHECKING:
    from distributed import Client, Future

    from bayan.models import Document
    from bayan.store.repository import Store

CHUNK = 64
"""Articles per Dask task: large enough to amortise scheduling, small enough to balance."""

MESSAGE_LOG_LENGTH = 20
"""Messages each Dask comm keeps for debugging (``distributed.admin.low-level-log-length``).

Dask's default of 1,000 is meant for small task messages. A Bayan task carries 64 articles
(about 200 KB), and the scheduler keeps the last 1,000 it sent to each worker: on a
``LocalCluster``, whose scheduler runs in the client's process, that made the client's memory
grow by about 17 MB per 1,000 articles, up to about 2 × 1,000 chunks (128,000 articles).
"""


class CodeMismatch(RuntimeError):
    """A worker runs other extraction code or data than the client: results would differ."""


# Everything (inside the bayan package) that extraction reads: code, gazetteers, cues.
_EXTRACTION_PARTS = ("core.py", "models.py", "settings.py", "settings.toml", "pipeline/clean.py",
                     "pipeline/extract", "arabic", "lang", "data")


def extraction_fingerprint() -> str:
    """A hash of the extraction code and data of the installed Bayan (about 0.5 MB read)."""
    import bayan

    root = Path(bayan.__file__).resolve().parent
    h = hashlib.sha256()
    for part in _EXTRACTION_PARTS:
        path = root / part
        files = [path] if path.is_file() else sorted(
            f for f in path.rglob("*") if f.is_file() and "__pycache__" not in f.parts
            and f.suffix not in {".pyc", ".pyo"})
        for f in files:
            h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


_loaded_fingerprint: str | None = None  # this worker process's code, taken when it loads it


# ------------------------------------------------------------------ worker side

def extract_chunk(items: list[RawInput], fingerprint: str | None = None) -> list[Document | ExtractionFailure]:
    """Run on a worker: extract each item; one failing article does not fail the chunk.

    With ``fingerprint`` (the client's :func:`extraction_fingerprint`), refuses to run
    on a worker whose extraction code or data differ, raising :class:`CodeMismatch`.
    """
    from bayan.core import process

    if fingerprint is not None:
        _warm_up()
        if _loaded_fingerprint != fingerprint:
            import socket

            raise CodeMismatch(
                f"worker on {socket.gethostname()} runs other Bayan extraction code or data "
                f"({_loaded_fingerprint}) than the client ({fingerprint}); install the same "
                "version everywhere")
    from bayan.store.repository import store_ready

    results: list[Document | ExtractionFailure] = []
    for item in items:
        try:
            doc = process(item)
            doc.store_ready = store_ready(doc)  # normalised text, MinHash, JSON: off the single writer
            results.append(doc)
        except Exception as exc:  # noqa: BLE001 - reported per article, like the local path
            results.append(ExtractionFailure.of(exc))
    return results


def _warm_up() -> None:
    """Once per worker process: note the code's fingerprint, build the lexicon, run once."""
    global _loaded_fingerprint
    if _loaded_fingerprint is not None:
        return
    _loaded_fingerprint = extraction_fingerprint()
    from bayan.core import process
    from bayan.pipeline.extract.lexicon import load_lexicon

    load_lexicon()  # @cache: once per worker process, not per article
    try:  # one tiny article: lazily imported parts (dates, ...) load now, not in a task
        process(RawInput(source="warm-up", text="موسكو - 12 مارس 2023\nالتقى وزير الخارجية الروسي "
                         "نظيره السوري في موسكو اليوم، وبحث الجانبان العلاقات الثنائية."))
    except Exception:  # noqa: BLE001, S110 - a real article will report the problem
        pass


class LexiconPlugin(WorkerPlugin):
    """Builds the extraction lexicon when a worker starts (also on workers that join later)."""

    name = "bayan-lexicon"

    def setup(self, worker: Any) -> None:  # noqa: ARG002 - WorkerPlugin signature
        _warm_up()


# ------------------------------------------------------------------ client side

@contextmanager
def dask_client(workers: int | None = None, address: str | None = None,
                *, timeout: str = "30s") -> Iterator[Client]:
    """A client on an existing scheduler (``address``) or on a new ``LocalCluster``.

    The local cluster has ``workers`` processes with one thread each, listens on
    127.0.0.1 only and has no dashboard. Both are closed on exit.
    """
    import dask
    from distributed import Client

    if (workers is None) == (address is None):
        raise ValueError("give either workers or address")
    # distributed logs its start-up at INFO; follow the command's -v level instead
    logging.getLogger("distributed").setLevel(logging.getLogger().getEffectiveLevel())
    if address is None and (workers is None or workers < 1):
        raise ValueError("workers must be at least 1")
    # For the whole run, not just start-up: a worker that restarts reconnects later, and
    # the nannies pass this config on to their worker processes.
    with dask.config.set({"distributed.admin.low-level-log-length": MESSAGE_LOG_LENGTH}):
        cluster = _local_cluster(workers) if address is None else None  # type: ignore[arg-type]
        try:
            client = Client(cluster if cluster is not None else address, timeout=timeout)
            try:
                client.register_plugin(LexiconPlugin(), name=LexiconPlugin.name)
                yield client
            finally:
                client.close()
        finally:
            if cluster is not None:
                cluster.close()


def _local_cluster(workers: int) -> Any:
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        scheduler_port=0,
        dashboard_address=None,  # no dashboard
        # the scheduler's small HTTP endpoint (health, metrics) on a free loopback port
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        silence_logs=logging.ERROR,
    )


@dataclass
class _Chunk:
    items: list[RawInput | InputError | Any]
    results: list[Any] = field(default_factory=list)
    missing: int = 0


def extract_stream(
    items: Iterable[RawInput | InputError],
    client: Client,
    *,
    chunk: int = CHUNK,
    in_flight: int | None = None,
    check_code: bool = True,
) -> Iterator[tuple[RawInput | InputError, Document | ExtractionFailure | None]]:
    """Extract ``items`` on the cluster; yield ``(item, result)`` in input order.

    ``result`` is the extracted ``Document``, an :class:`ExtractionFailure`, or
    ``None`` for anything that is not a ``RawInput`` (an ``InputError`` is passed
    through untouched, in its place). At most ``in_flight`` chunks (default: two per
    worker thread, at least 2) are submitted or waiting to be yielded at any time, so
    the input is read lazily and memory is bounded by ``in_flight × chunk`` articles.
    A chunk whose task fails as a whole (e.g. its worker died) is retried one article
    per task, one task at a time, and a failing article once more; an article that
    still fails becomes an ``ExtractionFailure``.

    With ``check_code`` (the default), every task carries the client's
    :func:`extraction_fingerprint`, and a worker running other extraction code or data
    raises :class:`CodeMismatch`, which stops the stream (it is raised here).
    """
    from distributed import as_completed

    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    if in_flight is None:
        in_flight = max(2, 2 * sum(client.nthreads().values()))
    in_flight = max(1, in_flight)
    fingerprint = extraction_fingerprint() if check_code else None

    chunks: dict[int, _Chunk] = {}  # submitted and not yet yielded, by sequence number
    # future → (chunk seq, slot indices, articles of a failed chunk still to retry one by one)
    owner: dict[Future, tuple[int, list[int], deque[int] | None]] = {}
    retried: dict[tuple[int, int], int] = {}  # (chunk seq, slot) → retries of that article alone
    done = as_completed()
    next_seq = 0  # next chunk to yield
    seq = 0  # next chunk to submit

    def submit(n: int, slots: list[int], queue: deque[int] | None = None) -> None:
        c = chunks[n]
        payload = [c.items[i] for i in slots]
        fut = client.submit(extract_chunk, payload, fingerprint, pure=False)
        owner[fut] = (n, slots, queue)
        done.add(fut)

    def collect_one() -> None:
        fut = next(done)
        n, slots, queue = owner.pop(fut)
        c = chunks[n]
        try:
            results = fut.result()
        except CodeMismatch:
            raise  # every article would be extracted differently: stop
        except Exception as exc:  # noqa: BLE001 - the whole task failed (worker lost, ...)
            if len(slots) > 1:
                # Isolate the article that brings a worker down: its chunk's articles go
                # one task at a time, so none of them shares a worker with the culprit.
                queue = deque(slots)
                submit(n, [queue.popleft()], queue)
                return
            if retried.get((n, slots[0]), 0) < 1:
                # once more: it may only have been queued on a worker that another task killed
                retried[(n, slots[0])] = retried.get((n, slots[0]), 0) + 1
                submit(n, slots, queue)
                return
            results = [ExtractionFailure.of(exc)]
        finally:
            fut.release()
        for i, result in zip(slots, results, strict=True):
            c.results[i] = result
        c.missing -= len(slots)
        if queue:
            submit(n, [queue.popleft()], queue)

    def ready() -> Iterator[tuple[Any, Any]]:
        nonlocal next_seq
        while next_seq in chunks and chunks[next_seq].missing == 0:
            c = chunks.pop(next_seq)
            next_seq += 1
            yield from zip(c.items, c.results, strict=True)

    def add(batch: list[Any]) -> None:
        nonlocal seq
        c = _Chunk(items=batch, results=[None] * len(batch))
        slots = [i for i, it in enumerate(batch) if isinstance(it, RawInput)]
        c.missing = len(slots)
        chunks[seq] = c
        if slots:
            submit(seq, slots)
        seq += 1

    try:
        batch: list[Any] = []
        for item in items:
            batch.append(item)
            if len(batch) < chunk:
                continue
            add(batch)
            batch = []
            yield from ready()
            while len(chunks) >= in_flight:  # back-pressure: wait before reading more
                collect_one()
                yield from ready()
        if batch:
            add(batch)
        yield from ready()
        while chunks:
            collect_one()
            yield from ready()
    finally:
        for fut in list(owner):
            fut.cancel()
        owner.clear()


def ingest_stream(
    items: Iterable[RawInput | InputError],
    store: Store,
    client: Client,
    *,
    chunk: int = CHUNK,
    batch: int = BATCH,
    in_flight: int | None = None,
) -> Iterator[tuple[RawInput | InputError, str, str | None]]:
    """Extract on the cluster and store in input order; yield ``(item, status, error)``.

    ``status`` is ``"new"``, ``"duplicate"``, ``"near_duplicate"`` or ``"failed"``;
    ``error`` is the one-line failure text (the same as ``bayan ingest`` prints without
    Dask) or ``None``. Documents are written with ``Store.add_documents``, ``batch`` per
    transaction; if a batch fails, it is rolled back and written again one document at a
    time so only the failing article is lost, as in a single-process run.
    """
    yield from store_stream(extract_stream(items, client, chunk=chunk, in_flight=in_flight), store, batch=batch)
