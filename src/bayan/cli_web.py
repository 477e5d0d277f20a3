"""`bayan serve`: the REST API and dashboard over one database, via uvicorn.

Binds to loopback unless told otherwise, because the ingest endpoint writes to the
database: on any other address it needs a token (``--token`` or ``BAYAN_TOKEN``), and
without one writes are refused and a warning is printed.
"""

from __future__ import annotations

from typing import Annotated

import typer

from bayan.cli import app, err, out

# defined here rather than imported from cli_store, so `python -m bayan.cli` has no import cycle
DbOption = Annotated[str | None, typer.Option("--db", envvar="BAYAN_DB",
                                              help="Database URL (default: sqlite:///bayan.db).")]


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port.")] = 8000,
    db: DbOption = None,
    token: Annotated[str | None, typer.Option(envvar="BAYAN_TOKEN", show_default=False,
                                              help="Bearer token required for writes (POST /api/ingest).")] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Serve the dashboard and the JSON API (/api, OpenAPI at /openapi.json)."""
    import uvicorn

    from bayan.cli_store import _store
    from bayan.web.api import is_loopback
    from bayan.web.app import create_app

    store = _store(db)
    web = create_app(store=store, token=token or None, host=host)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    if not is_loopback(host) and not token:
        err.print(f"[yellow]warning[/yellow] binding to {host} without a token: anyone who can reach this "
                  "address can read the database; writes (ingest) are refused. Set --token or BAYAN_TOKEN.",
                  soft_wrap=True)
    out.print(f"Bayan is serving at [bold]{url}[/bold] (API: {url}api/meetings, OpenAPI: {url}openapi.json)",
              highlight=False, soft_wrap=True)
    uvicorn.run(web, host=host, port=port, log_level=log_level, proxy_headers=False, server_header=False)
