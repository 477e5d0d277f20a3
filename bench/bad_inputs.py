"""Time and peak memory of the two bad inputs too big for unit tests.

* a 50 MB article (``scripts/make_bad_inputs.py --big``): ``extract`` and ``ingest``;
* N tiny files in one directory (default 1,000,000): ``extract`` over all of them,
  and ``ingest`` of the first M (default 20,000; SQLite commits per document).

Usage: python bench/bad_inputs.py [--big-mb 50] [--tiny N] [--tiny-ingest M] [--workdir DIR]

Each measurement runs in a fresh child process, so its peak resident memory
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``) is its own. Prints figures only;
asserts nothing (these are benchmarks, not tests). Files go to a temporary
directory (deleted afterwards) unless ``--workdir`` is given.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location("make_bad_inputs", REPO / "scripts" / "make_bad_inputs.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


# ------------------------------------------------------------------ children

def child_extract(path: str) -> dict:
    from bayan.api import extract_paths
    from bayan.pipeline.extract.lexicon import load_lexicon
    from bayan.pipeline.ingest import InputError

    load_lexicon()
    base = _peak_mb()
    started = time.perf_counter()
    docs = errors = meetings = 0
    warnings: set[str] = set()
    for item in extract_paths([path]):
        if isinstance(item, InputError):
            errors += 1
            continue
        docs += 1
        meetings += len(item.meetings)
        warnings.update(item.warnings)
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(_peak_mb()), "baseline_rss_mb": round(base),
            "docs": docs, "errors": errors, "meetings": meetings,
            "per_second": round((docs + errors) / seconds, 1), "warnings": sorted(warnings)[:3]}


def child_ingest(path: str, db: str) -> dict:
    from bayan.core import process
    from bayan.pipeline.extract.lexicon import load_lexicon
    from bayan.pipeline.ingest import InputError, iter_inputs
    from bayan.store.repository import Store

    load_lexicon()
    store = Store(f"sqlite:///{db}")
    base = _peak_mb()
    started = time.perf_counter()
    tally: dict[str, int] = {}
    for item in iter_inputs([path]):
        if isinstance(item, InputError):
            tally["failed"] = tally.get("failed", 0) + 1
            continue
        doc = process(item)
        _, status = store.add_document(doc, raw_text=item.text, html=item.html)
        tally[status] = tally.get(status, 0) + 1
    seconds = time.perf_counter() - started
    n = sum(tally.values())
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(_peak_mb()), "baseline_rss_mb": round(base),
            "per_second": round(n / seconds, 1), "db_mb": round(Path(db).stat().st_size / 2**20, 1),
            **tally}


# ------------------------------------------------------------------ parent

def _run_child(*args: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else proc.returncode}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _show(label: str, result: dict) -> None:
    print(f"{label:<34} " + ", ".join(f"{k}={v}" for k, v in result.items()), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big-mb", type=int, default=50, help="size of the big article (0: skip)")
    parser.add_argument("--tiny", type=int, default=1_000_000, help="tiny files to extract (0: skip)")
    parser.add_argument("--tiny-ingest", type=int, default=20_000, help="tiny files to ingest (0: skip)")
    parser.add_argument("--workdir", type=Path, help="keep generated files here")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        result = child_extract(*rest) if kind == "extract" else child_ingest(*rest)
        print(json.dumps(result, ensure_ascii=False))
        return

    gen = _generator()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bayan-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.big_mb:
            started = time.perf_counter()
            big = gen.build_big(work / "big", args.big_mb)
            print(f"generated {big.name} ({big.stat().st_size / 2**20:.0f} MB) in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            _show(f"extract {args.big_mb} MB article", _run_child("extract", str(big)))
            _show(f"ingest {args.big_mb} MB article", _run_child("ingest", str(big), str(work / "big.db")))
        if args.tiny:
            started = time.perf_counter()
            tiny = gen.build_tiny(work / "tiny", args.tiny)
            print(f"generated {args.tiny:,} tiny files in one directory in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            _show(f"extract {args.tiny:,} tiny files", _run_child("extract", str(tiny)))
            shutil.rmtree(tiny)
        if args.tiny_ingest:
            tiny = gen.build_tiny(work / "tiny_ingest", args.tiny_ingest)
            _show(f"ingest {args.tiny_ingest:,} tiny files",
                  _run_child("ingest", str(tiny), str(work / "tiny.db")))
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
