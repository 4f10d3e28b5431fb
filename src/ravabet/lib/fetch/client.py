"""``safe_fetch``: one GET, redirects re-checked, every limit of the policy enforced."""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import formatdate

import httpcore
import httpx
import ssrfguard

from ravabet.lib.fetch.backoff import parse_retry_after
from ravabet.lib.fetch.body import ACCEPT_ENCODING, read_body
from ravabet.lib.fetch.charset import declared_charset, decode_text, media_type
from ravabet.lib.fetch.errors import FetchError, FetchErrorReason
from ravabet.lib.fetch.policy import DEFAULT, FetchPolicy
from ravabet.lib.fetch.transport import Deadline, Resolver, ResolveTimeoutError, open_pool
from ravabet.lib.fetch.urls import check_url

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_KEPT_HEADERS = ("etag", "last-modified", "content-type", "retry-after")
# What the network and the guard raise; each is mapped to a reason code by _classify.
_FAILURES = (
    httpcore.NetworkError,
    httpcore.TimeoutException,
    httpcore.ProtocolError,
    httpcore.UnsupportedProtocol,
    ssrfguard.SSRFGuardError,
    OSError,
)


@dataclass(frozen=True)
class FetchResult:
    """A 200 with its body, or a 304 without one; ``headers`` keeps only what callers store."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    elapsed: float
    redirects: tuple[str, ...] = field(default=())

    @property
    def not_modified(self) -> bool:
        """Whether the server answered 304 to a conditional GET."""
        return self.status == 304

    @property
    def etag(self) -> str | None:
        """The ETag to send next time, if the server gave one."""
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        """The Last-Modified value to send next time, if the server gave one."""
        return self.headers.get("last-modified")

    @property
    def content_type(self) -> str:
        """The media type, lower case, without parameters."""
        return media_type(self.headers.get("content-type"))

    @property
    def charset(self) -> str | None:
        """The charset the server declared, if any."""
        return declared_charset(self.headers.get("content-type"))

    def text(self) -> str:
        """The body as text: BOM, valid UTF-8, declared charset, prolog, meta, windows-1256."""
        return decode_text(self.body, self.headers.get("content-type"))


def _header(response: httpcore.Response, name: str) -> str | None:
    wanted = name.encode("ascii")
    for key, value in response.headers:
        if key.lower() == wanted:
            # Latin-1 round-trips any bytes, so an ETag goes back to the server exactly as it came.
            return value.decode("latin-1").strip()
    return None


def _location(response: httpcore.Response) -> str | None:
    """The Location header; Iranian servers often send its Persian path as raw UTF-8."""
    value = _header(response, "location")
    if value is None:
        return None
    raw = value.encode("latin-1")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return value


def _kept(response: httpcore.Response) -> dict[str, str]:
    kept = {name: _header(response, name) for name in _KEPT_HEADERS}
    return {name: value for name, value in kept.items() if value is not None}


def _request_headers(
    policy: FetchPolicy, etag: str | None, last_modified: str | datetime | None
) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"User-Agent", policy.user_agent.encode("ascii")),
        (b"Accept", ", ".join(sorted(policy.content_types)).encode("ascii")),
        (b"Accept-Encoding", ACCEPT_ENCODING.encode("ascii")),
    ]
    if etag:
        headers.append((b"If-None-Match", etag.encode("latin-1")))
    if isinstance(last_modified, datetime):
        last_modified = formatdate(last_modified.timestamp(), usegmt=True)
    if last_modified:
        headers.append((b"If-Modified-Since", last_modified.encode("latin-1")))
    return headers


def _target(url: httpx.URL) -> httpcore.URL:
    return httpcore.URL(
        scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
    )


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _classify(exc: Exception, deadline: Deadline, url: str) -> FetchError:
    """Map a transport or guard failure to its reason code."""
    chain = list(_causes(exc))
    if any(isinstance(e, ssrfguard.BlockedAddressError) for e in chain):
        reason = FetchErrorReason.BLOCKED_ADDRESS
    elif isinstance(exc, ssrfguard.SSRFGuardError):
        reason = FetchErrorReason.BAD_URL
    elif any(isinstance(e, ResolveTimeoutError) for e in chain) and not deadline.expired():
        reason = FetchErrorReason.DNS
    elif isinstance(exc, httpcore.TimeoutException) or deadline.expired():
        reason = FetchErrorReason.DEADLINE if deadline.expired() else FetchErrorReason.CONNECT
    elif any(isinstance(e, socket.gaierror) for e in chain):
        reason = FetchErrorReason.DNS
    elif any(isinstance(e, ssl.SSLError | ssl.CertificateError) for e in chain):
        reason = FetchErrorReason.TLS
    elif isinstance(exc, httpcore.ProtocolError):
        reason = FetchErrorReason.PROTOCOL
    else:
        reason = FetchErrorReason.CONNECT
    return FetchError(reason, f"{type(exc).__name__}: {exc}", url=url)


def _status_error(response: httpcore.Response, url: str) -> FetchError:
    retry_after = parse_retry_after(_header(response, "retry-after"), datetime.now(UTC))
    return FetchError(
        FetchErrorReason.HTTP_STATUS,
        f"HTTP {response.status}",
        url=url,
        status=response.status,
        retry_after=retry_after,
    )


def _check_content_type(response: httpcore.Response, policy: FetchPolicy, url: str) -> None:
    kind = media_type(_header(response, "content-type"))
    if kind not in policy.content_types:
        raise FetchError(FetchErrorReason.BAD_CONTENT_TYPE, f"content type {kind!r}", url=url)
    length = _header(response, "content-length")
    if length and length.isdigit() and int(length) > policy.max_raw_bytes:
        raise FetchError(FetchErrorReason.TOO_LARGE, f"Content-Length {length}", url=url)


def safe_fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | datetime | None = None,
    policy: FetchPolicy = DEFAULT,
    resolver: Resolver | None = None,
) -> FetchResult:
    """GET ``url`` for media monitoring; return a 200 or 304 result or raise FetchError.

    Every hop is checked, resolved once and connected to the checked address; the policy's
    deadline covers the whole call, redirects and body included.
    """
    started = time.monotonic()
    deadline = Deadline(policy.deadline)
    guard = ssrfguard.Policy(
        allowed_networks=policy.allowed_networks,
        allowed_ports=policy.allowed_ports,
        max_redirects=policy.max_redirects,
    )
    current = check_url(url, policy, guard)
    followed: list[str] = []
    headers = _request_headers(policy, etag, last_modified)
    with open_pool(
        guard,
        resolver,
        deadline,
        connect_timeout=policy.connect_timeout,
        ssl_context=policy.ssl_context,
    ) as pool:
        while True:
            here = str(current)
            left = deadline.remaining()
            timeouts = {"connect": min(policy.connect_timeout, left), "read": left, "write": left}
            try:
                with pool.stream(
                    "GET", _target(current), headers=headers, extensions={"timeout": timeouts}
                ) as response:
                    if response.status in _REDIRECTS:
                        location = _location(response)
                        if not location:
                            raise _status_error(response, here)
                        if len(followed) >= policy.max_redirects:
                            raise FetchError(
                                FetchErrorReason.TOO_MANY_REDIRECTS,
                                f"more than {policy.max_redirects} redirects",
                                url=here,
                            )
                        try:
                            joined = current.join(location)
                        except (httpx.InvalidURL, ValueError) as exc:
                            raise FetchError(
                                FetchErrorReason.BAD_URL, f"Location {location!r}", url=here
                            ) from exc
                        followed.append(here)
                        current = check_url(str(joined), policy, guard)
                        continue
                    if response.status == 304:
                        body = b""
                    elif response.status == 200:
                        _check_content_type(response, policy, here)
                        body = read_body(
                            response.iter_stream(),
                            _header(response, "content-encoding"),
                            max_raw_bytes=policy.max_raw_bytes,
                            max_decoded_bytes=policy.max_decoded_bytes,
                        )
                    else:
                        raise _status_error(response, here)
                    return FetchResult(
                        url=here,
                        status=response.status,
                        headers=_kept(response),
                        body=body,
                        elapsed=time.monotonic() - started,
                        redirects=tuple(followed),
                    )
            except FetchError as exc:
                if exc.url is None:
                    exc.url = here
                raise
            except _FAILURES as exc:
                raise _classify(exc, deadline, here) from exc


__all__ = ["FetchResult", "safe_fetch"]
