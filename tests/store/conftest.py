"""Fixtures for the store tests.

Storage and search tests run on both backends: ``store`` and ``db_url`` are
parametrised over ``sqlite`` and ``postgresql``. PostgreSQL is a throwaway cluster
(:mod:`pg_cluster`) started once per session on first use, each test getting a fresh
database. When PostgreSQL cannot be started the ``postgresql`` cases skip with the
reason, unless ``BAYAN_REQUIRE_PG=1`` (then they fail).
"""

from __future__ import annotations

import os

import pytest
from pg_cluster import BACKENDS, backend_url


@pytest.fixture(scope="session")
def pg_cluster():
    """The session's PostgreSQL cluster (started on first use; stopped and removed at the end)."""
    from pg_cluster import PgCluster, PgUnavailable

    try:
        cluster = PgCluster.start()
    except PgUnavailable as exc:
        if os.environ.get("BAYAN_REQUIRE_PG") == "1":
            pytest.fail(f"PostgreSQL required (BAYAN_REQUIRE_PG=1) but unavailable: {exc}")
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """URL of a fresh, empty database on the session's PostgreSQL cluster."""
    return pg_cluster.create_database()


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    """A fresh database on each backend: an SQLite file, then a PostgreSQL database."""
    return backend_url(request, request.param, tmp_path)


@pytest.fixture
def store(db_url):
    from bayan.store import Store

    st = Store(db_url)
    yield st
    st.close()
