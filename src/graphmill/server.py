"""Running the ASGI app under uvicorn: ``graphmill serve`` and the demo call this."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import uvicorn

from graphmill.api.app import create_app
from graphmill.config import Settings, load_settings
from graphmill.log import configure_logging


def make_settings(**options: Any) -> Settings:
    return load_settings(**options)


def make_server(settings: Settings) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(settings, start_workers=True),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,
        lifespan="on",
    )
    return uvicorn.Server(config)


def run(**options: Any) -> None:
    settings = make_settings(**options)
    configure_logging(settings.log_level, json_lines=settings.log_json)
    Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    make_server(settings).run()
