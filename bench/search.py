"""Search latency (p50/p95) of ``Store.search`` over a large synthetic store.

Usage:
    python bench/search.py                      # 100,000 articles, seed 1, 10 runs per query
    python bench/search.py --n 100000 --runs 10 --rebuild
    python bench/search.py --n 1000000 --build-only   # build the 1M store (≈25 min), measure later
    python bench/search.py --db PATH --verbose  # measure an existing store file (migrates it to head)
    python bench/search.py --db PATH --no-migrate  # read-only, as built (a store at an older migration)

**This benchmark measures search, not ingest.** Building 100k articles through full
extraction would take ~25 minutes (≈70 articles/s, see bench/ingest.py), so the bench
database is built by inserting rows directly, in batches: the ``documents`` rows (raw
text, body, normalised body and title, exactly as ``Store.add_document`` stores them),
the full-text index rows (the same ``INSERT INTO documents_fts`` the store issues), and,
so that the format and actor filters have realistic tables to join, one ``meeting_sources``
row, its ``participants`` and its ``statements`` per article, copied from the extraction
of the article's base sample. Articles come from ``bench/corpus.py`` (same seed → same
corpus). The schema is created by the store's own Alembic migrations.

The database is cached under /tmp/bayan-bench/ (keyed by size, seed and migration head),
so reruns only measure. Latency is wall time of ``Store.search(...)`` through the public
API (session, SQL, snippet, result dicts), after one warm-up run of every query.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate, samples  # noqa: E402

from bayan.arabic.normalise import fold_char  # noqa: E402

CACHE = Path(os.environ.get("BAYAN_BENCH_DIR", "/tmp/bayan-bench"))
BATCH = 2000
COMMIT_EVERY = 100_000  # articles per transaction (FTS5 flushes a segment at each commit)
FTS_HASHSIZE = 512 * 1024 * 1024  # bytes of pending FTS5 terms before a segment is written

# (query, filters): realistic analyst queries — names, places, formats, topics; spelling
# variants and clitics on purpose; some with filters.
QUERIES: list[tuple[str, dict[str, str]]] = [
    ("أستانا", {}),
    ("استانا الجولة", {}),
    ("بالنظام السوري", {}),
    ("اللاجئين", {}),
    ("الكبتاغون", {}),
    ("لافروف", {}),
    ("المقداد موسكو", {}),
    ("وقف إطلاق النار", {}),
    ("اللجنة الدستورية جنيف", {}),
    ("مجلس الأمن 2254", {}),
    ("الأجندات الانفصالية", {}),
    ("إعلان جدة", {}),
    ("حظر السلاح", {}),
    ("القمة العربية", {}),
    ("معاهدة الأمن الجماعي", {}),
    ("الدعم السريع", {}),
    ("مكافحة الإرهاب", {}),
    ("بيدرسن", {}),
    ("المرتزقة", {}),
    ("وزراء الدفاع", {}),
    ("سوريا", {}),
    ("استانا", {"date_from": "2022-01-01", "date_to": "2022-12-31"}),
    ("اللاجئين", {"outlet": "الأناضول"}),
    ("سوريا", {"format": "astana"}),
    ("مكافحة الإرهاب", {"actor": "TUR"}),
    ("الهدنة", {"outlet": "سانا", "date_from": "2020"}),
    ("الاجتماع", {"actor": "IRN", "date_to": "2019-12-31"}),
]


def _migration_head() -> str:
    from bayan.store.db import MIGRATIONS

    names = sorted(p.name for p in (MIGRATIONS / "versions").glob("*.py"))
    return hashlib.sha1("|".join(names).encode()).hexdigest()[:8]


def db_path(n: int, seed: int) -> Path:
    return CACHE / f"search-{n}-seed{seed}-{_migration_head()}.db"


class _Folder:
    """``normalise`` as a cached ``str.translate`` table (same per-character fold, much faster)."""

    def __init__(self) -> None:
        self.table: dict[int, str] = {}

    def __call__(self, text: str) -> str:
        for ch in set(text):
            if ord(ch) not in self.table:
                self.table[ord(ch)] = fold_char(ch)
        return text.translate(self.table)


def _sample_facts() -> dict[str, list]:
    """Meetings of each sample article, from one real extraction (base → meetings)."""
    from corpus import SAMPLES

    from bayan.core import process
    from bayan.pipeline.ingest import InputError, iter_inputs

    facts = {}
    for raw in iter_inputs([p for p in SAMPLES if p.exists()]):
        if not isinstance(raw, InputError):
            facts[raw.source] = process(raw).meetings
    return facts


def _secondary_indexes(con: sqlite3.Connection) -> list[tuple[str, str]]:
    """(name, CREATE INDEX sql) of the migrations' own indexes on the tables the build fills."""
    tables = ("documents", "meetings", "meeting_sources", "participants", "statements")
    marks = ",".join("?" * len(tables))
    return con.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
        tables,
    ).fetchall()


