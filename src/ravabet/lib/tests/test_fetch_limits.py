"""SECURITY.md's trickle, huge and gzip-bomb row, plus the HTTP contract of safe_fetch."""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import tracemalloc
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler

import brotli  # type: ignore[import-untyped]
import pytest

from ravabet.lib.fetch import FetchError, FetchErrorReason, FetchPolicy, safe_fetch
from ravabet.lib.fetch.body import read_body
from ravabet.lib.tests.fetch_support import LocalServer, Route, StubResolver, feed, respond

MIB = 1024 * 1024
STAMP = "Sat, 01 Nov 2025 08:00:00 GMT"
STOP = threading.Event()  # lets slow handlers end as soon as a test is over


@pytest.fixture(autouse=True)
def _release_slow_handlers() -> Iterator[None]:
    STOP.clear()
    yield
    STOP.set()


def _head(handler: BaseHTTPRequestHandler, headers: dict[str, str]) -> None:
    handler.send_response(200)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()


def trickle_body(h: BaseHTTPRequestHandler) -> None:
    _head(h, {"Content-Type": "application/rss+xml", "Content-Length": "1000"})
    for _ in range(1000):
        h.wfile.write(b"x")
        if STOP.wait(1.0):
            return


def trickle_headers(h: BaseHTTPRequestHandler) -> None:
    for byte in b"HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\n\r\n":
        h.wfile.write(bytes([byte]))
        if STOP.wait(1.0):
            return


def silent(h: BaseHTTPRequestHandler) -> None:
    STOP.wait(30)


def endless(h: BaseHTTPRequestHandler) -> None:
    _head(h, {"Content-Type": "application/rss+xml"})
    chunk = b"<item/>" * 9000
    for _ in range(2000):  # bounded: about 120 MiB if nobody hangs up
        h.wfile.write(chunk)


def declared_huge(h: BaseHTTPRequestHandler) -> None:
    _head(h, {"Content-Type": "application/rss+xml", "Content-Length": str(10 * 1024 * MIB)})
    h.wfile.write(b"<rss>")
    STOP.wait(30)


def streamed(body: bytes, headers: dict[str, str]) -> Route:
    view = memoryview(body)

    def route(h: BaseHTTPRequestHandler) -> None:
        _head(h, {**headers, "Content-Length": str(len(body))})
        for start in range(0, len(view), 64 * 1024):
            h.wfile.write(view[start : start + 64 * 1024])

    return route


