"""Ingest throughput (articles/s) and database size per 1,000 articles.

Usage:
    python bench/ingest.py                 # 1,000 generated articles, seed 1
    python bench/ingest.py --n 2000 --seed 3

Articles come from ``bench/corpus.py`` (streamed, never all in memory) and go through
the same path as ``bayan ingest``: ``iter_inputs`` on a JSON Lines file → full
extraction (``bayan.core.process``) → ``Store.add_document`` (deduplication, MinHash,
meeting linking, full-text index) into a fresh SQLite file. Prints figures; asserts
nothing (speed targets are not unit tests).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write  # noqa: E402


def _rss_mb() -> float:
    """Resident memory now (Linux /proc), to show that it stays flat as the store grows."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return float("nan")
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="articles to ingest (default 1,000)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from bayan.core import process
    from bayan.pipeline.extract.lexicon import load_lexicon
    from bayan.pipeline.ingest import InputError, iter_inputs
    from bayan.store import Store

    with tempfile.TemporaryDirectory(prefix="bayan-ingest-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        write(args.n, args.seed, str(corpus))
        db = Path(tmp) / "bayan.db"
        store = Store(f"sqlite:///{db}")
        load_lexicon()  # one-off start-up cost, not per article
        tally: dict[str, int] = {}
        started = time.perf_counter()
        marks = {max(1, args.n * k // 4) for k in range(1, 5)}
        done = 0
        for item in iter_inputs([corpus]):
            done += 1
            if done in marks:
                print(f"  after {done:,}: resident {_rss_mb():.0f} MB, peak {_peak_mb():.0f} MB, "
                      f"{done / (time.perf_counter() - started):.1f} articles/s", flush=True)
            if isinstance(item, InputError):
                tally["failed"] = tally.get("failed", 0) + 1
                continue
            _, status = store.add_document(process(item), raw_text=item.text, html=item.html)
            tally[status] = tally.get(status, 0) + 1
        elapsed = time.perf_counter() - started
        counts = store.counts()
        store.close()
        size = sum(p.stat().st_size for p in Path(tmp).glob("bayan.db*"))

    print(f"ingested {args.n:,} generated articles (seed {args.seed}) in {elapsed:.1f} s: "
          + ", ".join(f"{k} {v}" for k, v in sorted(tally.items())))
    print(f"ingest throughput: {args.n / elapsed:.1f} articles/s (read + extract + store, one process)")
    print(f"database size: {size / 1e6:.1f} MB total, {size / 1e6 / args.n * 1000:.1f} MB per 1,000 articles")
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
