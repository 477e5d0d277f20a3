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
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write  # noqa: E402


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
        for item in iter_inputs([corpus]):
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
