"""URL checks that need no network: scheme, credentials, port and the shape of the host.

The address a name points to is checked later, at connection time, by ssrfguard's backend;
these checks refuse what can be refused from the text alone and give each refusal its reason.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Address, ip_address
from urllib.parse import SplitResult, urlsplit

import httpx
import ssrfguard

from ravabet.lib.fetch.errors import FetchError, FetchErrorReason
from ravabet.lib.fetch.policy import FetchPolicy

_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}

# Every label decimal, octal or hex: what inet_aton would read as an IPv4 address (127.1,
# 0177.0.0.1, 0x7f000001, 2130706433). Only the canonical dotted quad is accepted as one.
_NUMERIC_HOST = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+))*\.?$", re.I)


def _refuse(reason: FetchErrorReason, url: str, detail: str) -> FetchError:
    return FetchError(reason, detail, url=url)


def _check_split(raw: str, split: SplitResult) -> None:
    """Scheme and credentials, read with the standard parser before httpx sees the URL."""
    scheme = split.scheme.lower()
    if scheme not in _SCHEMES:
        raise _refuse(FetchErrorReason.BAD_SCHEME, raw, f"scheme {scheme!r}")
    if "@" in split.netloc:
        raise _refuse(FetchErrorReason.USERINFO, raw, "credentials in the authority")
    try:
        split.port  # noqa: B018 - read for its ValueError on a port out of range
    except ValueError as exc:
        raise _refuse(FetchErrorReason.BAD_PORT, raw, str(exc)) from exc


def _check_literal(raw: str, host: str, guard: ssrfguard.Policy) -> None:
    """Refuse an address written as the host when the guard denies it or it is not canonical."""
    if "%" in host:
        raise _refuse(FetchErrorReason.BLOCKED_ADDRESS, raw, "zone identifier or escaped host")
    if ":" in host:
        try:
            address = ip_address(host)
        except ValueError as exc:
            raise _refuse(FetchErrorReason.BAD_URL, raw, "malformed IPv6 host") from exc
    elif _NUMERIC_HOST.match(host):
        try:
            address = IPv4Address(host)
        except ValueError as exc:
            raise _refuse(
                FetchErrorReason.BLOCKED_ADDRESS, raw, f"non-canonical numeric host {host!r}"
            ) from exc
    else:
        return
    try:
        guard.check_address(address)
    except ssrfguard.BlockedAddressError as exc:
        raise _refuse(FetchErrorReason.BLOCKED_ADDRESS, raw, exc.reason) from exc


def check_url(raw: str, policy: FetchPolicy, guard: ssrfguard.Policy) -> httpx.URL:
    """Parse and check ``raw``; return the httpx URL that will be requested, or raise FetchError."""
    try:
        split = urlsplit(raw.strip())
    except ValueError as exc:
        raise _refuse(FetchErrorReason.BAD_URL, raw, str(exc)) from exc
    _check_split(raw, split)
    host_text = (split.hostname or "").lower()
    if host_text:
        _check_literal(raw, host_text, guard)
    try:
        url = httpx.URL(raw.strip())
    except (httpx.InvalidURL, ValueError) as exc:
        raise _refuse(FetchErrorReason.BAD_URL, raw, str(exc)) from exc
    # The same questions again on httpx's own parse, which is the one the request is built from.
    if url.scheme not in _SCHEMES:
        raise _refuse(FetchErrorReason.BAD_SCHEME, raw, f"scheme {url.scheme!r}")
    if url.userinfo:
        raise _refuse(FetchErrorReason.USERINFO, raw, "credentials in the authority")
    host = url.raw_host.decode("ascii").lower()
    if not host:
        raise _refuse(FetchErrorReason.BAD_URL, raw, "no host")
    _check_literal(raw, host, guard)
    name = host.rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        raise _refuse(FetchErrorReason.BLOCKED_ADDRESS, raw, "localhost name")
    port = url.port if url.port is not None else _DEFAULT_PORTS[url.scheme]
    if port not in policy.allowed_ports:
        raise _refuse(FetchErrorReason.BAD_PORT, raw, f"port {port}")
    try:
        guard.check_url(str(url))
    except ssrfguard.BlockedAddressError as exc:
        raise _refuse(FetchErrorReason.BLOCKED_ADDRESS, raw, exc.reason) from exc
    except ssrfguard.BlockedURLError as exc:
        blocked = isinstance(exc.__cause__, ssrfguard.BlockedAddressError)
        reason = FetchErrorReason.BLOCKED_ADDRESS if blocked else FetchErrorReason.BAD_URL
        raise _refuse(reason, raw, exc.reason) from exc
    return url
