from tests.api.conftest import anon, basketball_graph_dir, client, data_dir, settings

__all__ = ["anon", "basketball_graph_dir", "client", "data_dir", "settings"]
