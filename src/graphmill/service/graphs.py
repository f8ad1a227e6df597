"""Which graph database answers at an address: the embedded store, or a configured cluster."""

from __future__ import annotations

from pathlib import Path

from graphmill.errors import ParamError
from graphmill.graphstore.base import GraphStore
from graphmill.graphstore.clusters import NebulaClusterConfig, normalize_address


class GraphRouter:
    def __init__(
        self,
        embedded: GraphStore,
        embedded_address: str,
        clusters: dict[str, NebulaClusterConfig],
        cache_dir: Path,
    ) -> None:
        self.embedded = embedded
        self.embedded_address = normalize_address(embedded_address)
        self.clusters = clusters
        self.cache_dir = cache_dir
        self._stores: dict[str, GraphStore] = {}

    def is_embedded(self, address: str) -> bool:
        try:
            return normalize_address(address) == self.embedded_address
        except ValueError:
            return False

    def cluster(self, address: str) -> NebulaClusterConfig | None:
        """The cluster configured at ``address``, None for the embedded store; refused if neither."""
        try:
            key = normalize_address(address)
        except ValueError as exc:
            raise ParamError(f"graph address: {exc}") from None
        if key == self.embedded_address:
            return None
        if key not in self.clusters:
            raise ParamError(
                f"no graph database is configured at {address}; the embedded store answers at "
                f"{self.embedded_address} and graphmill.toml configures "
                f"{', '.join(sorted(self.clusters)) or 'no cluster'}"
            )
        return self.clusters[key]

    def store(self, address: str) -> GraphStore:
        config = self.cluster(address)
        if config is None:
            return self.embedded
        key = config.address
        if key not in self._stores:
            from graphmill.graphstore.nebula import NebulaGraphStore

            self._stores[key] = NebulaGraphStore(config, self.cache_dir / "nebula")
        return self._stores[key]
