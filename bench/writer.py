"""The single writer on its own: storing pre-extracted articles, per article, as the store grows.

Usage:
    python bench/writer.py --n 10000                 # generated corpus in its own (random-date) order
    python bench/writer.py --n 10000 --date-order    # the same articles sorted by publication date
    python bench/writer.py --n 20000 --profile 15000 --ready-in-writer   # cProfile after 15,000
    python bench/writer.py --n 100000 --cache /tmp/bayan-bench   # keep the extracted articles for the next run

Storing is the one sequential stage of ``bayan ingest`` (meeting linking depends on input
order), so it bounds ingest whatever the number of Dask workers. This bench extracts the
articles of ``bench/corpus.py`` first (not timed), computes what ``--workers`` computes on
the workers (``store_ready``: normalised text, MinHash, extraction JSON; timed apart), then
times ``Store.add_documents`` in batches of 100, the batch size of ``bayan ingest``, on a
fresh SQLite file. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pickle
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="articles to store (default 10,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--marks", type=int, default=4, help="progress lines (default 4)")
    parser.add_argument("--date-order", action="store_true", help="store in publication-date order")
    parser.add_argument("--profile", type=int, metavar="K", help="cProfile from the first batch of 100 at or after article K")
    parser.add_argument("--ready-in-writer", action="store_true",
                        help="leave store_ready to the writer, as a one-process bayan ingest does")
    parser.add_argument("--tmp", help="directory for the corpus and database (default: system temp)")
    parser.add_argument("--cache", metavar="DIR",
                        help="keep the extracted articles in DIR (a pickle keyed by n, seed and the extraction "
                             "code's fingerprint) and reuse them: a writer change then needs no re-extraction")
    parser.add_argument("--through-sqlalchemy", action="store_true",
                        help="run the write path through SQLAlchemy's Connection.execute instead of bayan.store.direct")
    parser.add_argument("--keep", metavar="PATH", help="write the database to PATH (kept) instead of a temporary file")
    args = parser.parse_args()

    from bayan.models import Document
    from bayan.pipeline.extract.lexicon import load_lexicon
    from bayan.pipeline.ingest import iter_inputs
    from bayan.pipeline.load import BATCH, extract_local
    from bayan.store import Store
    from bayan.store.repository import store_ready

    if args.through_sqlalchemy:
        import bayan.store.repository as repository

        repository.DIRECT_WRITES = False
    load_lexicon()
    with tempfile.TemporaryDirectory(prefix="bayan-writer-", dir=args.tmp) as tmp:
        cached = None
        if args.cache:
            from bayan.pipeline.distributed import extraction_fingerprint

            Path(args.cache).mkdir(parents=True, exist_ok=True)
            fingerprint = extraction_fingerprint()
            cached = Path(args.cache) / f"writer-{args.n}-seed{args.seed}-{fingerprint}.pickle"
            # article i depends only on (seed, i): a larger run's articles start with these
            larger = [p for p in Path(args.cache).glob(f"writer-*-seed{args.seed}-{fingerprint}.pickle")
                      if int(p.name.split("-")[1]) >= args.n]
            if larger and not cached.exists():
                cached = min(larger, key=lambda p: int(p.name.split("-")[1]))
        t = time.perf_counter()
        if cached is not None and cached.exists():
            with cached.open("rb") as f:
                items = pickle.load(f)[: args.n]
            print(f"loaded {len(items):,} extracted articles from {cached} in {time.perf_counter() - t:.0f} s")
        else:
            corpus = Path(tmp) / "corpus.jsonl"
            write(args.n, args.seed, str(corpus))
            items = [(doc, it.text, it.html) for it, doc in extract_local(iter_inputs([corpus]))
                     if isinstance(doc, Document)]
            print(f"extracted {len(items):,} articles in {time.perf_counter() - t:.0f} s (not part of the figures)")
            if cached is not None:
                with cached.open("wb") as f:
                    pickle.dump(items, f, protocol=pickle.HIGHEST_PROTOCOL)
        if args.date_order:
            items.sort(key=lambda x: x[0].published or "9999")
        if not args.ready_in_writer:
            t = time.process_time()
            for doc, _, _ in items:
                doc.store_ready = store_ready(doc)
            per_ready = (time.process_time() - t) / len(items) * 1000
            print(f"store_ready (on the workers with --workers): {per_ready:.2f} ms of CPU per article")

        store = Store(f"sqlite:///{Path(args.keep) if args.keep else Path(tmp) / 'bayan.db'}")
        step = max(BATCH, len(items) // args.marks // BATCH * BATCH)
        profile = cProfile.Profile() if args.profile is not None else None
        print(f"{'articles':>10} {'interval ms/article':>20} {'overall ms/article':>19} {'CPU ms/article':>15}")
        started = last = time.perf_counter()
        cpu0 = cpu_last = time.process_time()
        last_done = 0
        profiling = False
        for i in range(0, len(items), BATCH):
            if profile is not None and i >= args.profile and not profiling:
                profile.enable()
                profiling = True
            store.add_documents(items[i : i + BATCH], batch_size=BATCH)
            done = min(i + BATCH, len(items))
            if done % step == 0 or done == len(items):
                now, cpu, n = time.perf_counter(), time.process_time(), done - last_done
                print(f"{done:>10,} {(now - last) / n * 1000:>20.2f} {(now - started) / done * 1000:>19.2f} "
                      f"{(cpu - cpu_last) / n * 1000:>15.2f}", flush=True)
                last, cpu_last, last_done = now, cpu, done
        if profiling:
            profile.disable()
        total = time.perf_counter() - started
        print(f"stored {len(items):,} articles in {total:.0f} s: {len(items) / total:.1f} articles/s, "
              f"{(time.process_time() - cpu0) / len(items) * 1000:.2f} ms of CPU per article"
              + (" (date order)" if args.date_order else " (corpus order)"))
        print("rows: " + ", ".join(f"{k} {v:,}" for k, v in store.counts().items()))
        store.close()
        if profile is not None:
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(30)
            print(out.getvalue())


if __name__ == "__main__":
    main()
