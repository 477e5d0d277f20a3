"""Fixtures for the store tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def store(tmp_path):
    from bayan.store import Store

    st = Store(f"sqlite:///{tmp_path / 'bayan.db'}")
    yield st
    st.close()
