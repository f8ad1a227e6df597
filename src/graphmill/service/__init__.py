"""Application use cases (the only layer the API and CLI call)."""
