#!/usr/bin/env python3
"""Save a PNG of every dashboard view to docs/screenshots/<view>.png (1280x900).

Builds a temporary database from samples/ (exactly as `bayan ingest samples/` does),
serves the app with uvicorn on a free loopback port and drives Debian's headless
Chromium with Playwright. Run `scripts/install_chromium.sh` first if /usr/bin/chromium
is missing.

    .venv/bin/python scripts/screenshots.py [--samples samples] [--out docs/screenshots] [--lang ar]
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}


def build_db(url: str, samples: Path) -> dict[str, int]:
    from bayan.core import process
    from bayan.pipeline.ingest import InputError, iter_inputs
    from bayan.store.repository import Store

    tally = {"new": 0, "duplicate": 0, "near_duplicate": 0, "failed": 0}
    with Store(url) as store:
        for item in iter_inputs([samples]):
            if isinstance(item, InputError):
                tally["failed"] += 1
                continue
            try:
                _, status = store.add_document(process(item), raw_text=item.text, html=item.html)
            except Exception as exc:  # noqa: BLE001 - one bad sample must not stop the screenshots
                print(f"warning: {item.source}: {type(exc).__name__}: {exc}", file=sys.stderr)
                tally["failed"] += 1
                continue
            tally[status] += 1
    return tally


def pick(store) -> dict[str, str]:  # noqa: ANN001
    """Interesting pages to show: the richest meeting, its best-covered article, a search."""
    from bayan.web import queries as Q

    meetings = Q.list_meetings(store, limit=Q.MAX_LIMIT)["items"]
    details = {m["id"]: Q.meeting_detail(store, m["id"]) for m in meetings}

    def richness(mid: int) -> tuple[int, int]:
        d = details[mid] or {}
        n_st = sum(len(g["statements"]) for g in d.get("statements", []))
        return (n_st + 3 * len(d.get("participants", [])), d.get("n_sources", 0))

    rich = max(details, key=richness)
    multi = max(details, key=lambda mid: ((details[mid] or {}).get("n_sources", 0), richness(mid)))
    d = details[rich]
    statements = [st for g in d["statements"] for st in g["statements"]]
    if statements:
        ev = statements[len(statements) // 2]["evidence"]
        doc_url = f"/documents/{ev['document_id']}?hl={ev['start']}-{ev['end']}#hl"
    else:
        doc_url = f"/documents/{d['sources'][0]['id']}"
    return {
        "timeline": "/",
        "meeting": f"/meetings/{rich}",
        "compare": f"/meetings/{multi}/compare",
        "document": doc_url,
        "positions": "/positions",
        "followups": "/followups",
        "search": "/search?q=" + "استانا",
        "ingest": "/ingest",
    }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=Path, default=REPO / "samples")
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    ap.add_argument("--lang", choices=("ar", "en"), default="ar")
    args = ap.parse_args(argv)

    if not Path(CHROMIUM).exists():
        print(f"error: {CHROMIUM} is missing: run scripts/install_chromium.sh", file=sys.stderr)
        return 1
    import uvicorn
    from playwright.sync_api import sync_playwright

    from bayan.store.repository import Store
    from bayan.web.app import create_app

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bayan-shots-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bayan.db'}"
        tally = build_db(url, args.samples)
        print("ingested:", ", ".join(f"{k}: {v}" for k, v in tally.items()))
        store = Store(url)
        views = pick(store)
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(store=store), host="127.0.0.1", port=port,
                                               log_level="warning", access_log=False, lifespan="off"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                print("error: the server did not start", file=sys.stderr)
                return 1
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                ctx = browser.new_context(viewport=VIEWPORT, locale=args.lang, device_scale_factor=1)
                page = ctx.new_page()
                if args.lang == "en":
                    page.goto(base + "/?lang=en")
                for name, path in views.items():
                    resp = page.goto(base + path)
                    if resp is None or resp.status != 200:
                        print(f"error: {path} answered {resp.status if resp else 'nothing'}", file=sys.stderr)
                        return 1
                    for chart in ("#timeline-chart", "#heatmap-chart", "#followups-chart"):
                        if page.locator(chart).count():
                            page.wait_for_selector(f"{chart}[data-ready='1'] canvas", timeout=15_000)
                    page.wait_for_timeout(300)
                    if name == "document":
                        page.evaluate("() => { const m = document.getElementById('hl'); "
                                      "if (m) m.scrollIntoView({block: 'center'}); }")
                    target = args.out / f"{name}.png"
                    page.screenshot(path=str(target), full_page=False)
                    print(f"saved {target.relative_to(REPO) if target.is_relative_to(REPO) else target}  ({path})")
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
