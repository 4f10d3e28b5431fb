"""The PDF renderer's fetcher serves only files under its own origin that the resolver maps:
no local file, no remote or loopback address, no data URL, no path tricks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ravabet.lib.pdf import (
    ORIGIN,
    FetchRefusedError,
    FetchRefusedReason,
    StaticFetcher,
    render_pdf,
)


@pytest.fixture
def static_root(tmp_path: Path) -> Path:
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "print.css").write_text("p { color: #123456; }", encoding="utf-8")
    return tmp_path


@pytest.fixture
def fetcher(static_root: Path) -> StaticFetcher:
    def resolve(relative: str) -> Path | None:
        path = static_root / relative
        return path if path.is_file() else None

    return StaticFetcher(resolve)


class Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []  # one list per server, set by the fixture

    def do_GET(self) -> None:
        self.requests.append(self.path)
        body = b"p { color: red; }"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def loopback() -> Iterator[tuple[str, list[str]]]:
    """A local server that would serve a stylesheet to anyone asking; it records who asks."""
    received: list[str] = []
    handler = type("Handler", (Recorder,), {"requests": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


def test_a_file_under_the_origin_is_served_with_its_type(fetcher: StaticFetcher) -> None:
    response = fetcher.fetch(fetcher.url_for("css/print.css"))
    assert response.read() == b"p { color: #123456; }"
    assert response.content_type == "text/css"
    assert fetcher.refused == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", FetchRefusedReason.OUTSIDE_ORIGIN),
        ("FILE:///etc/passwd", FetchRefusedReason.OUTSIDE_ORIGIN),
        ("http://127.0.0.1/print.css", FetchRefusedReason.OUTSIDE_ORIGIN),
        ("https://example.org/print.css", FetchRefusedReason.OUTSIDE_ORIGIN),
        ("http://169.254.169.254/latest/meta-data/", FetchRefusedReason.OUTSIDE_ORIGIN),
        ("data:text/css,p{color:red}", FetchRefusedReason.OUTSIDE_ORIGIN),
        (f"{ORIGIN}.evil.example/css/print.css", FetchRefusedReason.OUTSIDE_ORIGIN),
        (f"{ORIGIN}@evil.example/css/print.css", FetchRefusedReason.OUTSIDE_ORIGIN),
        (f"{ORIGIN}/../../etc/passwd", FetchRefusedReason.BAD_PATH),
        (f"{ORIGIN}/css/%2e%2e/%2e%2e/etc/passwd", FetchRefusedReason.BAD_PATH),
        (f"{ORIGIN}/css//print.css", FetchRefusedReason.BAD_PATH),
        (f"{ORIGIN}/css\\..\\print.css", FetchRefusedReason.BAD_PATH),
        (f"{ORIGIN}/", FetchRefusedReason.BAD_PATH),
        (f"{ORIGIN}/css/missing.css", FetchRefusedReason.NOT_FOUND),
        (f"{ORIGIN}/css", FetchRefusedReason.NOT_FOUND),
    ],
)
def test_every_other_address_is_refused_and_recorded(
    fetcher: StaticFetcher, url: str, reason: FetchRefusedReason
) -> None:
    with pytest.raises(FetchRefusedError) as refused:
        fetcher.fetch(url)
    assert refused.value.reason is reason
    assert [(r.reason, r.url) for r in fetcher.refused] == [(reason, url)]


def test_a_document_asking_for_local_files_and_servers_renders_without_them(
    fetcher: StaticFetcher, loopback: tuple[str, list[str]]
) -> None:
    server, received = loopback
    html = f"""<html lang="fa" dir="rtl"><head>
      <link rel="stylesheet" href="css/print.css">
      <link rel="stylesheet" href="{server}/remote.css">
      <link rel="stylesheet" href="file:///etc/hosts">
      <style>@import url("{server}/imported.css");</style>
    </head><body><p>سلام</p><img src="file:///etc/passwd"><img src="{server}/pixel.png">
    <object data="file:///etc/shadow"></object></body></html>"""

    pdf = render_pdf(html, fetcher=fetcher)

    assert pdf.startswith(b"%PDF")
    assert received == []
    refused = {r.url for r in fetcher.refused}
    assert {"file:///etc/passwd", "file:///etc/hosts", f"{server}/remote.css"} <= refused
    assert f"{server}/pixel.png" in refused
    assert all(r.reason is FetchRefusedReason.OUTSIDE_ORIGIN for r in fetcher.refused)
    assert b"root:" not in pdf


def test_strict_rendering_fails_on_the_first_refusal(fetcher: StaticFetcher) -> None:
    html = '<html><body><img src="file:///etc/passwd"></body></html>'
    with pytest.raises(FetchRefusedError) as refused:
        render_pdf(html, fetcher=fetcher, strict=True)
    assert refused.value.url == "file:///etc/passwd"
