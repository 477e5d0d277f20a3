"""The `bayan` command line: thin commands over ``bayan.api``."""

from __future__ import annotations

import json
import logging
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bayan import __version__
from bayan.errors import BayanError

app = typer.Typer(
    help="Bayan: structured, sourced records of diplomatic meetings from Arabic news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)
out = Console()


class OutputFormat(StrEnum):
    summary = "summary"
    jsonl = "jsonl"
    json = "json"


def _version(value: bool) -> None:
    if value:
        out.print(f"bayan {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[int, typer.Option("-v", "--verbose", count=True, help="More logging (-vv for debug).")] = 0,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Bayan reads Arabic news about diplomatic meetings and writes structured records."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Article files or directories (text, HTML, JSON Lines, .jsonl.gz).")],
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="summary (readable), jsonl (one object per input) or json.",
                                                        rich_help_panel="Output")] = OutputFormat.summary,
    no_body: Annotated[bool, typer.Option("--no-body", help="Leave the cleaned body text out of JSON output.",
                                          rich_help_panel="Output")] = False,
    config: Annotated[Path | None, typer.Option("--config", help="A settings TOML file to merge over the defaults.",
                                                rich_help_panel="Extraction")] = None,
) -> None:
    """Extract meetings, statements, follow-ups and framing from articles.

    Writes one JSON object per input, in input order, with --format jsonl. Inputs
    that cannot be read are reported on stderr (one line each) and the exit status
    is 1; the others are still processed.
    """
    from bayan.api import extract_paths
    from bayan.pipeline.ingest import InputError
    from bayan.settings import load_settings

    settings = _guard(lambda: load_settings(config))
    include_body = settings.include_body and not no_body
    failures = 0
    docs = []
    show_progress = output_format is not OutputFormat.summary and err.is_terminal
    with _progress(show_progress) as progress:
        task = progress.add_task("extracting", total=None)
        for item in extract_paths(paths):
            progress.advance(task)
            if isinstance(item, InputError):
                failures += 1
                err.print(f"[red]error[/red] {item.source}: {item.reason}", highlight=False, soft_wrap=True)
                continue
            if output_format is OutputFormat.jsonl:
                sys.stdout.write(json.dumps(item.to_dict(include_body), ensure_ascii=False) + "\n")
            else:
                docs.append(item)
    if output_format is OutputFormat.json:
        sys.stdout.write(json.dumps([d.to_dict(include_body) for d in docs], ensure_ascii=False, indent=2) + "\n")
    elif output_format is OutputFormat.summary:
        from bayan.report import print_summary

        for doc in docs:
            print_summary(out, doc)
        out.print(f"[bold]{len(docs)}[/bold] article(s) extracted, [bold]{failures}[/bold] failed.")
    if failures:
        raise typer.Exit(1)


@app.command("eval")
def evaluate(
    gold_dir: Annotated[Path, typer.Argument(help="Folder of *.gold.json files (searched recursively).")],
    split: Annotated[list[str] | None, typer.Option("--split", help="Only these splits (sub-folder names), e.g. --split dev.")] = None,
    details: Annotated[bool, typer.Option("--details", help="Also list every miss and false value per file.")] = False,
    no_threshold: Annotated[bool, typer.Option("--no-threshold", help="Report only; never fail on thresholds.")] = False,
    config: Annotated[Path | None, typer.Option("--config", help="A settings TOML file with [eval] thresholds.")] = None,
) -> None:
    """Score extraction against annotated gold files, field by field.

    Prints precision/recall/F1 for participants, people, topics, statements and
    framing, and accuracy for format, round, city, country and dates, per split and
    overall. Exits 1 when an overall figure is below its threshold in settings.
    """
    from bayan.evaluate.report import print_report
    from bayan.evaluate.scoring import evaluate_dir
    from bayan.settings import load_settings

    settings = _guard(lambda: load_settings(config))
    result = _guard(lambda: evaluate_dir(gold_dir, splits=split))
    failed = print_report(out, result, settings.eval_thresholds, details=details)
    if failed and not no_threshold:
        err.print(f"[red]below threshold:[/red] {', '.join(failed)}")
        raise typer.Exit(1)


def _guard(fn):
    try:
        return fn()
    except BayanError as exc:
        err.print(f"[red]error[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


class _NoProgress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def add_task(self, *args, **kwargs):
        return 0

    def advance(self, *args, **kwargs):
        return None


def _progress(enabled: bool):
    if not enabled:
        return _NoProgress()
    return Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True)


# Knowledge-base commands register themselves on ``app``.
from bayan import cli_store, cli_web  # noqa: E402,F401

if __name__ == "__main__":  # pragma: no cover
    app()
