"""Streaming writers for export rows: CSV, JSON Lines and Parquet.

Every writer takes an iterable of flat ``dict`` rows (as returned by
:meth:`bayan.store.repository.Store.export_rows`) and writes them one batch at a time,
so memory stays flat however many rows there are. ``dest`` is a path, an open text
stream, or ``None`` / ``"-"`` for standard output (CSV and JSON Lines only: Parquet
needs a seekable file, so it requires a path).

Encoding rules, the same in every format:

* nested values (lists, objects) are JSON-encoded strings in CSV and Parquet, and stay
  native in JSON Lines;
* ``None`` is an empty cell in CSV, ``null`` in JSON Lines and Parquet;
* booleans are ``true``/``false`` in CSV.

Files are written to a temporary sibling and moved into place when complete, so a
failed export never leaves a half-written file behind.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any

Row = dict[str, Any]
Destination = str | os.PathLike[str] | IO[str] | None

FORMATS = ("csv", "jsonl", "parquet")
KINDS = ("meetings", "statements", "follow_ups", "framing")

# Columns of each kind, in export order (mirrors Store.export_rows). Used for the header
# of an empty export, so an empty CSV or Parquet file still has the right columns.
KIND_COLUMNS: dict[str, tuple[str, ...]] = {
    "meetings": (
        "id", "format", "round", "city", "country", "start_date", "end_date", "level",
        "known_by_reference", "sources", "source_paths", "urls", "outlets", "evidence",
        "disagreements",
    ),
    "statements": (
        "id", "meeting_id", "format", "round", "meeting_date", "document_id", "source", "url",
        "outlet", "published", "actors", "act", "topic", "target", "attribution", "text",
        "start", "end",
    ),
    "follow_ups": (
        "id", "meeting_id", "announced_at", "document_id", "source", "url", "kind", "format",
        "place", "from", "to", "text", "start", "end", "status", "fulfilled_by",
        "fulfilled_by_label", "fulfilled_on", "round", "held_late",
    ),
    "framing": ("id", "document_id", "source", "url", "outlet", "kind", "label", "text", "start", "end"),
}

# Parquet column types. A column named here always has this type, whatever the data,
# so the schema of a kind is the same for every export (an all-null column keeps its
# type, an empty export has the full schema). Other columns take the type of their
# values in the first batch (bool, int64, float64), else string; a nested value (list,
# object) is always a JSON-encoded string.
INT_COLUMNS = frozenset(
    {"id", "round", "start", "end", "sources", "meeting_id", "document_id", "fulfilled_by"}
)
BOOL_COLUMNS = frozenset({"known_by_reference", "held_late"})
FLOAT_COLUMNS = frozenset({"similarity"})

BATCH_SIZE = 1000


def _is_stdout(dest: Destination) -> bool:
    return dest is None or (isinstance(dest, str | os.PathLike) and os.fspath(dest) == "-")


@contextmanager
def _atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it over ``path`` only on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)


@contextmanager
def open_text(dest: Destination) -> Iterator[IO[str]]:
    """A text stream for ``dest``: standard output, the given stream, or a new UTF-8 file."""
    if _is_stdout(dest):
        yield sys.stdout
        sys.stdout.flush()
        return
    if hasattr(dest, "write"):
        yield dest  # type: ignore[misc]
        return
    with _atomic_path(Path(os.fspath(dest))) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:  # type: ignore[arg-type]
        yield fh


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | dict):
        return to_json(value)
    return value


def _peek(rows: Iterable[Row]) -> tuple[Row | None, Iterator[Row]]:
    it = iter(rows)
    first = next(it, None)
    return first, (chain([first], it) if first is not None else it)


def _columns(first: Row | None, kind: str | None) -> list[str]:
    if first is not None:
        return list(first)
    return list(KIND_COLUMNS.get(kind or "", ()))


def _check_keys(row: Row, columns: list[str], n: int) -> None:
    extra = [k for k in row if k not in columns]
    if extra:
        raise ValueError(f"row {n} has columns not in the first row: {', '.join(extra)}")


def write_csv(rows: Iterable[Row], dest: Destination = None, *, kind: str | None = None) -> int:
    """Write rows as CSV with a header (columns of the first row); return the row count."""
    first, it = _peek(rows)
    columns = _columns(first, kind)
    n = 0
    with open_text(dest) as fh:
        if not columns:
            return 0
        writer = csv.DictWriter(fh, fieldnames=columns, restval="")
        writer.writeheader()
        for row in it:
            _check_keys(row, columns, n)
            writer.writerow({k: csv_cell(v) for k, v in row.items()})
            n += 1
    return n


def write_jsonl(rows: Iterable[Row], dest: Destination = None, **_: Any) -> int:
    """Write one JSON object per line (UTF-8, Arabic unescaped); return the row count."""
    n = 0
    with open_text(dest) as fh:
        for row in rows:
            fh.write(to_json(row) + "\n")
            n += 1
    return n


def _column_type(name: str, sample: Iterable[Row]):  # noqa: ANN202 - pyarrow.DataType
    import pyarrow as pa

    if name in INT_COLUMNS:
        return pa.int64()
    if name in BOOL_COLUMNS:
        return pa.bool_()
    if name in FLOAT_COLUMNS:
        return pa.float64()
    kinds = {type(r.get(name)) for r in sample if r.get(name) is not None}
    if kinds == {bool}:
        return pa.bool_()
    if kinds == {int}:
        return pa.int64()
    if kinds and kinds <= {int, float}:
        return pa.float64()
    return pa.string()


def parquet_schema(columns: Iterable[str], kind: str | None = None, sample: Iterable[Row] = ()):  # noqa: ANN201
    """The Parquet schema for these columns: types by column name, then by the values in
    ``sample`` (the first batch), else string (see INT_COLUMNS)."""
    import pyarrow as pa

    sample = list(sample)
    fields = [pa.field(name, _column_type(name, sample), nullable=True) for name in columns]
    meta = {
        "bayan.kind": kind or "",
        "bayan.encoding": "nested values (lists, objects) are JSON-encoded strings",
    }
    return pa.schema(fields, metadata=meta)


def _parquet_value(value: Any, typ) -> Any:  # noqa: ANN001 - pyarrow.DataType
    import pyarrow as pa

    if value is None:
        return None
    if typ == pa.string():
        return value if isinstance(value, str) else to_json(value)
    if typ == pa.int64() and isinstance(value, str):
        return int(value) if value.strip() else None
    return value


def _record_batch(rows: list[Row], schema):  # noqa: ANN001, ANN202 - pyarrow types
    import pyarrow as pa

    arrays = [
        pa.array([_parquet_value(r.get(f.name), f.type) for r in rows], type=f.type) for f in schema
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def write_parquet(
    rows: Iterable[Row], dest: Destination, *, kind: str | None = None, batch_size: int = BATCH_SIZE
) -> int:
    """Write rows to a Parquet file in batches with a stable schema; return the row count."""
    import pyarrow.parquet as pq

    if _is_stdout(dest) or hasattr(dest, "write"):
        raise ValueError("parquet export needs a file path (--out PATH)")
    it = iter(rows)
    batch = list(islice(it, batch_size))
    columns = _columns(batch[0] if batch else None, kind)
    schema = parquet_schema(columns, kind, batch)
    n = 0
    with _atomic_path(Path(os.fspath(dest))) as tmp:  # type: ignore[arg-type]
        with pq.ParquetWriter(tmp, schema) as writer:
            while batch:
                for i, row in enumerate(batch):
                    _check_keys(row, columns, n + i)
                writer.write_batch(_record_batch(batch, schema))
                n += len(batch)
                batch = list(islice(it, batch_size))
            if n == 0:
                writer.write_table(schema.empty_table())
    return n


WRITERS = {"csv": write_csv, "jsonl": write_jsonl, "parquet": write_parquet}


def write_rows(rows: Iterable[Row], fmt: str, dest: Destination = None, *, kind: str | None = None) -> int:
    """Write ``rows`` in ``fmt`` (csv, jsonl or parquet) to ``dest``; return the row count."""
    try:
        writer = WRITERS[fmt]
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r}: use {', '.join(FORMATS)}") from None
    return writer(rows, dest, kind=kind)
