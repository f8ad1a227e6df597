"""A small synchronous client of the graphmill / Explorer Workflow API (httpx)."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx


class ApiError(Exception):
    def __init__(self, code: int, message: str, detail: str) -> None:
        super().__init__(f"{code} {message}: {detail}" if detail else f"{code} {message}")
        self.code = code
        self.message = message
        self.detail = detail


class Client:
    def __init__(
        self, base_url: str, *, timeout_s: float = 30.0, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout_s, transport=transport)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _data(self, response: httpx.Response) -> Any:
        body = response.json()
        if body.get("code") != 0:
            raise ApiError(body.get("code", 0), body.get("message", ""), body.get("detail", ""))
        return body["data"]

    def connect(self, user: str, password: str, address: str = "127.0.0.1", port: int = 9669) -> None:
        account = base64.b64encode(json.dumps([user, password]).encode()).decode()
        self._data(
            self._http.post(
                "/api-open/v1/connect",
                headers={"Authorization": f"Bearer {account}"},
                json={"address": address, "port": port},
            )
        )

    def get(self, path: str, **params: Any) -> Any:
        return self._data(self._http.get(f"/api-open/v1{path}", params=params or None))

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self._data(
            self._http.post(f"/api-open/v1{path}", json=body if body is not None else {}, headers=headers)
        )

    def put_form(self, path: str) -> Any:
        return self._data(
            self._http.put(
                f"/api-open/v1{path}", headers={"Content-Type": "application/x-www-form-urlencoded"}
            )
        )
