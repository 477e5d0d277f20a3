"""Storage layer: SQLAlchemy models, Alembic migrations and the :class:`Store` repository."""

from __future__ import annotations

from bayan.store.db import open_db, upgrade
from bayan.store.repository import Store, query_terms, strip_clitics

__all__ = ["Store", "open_db", "upgrade", "query_terms", "strip_clitics"]
