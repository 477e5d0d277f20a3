"""Load test of the JSON API on loopback: requests/s and p50/p95 latency per endpoint.

Usage:
    python bench/api_load.py [--duration 10] [--threads 8] [--synthetic 0] [--db URL] [--groups a,b]

Builds a temporary database from samples/ (plus ``--synthetic N`` generated articles from
bench/corpus.py, for a bigger store), starts ``bayan serve`` on 127.0.0.1 in a subprocess,
then hammers each endpoint group for ``--duration`` seconds with ``--threads`` concurrent
httpx clients. Bounded in time; prints figures only, asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
SEARCHES = ("استانا", "أستانا", "جدة", "وزراء الخارجية", "سوريا", "الإرهاب", "اللجنة الدستورية", "موسكو")
LIST_QUERIES = (
    {"limit": 50},
    {"format": "astana"},
    {"from": "2022", "to": "2023-12-31"},
    {"actor": "RUS"},
    {"limit": 20, "offset": 10},
)
DOCUMENT_QUERIES = ({"limit": 50}, {"outlet": "سانا"}, {"from": "2022", "to": "2023-12-31"}, {"format": "astana"},
                    {"limit": 20, "offset": 1000})
STATEMENT_QUERIES = ({"limit": 50}, {"topic": "ceasefire"}, {"act": "reject", "format": "astana"}, {"actor": "TUR"},
                     {"outlet": "الأناضول", "limit": 20})
# bounded on purpose: an unfiltered matrix carries every statement as evidence (see RESULTS.md)
POSITION_QUERIES = ({"format": "astana", "topic": "ceasefire"}, {"format": "geneva_un", "topic": "political_process"})


def build_db(url: str, synthetic: int) -> int:
    """Ingest samples/ (and ``synthetic`` generated articles) the way `bayan ingest` does."""
    from bayan.core import process
    from bayan.pipeline.ingest import InputError, RawInput, iter_inputs
    from bayan.store.repository import Store

    n = 0
    with Store(url) as store:
        items = [i for i in iter_inputs([REPO / "samples"]) if not isinstance(i, InputError)]
        if synthetic:
            for rec in itertools.islice(_synthetic_records(synthetic), synthetic):
                items.append(RawInput(source=rec["source"], text=rec["text"], url=rec.get("url"),
                                      outlet=rec.get("outlet"), published=rec.get("published")))
        for item in items:
            try:
                store.add_document(process(item), raw_text=item.text, html=item.html)
                n += 1
            except Exception as exc:  # noqa: BLE001 - a bench keeps going
                print(f"  skipped {item.source}: {type(exc).__name__}", file=sys.stderr)
    return n


def _synthetic_records(count: int):  # noqa: ANN202 - generator of dicts
    """JSON Lines records from bench/corpus.py, run as a subprocess (its CLI is the stable API)."""
    out = subprocess.run([sys.executable, str(REPO / "bench" / "corpus.py"), str(count), "--seed", "1",
                          "--out", "-"], check=True, capture_output=True, text=True).stdout
    for i, line in enumerate(out.splitlines()):
        rec = json.loads(line)
        rec.setdefault("source", f"synthetic#{i}")
        yield rec


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "BAYAN_TOKEN": ""}
    cmd = [sys.executable, "-c", "from bayan.cli import app; app()", "serve", "--db", url, "--host", "127.0.0.1",
           "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode(errors='replace') if proc.stderr else ''}")
        try:
            if httpx.get(base + "/api/stats", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start within 60 s")


def hammer(base: str, paths: list[tuple[str, dict]], duration: float, threads: int) -> dict[str, float]:
    """Fire requests from ``threads`` clients for ``duration`` seconds; latency stats in ms."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def worker(offset: int) -> None:
        nonlocal errors
        local: list[float] = []
        bad = 0
        with httpx.Client(base_url=base, timeout=30) as client:
            i = offset
            while time.monotonic() < stop:
                path, params = paths[i % len(paths)]
                i += 1
                t0 = time.perf_counter()
                try:
                    r = client.get(path, params=params)
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                local.append(time.perf_counter() - t0)
                bad += not ok
        with lock:
            latencies.extend(local)
            errors += bad

    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.monotonic() - started
    lat = sorted(latencies)

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")

    return {
        "requests": len(lat),
        "errors": errors,
        "rps": len(lat) / elapsed if elapsed else 0.0,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": statistics.fmean(lat) * 1000 if lat else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per endpoint (default 10)")
    parser.add_argument("--threads", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--synthetic", type=int, default=0, help="extra generated articles to ingest")
    parser.add_argument("--db", help="use this existing database URL instead of building one")
    parser.add_argument("--json", action="store_true", help="print one JSON object per endpoint")
    parser.add_argument("--groups", help="comma-separated endpoint groups to run (default: all), e.g. meetings,search")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bayan-bench-") as tmp:
        url = args.db
        if not url:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            t0 = time.perf_counter()
            n = build_db(url, args.synthetic)
            print(f"database: {n} articles ingested in {time.perf_counter() - t0:.1f} s")
        port = free_port()
        proc = start_server(url, port)
        base = f"http://127.0.0.1:{port}"
        try:
            meetings = httpx.get(base + "/api/meetings", params={"limit": 500}).json()["items"]
            counts = httpx.get(base + "/api/stats").json()["counts"]
            print(f"store: {counts['documents']} documents, {counts['meetings']} meetings, "
                  f"{counts['statements']} statements; {args.threads} threads, {args.duration:g} s per endpoint, "
                  f"{os.cpu_count()} CPUs")
            docs = [d["id"] for d in httpx.get(base + "/api/documents", params={"limit": 500}).json()["items"]]
            groups = {
                "GET /api/meetings": [("/api/meetings", q) for q in LIST_QUERIES],
                "GET /api/meetings/{id}": [(f"/api/meetings/{m['id']}", {}) for m in meetings],
                "GET /api/search": [("/api/search", {"q": q}) for q in SEARCHES],
                "GET /api/meetings/{id}/compare": [(f"/api/meetings/{m['id']}/compare", {}) for m in meetings],
                "GET /api/documents": [("/api/documents", q) for q in DOCUMENT_QUERIES],
                "GET /api/documents/{id}": [(f"/api/documents/{i}", {}) for i in docs],
                "GET /api/statements": [("/api/statements", q) for q in STATEMENT_QUERIES],
                "GET /api/actors": [("/api/actors", {})],
                "GET /api/followups": [("/api/followups", {})],
                "GET /api/positions": [("/api/positions", q) for q in POSITION_QUERIES],
                "GET /api/stats": [("/api/stats", {})],
            }
            if args.groups:
                wanted = {g.strip() for g in args.groups.split(",")}
                groups = {k: v for k, v in groups.items() if k.split("/")[2] in wanted or k in wanted}
            if not args.json:
                print(f"{'endpoint':<26}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
            for name, paths in groups.items():
                res = hammer(base, paths, args.duration, args.threads)
                if args.json:
                    print(json.dumps({"endpoint": name, **{k: round(v, 2) for k, v in res.items()}}))
                else:
                    print(f"{name:<26}{res['requests']:>9}{res['errors']:>8}{res['rps']:>9.1f}"
                          f"{res['p50_ms']:>9.1f}{res['p95_ms']:>9.1f}{res['p99_ms']:>9.1f}")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
