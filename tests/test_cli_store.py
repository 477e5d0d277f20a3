"""The knowledge-base commands over the bundled sample corpus."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bayan.cli import app
from bayan.pipeline.ingest import iter_inputs

REPO = Path(__file__).resolve().parent.parent
runner = CliRunner()


def test_ingest_is_idempotent_and_searchable(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'b.db'}"
    first = runner.invoke(app, ["ingest", str(REPO / "samples" / "dev"), "--db", db, "--no-progress"])
    assert first.exit_code == 0, first.output
    n = sum(1 for _ in iter_inputs([REPO / "samples" / "dev"]))
    assert f"new: {n}" in first.output and "failed: 0" in first.output
    second = runner.invoke(app, ["ingest", str(REPO / "samples" / "dev"), "--db", db, "--no-progress"])
    assert "new: 0" in second.output and f"duplicate: {n}" in second.output

    found = runner.invoke(app, ["search", "استانا", "--db", db])
    assert found.exit_code == 0
    assert "0 result(s)" not in found.output
    # Alef/hamza variants find the same documents.
    assert runner.invoke(app, ["search", "أستانا", "--db", db]).output.count("result(s)") == 1

    timeline = runner.invoke(app, ["timeline", "--db", db])
    assert timeline.exit_code == 0 and "astana" in timeline.output


def test_bad_export_kind_is_one_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'b.db'}"
    result = runner.invoke(app, ["export", "nonsense", "--db", db])
    assert result.exit_code == 2