def gzip_bomb(gib: int) -> bytes:
    """A valid gzip stream of ``gib`` GiB of zeros, about 1 KB per MiB, built in under a second."""
    zeros = bytes(MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    # After a full flush the compressor starts afresh, so each further MiB compresses to the same
    # bytes: compress three, then repeat the middle one.
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeat = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush()[:-8]
    count = gib * 1024
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(zeros, crc)
    return first + repeat * (count - 1) + end + struct.pack("<II", crc, (count * MIB) & 0xFFFFFFFF)


def brotli_bomb(gib: int) -> bytes:
    compressor = brotli.Compressor(quality=1)
    zeros = bytes(MIB)
    parts = [compressor.process(zeros) for _ in range(gib * 1024)]
    return b"".join([*parts, compressor.finish()])


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    return {"gzip": gzip_bomb(2), "br": brotli_bomb(1)}


def _server(routes: dict[str, Route]) -> Iterator[LocalServer]:
    server = LocalServer(routes)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    yield from _server({})


def _policy(server: LocalServer, **limits: object) -> FetchPolicy:
    return FetchPolicy(**limits).admitting_loopback(server.port)  # type: ignore[arg-type]


def _error(url: str, policy: FetchPolicy, **kwargs: object) -> FetchError:
    with pytest.raises(FetchError) as caught:
        safe_fetch(url, policy=policy, **kwargs)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize("route", [trickle_body, trickle_headers, silent])
def test_a_slow_server_is_abandoned_at_the_deadline(server: LocalServer, route: Route) -> None:
    server.routes["/feed"] = route
    error = _error(server.url("/feed"), _policy(server, deadline=0.6))
    assert error.reason is FetchErrorReason.DEADLINE


def test_a_stalled_name_lookup_counts_against_the_deadline(server: LocalServer) -> None:
    def stalled(*args: object) -> list[tuple[object, ...]]:
        STOP.wait(30)
        return []

    policy = _policy(server, deadline=0.5)
    error = _error(server.url("/feed", "slow-dns.test"), policy, resolver=stalled)
    assert error.reason is FetchErrorReason.DEADLINE


def test_a_lookup_slower_than_the_connect_timeout_is_a_dns_failure(server: LocalServer) -> None:
    def stalled(*args: object) -> list[tuple[object, ...]]:
        STOP.wait(30)
        return []

    policy = _policy(server, deadline=5.0, connect_timeout=0.3)
    error = _error(server.url("/feed", "slow-dns.test"), policy, resolver=stalled)
    assert error.reason is FetchErrorReason.DNS


def test_an_endless_body_is_cut_at_the_raw_byte_cap(server: LocalServer) -> None:
    server.routes["/feed"] = endless
    error = _error(server.url("/feed"), _policy(server, max_raw_bytes=256 * 1024))
    assert error.reason is FetchErrorReason.TOO_LARGE


def test_a_declared_length_over_the_cap_is_refused_before_reading(server: LocalServer) -> None:
    server.routes["/feed"] = declared_huge
    error = _error(server.url("/feed"), _policy(server))
    assert error.reason is FetchErrorReason.TOO_LARGE


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_a_compression_bomb_stops_at_the_decoded_cap_with_flat_memory(
    server: LocalServer, bombs: dict[str, bytes], coding: str
) -> None:
    bomb = bombs[coding]
    server.routes["/feed"] = streamed(
        bomb, {"Content-Type": "application/rss+xml", "Content-Encoding": coding}
    )
    policy = _policy(server, max_decoded_bytes=MIB)
    tracemalloc.start()
    try:
        error = _error(server.url("/feed"), policy)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.reason is FetchErrorReason.TOO_LARGE
    assert len(bomb) < 4 * MIB  # small on the wire, at least a GiB once expanded
    assert peak < 6 * MIB


def test_the_gzip_bomb_really_expands_past_a_gigabyte(bombs: dict[str, bytes]) -> None:
    # Check the trailer rather than inflating 2 GiB: ISIZE is the length modulo 2^32.
    size = struct.unpack("<I", bombs["gzip"][-4:])[0]
    head = zlib.decompressobj(31).decompress(bombs["gzip"][:4096], 8 * MIB)
    assert size == 2 * 1024 * MIB % 2**32
    assert head == bytes(len(head))
    assert len(head) > MIB


@pytest.mark.parametrize(
    ("coding", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
        ("br", brotli.compress),
        ("identity", lambda data: data),
    ],
)
def test_compressed_bodies_are_decoded(server: LocalServer, coding: str, encode: object) -> None:
    text = "<rss><title>خبر</title></rss>".encode() * 200
    body = encode(text)  # type: ignore[operator]
    headers = {"Content-Type": "application/rss+xml", "Content-Encoding": coding}
    server.routes["/feed"] = lambda h: respond(h, 200, body, headers)
    assert safe_fetch(server.url("/feed"), policy=_policy(server)).body == text


def test_a_multi_member_gzip_body_is_decoded_whole(server: LocalServer) -> None:
    body = gzip.compress(b"<rss>") + gzip.compress(b"</rss>")
    headers = {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}
    server.routes["/feed"] = lambda h: respond(h, 200, body, headers)
    assert safe_fetch(server.url("/feed"), policy=_policy(server)).body == b"<rss></rss>"


@pytest.mark.parametrize(
    ("coding", "body"),
    [
        ("gzip", b"not gzip at all"),
        ("gzip", gzip.compress(b"<rss>" * 1000)[:-20]),
        ("br", b"\xff\xff\xff not brotli"),
        ("gzip, gzip", gzip.compress(gzip.compress(b"<rss/>"))),
        ("compress", b"x"),
    ],
)
def test_a_corrupt_or_unsupported_encoding_is_refused(
    server: LocalServer, coding: str, body: bytes
) -> None:
    headers = {"Content-Type": "application/rss+xml", "Content-Encoding": coding}
    server.routes["/feed"] = lambda h: respond(h, 200, body, headers)
    assert _error(server.url("/feed"), _policy(server)).reason is FetchErrorReason.BAD_ENCODING


def test_conditional_get_returns_304_with_the_validators(server: LocalServer) -> None:
    def conditional(h: BaseHTTPRequestHandler) -> None:
        if h.headers.get("If-None-Match") == '"v1"':
            respond(
                h, 304, headers={"ETag": '"v1"', "Last-Modified": "Sat, 01 Nov 2025 08:00:00 GMT"}
            )
        else:
            respond(h, 200, b"<rss/>", {"Content-Type": "application/rss+xml", "ETag": '"v1"'})

    server.routes["/feed"] = conditional
    policy = _policy(server)
    first = safe_fetch(server.url("/feed"), policy=policy)
    again = safe_fetch(
        server.url("/feed"),
        etag=first.etag,
        last_modified=STAMP,
        policy=policy,
    )
    assert (first.status, first.etag) == (200, '"v1"')
    assert again.status == 304
    assert again.not_modified
    assert again.body == b""
    assert again.etag == '"v1"'
    assert again.last_modified == STAMP
    sent = server.requests[-1][1]
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == STAMP


def test_last_modified_may_be_given_as_a_datetime(server: LocalServer) -> None:
    server.routes["/feed"] = feed()
    safe_fetch(
        server.url("/feed"),
        last_modified=datetime(2025, 11, 1, 8, tzinfo=UTC),
        policy=_policy(server),
    )
    assert server.requests[-1][1]["if-modified-since"] == "Sat, 01 Nov 2025 08:00:00 GMT"


@pytest.mark.parametrize("content_type", ["image/png", "application/octet-stream", "", "text/xmlx"])
def test_a_content_type_off_the_allow_list_is_refused(
    server: LocalServer, content_type: str
) -> None:
    server.routes["/feed"] = lambda h: respond(h, 200, b"\x89PNG", {"Content-Type": content_type})
    error = _error(server.url("/feed"), _policy(server))
    assert error.reason is FetchErrorReason.BAD_CONTENT_TYPE


def test_an_error_status_carries_its_code_and_retry_after(server: LocalServer) -> None:
    server.routes["/feed"] = lambda h: respond(h, 503, b"busy", {"Retry-After": "120"})
    error = _error(server.url("/feed"), _policy(server))
    assert error.reason is FetchErrorReason.HTTP_STATUS
    assert error.status == 503
    assert error.retry_after == timedelta(seconds=120)


def test_a_missing_page_is_an_http_status_error(server: LocalServer) -> None:
    error = _error(server.url("/nothing-here"), _policy(server))
    assert (error.reason, error.status, error.retry_after) == (
        FetchErrorReason.HTTP_STATUS,
        404,
        None,
    )


def test_a_refused_connection_is_a_connect_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound but not listening: connections are refused
        error = _error(f"http://127.0.0.1:{port}/", FetchPolicy().admitting_loopback(port))
    assert error.reason is FetchErrorReason.CONNECT


def test_an_unknown_name_is_a_dns_error(server: LocalServer) -> None:
    error = _error(
        server.url("/feed", "no-such-name.test"), _policy(server), resolver=StubResolver()
    )
    assert error.reason is FetchErrorReason.DNS


def test_a_garbled_response_is_a_protocol_error(server: LocalServer) -> None:
    def garbled(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(b"SPDY/9 banana\r\n\r\n")

    server.routes["/feed"] = garbled
    assert _error(server.url("/feed"), _policy(server)).reason is FetchErrorReason.PROTOCOL


def test_the_request_names_ravabet_and_accepts_only_feed_types(server: LocalServer) -> None:
    server.routes["/feed"] = feed()
    result = safe_fetch(server.url("/feed"), policy=_policy(server))
    sent = server.requests[-1][1]
    assert sent["user-agent"].startswith("Ravabet/")
    assert "application/rss+xml" in sent["accept"]
    assert "*/*" not in sent["accept"]
    assert result.status == 200
    assert result.elapsed > 0
    assert result.redirects == ()
    assert set(result.headers) <= {"etag", "last-modified", "content-type", "retry-after"}


def test_the_deadline_covers_the_whole_call_not_each_read(server: LocalServer) -> None:
    # Bytes keep arriving faster than any per-read timeout, yet the call still ends.
    def drip(h: BaseHTTPRequestHandler) -> None:
        _head(h, {"Content-Type": "application/rss+xml", "Content-Length": "100000"})
        for _ in range(100000):
            h.wfile.write(b"x")
            if STOP.wait(0.05):
                return

    server.routes["/feed"] = drip
    error = _error(server.url("/feed"), _policy(server, deadline=0.5))
    assert error.reason is FetchErrorReason.DEADLINE


def _read(chunks: list[bytes], coding: str, cap: int = MIB) -> bytes:
    return read_body(chunks, coding, max_raw_bytes=cap, max_decoded_bytes=cap)


def test_gzip_members_split_across_network_chunks_are_all_decoded() -> None:
    first, second = gzip.compress(b"<rss>"), gzip.compress(b"</rss>")
    joined = first + second
    assert _read([first, second], "gzip") == b"<rss></rss>"
    assert _read([joined[i : i + 3] for i in range(0, len(joined), 3)], "gzip") == b"<rss></rss>"


def test_zero_padding_after_the_last_gzip_member_is_ignored() -> None:
    assert _read([gzip.compress(b"<rss/>"), bytes(64)], "gzip") == b"<rss/>"


def test_an_empty_gzip_body_is_empty() -> None:
    assert _read([], "gzip") == b""


def test_the_decoded_cap_counts_bytes_after_decompression() -> None:
    packed = gzip.compress(bytes(300 * 1024))
    with pytest.raises(FetchError) as caught:
        read_body([packed], "gzip", max_raw_bytes=MIB, max_decoded_bytes=256 * 1024)
    assert caught.value.reason is FetchErrorReason.TOO_LARGE
    assert len(_read([packed], "gzip")) == 300 * 1024
