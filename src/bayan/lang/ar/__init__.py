"""Arabic language data: loads the TSV/YAML files beside this module, once.

Python modules hold no Arabic word lists; they read them from here, so a user can
add a country, a city, an official or a cue by editing a data file. Every TSV has a
header row; lines starting with ``#`` are comments; list-valued cells use ``|``.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).parent


def split_list(cell: str | None) -> list[str]:
    """Split a ``|``-separated cell into trimmed, non-empty items."""
    if not cell:
        return []
    return [item.strip() for item in cell.split("|") if item.strip()]


def read_tsv(name: str, data_dir: Path | None = None) -> list[dict[str, str]]:
    """Read a TSV data file (header row, ``#`` comments) into a list of dicts."""
    path = (data_dir or DATA_DIR) / name
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]


def read_yaml(name: str, data_dir: Path | None = None) -> Any:
    """Read a YAML data file."""
    path = (data_dir or DATA_DIR) / name
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def read_lines(name: str, data_dir: Path | None = None) -> list[str]:
    """Read a plain list file: one entry a line, ``#`` comments."""
    path = (data_dir or DATA_DIR) / name
    with path.open(encoding="utf-8") as handle:
        return [ln.strip() for ln in handle if ln.strip() and not ln.lstrip().startswith("#")]


@cache
def tsv(name: str) -> tuple[dict[str, str], ...]:
    """Cached :func:`read_tsv` over the shipped data directory."""
    return tuple(read_tsv(name))


@cache
def yaml_data(name: str) -> Any:
    """Cached :func:`read_yaml` over the shipped data directory."""
    return read_yaml(name)


@cache
def lines(name: str) -> tuple[str, ...]:
    """Cached :func:`read_lines` over the shipped data directory."""
    return tuple(read_lines(name))
