"""The hardening probes of issue 8, against a real server on loopback, printing comparable figures.

1. bodies: the server's RSS before and after N oversized bodies (500 MB each by default), half
   with a declared Content-Length, half chunked, sent as fast as the server takes them;
2. login flood: /healthz latency (median, p99, max) while C clients send wrong passwords
   for S seconds, and how the flood was answered (400 wrong password / 429 limited);
3. bad input: the finding-6 inputs on one keep-alive connection: how many got a 4xx with the
   envelope and whether the connection was kept throughout.

Usage:
    .venv/bin/python bench/security_probes.py [--bodies 4] [--body-mb 500] [--flood-s 10] [--flood-clients 8]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import contextlib

from _server import Server

MiB = 1 << 20


def rss_mib(server: Server) -> float:
    return float(psutil.Process(server.proc.pid).memory_info().rss) / MiB


def send_body(port: int, total: int, *, chunked: bool, path: str, extra: bytes) -> tuple[str, int]:
    """Push up to ``total`` bytes of body; stop at the first answer.  (status line, bytes sent)."""
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n".encode() + extra
    head += b"Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {total}\r\n\r\n".encode()
    piece = b" " * MiB
    chunk = (f"{len(piece):x}\r\n".encode() + piece + b"\r\n") if chunked else piece
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(head)
        sock.settimeout(0.0)
        answer = b""
        pending = memoryview(b"")
        while sent < total:
            with contextlib.suppress(BlockingIOError):
                answer += sock.recv(4096)
            if answer:
                break
            if not pending:
                pending = memoryview(chunk)
            try:
                n = sock.send(pending)  # partial sends continue where they stopped: framing intact
                pending, sent = pending[n:], sent + n
            except BlockingIOError:
                time.sleep(0.0005)
            except OSError:
                break
        sock.settimeout(10)
        with contextlib.suppress(OSError):
            answer += sock.recv(4096)
    return answer.split(b"\r\n", 1)[0].decode(errors="replace"), sent


def probe_bodies(server: Server, count: int, size: int) -> None:
    """Bodies to /connect (as in the original probe) and, logged in, to POST /workflows."""
    with httpx.Client(base_url=server.url) as client:
        client.post(
            "/api-open/v1/connect",
            headers={"Authorization": "Bearer " + base64.b64encode(b"root:nebula").decode()},
            json={"address": "127.0.0.1", "port": 9669},
        )
        token = client.cookies["explorer_token"]
    targets = [
        ("/api-open/v1/connect", b"Authorization: Bearer cm9vdDpuZWJ1bGE=\r\n"),
        ("/api-open/v1/workflows", f"Cookie: explorer_token={token}\r\n".encode()),
    ]
    before = rss_mib(server)
    peak = before
    for i in range(count):
        path, extra = targets[(i // 2) % 2]
        status, sent = send_body(server.port, size, chunked=i % 2 == 1, path=path, extra=extra)
        peak = max(peak, rss_mib(server))
        kind = "chunked" if i % 2 else "content-length"
        print(
            f"  body {i + 1} to {path} ({kind}, {size / MiB:.0f} MiB offered): {status!r}, "
            f"{sent / MiB:.1f} MiB accepted by the socket before the answer"
        )
    after = rss_mib(server)
    print(f"bodies: RSS before {before:.0f} MiB, highest seen {peak:.0f} MiB, after {after:.0f} MiB")


def probe_flood(server: Server, seconds: float, clients: int) -> None:
    wrong = "Bearer " + base64.b64encode(b'["root","not-the-password"]').decode()
    answers: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def flood() -> None:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            while time.monotonic() < stop:
                r = client.post(
                    "/api-open/v1/connect",
                    headers={"Authorization": wrong},
                    json={"address": "127.0.0.1", "port": 9669},
                )
                with lock:
                    answers[r.status_code] = answers.get(r.status_code, 0) + 1

    threads = [threading.Thread(target=flood) for _ in range(clients)]
    for t in threads:
        t.start()
    latencies = []
    with httpx.Client(base_url=server.url, timeout=30) as probe:
        while time.monotonic() < stop:
            started = time.perf_counter()
            probe.get("/healthz")
            latencies.append((time.perf_counter() - started) * 1000)
            time.sleep(0.02)
    for t in threads:
        t.join()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] if len(latencies) >= 100 else latencies[-1]
    print(
        f"login flood: {clients} clients x {seconds:.0f}s, answers {dict(sorted(answers.items()))}; "
        f"/healthz over {len(latencies)} probes: median {statistics.median(latencies):.1f} ms, "
        f"p99 {p99:.1f} ms, max {latencies[-1]:.1f} ms"
    )


def bad_inputs() -> list[tuple[str, str, bytes | None]]:
    nested = b'{"schema":' + b"[" * 1000 + b"]" * 1000 + b"}"
    task = {
        "id": "w",
        "type": "analytics_pagerank",
        "spec": {"nebula_input_edges": "follow", "iterations": str(10**30)},
        "datasource": {"type": "nebula", "spec": {"space": "basketballplayer"}},
    }
    f = "/api-open/v1/jobs?filter="
    return [
        ("GET", "/api-open/v1/jobs/" + quote("²"), None),
        ("GET", "/api-open/v1/jobs/" + quote("①"), None),
        ("GET", "/api-open/v1/jobs/" + quote("١٢"), None),
        ("GET", f"/api-open/v1/jobs/{2**63}", None),
        ("GET", f + quote('{"fromCreateTime":1e400}'), None),
        ("GET", f + quote('{"toCreateTime":Infinity}'), None),
        ("GET", f + quote(f'{{"fromCreateTime":{2**63}}}'), None),
        ("POST", "/api-open/v1/workflows", nested),
        ("POST", "/api-open/v1/workflows", b'{"name":"\\ud800","schema":{"tasks":[]}}'),
        ("POST", "/api-open/v1/workflows", b'{"schema":{"tasks":[{"id":"\\ud800","type":"analytics_wcc"}]}}'),
        ("POST", "/api-open/v1/workflows", b'{"x":' + b"7" * 5000 + b"}"),
        ("POST", "/api-open/v1/workflows", json.dumps({"schema": {"tasks": [task]}}).encode()),
        ("POST", "/api-open/v1/connect", b'{"address":"127.0.0.1","port":-1}'),
        ("POST", "/api-open/v1/connect", b'{"address":"127.0.0.1","port":100000000000000000000}'),
        ("POST", "/api-open/v1/connect", b'{"address":"127.0.0.1:99999","port":9669}'),
        ("POST", "/api-open/v1/connect", b'{"address":"a:b:c","port":9669}'),
    ]


def probe_bad_input(server: Server) -> None:
    root = "Bearer " + base64.b64encode(b'["root","nebula"]').decode()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request(
        "POST",
        "/api-open/v1/connect",
        body=b'{"address":"127.0.0.1","port":9669}',
        headers={"Authorization": root, "Content-Type": "application/json"},
    )
    response = conn.getresponse()
    response.read()
    cookie = (response.getheader("set-cookie") or "").split(";")[0]
    sock = conn.sock
    cases = bad_inputs()
    good, kept = 0, True
    for method, path, body in cases:
        headers = {"Content-Type": "application/json", "Cookie": cookie, "Authorization": root}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        payload = json.loads(response.read())
        if 400 <= response.status < 500 and payload.get("code", 0) // 100000 == response.status:
            good += 1
        else:
            print(f"  {method} {path[:60]}: {response.status} {payload}")
        kept = kept and conn.sock is sock
    conn.close()
    print(f"bad input: {good} of {len(cases)} answered 4xx with the envelope; connection kept: {kept}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bodies", type=int, default=4)
    ap.add_argument("--body-mb", type=int, default=500)
    ap.add_argument("--flood-s", type=float, default=10)
    ap.add_argument("--flood-clients", type=int, default=8)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        from graphmill.graphstore.embedded import EmbeddedGraphStore

        data = Path(tmp) / "data"
        EmbeddedGraphStore(data / "graph").import_ngql(
            "basketballplayer",
            Path(__file__).resolve().parents[1] / "tests/data/basketballplayer/basketballplayer.ngql",
        )
        server = Server(data)
        try:
            probe_bodies(server, args.bodies, args.body_mb * MiB)
            probe_flood(server, args.flood_s, args.flood_clients)
            probe_bad_input(server)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
