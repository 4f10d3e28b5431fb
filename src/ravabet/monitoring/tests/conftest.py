"""A local news site for the monitoring tests: paths served from a dict, with ETag and
conditional GET like a real feed server; the fetcher is allowed to reach it (loopback only)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class NewsSite:
    """What the site serves (path → body, content type) and the requests it received."""

    port: int = 0
    pages: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)
    validators: bool = True  # False: no ETag and never a 304, as many sites serve their feeds

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: str | bytes, content_type: str = "application/rss+xml") -> str:
        self.pages[path] = (body.encode() if isinstance(body, str) else body, content_type)
        return self.url(path)


def _handler(site: NewsSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append((self.path, self.headers.get("If-None-Match", "")))
            if self.path in site.broken:
                self.send_error(503)
                return
            found = site.pages.get(self.path)
            if found is None:
                self.send_error(404)
                return
            body, content_type = found
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if site.validators and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if site.validators:
                self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@pytest.fixture
def news_site(settings: Any) -> Iterator[NewsSite]:
    site = NewsSite()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.MONITORING_FETCH_ALLOW = [f"127.0.0.1:{site.port}"]
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
