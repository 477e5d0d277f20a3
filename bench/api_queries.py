"""Time one call of each API query function (``bayan.web.queries``) on an existing store.

Usage:
    python bench/api_queries.py --db sqlite:////tmp/bayan-bench/search-100000-seed1-….db [--only a,b]

Why: ``bench/api_load.py`` gives latency through HTTP under load; this shows which query
function costs what, without the server, the JSON encoding or the other clients. Calls
run in the order listed, once each, so the first call that fills a cache (follow-ups,
actors) pays for it. Read-only (opening the store runs its migrations); asserts nothing.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from bayan.store import Store
from bayan.web import queries as Q


def calls(store: Store) -> dict[str, Callable[[], Any]]:
    """The timed calls: each list with and without its common filters, details, search."""
    return {
        "stats": lambda: store.counts(),
        "meetings": lambda: Q.list_meetings(store, limit=50),
        "meetings_astana": lambda: Q.list_meetings(store, format="astana"),
        "meetings_date": lambda: Q.list_meetings(store, date_from="2022", date_to="2023-12-31"),
        "meetings_actor": lambda: Q.list_meetings(store, actor="RUS"),
        "meetings_outlet": lambda: Q.list_meetings(store, outlet="سانا"),
        "meeting_detail": lambda: Q.meeting_detail(store, 1),
        "compare": lambda: Q.compare_sources(store, 1),
        "documents": lambda: Q.list_documents(store),
        "document_detail": lambda: Q.document_detail(store, 5000),
        "statements": lambda: Q.list_statements(store),
        "statements_actor": lambda: Q.list_statements(store, actor="RUS"),
        "actors": lambda: Q.list_actors(store),
        "followups": lambda: Q.list_followups(store),
        "positions": lambda: Q.positions(store, format="astana"),
        "search": lambda: Q.search(store, "سوريا"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database URL of an existing store")
    parser.add_argument("--only", help="comma-separated call names (default: all)")
    args = parser.parse_args()
    store = Store(args.db)
    wanted = set(args.only.split(",")) if args.only else None
    for name, call in calls(store).items():
        if wanted is not None and name not in wanted:
            continue
        t0 = time.perf_counter()
        result = call()
        ms = (time.perf_counter() - t0) * 1000
        total = result.get("total") if isinstance(result, dict) else None
        print(
            f"{ms:10.1f} ms  {name}" + (f"  (total {total:,})" if isinstance(total, int) else ""),
            flush=True,
        )
    store.close()


if __name__ == "__main__":
    main()
