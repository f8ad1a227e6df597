from tests.api.conftest import anon, client, data_dir, settings

__all__ = ["anon", "client", "data_dir", "settings"]
