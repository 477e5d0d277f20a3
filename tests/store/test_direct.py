"""Writing through the DBAPI cursor (``bayan.store.direct``) stores exactly what
SQLAlchemy's ``Connection.execute`` stores: every column of every table, byte for byte
(JSON text, booleans, timestamps' format), the full-text rows, and the same results."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from store_docs import generated_corpus

import bayan.store.repository as repository
from bayan.store import Store

REPO = Path(__file__).resolve().parents[2]
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{6})?")


def _tables(path: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(path)
    out = {}
    names = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'documents_fts_%'")]
    for name in names:
        rows = []
        for row in con.execute(f'SELECT * FROM "{name}" ORDER BY rowid' if name != "documents_fts"
                               else "SELECT rowid, * FROM documents_fts ORDER BY rowid"):
            # timestamps differ by when they were written: keep their type and format
            rows.append(tuple(("<ts>" if isinstance(v, str) and _TIMESTAMP.fullmatch(v) else v) for v in row))
        out[name] = rows
    con.close()
    return out


def test_direct_writes_equal_sqlalchemy_writes(tmp_path, monkeypatch):
    from bayan.core import process
    from bayan.pipeline.ingest import InputError, iter_inputs

    inputs = [REPO / "samples" / "dev", generated_corpus(tmp_path / "gen.jsonl", 80, 5)]
    items = [(process(it), it.text, it.html) for it in iter_inputs(inputs) if not isinstance(it, InputError)]
    items += items[:3]  # exact duplicates come back as such
    results = {}
    for direct in (True, False):
        monkeypatch.setattr(repository, "DIRECT_WRITES", direct)
        path = tmp_path / f"direct-{direct}.db"
        store = Store(f"sqlite:///{path}")
        assert (store._direct is not None) is direct
        results[direct] = store.add_documents(items, batch_size=25)
        store.close()
    assert results[True] == results[False]
    assert {status for _, status in results[True]} >= {"new", "duplicate"}
    with_direct, without = _tables(tmp_path / "direct-True.db"), _tables(tmp_path / "direct-False.db")
    assert with_direct.keys() == without.keys()
    assert len(with_direct["documents"]) == len(items) - 3 and with_direct["meetings"]
    for table in with_direct:
        assert with_direct[table] == without[table], table
