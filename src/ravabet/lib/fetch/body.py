"""Reading a response body under two caps: bytes on the wire and bytes after decompression.

Decompression is stepwise (at most ``STEP`` bytes of output per call), so a gzip or brotli
bomb costs at most the decoded cap in memory before it is refused, however far it expands.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from typing import Protocol

import brotli  # type: ignore[import-untyped]  # no stubs or py.typed upstream

from ravabet.lib.fetch.errors import FetchError, FetchErrorReason

STEP = 64 * 1024
ACCEPT_ENCODING = "gzip, deflate, br"
_ALIASES = {"x-gzip": "gzip"}


class _Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...

    def finish(self) -> None: ...


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        yield data

    def finish(self) -> None:
        return None


class _Zlib:
    """gzip (including multi-member) or deflate, zlib-wrapped or raw as servers send it."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._wbits = 31 if coding == "gzip" else 15
        self._d = zlib.decompressobj(self._wbits)
        self._fresh = True  # this member has seen no input yet
        self._started = False
        self._done = False

    def _first(self, data: bytes) -> None:
        # RFC 9110's deflate is zlib-wrapped, but some servers send raw deflate; the zlib header's
        # check bits tell them apart.
        if self._coding == "deflate" and len(data) >= 2 and (data[0] << 8 | data[1]) % 31:
            self._wbits = -15
            self._d = zlib.decompressobj(self._wbits)
        self._started = True

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not self._started and data:
            self._first(data)
        try:
            while not self._done:
                if self._fresh and not data.strip(b"\0"):
                    return  # nothing, or the zero padding some servers put after the last member
                self._fresh = False
                out = self._d.decompress(data, STEP)
                if out:
                    yield out
                data = self._d.unconsumed_tail
                if self._d.eof:
                    data = self._next_member()
                elif not data and len(out) < STEP:
                    return  # all input used; a full step means zlib may hold more, so go round
        except zlib.error as exc:
            raise FetchError(FetchErrorReason.BAD_ENCODING, f"corrupt {self._coding}") from exc

    def _next_member(self) -> bytes:
        if self._coding != "gzip":
            self._done = True
            return b""
        rest = self._d.unused_data
        self._d = zlib.decompressobj(self._wbits)
        self._fresh = True
        return rest

    def finish(self) -> None:
        if not (self._done or self._fresh or self._d.eof):
            raise FetchError(FetchErrorReason.BAD_ENCODING, f"truncated {self._coding}")


class _Brotli:
    def __init__(self) -> None:
        self._d = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            out = self._d.process(data, output_buffer_limit=STEP)
            if out:
                yield out
            while not self._d.can_accept_more_data():
                out = self._d.process(b"", output_buffer_limit=STEP)
                if out:
                    yield out
        except brotli.error as exc:
            raise FetchError(FetchErrorReason.BAD_ENCODING, "corrupt br") from exc

    def finish(self) -> None:
        if not self._d.is_finished():
            raise FetchError(FetchErrorReason.BAD_ENCODING, "truncated br")


def decoder_for(content_encoding: str | None) -> _Decoder:
    """The decoder for a Content-Encoding header; stacked or unknown codings are refused."""
    codings = [
        _ALIASES.get(c, c)
        for c in (part.strip().lower() for part in (content_encoding or "").split(","))
        if c and c != "identity"
    ]
    if not codings:
        return _Identity()
    if len(codings) > 1:
        raise FetchError(FetchErrorReason.BAD_ENCODING, f"stacked codings {content_encoding!r}")
    if codings[0] in ("gzip", "deflate"):
        return _Zlib(codings[0])
    if codings[0] == "br":
        return _Brotli()
    raise FetchError(FetchErrorReason.BAD_ENCODING, f"unsupported coding {codings[0]!r}")


def read_body(
    chunks: Iterable[bytes],
    content_encoding: str | None,
    *,
    max_raw_bytes: int,
    max_decoded_bytes: int,
) -> bytes:
    """Read and decode ``chunks``, raising TOO_LARGE as soon as either cap is passed."""
    decoder = decoder_for(content_encoding)
    raw = 0
    out = bytearray()
    for chunk in chunks:
        raw += len(chunk)
        if raw > max_raw_bytes:
            raise FetchError(FetchErrorReason.TOO_LARGE, f"more than {max_raw_bytes} raw bytes")
        for piece in decoder.feed(chunk):
            out += piece
            if len(out) > max_decoded_bytes:
                raise FetchError(
                    FetchErrorReason.TOO_LARGE, f"more than {max_decoded_bytes} decoded bytes"
                )
    decoder.finish()
    return bytes(out)
