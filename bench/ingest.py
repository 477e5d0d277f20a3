"""Ingest throughput and memory as the store grows (10k, 100k, 1M articles).

Usage:
    python bench/ingest.py --n 10000                  # one process, fresh SQLite file
    python bench/ingest.py --n 100000 --marks 10      # a line every 10,000 articles
    python bench/ingest.py --n 10000 --workers 2      # extraction on a 2-worker LocalCluster
    python bench/ingest.py --n 10000 --db postgresql://user@host/db   # an empty database
    python bench/ingest.py --n 1000000 --workers 2 --keep /data/w1m.db  # keep the SQLite store

Articles come from ``bench/corpus.py`` (generated into a JSON Lines file first, streamed
from it) and go through the code of ``bayan ingest``: ``iter_inputs`` → extraction
(``bayan.pipeline.load.extract_local``, or Dask workers with ``--workers``) →
``bayan.pipeline.load.store_stream`` (100 documents per transaction: deduplication,
MinHash, meeting linking, full-text index).

At each mark it prints the rate over the last interval and overall (corpus generation
left out), the resident memory of this process and its peak, the database size, so you can see whether throughput and memory stay
flat as the store grows (ingest streams: memory should not grow with the corpus).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write  # noqa: E402

PART = 10_000


def _rss_mb() -> float:
    """Resident memory now (Linux /proc)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return float("nan")
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def _db_mb(path: Path) -> float:
    """Size of the SQLite file with its -wal and -shm files."""
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="articles to ingest (default 10,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--marks", type=int, default=10, help="progress lines (default 10)")
    parser.add_argument("--workers", type=int, default=0, help="extract on a LocalCluster of N workers")
    parser.add_argument("--in-flight", type=int, default=None, metavar="CHUNKS",
                        help="with --workers: chunks submitted ahead of the writer (default: extract_stream's)")
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file in a temporary directory)")
    parser.add_argument("--tmp", help="directory for the corpus and database (default: system temp)")
    parser.add_argument("--keep", type=Path, metavar="FILE",
                        help="write the SQLite store to FILE (must not exist) and keep it, e.g. for "
                             "bench/api_queries.py and bench/search.py --db")
    args = parser.parse_args()
    if args.keep and args.db:
        parser.error("--keep and --db are exclusive")
    if args.keep and args.keep.exists():
        parser.error(f"{args.keep} exists; --keep writes a fresh store")

    from bayan.pipeline.extract.lexicon import load_lexicon
    from bayan.pipeline.ingest import iter_inputs
    from bayan.pipeline.load import extract_local, store_stream
    from bayan.store import Store

    if args.tmp:
        Path(args.tmp).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bayan-ingest-", dir=args.tmp) as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        gen_time = 0.0

        def inputs() -> Iterator[Any]:
            """The corpus in files of PART articles (bayan ingest refuses files over 60 MB),
            each generated just before it is read and deleted after, so 1M articles need
            no 2.6 GB of corpus on disk up front."""
            nonlocal gen_time
            for start in range(0, args.n, PART):
                t = time.perf_counter()
                part = corpus / f"part-{start // PART:04d}.jsonl"
                write(min(PART, args.n - start), args.seed, str(part), start=start)
                gen_time += time.perf_counter() - t
                yield from iter_inputs([part])
                part.unlink()

        db_file = args.keep.resolve() if args.keep else Path(tmp) / "bayan.db"
        db = args.db or f"sqlite:///{db_file}"
        store = Store(db)
        load_lexicon()  # one-off start-up cost, not per article
        client = None
        if args.workers:
            from bayan.pipeline.distributed import dask_client, extract_stream

            cm = dask_client(args.workers, None)
            client = cm.__enter__()
            pairs = extract_stream(inputs(), client, in_flight=args.in_flight)
        else:
            pairs = extract_local(inputs())
        tally: dict[str, int] = {}
        step = max(1, args.n // args.marks)
        started = time.perf_counter()
        cpu0 = time.process_time()
        last_t, last_n = started, 0
        done = 0
        print(f"{'articles':>10} {'interval/s':>11} {'overall/s':>10} {'CPU/s':>7} {'RSS MB':>7} {'peak MB':>8} "
              f"{'DB MB':>7}")
        for _item, status, error in store_stream(pairs, store):
            done += 1
            if error:
                print(f"  {error}", flush=True)
            tally[status] = tally.get(status, 0) + 1
            if done % step == 0 or done == args.n:
                now = time.perf_counter() - gen_time  # generating the corpus is not ingest
                cpu = time.process_time() - cpu0
                print(f"{done:>10,} {(done - last_n) / (now - last_t):>11.1f} {done / (now - started):>10.1f} "
                      f"{done / cpu:>7.1f} {_rss_mb():>7.0f} {_peak_mb():>8.0f} {_db_mb(db_file):>7.0f}", flush=True)
                last_t, last_n = now, done
        elapsed = time.perf_counter() - started - gen_time
        if client is not None:
            cm.__exit__(None, None, None)
        counts = store.counts()
        store.close()
        size = _db_mb(db_file) * 1e6

    mode = f"{args.workers} Dask workers + this writer" if args.workers else "one process"
    print(f"ingested {args.n:,} generated articles (seed {args.seed}) in {elapsed:.0f} s ({mode}): "
          + ", ".join(f"{k} {v:,}" for k, v in sorted(tally.items())))
    print(f"ingest throughput: {args.n / elapsed:.1f} articles/s; 1M articles would take "
          f"{1e6 / (args.n / elapsed) / 3600:.1f} h at this rate")
    if not args.db:
        print(f"database size: {size / 1e6:.0f} MB, {size / 1e6 / args.n * 1000:.1f} MB per 1,000 articles")
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
