"""The connection layer: ssrfguard's pinning backend, with every step held to one deadline.

ssrfguard's ``SafeBackend`` resolves once, validates every answer and connects to the address it
validated, leaving TLS (SNI and certificate checks against the hostname) to httpcore. Around it
we clamp name resolution, connect, TLS handshake, and every read and write to the time left, so
a server trickling one byte a second cannot hold a worker past the deadline.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

import httpcore
import httpx
import ssrfguard
from ssrfguard.httpx import SafeBackend

#: The shape of ``socket.getaddrinfo``; a stub in tests. Whatever it answers is validated.
Resolver = Callable[..., Iterable[tuple[Any, ...]]]


class ResolveTimeoutError(TimeoutError):
    """Name resolution did not answer in time."""


class Deadline:
    """A point on the monotonic clock that every network step is clamped to."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.at - time.monotonic())

    def expired(self) -> bool:
        """Whether the deadline has passed."""
        return time.monotonic() >= self.at

    def clamp(self, timeout: float | None, error: type[Exception]) -> float:
        """Return the smaller of ``timeout`` and the time left, or raise ``error`` when none is."""
        left = self.remaining()
        if left <= 0:
            raise error("fetch deadline reached")
        return left if timeout is None else min(timeout, left)


def bounded_resolver(resolver: Resolver, deadline: Deadline, timeout: float) -> Resolver:
    """Wrap ``resolver`` so a stalled lookup gives up at ``timeout`` or the deadline.

    getaddrinfo cannot be cancelled, so it runs in a daemon thread that is abandoned on time-out;
    the libc resolver's own retry limit ends that thread later.
    """

    def resolve(*args: Any) -> Iterable[tuple[Any, ...]]:
        wait = deadline.clamp(timeout, ResolveTimeoutError)
        outcome: list[Any] = []

        def run() -> None:
            try:
                outcome.append(list(resolver(*args)))
            except BaseException as exc:  # handed to the caller's thread below
                outcome.append(exc)

        worker = threading.Thread(target=run, name="ravabet-resolve", daemon=True)
        worker.start()
        worker.join(wait)
        if not outcome:
            raise ResolveTimeoutError(f"name resolution took longer than {wait:.1f}s")
        result = outcome[0]
        if isinstance(result, BaseException):
            raise result
        return result  # type: ignore[no-any-return]

    return resolve


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose reads, writes and TLS handshake end at the deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Read at most ``max_bytes``, waiting no longer than the time left."""
        wait = self._deadline.clamp(timeout, httpcore.ReadTimeout)
        return self._inner.read(max_bytes, wait)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Write ``buffer``, waiting no longer than the time left."""
        self._inner.write(buffer, self._deadline.clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        """Close the underlying stream."""
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        """Hand the handshake to httpcore's stream, which verifies against ``server_hostname``."""
        wait = self._deadline.clamp(timeout, httpcore.ConnectTimeout)
        tls = self._inner.start_tls(ssl_context, server_hostname, wait)
        return DeadlineStream(tls, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        """Delegate to the underlying stream."""
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """ssrfguard's pinning backend, with connect clamped and streams wrapped in the deadline."""

    def __init__(self, guard: ssrfguard.Policy, resolver: Resolver, deadline: Deadline) -> None:
        self._inner = SafeBackend(policy=guard, resolver=resolver)
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        """Resolve, validate and connect through ssrfguard within the time left."""
        wait = self._deadline.clamp(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, wait, local_address, socket_options)
        return DeadlineStream(stream, self._deadline)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        """Refuse: a filesystem socket has no address to check."""
        raise httpcore.ConnectError("unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        """Sleep, as httpcore's retry loop asks."""
        time.sleep(seconds)


@cache
def default_ssl_context() -> ssl.SSLContext:
    """The certifi-backed verifying context httpx builds, made once per process."""
    return httpx.create_ssl_context()


def open_pool(
    guard: ssrfguard.Policy,
    resolver: Resolver | None,
    deadline: Deadline,
    *,
    connect_timeout: float,
    ssl_context: ssl.SSLContext | None,
) -> httpcore.ConnectionPool:
    """A one-call connection pool whose every connection is pinned and deadline-bound."""
    lookup = bounded_resolver(resolver or socket.getaddrinfo, deadline, connect_timeout)
    return httpcore.ConnectionPool(
        ssl_context=ssl_context or default_ssl_context(),
        max_connections=2,
        http1=True,
        http2=False,
        retries=0,
        network_backend=DeadlineBackend(guard, lookup, deadline),
    )
