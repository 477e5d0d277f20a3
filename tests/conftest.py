"""Shared fixtures: the lexicon (built once), and the seed articles beside the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def lexicon():
    from bayan.pipeline.extract.lexicon import load_lexicon

    return load_lexicon()


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the repository")
    return sorted(SEEDS.glob("*.txt"))
