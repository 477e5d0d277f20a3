"""Dask ingest: speedup from 1 to 2 workers, against the single-process path.

Usage:
    python bench/dask_ingest.py                       # 500 generated articles, seed 1
    python bench/dask_ingest.py --n 500 --repeat 3       # best of 3 runs (shared machine)
    python bench/dask_ingest.py --n 1000 --workers 1 2 --chunk 32

Each run ingests the same generated corpus (``bench/corpus.py``, JSON Lines) into a
fresh SQLite file:

* ``single process`` — the path of ``bayan ingest`` without flags: ``iter_inputs`` →
  ``bayan.pipeline.load.extract_local`` → ``store_stream`` (100 documents per
  transaction). The time spent inside ``Store.add_documents`` is reported too: that is
  the writer's share, which Dask does not parallelise (the workers do take the
  normalised text, MinHash and JSON off it, ``StoreReady``).
* ``dask N workers`` — the path of ``bayan ingest --workers N``: a LocalCluster of N
  processes (1 thread each), ``bayan.pipeline.distributed.ingest_stream`` (extraction on
  the workers, storing in input order here). Cluster start-up (a few seconds) is timed
  separately and left out of the rate; the lexicon is built on the workers at start-up,
  as it is built before timing in the single-process run.
* ``dask N workers, extraction only`` — ``extract_stream`` over four passes of the
  corpus with nothing stored: the ceiling the workers alone could deliver.

Every Dask database is compared with the single-process one (content hash of every
table, ids included). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write  # noqa: E402

TIMESTAMPS = {"ingested_at", "created_at"}


def db_digest(path: Path) -> str:
    """One hash over every table's sorted rows (FTS index b-tree and timestamps left out)."""
    con = sqlite3.connect(path)
    h = hashlib.sha256()
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
        if name.startswith("documents_fts_"):
            continue
        cols = [r[1] for r in con.execute(f'PRAGMA table_xinfo("{name}")') if r[1] not in TIMESTAMPS]
        select = ("rowid, " if name == "documents_fts" else "") + ", ".join(f'"{c}"' for c in cols)
        h.update(name.encode())
        for row in sorted(repr(r) for r in con.execute(f'SELECT {select} FROM "{name}"')):
            h.update(row.encode("utf-8"))
    con.close()
    return h.hexdigest()


def single(corpus: Path, db: Path) -> tuple[float, float, dict[str, int]]:
    """The path of ``bayan ingest`` without Dask; also returns the time spent storing."""
    from bayan.pipeline.extract.lexicon import load_lexicon
    from bayan.pipeline.ingest import iter_inputs
    from bayan.pipeline.load import extract_local, store_stream
    from bayan.store import Store

    store = Store(f"sqlite:///{db}")
    load_lexicon()
    tally: dict[str, int] = {}
    writing = 0.0
    add_documents = store.add_documents

    def timed(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - a pass-through
        nonlocal writing
        t = time.perf_counter()
        try:
            return add_documents(*args, **kwargs)
        finally:
            writing += time.perf_counter() - t

    store.add_documents = timed  # type: ignore[method-assign]
    started = time.perf_counter()
    for _item, status, _error in store_stream(extract_local(iter_inputs([corpus])), store):
        tally[status] = tally.get(status, 0) + 1
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed, writing, tally


def dask_run(corpus: Path | list[Path], db: Path | None, workers: int,
             chunk: int) -> tuple[float, float, dict[str, int]]:
    from bayan.pipeline.distributed import dask_client, extract_stream, ingest_stream
    from bayan.pipeline.ingest import iter_inputs
    from bayan.store import Store

    paths = corpus if isinstance(corpus, list) else [corpus]
    started = time.perf_counter()
    with dask_client(workers) as client:
        startup = time.perf_counter() - started
        tally: dict[str, int] = {}
        store = Store(f"sqlite:///{db}") if db is not None else None
        started = time.perf_counter()
        if store is None:
            for _, result in extract_stream(iter_inputs(paths), client, chunk=chunk):
                key = "failed" if result is None or isinstance(result, BaseException) else "extracted"
                tally[key] = tally.get(key, 0) + 1
        else:
            for _, status, _ in ingest_stream(iter_inputs(paths), store, client, chunk=chunk):
                tally[status] = tally.get(status, 0) + 1
            store.close()
        elapsed = time.perf_counter() - started
    return elapsed, startup, tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="articles (default 500)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts (default 1 2)")
    parser.add_argument("--chunk", type=int, default=64, help="articles per Dask task (default 64)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds over all configurations, interleaved; the fastest run counts "
                             "(default 1)")
    args = parser.parse_args()

    from bayan.pipeline.distributed import extraction_fingerprint

    with tempfile.TemporaryDirectory(prefix="bayan-dask-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        write(args.n, args.seed, str(corpus))
        print(f"corpus: {args.n:,} generated articles (seed {args.seed}); chunk {args.chunk}; "
              f"best of {args.repeat} interleaved round(s)", flush=True)
        code = extraction_fingerprint()
        base_digest = None
        best: dict[str, tuple] = {}
        verdicts: dict[int, set[str]] = {w: set() for w in args.workers}

        def keep(name: str, run: tuple) -> None:
            if name not in best or run[0] < best[name][0]:
                best[name] = run

        # Rounds interleave the configurations, so load changes on a shared machine
        # touch them all alike.
        for _ in range(args.repeat):
            db = Path(tmp) / "single.db"
            db.unlink(missing_ok=True)
            keep("single", single(corpus, db))
            base_digest = base_digest or db_digest(db)
            for n_workers in args.workers:
                db = Path(tmp) / f"dask{n_workers}.db"
                db.unlink(missing_ok=True)
                keep(f"dask{n_workers}", dask_run(corpus, db, n_workers, args.chunk))
                verdicts[n_workers].add("identical to" if db_digest(db) == base_digest else "DIFFERS from")
            # Extraction alone, 4 passes over the corpus: what the workers could deliver.
            for n_workers in args.workers:
                keep(f"extract{n_workers}", dask_run([corpus] * 4, None, n_workers, args.chunk))
        changed = extraction_fingerprint() != code

    elapsed, writing, tally = best["single"]
    base_rate = args.n / elapsed
    print(f"single process          : {base_rate:6.1f} articles/s ({elapsed:.1f} s; writer "
          f"{writing:.1f} s = {100 * writing / elapsed:.0f}%, i.e. ≤ {args.n / writing:.0f} articles/s "
          f"for the writer alone) {tally}")
    rates: dict[int, float] = {}
    for n_workers in args.workers:
        elapsed, startup, tally = best[f"dask{n_workers}"]
        rates[n_workers] = args.n / elapsed
        verdict = " and ".join(sorted(verdicts[n_workers]))
        if changed:
            verdict = "not comparable (extraction code or data edited during the bench) to"
        print(f"dask {n_workers} worker(s)           : {rates[n_workers]:6.1f} articles/s ({elapsed:.1f} s, "
              f"+{startup:.1f} s cluster start-up) {tally}; database {verdict} single process")
    for n_workers in args.workers:
        elapsed, _, tally = best[f"extract{n_workers}"]
        print(f"dask {n_workers} worker(s), extract only: {4 * args.n / elapsed:6.1f} articles/s "
              f"({elapsed:.1f} s) {tally}")
    lo, hi = min(rates), max(rates)
    if lo != hi:
        print(f"speedup {lo} → {hi} workers: {rates[hi] / rates[lo]:.2f}×")
    for n_workers, rate in rates.items():
        print(f"dask {n_workers} worker(s) vs single process: {rate / base_rate:.2f}×")


if __name__ == "__main__":
    main()
