"""One file-system layer for datasources and sinks: local paths, S3 and HDFS via ``pyarrow.fs``.

* :mod:`graphmill.fs.uri` — locations (``parse_location``) and Explorer's sink templates
  (``resolve_template``, ``resolve_sink_url``);
* :mod:`graphmill.fs.config` — connection settings (``FsConfig.from_env``);
* :mod:`graphmill.fs.filesystems` — ``filesystem_for(location, config)``;
* :mod:`graphmill.fs.transfer` — ``stage_edges`` (remote edges → local Parquet, streaming)
  and ``upload_dir`` (result folder → remote, ``manifest.json`` last).
"""

from __future__ import annotations

from graphmill.fs.config import FsConfig, HdfsConfig, S3Config
from graphmill.fs.filesystems import filesystem_for
from graphmill.fs.transfer import stage_edges, upload_dir
from graphmill.fs.uri import (
    Location,
    datasource_urls,
    parse_location,
    resolve_sink_url,
    resolve_template,
)

__all__ = [
    "FsConfig",
    "HdfsConfig",
    "Location",
    "S3Config",
    "datasource_urls",
    "filesystem_for",
    "parse_location",
    "resolve_sink_url",
    "resolve_template",
    "stage_edges",
    "upload_dir",
]
