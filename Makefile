# The two commands of the README. Each sets up what it needs first.
.PHONY: setup demo test lint eval bench

setup:
	@bash scripts/setup.sh

# Main job: ingest the bundled sample corpus into bayan.db (idempotent), print the
# timeline, then serve the dashboard on loopback (its URL is printed; Ctrl-C stops it).
demo: setup
	.venv/bin/bayan ingest samples/
	.venv/bin/bayan timeline
	.venv/bin/bayan serve

lint: setup
	.venv/bin/ruff check src tests bench

eval: setup
	.venv/bin/bayan eval gold/

# Whole test suite: lint, unit and integration tests, and the gold evaluation.
test: setup
	@bash scripts/install_chromium.sh
	@bash scripts/ensure_postgres.sh
	.venv/bin/ruff check src tests bench
	BAYAN_REQUIRE_PG=1 .venv/bin/python -m pytest
	.venv/bin/bayan eval gold/

bench: setup
	.venv/bin/python bench/extract.py
