"""Web layer: a FastAPI app serving the REST API (``/api``) and the dashboard over one store."""
