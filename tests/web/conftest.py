"""Fixtures for the web tests: one database built from samples/dev, shared by the session."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES_DEV = REPO / "samples" / "dev"


def build_db(url: str, paths: list[Path]) -> dict[str, int]:
    """Ingest ``paths`` exactly as `bayan ingest` does; returns the status tally."""
    from bayan.core import process
    from bayan.pipeline.ingest import InputError, iter_inputs
    from bayan.store.repository import Store

    tally: dict[str, int] = {"new": 0, "duplicate": 0, "near_duplicate": 0, "failed": 0}
    with Store(url) as store:
        for item in iter_inputs(paths):
            if isinstance(item, InputError):
                tally["failed"] += 1
                continue
            _, status = store.add_document(process(item), raw_text=item.text, html=item.html)
            tally[status] += 1
    return tally


@pytest.fixture(scope="session")
def web_db_url(tmp_path_factory) -> str:
    """SQLite URL of a database holding every article in samples/dev (built once)."""
    path = tmp_path_factory.mktemp("web") / "bayan.db"
    url = f"sqlite:///{path}"
    build_db(url, [SAMPLES_DEV])
    return url


@pytest.fixture(scope="session")
def web_store(web_db_url):
    from bayan.store.repository import Store

    store = Store(web_db_url)
    yield store
    store.close()


@pytest.fixture(scope="session")
def api_client(web_store):
    """A TestClient over the sample database (read-only use: tests must not write to it)."""
    from fastapi.testclient import TestClient

    from bayan.web.app import create_app

    with TestClient(create_app(store=web_store), raise_server_exceptions=False) as client:
        yield client
