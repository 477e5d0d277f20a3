"""Check that extraction output is unchanged: byte-identical JSONL and the same eval table.

Usage:
    python bench/check_same_output.py --save    # before a change: write the golden snapshot
    python bench/check_same_output.py           # after a change: regenerate and compare

The snapshot is ``bayan extract --format jsonl`` over samples/, ../shared/seeds (when
present) and the first 300 records of a generated corpus (``bench/corpus.py 2000 --seed 1``,
written to /tmp/perf.jsonl when missing), plus the table printed by
``bayan eval gold/ --no-threshold``. Exits 1 when anything differs.
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BAYAN = [sys.executable, "-c", "from bayan.cli import app; app()"]


def _corpus(tmp: Path) -> Path:
    full = tmp / "perf.jsonl"
    if not full.exists():
        subprocess.run(
            [sys.executable, str(REPO / "bench" / "corpus.py"), "2000", "--seed", "1", "--out", str(full)],
            check=True,
        )
    head = tmp / "perf300.jsonl"
    with full.open(encoding="utf-8") as src:
        lines = list(itertools.islice(src, 300))
    head.write_text("".join(lines), encoding="utf-8")
    return head


def _run(cmd: list[str]) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    return proc.stdout + (f"\n# exit {proc.returncode}\n" if proc.returncode else "")


def snapshot(tmp: Path) -> tuple[str, str]:
    paths = [REPO / "samples", REPO.parent / "shared" / "seeds", _corpus(tmp)]
    paths = [str(p) for p in paths if p.exists()]
    jsonl = _run([*BAYAN, "extract", "--format", "jsonl", *paths])
    table = _run([*BAYAN, "eval", str(REPO / "gold"), "--no-threshold"])
    return jsonl, table


def _compare(name: str, before: str, after: str) -> bool:
    if before == after:
        print(f"{name}: identical ({len(after.splitlines())} lines)")
        return True
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), "before", "after", lineterm="", n=0))
    print(f"{name}: DIFFERS ({sum(1 for d in diff if d[:1] in '+-') - 2} changed lines)")
    for line in diff[:20]:
        print("  " + line[:300])
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", action="store_true", help="write the golden snapshot instead of comparing")
    parser.add_argument("--tmp", type=Path, default=Path("/tmp"), help="where the snapshot lives (default /tmp)")
    args = parser.parse_args()
    golden, golden_eval = args.tmp / "golden_before.jsonl", args.tmp / "golden_eval_before.txt"
    jsonl, table = snapshot(args.tmp)
    if args.save:
        golden.write_text(jsonl, encoding="utf-8")
        golden_eval.write_text(table, encoding="utf-8")
        print(f"saved {golden} ({len(jsonl.splitlines())} records) and {golden_eval}")
        return
    ok = _compare("extract jsonl", golden.read_text(encoding="utf-8"), jsonl)
    ok = _compare("eval table", golden_eval.read_text(encoding="utf-8"), table) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
