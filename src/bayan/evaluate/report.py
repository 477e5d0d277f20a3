"""The `bayan eval` table, and the threshold check."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from bayan.evaluate.scoring import ACC_FIELDS, SET_FIELDS, EvalResult

# Which figure each threshold key reads: (field, measure).
THRESHOLD_FIELDS = {
    "format": ("format", "acc"), "round": ("round", "acc"), "city": ("city", "acc"),
    "dates": ("start_date", "acc"), "participants_f1": ("participants", "f1"),
    "topics_f1": ("topics", "f1"), "people_f1": ("people", "f1"),
    "framing_recall": ("framing", "recall"),
}


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def print_report(console: Console, result: EvalResult, thresholds: dict[str, float],
                 details: bool = False) -> list[str]:
    """Print per-split and overall figures; return the thresholds not met (overall)."""
    splits = result.splits()
    columns = splits + (["all"] if len(splits) > 1 else [])
    table = Table(title=f"Bayan evaluation — {len(result.files)} gold files", header_style="bold")
    table.add_column("field")
    table.add_column("measure")
    for name in columns:
        count = sum(1 for f in result.files if name in ("all", f.split))
        table.add_column(f"{name} ({count})", justify="right")
    per = {name: result.totals(None if name == "all" else name) for name in columns}
    for fname in SET_FIELDS:
        for measure in ("precision", "recall", "f1"):
            row = [fname if measure == "precision" else "", measure]
            for name in columns:
                counts = per[name][0].get(fname)
                row.append(_fmt(getattr(counts, measure)) if counts else "—")
            table.add_row(*row)
    for fname in ACC_FIELDS:
        row = [fname, "accuracy"]
        for name in columns:
            acc = per[name][1].get(fname)
            row.append(f"{_fmt(acc.value)} ({acc.correct}/{acc.total})" if acc else "—")
        table.add_row(*row)
    console.print(table)
    errors = [f for f in result.files if f.error and not f.skipped]
    for f in errors:
        console.print(f"[red]error[/red] {f.gold_path}: {f.error}", highlight=False)
    for f in result.files:
        if f.skipped:
            console.print(f"[yellow]skipped[/yellow] {f.gold_path}: {f.error}", highlight=False)
    if details:
        for f in result.files:
            if f.misses:
                console.print(f"[bold]{f.gold_path}[/bold]", highlight=False)
                for miss in f.misses:
                    console.print(f"  {miss}", highlight=False)
    sets, acc = result.totals(None)
    failed = []
    for key, threshold in thresholds.items():
        fname, measure = THRESHOLD_FIELDS.get(key, (key, "acc"))
        value = acc[fname].value if measure == "acc" and fname in acc else (
            getattr(sets[fname], measure) if fname in sets else None)
        if value is not None and value < threshold:
            failed.append(f"{key} {value:.2f} < {threshold:.2f}")
    if errors:
        failed.append(f"{len(errors)} gold file(s) could not be scored")
    return failed
