"""A faster ranking for ``Store.search``, measured beside it on a search-bench store.

(``Store.search`` now ranks this way itself, see ``_fts_window_ranked`` in
``bayan.store.repository``; this sketch is kept as the record of the measurement.)

Usage:
    python bench/search_rank.py --n 1000000          # the cached store of bench/search.py
    python bench/search_rank.py --db PATH --runs 3

Why: at 1M articles most of ``Store.search``'s time is FTS5's ``bm25()``, which counts
every match of every query phrase in the whole index on each query, and the filters,
whose id sets (hundreds of thousands of ids) are built twice per query. This sketch
keeps the same window (the newest ``SEARCH_WINDOW`` matches passing the filters) and the
same score (FTS5's BM25: k1 1.2, b 0.75, body weight 1, title 2), but:

* filters are index probes per match (``EXISTS`` on the participant, statement, meeting
  source and document indexes) inside the one query that reads the window;
* the score is computed in Python from the window rows' normalised text (phrase hits =
  overlapping occurrences, as the trigram index counts them), the exact token counts of
  ``documents_fts_docsize``, the index averages and each term's document frequency,
  cached per term (a server would refresh it per store version).

It prints both latencies and whether the top ``limit`` ids and their order are the
same. The sketch's time covers finding and ranking the window only; ``Store.search``
also loads the hits and builds snippets (a few ms). Read-only; asserts nothing.
"""

from __future__ import annotations

import argparse
import math
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import QUERIES, db_path, pct  # noqa: E402

from bayan.arabic.normalise import normalise  # noqa: E402
from bayan.store.repository import SEARCH_WINDOW, query_terms  # noqa: E402

K1, B, TITLE_WEIGHT = 1.2, 0.75, 2.0


def varints(blob: bytes) -> list[int]:
    """FTS5's big-endian varints (the docsize and averages records)."""
    out: list[int] = []
    i = 0
    while i < len(blob):
        value = 0
        for _ in range(9):
            byte = blob[i]
            i += 1
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        out.append(value)
    return out


def hits(text: str, term: str) -> int:
    """Occurrences of ``term`` in ``text``, overlapping ones included (one per trigram phrase match)."""
    n, i = 0, text.find(term)
    while i >= 0:
        n += 1
        i = text.find(term, i + 1)
    return n


class Ranker:
    """The window and BM25 score of ``Store.search`` on SQLite, without ``bm25()``."""

    def __init__(self, path: Path) -> None:
        self.con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        avg = varints(
            self.con.execute("SELECT block FROM documents_fts_data WHERE id = 1").fetchone()[0]
        )
        self.n_rows = avg[0]
        self.avgdl = sum(avg[1:]) / max(1, self.n_rows)
        self.df: dict[str, int] = {}

    def idf(self, term: str) -> float:
        if term not in self.df:
            self.df[term] = self.con.execute(
                "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?",
                ('"' + term.replace('"', '""') + '"',),
            ).fetchone()[0]
        n = self.df[term]
        value = math.log((self.n_rows - n + 0.5) / (n + 0.5))
        return value if value > 0 else 1e-6

    def search(self, query: str, limit: int = 20, **filters: str) -> list[int]:
        terms = [t for t in query_terms(query) if len(t) >= 3]
        if not terms:
            return []
        where = ["documents_fts MATCH ?"]
        args: list[str] = [" AND ".join('"' + t.replace('"', '""') + '"' for t in terms)]
        doc: list[str] = []
        if filters.get("outlet"):
            want = normalise(filters["outlet"]).casefold().strip()
            raws = [
                o
                for (o,) in self.con.execute(
                    "SELECT DISTINCT outlet FROM documents WHERE outlet IS NOT NULL"
                )
                if normalise(o).casefold().strip() == want
            ]
            doc.append(f"d.outlet IN ({','.join('?' * len(raws)) or 'NULL'})")
            args += raws
        if filters.get("date_from"):
            doc.append("d.published >= ?")
            args.append(filters["date_from"])
        if filters.get("date_to"):
            doc.append("d.published < ?")
            args.append(filters["date_to"] + "\uffff")
        if doc:
            where.append(
                f"EXISTS (SELECT 1 FROM documents d WHERE d.id = f.rowid AND {' AND '.join(doc)})"
            )
        if filters.get("format"):
            where.append(
                "EXISTS (SELECT 1 FROM meeting_sources ms JOIN meetings m ON m.id = ms.meeting_id "
                "WHERE ms.document_id = f.rowid AND m.format = ?)"
            )
            args.append(filters["format"])
        if filters.get("actor"):
            where.append(
                "(EXISTS (SELECT 1 FROM participants p WHERE p.actor = ? AND p.document_id = f.rowid) "
                "OR EXISTS (SELECT 1 FROM statements s WHERE s.target = ? AND s.document_id = f.rowid))"
            )
            args += [filters["actor"], filters["actor"]]
        rows = self.con.execute(
            "SELECT f.rowid, f.body_norm, f.title_norm, z.sz FROM documents_fts f "
            f"JOIN documents_fts_docsize z ON z.id = f.rowid WHERE {' AND '.join(where)} "
            f"ORDER BY f.rowid DESC LIMIT {SEARCH_WINDOW}",
            args,
        ).fetchall()
        idf = {t: self.idf(t) for t in terms}
        scored = []
        for rowid, body, title, size in rows:
            norm = 1 - B + B * sum(varints(size)) / self.avgdl
            score = 0.0
            for t in terms:
                freq = hits(body, t) + TITLE_WEIGHT * hits(title, t)
                score += idf[t] * freq * (K1 + 1) / (freq + K1 * norm)
            scored.append((-score, rowid))
        scored.sort()
        return [rowid for _, rowid in scored[:limit]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n", type=int, default=1_000_000, help="articles of the cached bench store (default 1M)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path, help="this SQLite file instead of the cached store")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per query (default 3)")
    args = parser.parse_args()

    from bayan.store import Store

    path = args.db or db_path(args.n, args.seed)
    if not path.exists():
        raise SystemExit(
            f"{path} does not exist: build it with bench/search.py --n {args.n} --build-only"
        )
    ranker = Ranker(path)
    store = Store(f"sqlite:///{path}", migrate=False)
    # warm-up: page cache; fills the document-frequency cache, as a running server would
    for q, f in QUERIES:
        ranker.search(q, **f)
        store.search(q, **f)
    old_all: list[float] = []
    new_all: list[float] = []
    same = 0
    for q, f in QUERIES:
        old_ts: list[float] = []
        new_ts: list[float] = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            old = [h["id"] for h in store.search(q, limit=20, **f)]
            old_ts.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            new = ranker.search(q, limit=20, **f)
            new_ts.append((time.perf_counter() - t0) * 1000)
        old_all += old_ts
        new_all += new_ts
        same += new == old
        filt = " ".join(f"{k}={v}" for k, v in f.items())
        print(
            f"  {statistics.median(old_ts):8.1f} ms -> {statistics.median(new_ts):7.1f} ms  "
            f"{'same top 20' if new == old else 'DIFFERENT'}  {q}  {filt}"
        )
    store.close()
    print(f"store: {path}; {len(QUERIES)} queries × {args.runs} runs, limit 20")
    print(f"Store.search:   p50 {pct(old_all, 50):.1f} ms, p95 {pct(old_all, 95):.1f} ms")
    print(
        f"sketch ranking: p50 {pct(new_all, 50):.1f} ms, p95 {pct(new_all, 95):.1f} ms "
        f"(window and ranking only); same top 20 for {same}/{len(QUERIES)} queries"
    )


if __name__ == "__main__":
    main()
