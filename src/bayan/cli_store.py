"""`bayan ingest | timeline | search | followups | positions | export | reextract`.

Thin commands over :class:`bayan.store.repository.Store`; the database is
``--db URL`` (or ``BAYAN_DB``), an SQLite file ``bayan.db`` by default.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bayan.cli import _progress, app, err, out

DbOption = Annotated[str | None, typer.Option("--db", envvar="BAYAN_DB",
                                              help="Database URL (default: sqlite:///bayan.db).")]


def _store(db: str | None):
    from bayan.store.repository import Store

    try:
        return Store(db)
    except Exception as exc:  # noqa: BLE001 - a bad URL or unreadable file is one line
        err.print(f"[red]error[/red] cannot open database {db or 'bayan.db'}: {exc}", soft_wrap=True)
        raise typer.Exit(1) from None


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Article files or directories (text, HTML, JSON Lines, .jsonl.gz).")],
    db: DbOption = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show a progress bar.")] = True,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, help="Extract on a local Dask cluster of N worker processes.",
        rich_help_panel="Dask (docs/scale.md)")] = None,
    cluster: Annotated[str | None, typer.Option(
        "--cluster", help="Extract on an existing Dask scheduler, e.g. tcp://scheduler:8786.",
        rich_help_panel="Dask (docs/scale.md)")] = None,
    chunk: Annotated[int, typer.Option(
        "--chunk", min=1, help="Articles per Dask task (with --workers or --cluster).",
        rich_help_panel="Dask (docs/scale.md)")] = 64,
    batch: Annotated[int, typer.Option(
        "--batch", min=1, help="Documents per database transaction (a crash loses at most one batch; "
        "ingesting again resumes).")] = 100,
) -> None:
    """Extract articles and store them, their facts and merged meetings (idempotent).

    With --workers or --cluster, extraction runs on Dask workers; this process stays
    the one writer and stores the results in input order, so the database is the same.
    """
    from bayan.pipeline.ingest import iter_inputs

    if workers is not None and cluster is not None:
        err.print("[red]error[/red] give --workers or --cluster, not both")
        raise typer.Exit(2)
    store = _store(db)
    tally = {"read": 0, "new": 0, "duplicate": 0, "near_duplicate": 0, "failed": 0}
    failures: list[str] = []
    if workers is not None or cluster is not None:
        from bayan.pipeline.distributed import dask_client, ingest_stream

        try:
            with dask_client(workers, cluster) as client, \
                    _progress(progress and sys.stderr.isatty()) as bar:
                task = bar.add_task("ingesting", total=None)
                for _item, status, error in ingest_stream(iter_inputs(paths), store, client, chunk=chunk,
                                                          batch=batch):
                    tally["read"] += 1
                    bar.advance(task)
                    tally[status] += 1
                    if error is not None:
                        failures.append(error)
        except (OSError, TimeoutError, ValueError, RuntimeError) as exc:  # no scheduler, bad address
            done = f" (after {tally['read']} input(s); ingest again to resume)" if tally["read"] else ""
            err.print(f"[red]error[/red] Dask cluster {cluster or 'local'}: {type(exc).__name__}: {exc}{done}",
                      highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
    else:
        from bayan.pipeline.load import extract_local, store_stream

        with _progress(progress and sys.stderr.isatty()) as bar:
            task = bar.add_task("ingesting", total=None)
            for _item, status, error in store_stream(extract_local(iter_inputs(paths)), store, batch=batch):
                tally["read"] += 1
                bar.advance(task)
                tally[status] += 1
                if error is not None:
                    failures.append(error)
    for line in failures:
        err.print(f"[red]error[/red] {line}", highlight=False, soft_wrap=True)
    out.print(", ".join(f"{k.replace('_', '-')}: {v}" for k, v in tally.items()))
    if tally["failed"]:
        raise typer.Exit(1)


@app.command()
def timeline(db: DbOption = None,
             as_json: Annotated[bool, typer.Option("--json", help="JSON Lines instead of a table.")] = False) -> None:
    """Meetings in date order with format, round, place and number of sources."""
    rows = _store(db).timeline()
    if as_json:
        for row in rows:
            out.print_json(json.dumps(row, ensure_ascii=False))
        return
    table = Table(title="Meetings")
    for col in ("date", "format", "round", "place", "sources", "note"):
        table.add_column(col)
    for r in rows:
        date = r["start_date"] or "?"
        if r.get("end_date") and r["end_date"] != r["start_date"]:
            date += f" → {r['end_date']}"
        note = "by reference" if r["known_by_reference"] else ""
        if r["disagreements"]:
            note = (note + " disagreement: " + ", ".join(r["disagreements"])).strip()
        if r.get("inconsistencies"):
            note = (note + " inconsistent in a source: " + ", ".join(r["inconsistencies"])).strip()
        table.add_row(date, r["format"] or "?", str(r["round"] or ""),
                      f"{r['city'] or '?'}/{r['country'] or '?'}", str(r["sources"]), note)
    out.print(table)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Arabic words; spelling variants and clitics are forgiven.")],
    db: DbOption = None,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="Published on or after (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Published on or before (YYYY-MM-DD).")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="Only meetings of this format key.")] = None,
    actor: Annotated[str | None, typer.Option(help="Only documents with this participant key.")] = None,
    limit: Annotated[int, typer.Option(help="Most results to show.")] = 20,
) -> None:
    """Ranked full-text search with highlighted snippets."""
    hits = _store(db).search(query, outlet=outlet, date_from=date_from, date_to=date_to,
                             format=fmt, actor=actor, limit=limit)
    for h in hits:
        out.print(f"[bold]{h.get('title') or h.get('source')}[/bold] · {h.get('outlet') or '?'} · "
                  f"{h.get('published') or '?'}", highlight=False)
        out.print(f"  {h.get('snippet', '')}", highlight=False)
    out.print(f"{len(hits)} result(s)")


@app.command()
def followups(db: DbOption = None,
              status: Annotated[str | None, typer.Option(help="pending, overdue or fulfilled.")] = None) -> None:
    """Announced follow-up meetings and whether they took place."""
    rows = _store(db).followups(status)
    table = Table(title="Follow-ups")
    for col in ("kind", "format", "round", "place", "window", "status", "announced at", "held as"):
        table.add_column(col)
    for r in rows:
        window = f"{r.get('from') or '?'} – {r.get('to') or '?'}" if r.get("from") else "?"
        status = str(r.get("status")) + (" (late)" if r.get("held_late") else "")
        table.add_row(str(r.get("kind")), str(r.get("format") or "?"), str(r.get("round") or ""),
                      str(r.get("place") or "?"), window, status, str(r.get("announced_at") or ""),
                      str(r.get("fulfilled_by_label") or ""))
    out.print(table)


@app.command()
def positions(db: DbOption = None,
              fmt: Annotated[str | None, typer.Option("--format", help="Format key, e.g. astana.")] = None,
              topic: Annotated[str | None, typer.Option(help="Topic key, e.g. separatism.")] = None,
              as_json: Annotated[bool, typer.Option("--json", help="One JSON object per cell, with evidence.")] = False,
              ) -> None:
    """Actor × meeting matrix: in each cell the acts (and topics) with their evidence counts."""
    rows = _store(db).positions(format=fmt, topic=topic)
    if as_json:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    if not rows:
        err.print("no positions match")
        return
    meetings: dict[int, str] = {}
    cells: dict[tuple[str, int], list[str]] = {}
    for r in sorted(rows, key=lambda r: (r["start_date"] or "9999", r["meeting_id"])):
        label = " ".join(str(x) for x in (r["format"], f"r{r['round']}" if r["round"] else None,
                                          r["city"], r["start_date"]) if x)
        meetings.setdefault(r["meeting_id"], label)
        what = r["act"] if topic else f"{r['act']}:{r['topic']}"
        cells.setdefault((r["actor"], r["meeting_id"]), []).append(f"{what} ×{r['evidence_count']}")
    table = Table(title=f"Positions{' on ' + topic if topic else ''}{' in ' + fmt if fmt else ''}")
    table.add_column("actor")
    for label in meetings.values():
        table.add_column(label)
    for actor in sorted({a for a, _ in cells}):
        table.add_row(actor, *("\n".join(cells.get((actor, mid), [])) for mid in meetings))
    out.print(table)


class ExportFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"
    plover = "plover"


@app.command()
def export(
    kind: Annotated[str, typer.Argument(
        help="meetings, statements, follow_ups or framing (--to plover: statements only).")] = "statements",
    to: Annotated[ExportFormat, typer.Option(
        "--to", help="csv, jsonl, parquet, or plover (PLOVER event records as JSON Lines).")] = ExportFormat.jsonl,
    out_path: Annotated[Path | None, typer.Option(
        "--out", help="Output file; standard output if omitted or '-' (parquet needs a file).")] = None,
    db: DbOption = None,
) -> None:
    """Export stored records, each with its source path/URL and evidence text (docs/export.md)."""
    from bayan.export import KINDS, plover_records, write_plover, write_rows

    if kind not in KINDS:
        err.print(f"[red]error[/red] unknown export kind {kind!r}: use meetings, statements, follow_ups or framing")
        raise typer.Exit(2)
    if to == ExportFormat.plover and kind != "statements":
        err.print(f"[red]error[/red] --to plover exports statements (PLOVER events), not {kind!r}")
        raise typer.Exit(2)
    to_stdout = out_path is None or str(out_path) == "-"
    if to == ExportFormat.parquet and to_stdout:
        err.print("[red]error[/red] --to parquet needs --out PATH (Parquet cannot stream to standard output)")
        raise typer.Exit(2)
    store = _store(db)
    dest = None if to_stdout else out_path
    try:
        if to == ExportFormat.plover:
            n = write_plover(plover_records(store), dest)
        else:
            n = write_rows(store.export_rows(kind), to.value, dest, kind=kind)
    except BrokenPipeError:  # `bayan export ... | head`
        raise typer.Exit(0) from None
    except (OSError, ValueError) as exc:
        err.print(f"[red]error[/red] export failed: {exc}", soft_wrap=True)
        raise typer.Exit(1) from None
    if dest is not None:
        err.print(f"wrote {n} {kind} record(s) as {to.value} to {dest}", highlight=False, soft_wrap=True)


@app.command()
def reextract(db: DbOption = None) -> None:
    """Re-run extraction over stored documents after rules or gazetteers change."""
    from bayan.pipeline.extract import extract as run_extract

    store = _store(db)
    store.reextract(run_extract)
    out.print(", ".join(f"{k}: {v}" for k, v in store.counts().items()))
