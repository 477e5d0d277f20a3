"""Render `bayan extract` on one sample article to docs/screenshot.svg for the README."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console

from bayan.api import extract_paths
from bayan.report import print_summary

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    sample = sys.argv[1] if len(sys.argv) > 1 else str(REPO / "samples/dev/rt.astana-19-2022.txt")
    console = Console(record=True, width=110)
    for doc in extract_paths([sample]):
        if hasattr(doc, "meetings"):
            print_summary(console, doc)
    console.save_svg(str(REPO / "docs/screenshot.svg"), title="bayan extract")


if __name__ == "__main__":
    main()
