"""Robustness tests: Hypothesis profiles, the generated bad-input corpus, a tally.

Profiles: ``default`` (200 examples per property) and ``ci-long`` (2,000), chosen
with ``HYPOTHESIS_PROFILE=ci-long``. The tally is printed at the end of the run
("robust: ..."), so the figures asked for in issue 6 come from the tests themselves.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from robust_support import REPO, TALLY

settings.register_profile(
    "default", max_examples=200, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "ci-long", max_examples=2000, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001 - pytest hook
    if TALLY:
        parts = ", ".join(f"{k}={v}" for k, v in sorted(TALLY.items()))
        terminalreporter.write_line(f"robust: {parts}")


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_bad_inputs", REPO / "scripts" / "make_bad_inputs.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def make_bad_inputs():
    """The generator script as a module."""
    return _load_generator()


@pytest.fixture(scope="session")
def bad_corpus(tmp_path_factory, make_bad_inputs) -> tuple[Path, list[dict]]:
    """``(corpus_dir, manifest_entries)`` generated once per session."""
    root = tmp_path_factory.mktemp("bad_inputs")
    entries = make_bad_inputs.build(root)
    return root / "corpus", entries

