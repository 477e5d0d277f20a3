"""Store extracted documents in batches: one transaction per batch, not per article.

The single writer of ``bayan ingest`` (with or without Dask) goes through
:func:`store_stream`. A commit costs 2–3 ms on SQLite in WAL mode, as much as storing
a whole article, so documents are committed ``batch`` at a time, or sooner when
``max_wait`` seconds have passed (a slow source still shows progress and a crash
loses at most that much work; ingest is idempotent, so running it again resumes).
If a batch fails it is rolled back and written again one document at a time, so only
the failing article is lost, as in a one-by-one run; the rows are the same either way.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from bayan.pipeline.ingest import InputError, RawInput

if TYPE_CHECKING:
    from bayan.store.repository import Store

BATCH = 100
"""Documents per database transaction."""
MAX_WAIT = 1.0
"""Seconds after which a partial batch is committed anyway."""


def store_stream(
    pairs: Iterable[tuple[RawInput | InputError, Any]],
    store: Store,
    *,
    batch: int = BATCH,
    max_wait: float = MAX_WAIT,
) -> Iterator[tuple[RawInput | InputError, str, str | None]]:
    """Store ``(item, Document | exception | None)`` pairs; yield ``(item, status, error)`` in order.

    ``status`` is ``"new"``, ``"duplicate"``, ``"near_duplicate"`` or ``"failed"``;
    ``error`` is the one-line failure text (``"source: Type: message"``) or ``None``.
    """
    pending: list[tuple[Any, Any]] = []
    started = time.monotonic()

    def flush() -> Iterator[tuple[Any, str, str | None]]:
        docs = [(it, res) for it, res in pending if isinstance(it, RawInput) and not isinstance(res, BaseException)]
        outcomes: dict[int, tuple[str, str | None]] = {}
        try:
            stored = store.add_documents([(d, it.text, it.html) for it, d in docs], batch_size=len(docs)) if docs else []
            for (it, _), (_, status) in zip(docs, stored, strict=True):
                outcomes[id(it)] = (status, None)
        except Exception:  # noqa: BLE001 - redo one by one to find the bad article
            for it, d in docs:
                try:
                    _, status = store.add_document(d, raw_text=it.text, html=it.html)
                    outcomes[id(it)] = (status, None)
                except Exception as exc:  # noqa: BLE001 - one bad article must not stop a batch
                    outcomes[id(it)] = ("failed", f"{it.source}: {type(exc).__name__}: {exc}")
        for it, res in pending:
            if isinstance(it, InputError):
                yield it, "failed", str(it)
            elif isinstance(res, BaseException):
                yield it, "failed", f"{it.source}: {res}"
            else:
                status, error = outcomes[id(it)]
                yield it, status, error
        pending.clear()

    for item, result in pairs:
        if not pending:
            started = time.monotonic()
        pending.append((item, result))
        if len(pending) >= batch or time.monotonic() - started >= max_wait:
            yield from flush()
    yield from flush()


class ExtractionFailure(Exception):  # noqa: N818 - it is a result, reported like any exception
    """An extraction that raised, carried as a (picklable) value to the writer.

    ``str(failure)`` reads like the original (``"ValueError: message"``), so the
    failure line printed by ``bayan ingest`` is the same with or without Dask.
    """

    def __init__(self, type_name: str, message: str):
        super().__init__(type_name, message)
        self.type_name = type_name
        self.message = message

    @classmethod
    def of(cls, exc: BaseException) -> ExtractionFailure:
        if isinstance(exc, ExtractionFailure):
            return exc
        return cls(type(exc).__name__, str(exc))

    def __str__(self) -> str:
        return f"{self.type_name}: {self.message}"


def extract_local(items: Iterable[RawInput | InputError]) -> Iterator[tuple[RawInput | InputError, Any]]:
    """``(item, Document | exception)`` for each input, extracted in this process."""
    from bayan.core import process

    for item in items:
        if isinstance(item, InputError):
            yield item, None
            continue
        try:
            yield item, process(item)
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop a batch
            yield item, ExtractionFailure.of(exc)