def build(path: Path, n: int, seed: int) -> None:
    """Fill a fresh migrated store by direct inserts, fast enough for 1M articles.

    Why it is fast (the previous version ran at 60-130 rows/s towards 1M): the
    migrations' secondary indexes are dropped and re-created from their own SQL after
    the load (one sort each instead of a random B-tree insert per row); FTS5 flushes
    its pending terms at every commit and whenever they pass ``hashsize`` (1 MB by
    default), so the load commits every ``COMMIT_EVERY`` articles with ``hashsize``
    raised to 512 MB, which writes a few large segments instead of thousands of small
    ones that automerge keeps rewriting; no journal and a 1 GB page cache (bench file
    only, thrown away on failure). The ``hashsize`` row is removed afterwards, so the
    schema and FTS5 configuration are the migrations' own.
    """
    from bayan.store import Store

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm"), Path(str(tmp) + "-journal")):
        p.unlink(missing_ok=True)
    Store(f"sqlite:///{tmp}").close()  # schema via the store's migrations
    facts = _sample_facts()
    samples()
    fold = _Folder()
    con = sqlite3.connect(tmp, isolation_level=None)
    con.execute("PRAGMA journal_mode=DELETE")  # leave WAL so that journal_mode=OFF applies
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-1000000", "temp_store=MEMORY",
                   "locking_mode=EXCLUSIVE"):
        con.execute(f"PRAGMA {pragma}")
    has_fts = con.execute("SELECT 1 FROM sqlite_master WHERE name='documents_fts'").fetchone() is not None
    indexes = _secondary_indexes(con)
    for name, _ in indexes:
        con.execute(f'DROP INDEX "{name}"')
    con.execute("BEGIN")
    if has_fts:
        con.execute("INSERT INTO documents_fts(documents_fts, rank) VALUES('hashsize', ?)", (FTS_HASHSIZE,))
    meeting_ids: dict[tuple[str, int, int], int] = {}
    started = time.perf_counter()
    docs, fts, sources, parts, stmts = [], [], [], [], []

    def flush() -> None:
        con.executemany(
            "INSERT INTO documents (id, source, url, outlet, title, published, language, content_hash, raw_text, "
            "body, body_norm, title_norm, ingested_at) VALUES (?,?,?,?,?,?,'ar',?,?,?,?,?,'2026-11-23 00:00:00')",
            docs,
        )
        if has_fts:
            con.executemany("INSERT INTO documents_fts(rowid, body_norm, title_norm) VALUES (?,?,?)", fts)
        con.executemany(
            'INSERT INTO meeting_sources (meeting_id, document_id, "primary", local_index, "values") '
            "VALUES (?,?,?,?,'{}')",
            sources,
        )
        con.executemany(
            "INSERT INTO participants (meeting_id, document_id, actor, role, inferred) VALUES (?,?,?,?,0)", parts
        )
        con.executemany(
            'INSERT INTO statements (meeting_id, document_id, actors, act, topic, target, text, start, "end", '
            "attribution) VALUES (?,?,?,?,?,?,?,?,?,?)",
            stmts,
        )
        for batch in (docs, fts, sources, parts, stmts):
            batch.clear()

    def progress(done: int, what: str = "built") -> None:
        rate = done / (time.perf_counter() - started)
        print(f"  {what} {done:,}/{n:,} ({rate:,.0f} articles/s, {time.perf_counter() - started:,.0f} s)",
              file=sys.stderr, flush=True)

    for a in generate(n, seed):
        doc_id = a.index + 1
        body = a.text.strip()
        body_norm, title_norm = fold(body), fold(a.title)
        chash = hashlib.sha256(body.encode("utf-8")).hexdigest()
        docs.append((doc_id, f"bench/{a.index:08d}.txt", a.url, a.outlet, a.title, a.published, chash, a.text,
                     body, body_norm, title_norm))
        fts.append((doc_id, body_norm, title_norm))
        year = int(a.published[:4])
        for idx, m in enumerate(facts.get(a.base, [])):
            key = (a.base, idx, year)
            if key not in meeting_ids:
                cur = con.execute(
                    "INSERT INTO meetings (format, round, city, country, start_date, known_by_reference, fields) "
                    "VALUES (?,?,?,?,?,?,'{}')",
                    (m.format, m.round, m.city, m.country, a.published, 0 if m.primary else 1),
                )
                meeting_ids[key] = cur.lastrowid
            mid = meeting_ids[key]
            sources.append((mid, doc_id, 1 if m.primary else 0, idx))
            parts.extend((mid, doc_id, p.actor, p.role) for p in m.participants)
            stmts.extend(
                (mid, doc_id, json.dumps(st.actors), st.act, st.topic, st.target, st.text, st.start, st.end,
                 st.attribution)
                for st in m.statements
            )
        if len(docs) >= BATCH:
            flush()
            if doc_id % COMMIT_EVERY == 0:
                con.execute("COMMIT")
                con.execute("BEGIN")
            if doc_id % (BATCH * 25) == 0:
                progress(doc_id)
    flush()
    con.execute("COMMIT")
    progress(n, "rows of")
    for name, sql in indexes:
        con.execute(sql)
        print(f"  index {name} ({time.perf_counter() - started:,.0f} s)", file=sys.stderr, flush=True)
    if has_fts:
        con.execute("DELETE FROM documents_fts_config WHERE k = 'hashsize'")
    con.execute("ANALYZE")
    con.execute("PRAGMA journal_mode=WAL")  # as the store leaves its files
    con.close()
    tmp.rename(path)
    print(f"  built {n:,} articles in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * len(values) + 0.5) - 1))
    return values[k]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles in the bench store (default 100,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=10, help="timed runs per query (default 10)")
    parser.add_argument("--limit", type=int, default=20, help="results per query (default 20, like the CLI)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached database")
    parser.add_argument("--verbose", action="store_true", help="per-query figures")
    parser.add_argument("--db", type=Path, help="measure this existing SQLite file (opening it migrates it to head)")
    parser.add_argument("--build-only", action="store_true", help="build (or find) the cached store, measure nothing")
    parser.add_argument(
        "--no-migrate",
        action="store_true",
        help="open the store read-only, without migrating it (a store built at an older migration head stays as it is)",
    )
    args = parser.parse_args()

    from bayan.store import Store

    path = args.db or db_path(args.n, args.seed)
    if not args.db and (args.rebuild or not path.exists()):
        print(f"building {path} …", file=sys.stderr)
        build(path, args.n, args.seed)
    if args.build_only:
        return
    if args.no_migrate:
        store = Store(f"sqlite:///file:{path}?mode=ro&uri=true", migrate=False)
    else:
        store = Store(f"sqlite:///{path}")
    size_mb = path.stat().st_size / 1e6
    ndocs = store.counts().get("documents") if hasattr(store, "counts") else args.n

    for q, f in QUERIES:  # warm-up: page cache, prepared statements
        store.search(q, limit=args.limit, **f)
    times: list[float] = []
    rows = []
    for q, f in QUERIES:
        ts = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            hits = store.search(q, limit=args.limit, **f)
            ts.append((time.perf_counter() - t0) * 1000)
        times += ts
        rows.append((q, f, len(hits), statistics.median(ts), max(ts)))
    store.close()

    print(f"store: {path} ({ndocs:,} documents, {size_mb:,.0f} MB)")
    print(f"queries: {len(QUERIES)} × {args.runs} runs, limit {args.limit}")
    if args.verbose:
        for q, f, nh, med, worst in rows:
            filt = " ".join(f"{k}={v}" for k, v in f.items())
            print(f"  {med:8.1f} ms  (max {worst:7.1f})  {nh:3d} hits  {q}  {filt}")
    print(f"search latency: p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms, max {max(times):.1f} ms")


if __name__ == "__main__":
    main()
