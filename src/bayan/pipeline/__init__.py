"""The pipeline stages, in order: ingest → clean → normalise → extract → (link → store)."""
