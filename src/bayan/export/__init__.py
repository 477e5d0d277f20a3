"""Exports of the Bayan store: CSV, JSON Lines, Parquet and PLOVER event records.

``write_rows(store.export_rows(kind), fmt, dest, kind=kind)`` writes meetings,
statements, follow-ups or framing markers as ``csv``, ``jsonl`` or ``parquet``;
``write_plover(plover_records(store), dest)`` writes statements as PLOVER JSON Lines.
Every row carries its source path/URL and its evidence text. See ``docs/export.md``.
"""

from bayan.export.plover import (
    EXTENSION_PREFIX,
    PloverMapping,
    load_mapping,
    map_act,
    plover_records,
    statement_to_plover,
    to_plover,
    write_plover,
)
from bayan.export.writers import (
    FORMATS,
    KINDS,
    parquet_schema,
    write_csv,
    write_jsonl,
    write_parquet,
    write_rows,
)

__all__ = [
    "EXTENSION_PREFIX",
    "FORMATS",
    "KINDS",
    "PloverMapping",
    "load_mapping",
    "map_act",
    "parquet_schema",
    "plover_records",
    "statement_to_plover",
    "to_plover",
    "write_csv",
    "write_jsonl",
    "write_parquet",
    "write_plover",
    "write_rows",
]
