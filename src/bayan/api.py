"""Importable functions behind the CLI commands."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from bayan.core import process
from bayan.models import Document
from bayan.pipeline.ingest import InputError, iter_inputs


def extract_paths(paths: Iterable[str | Path]) -> Iterator[Document | InputError]:
    """Read, clean and extract every input under ``paths``, in order.

    Inputs that cannot be read come back as :class:`InputError` in their place, so
    one bad file never stops the others.
    """
    for item in iter_inputs(paths):
        if isinstance(item, InputError):
            yield item
            continue
        try:
            yield process(item)
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop a batch
            yield InputError(item.source, f"extraction failed ({type(exc).__name__}: {exc})")
