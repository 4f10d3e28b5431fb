"""Loopback servers, a stub resolver and a connect tripwire for the fetcher's tests.

Nothing here reaches beyond 127.0.0.0/8: the tripwire refuses any other connect before a
packet is sent and records it, so a test can assert that no denied address was ever dialled.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from typing import Any

import pytest

Route = Callable[[BaseHTTPRequestHandler], None]


def respond(
    handler: BaseHTTPRequestHandler,
    status: int = 200,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> None:
    """Send a complete response with a Content-Length."""
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def redirect(location: str, status: int = 302) -> Route:
    """A route answering with a redirect to ``location``."""
    return lambda h: respond(h, status, headers={"Location": location})


def feed(body: bytes = b"<rss/>", content_type: str = "application/rss+xml") -> Route:
    """A route answering 200 with ``body``."""
    return lambda h: respond(h, 200, body, {"Content-Type": content_type})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], owner: LocalServer) -> None:
        self.owner = owner
        super().__init__(address, _Handler)

    def verify_request(self, request: Any, client_address: Any) -> bool:
        with self.owner.lock:
            self.owner.connections += 1
        return True


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        owner = self.server.owner
        with owner.lock:
            owner.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        route = owner.routes.get(self.path.split("?", 1)[0])
        try:
            if route is None:
                respond(self, 404, b"missing", {"Content-Type": "text/plain"})
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up, as it should when a cap or the deadline is reached

    def log_message(self, format: str, *args: Any) -> None:
        return None


class LocalServer:
    """An HTTP server on a loopback address that counts connections and records requests."""

    def __init__(
        self,
        routes: dict[str, Route],
        host: str = "127.0.0.1",
        port: int = 0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.routes = routes
        self.connections = 0
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()
        self._server = _Server((host, port), self)
        self.host = host
        self.port = int(self._server.server_address[1])
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def url(self, path: str = "/", host: str | None = None) -> str:
        """The URL of ``path`` on this server, optionally under another host name."""
        return f"http://{host or self.host}:{self.port}{path}"

    def close(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def serving(
    routes: dict[str, Route], host: str = "127.0.0.1", port: int = 0
) -> Iterator[LocalServer]:
    """Run a LocalServer for the duration of the block."""
    server = LocalServer(routes, host, port)
    try:
        yield server
    finally:
        server.close()


def twin_servers(
    first: dict[str, Route], second: dict[str, Route]
) -> tuple[LocalServer, LocalServer]:
    """Two servers on one port: 127.0.0.1 and 127.0.0.2, for rebinding tests."""
    for _ in range(20):
        a = LocalServer(first)
        try:
            return a, LocalServer(second, "127.0.0.2", a.port)
        except OSError:
            a.close()
    raise RuntimeError("no port free on both 127.0.0.1 and 127.0.0.2")


class StubResolver:
    """A getaddrinfo stand-in: names from a table, numbers the way libc's inet_aton reads them.

    A name's entry is a list of answers, or a list of such lists served one per call (the last
    repeating), which is how a rebinding DNS server behaves.
    """

    def __init__(self, names: Mapping[str, Sequence[str] | Sequence[Sequence[str]]] | None = None):
        self.names = names or {}
        self.calls: list[str] = []

    def _answers(self, host: str) -> list[str]:
        entry = self.names.get(host.lower().rstrip("."))
        if entry is not None:
            if entry and not isinstance(entry[0], str):
                rounds = list(entry)
                calls = sum(1 for c in self.calls if c == host)
                return list(rounds[min(calls - 1, len(rounds) - 1)])
            return [str(a) for a in entry]
        try:
            return [str(ip_address(host))]
        except ValueError:
            pass
        try:
            return [socket.inet_ntoa(socket.inet_aton(host))]
        except OSError as exc:
            raise socket.gaierror(socket.EAI_NONAME, f"stub resolver: no such name {host}") from exc

    def __call__(self, host: str, port: int, *_: int) -> list[tuple[Any, ...]]:
        self.calls.append(host)
        rows: list[tuple[Any, ...]] = []
        for text in self._answers(host):
            if ":" in text:
                rows.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (text, port, 0, 0)))
            else:
                rows.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (text, port)))
        return rows


class Tripwire:
    """Records every outgoing connect and refuses, before any packet, all but loopback."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.attempts: list[str] = []
        real = socket.socket.connect

        def connect(sock: socket.socket, address: Any) -> None:
            host = str(address[0])
            self.attempts.append(host)
            try:
                loopback = ip_address(host).is_loopback
            except ValueError:
                loopback = False
            if not loopback:
                raise ConnectionRefusedError(f"tripwire: {host} is not loopback")
            real(sock, address)

        monkeypatch.setattr(socket.socket, "connect", connect)
