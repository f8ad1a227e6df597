"""Finding 2b on a real server: an oversized body is refused while it streams, never read whole."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from graphmill.graphstore.embedded import EmbeddedGraphStore
from tests.helpers import BASKETBALL_NGQL, login
from tests.server.conftest import Server

MiB = 1 << 20


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("body-cap") / "data"
    EmbeddedGraphStore(data_dir / "graph").import_ngql("basketballplayer", BASKETBALL_NGQL)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GRAPHMILL_MAX_BODY_MB", "1")
        srv = Server(data_dir)
        srv.start()
    yield srv
    srv.stop()


def _send_until_answered(port: int, head: bytes, chunk: bytes, total: int) -> tuple[bytes, int]:
    """Send ``head`` then up to ``total`` bytes of ``chunk``s; (the answer, bytes sent before it)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        sent = 0
        sock.setblocking(False)
        answer = b""
        while sent < total:
            try:
                answer += sock.recv(65536)
                if answer:
                    break
            except BlockingIOError:
                pass
            try:
                sent += sock.send(chunk)
            except BlockingIOError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
        sock.setblocking(True)
        sock.settimeout(10)
        try:
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                more = sock.recv(65536)
                if not more:
                    break
                answer += more
        except (ConnectionResetError, TimeoutError):
            pass
    return answer, sent


def test_declared_oversized_body_is_refused_before_it_is_sent(live: Server) -> None:
    head = (
        b"POST /api-open/v1/workflows HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 524288000\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", live.port), timeout=10) as sock:
        sock.sendall(head)
        answer = b""
        while more := sock.recv(65536):  # the server closes the connection after answering
            answer += more
    assert answer.startswith(b"HTTP/1.1 413")
    assert b'"code":41304000' in answer
    assert b"connection: close" in answer.lower()


def test_chunked_oversized_body_is_cut_off_while_streaming(live: Server) -> None:
    """The server answers 413 long before a 200 MiB chunked body has been sent."""
    piece = b"x" * (256 << 10)
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    head = (
        b"POST /api-open/v1/connect HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Authorization: Bearer cm9vdDpuZWJ1bGE=\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    answer, sent = _send_until_answered(live.port, head, chunk, 200 * MiB)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 50 * MiB


def test_chunked_body_over_the_general_cap(live: Server) -> None:
    """Logged in, a chunked workflow body is cut off at GRAPHMILL_MAX_BODY_MB (1 MiB here)."""
    with httpx.Client(base_url=live.url) as client:
        token = login(client)
    piece = b" " * (256 << 10)
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    head = (
        b"POST /api-open/v1/workflows HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + f"Cookie: explorer_token={token}\r\n".encode()
        + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    answer, sent = _send_until_answered(live.port, head, chunk, 200 * MiB)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"code":41304000' in answer
    assert sent < 50 * MiB
