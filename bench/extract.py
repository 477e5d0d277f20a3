"""Extraction throughput on one core, and its ratio to a plain read + tokenise pass.

Usage: python bench/extract.py [PATH ...] [--repeat N]
Defaults to the bundled sample corpus plus ../shared/seeds when present.
Prints figures only; it asserts nothing (speed targets are not unit tests).
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from bayan.api import extract_paths
from bayan.pipeline.extract.lexicon import load_lexicon
from bayan.pipeline.ingest import InputError, iter_inputs

REPO = Path(__file__).resolve().parent.parent
_TOKEN = re.compile(r"\w+")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=20, help="passes over the corpus (default 20)")
    args = parser.parse_args()
    paths = args.paths or [REPO / "samples", REPO.parent / "shared" / "seeds"]
    paths = [p for p in paths if p.exists()]
    raws = [r for r in iter_inputs(paths) if not isinstance(r, InputError)]
    files = [Path(r.source.split("#")[0]) for r in raws]
    print(f"corpus: {len(raws)} articles, {sum(len(r.text or r.html or '') for r in raws):,} characters")

    started = time.perf_counter()
    load_lexicon()
    print(f"lexicon build (once per process): {time.perf_counter() - started:.2f} s")

    started = time.perf_counter()
    tokens = 0
    for _ in range(args.repeat):
        for path in files:
            tokens += len(_TOKEN.findall(path.read_bytes().decode("utf-8", "replace")))
    baseline = time.perf_counter() - started
    n = len(files) * args.repeat
    print(f"read + tokenise:  {n / baseline:10.1f} articles/s")

    started = time.perf_counter()
    done = 0
    for _ in range(args.repeat):
        for item in extract_paths(paths):
            done += not isinstance(item, InputError)
    elapsed = time.perf_counter() - started
    rate = done / elapsed
    print(f"full extraction:  {rate:10.1f} articles/s (read, decode, clean, extract; one core)")
    print(f"ratio to read + tokenise: {(n / baseline) / rate:.1f}x slower")


if __name__ == "__main__":
    main()
