"""CPU time per article of each extraction stage: read, clean, extract (one process).

Usage: python bench/extract_stages.py [PATH ...] [--repeat N]
Defaults to samples/ plus ../shared/seeds. Uses process CPU time (best of N passes),
so the figures hold up better than wall time on a machine shared with other jobs.
Compare two trees with PYTHONPATH=<other tree>/src. Prints figures only.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bayan.pipeline.clean import clean
from bayan.pipeline.extract import extract
from bayan.pipeline.extract.lexicon import load_lexicon
from bayan.pipeline.ingest import InputError, iter_inputs

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=7, help="passes; the best is kept (default 7)")
    args = parser.parse_args()
    paths = [p for p in (args.paths or [REPO / "samples", REPO.parent / "shared" / "seeds"]) if p.exists()]
    load_lexicon()
    raws = [r for r in iter_inputs(paths) if not isinstance(r, InputError)]
    docs = [clean(r) for r in raws]
    for doc in docs:
        extract(doc)  # warm-up: lazy caches (automaton, compiled patterns)

    def best(run) -> float:
        times = []
        for _ in range(args.repeat):
            started = time.process_time()
            run()
            times.append(time.process_time() - started)
        return min(times) / len(raws) * 1e3

    def extract_all() -> None:
        for doc in docs:
            doc.warnings = []
            extract(doc)

    read = best(lambda: list(iter_inputs(paths)))
    cleaning = best(lambda: [clean(r) for r in raws])
    extracting = best(extract_all)
    total = read + cleaning + extracting
    print(f"{len(raws)} articles; CPU ms per article: read {read:.2f}, clean {cleaning:.2f}, "
          f"extract {extracting:.2f}, total {total:.2f} -> {1e3 / total:.0f} articles/s per core")


if __name__ == "__main__":
    main()
