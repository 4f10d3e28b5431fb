"""SECURITY.md's SSRF row: every vector refused, and no connection ever reaches a denied address."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from ipaddress import ip_address, ip_network

import pytest

from ravabet.lib.fetch import FetchError, FetchErrorReason, FetchPolicy, safe_fetch
from ravabet.lib.tests.fetch_support import (
    LocalServer,
    Route,
    StubResolver,
    Tripwire,
    feed,
    redirect,
    serving,
    twin_servers,
)

BLOCKED = FetchErrorReason.BLOCKED_ADDRESS
SCHEME = FetchErrorReason.BAD_SCHEME
PORT = FetchErrorReason.BAD_PORT
USERINFO = FetchErrorReason.USERINFO

# Names a hostile feed URL might use, answered by the stub resolver the way a hostile DNS would.
HOSTILE_NAMES: dict[str, list[str]] = {
    "loopback.test": ["127.0.0.1"],
    "internal.test": ["10.1.2.3"],
    "metadata.test": ["169.254.169.254"],
    "cgnat.test": ["100.64.1.1"],
    "v6loop.test": ["::1"],
    "mapped.test": ["::ffff:127.0.0.1"],
    "ula.test": ["fd12:3456::1"],
    "zero.test": ["0.0.0.0"],  # noqa: S104 - an answer to refuse, not an address to bind
    "nat64.test": ["64:ff9b::a9fe:a9fe"],
    "mixed.test": ["93.184.215.14", "127.0.0.1"],
}

VECTORS: list[tuple[str, FetchErrorReason]] = [
    # IPv4 written every way inet_aton accepts it
    ("http://127.0.0.1:{port}/", BLOCKED),
    ("http://127.1:{port}/", BLOCKED),
    ("http://127.0.1:{port}/", BLOCKED),
    ("http://2130706433:{port}/", BLOCKED),
    ("http://0177.0.0.1:{port}/", BLOCKED),
    ("http://0x7f000001:{port}/", BLOCKED),
    ("http://0x7f.0.0.1:{port}/", BLOCKED),
    ("http://017700000001:{port}/", BLOCKED),
    ("http://127.0.0.1.:{port}/", BLOCKED),
    ("http://0.0.0.0:{port}/", BLOCKED),
    ("http://0:{port}/", BLOCKED),
    # private, link-local, metadata, CGNAT, multicast, reserved
    ("http://10.0.0.1:{port}/", BLOCKED),
    ("http://172.16.0.1:{port}/", BLOCKED),
    ("http://192.168.1.1:{port}/", BLOCKED),
    ("http://169.254.169.254:{port}/latest/meta-data/", BLOCKED),
    ("http://169.254.1.1:{port}/", BLOCKED),
    ("http://100.64.0.1:{port}/", BLOCKED),
    ("http://100.100.100.200:{port}/", BLOCKED),
    ("http://224.0.0.1:{port}/", BLOCKED),
    ("http://255.255.255.255:{port}/", BLOCKED),
    ("http://240.0.0.1:{port}/", BLOCKED),
    ("http://198.18.0.1:{port}/", BLOCKED),
    # IPv6 and the IPv6 forms that carry an IPv4 address inside
    ("http://[::1]:{port}/", BLOCKED),
    ("http://[::]:{port}/", BLOCKED),
    ("http://[::ffff:127.0.0.1]:{port}/", BLOCKED),
    ("http://[::ffff:7f00:1]:{port}/", BLOCKED),
    ("http://[::ffff:169.254.169.254]:{port}/", BLOCKED),
    ("http://[::127.0.0.1]:{port}/", BLOCKED),
    ("http://[fe80::1]:{port}/", BLOCKED),
    ("http://[fe80::1%25lo]:{port}/", BLOCKED),
    ("http://[fd00::1]:{port}/", BLOCKED),
    ("http://[fc00::1]:{port}/", BLOCKED),
    ("http://[fec0::1]:{port}/", BLOCKED),
    ("http://[ff02::1]:{port}/", BLOCKED),
    ("http://[64:ff9b::7f00:1]:{port}/", BLOCKED),
    ("http://[64:ff9b::a9fe:a9fe]:{port}/", BLOCKED),
    ("http://[2002:7f00:1::]:{port}/", BLOCKED),
    ("http://[2002:c0a8:101::1]:{port}/", BLOCKED),
    # names
    ("http://localhost:{port}/", BLOCKED),
    ("http://localhost.:{port}/", BLOCKED),
    ("http://LOCALHOST:{port}/", BLOCKED),
    ("http://feeds.localhost:{port}/", BLOCKED),
    ("http://loopback.test:{port}/", BLOCKED),
    ("http://loopback.test.:{port}/", BLOCKED),
    ("http://internal.test:{port}/", BLOCKED),
    ("http://metadata.test:{port}/", BLOCKED),
    ("http://cgnat.test:{port}/", BLOCKED),
    ("http://v6loop.test:{port}/", BLOCKED),
    ("http://mapped.test:{port}/", BLOCKED),
    ("http://ula.test:{port}/", BLOCKED),
    ("http://zero.test:{port}/", BLOCKED),
    ("http://nat64.test:{port}/", BLOCKED),
    ("http://mixed.test:{port}/", BLOCKED),
    ("http://①②⑦.0.0.1:{port}/", FetchErrorReason.BAD_URL),
    # credentials in the authority
    ("http://user@loopback.test:{port}/", USERINFO),
    ("http://user:pass@feeds.example.test:{port}/", USERINFO),
    ("http://evil.com@127.0.0.1:{port}/", USERINFO),
    ("http://feeds.example.test\\@127.0.0.1:{port}/", USERINFO),
    ("http://@127.0.0.1:{port}/", USERINFO),
    # schemes other than http and https
    ("file:///etc/passwd", SCHEME),
    ("ftp://feeds.example.test/", SCHEME),
    ("gopher://127.0.0.1:{port}/_GET%20/", SCHEME),
    ("data:text/html,<script>alert(1)</script>", SCHEME),
    ("dict://127.0.0.1:{port}/info", SCHEME),
    ("javascript:alert(1)", SCHEME),
    ("ws://feeds.example.test/", SCHEME),
    ("//127.0.0.1:{port}/", SCHEME),
    # ports outside the allow-list
    ("http://feeds.example.test:22/", PORT),
    ("http://feeds.example.test:6379/", PORT),
    ("http://feeds.example.test:0/", PORT),
    ("http://feeds.example.test:65536/", PORT),
    ("https://feeds.example.test:8443/", PORT),
]


@pytest.fixture
def tripwire(monkeypatch: pytest.MonkeyPatch) -> Tripwire:
    return Tripwire(monkeypatch)


@pytest.fixture
def target() -> Iterator[LocalServer]:
    """The loopback server every vector aims at, should the guard ever let one through."""
    with serving({"/": feed(), "/latest/meta-data/": feed()}) as server:
        yield server


def _refusal(url: str, policy: FetchPolicy, resolver: StubResolver) -> FetchError:
    with pytest.raises(FetchError) as caught:
        safe_fetch(url, policy=policy, resolver=resolver)
    return caught.value


def test_the_catalogue_holds_at_least_forty_vectors() -> None:
    assert len(VECTORS) >= 40


@pytest.mark.parametrize(("template", "reason"), VECTORS)
def test_ssrf_vector_is_refused_without_any_connection(
    template: str, reason: FetchErrorReason, tripwire: Tripwire, target: LocalServer
) -> None:
    # The target's port is admitted, so a guard that failed would reach the counting server.
    policy = FetchPolicy(allowed_ports=frozenset({80, 443, target.port}))
    error = _refusal(template.format(port=target.port), policy, StubResolver(HOSTILE_NAMES))
    assert error.reason is reason
    assert tripwire.attempts == []
    assert target.connections == 0


def test_name_answering_public_then_loopback_is_resolved_once_and_never_reaches_loopback(
    tripwire: Tripwire, target: LocalServer
) -> None:
    resolver = StubResolver({"rebind.test": [["93.184.215.14"], ["127.0.0.1"]]})
    policy = FetchPolicy(allowed_ports=frozenset({80, 443, target.port}))
    # The tripwire refuses the public address before any packet leaves, so this fails to connect;
    # what matters is where it tried to go.
    error = _refusal(target.url("/", "rebind.test"), policy, resolver)
    assert error.reason is FetchErrorReason.CONNECT
    assert resolver.calls == ["rebind.test"]
    assert tripwire.attempts == ["93.184.215.14"]
    assert target.connections == 0


def test_connection_goes_to_the_address_that_was_checked_with_the_original_host_header(
    tripwire: Tripwire,
) -> None:
    checked, rebound = twin_servers({"/feed": feed(b"checked")}, {"/feed": feed(b"rebound")})
    try:
        resolver = StubResolver({"feeds.example.test": [["127.0.0.1"], ["127.0.0.2"]]})
        policy = FetchPolicy().admitting_loopback(checked.port)
        result = safe_fetch(
            checked.url("/feed", "feeds.example.test"), policy=policy, resolver=resolver
        )
        assert result.body == b"checked"
        assert resolver.calls == ["feeds.example.test"]
        assert tripwire.attempts == ["127.0.0.1"]
        assert rebound.connections == 0
        assert checked.requests[0][1]["host"] == f"feeds.example.test:{checked.port}"
    finally:
        checked.close()
        rebound.close()


def test_rebinding_before_a_later_hop_is_refused_at_that_hop(tripwire: Tripwire) -> None:
    checked, rebound = twin_servers(
        {"/start": redirect("/feed"), "/feed": feed(b"checked")}, {"/feed": feed(b"rebound")}
    )
    try:
        resolver = StubResolver({"feeds.example.test": [["127.0.0.1"], ["127.0.0.2"]]})
        policy = FetchPolicy().admitting_loopback(checked.port)
        error = _refusal(checked.url("/start", "feeds.example.test"), policy, resolver)
        assert error.reason is BLOCKED
        assert resolver.calls == ["feeds.example.test", "feeds.example.test"]
        assert "127.0.0.2" not in tripwire.attempts
        assert rebound.connections == 0
    finally:
        checked.close()
        rebound.close()


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", BLOCKED),
        ("http://internal.test/", BLOCKED),
        ("http://[::ffff:10.0.0.1]/", BLOCKED),
        ("http://2130706433/", BLOCKED),
        ("http://localhost/", BLOCKED),
        ("file:///etc/passwd", SCHEME),
        ("gopher://feeds.example.test/", SCHEME),
        ("http://user:pass@feeds.example.test/", USERINFO),
        ("http://feeds.example.test:6379/", PORT),
    ],
)
def test_redirect_to_a_refused_target_is_refused_without_connecting(
    location: str, reason: FetchErrorReason, tripwire: Tripwire
) -> None:
    with serving({"/feed": redirect(location)}) as server:
        policy = FetchPolicy().admitting_loopback(server.port)
        error = _refusal(server.url("/feed"), policy, StubResolver(HOSTILE_NAMES))
        assert error.reason is reason
        assert tripwire.attempts == ["127.0.0.1"]
        assert server.connections == 1


def test_redirect_to_another_loopback_address_never_reaches_it(tripwire: Tripwire) -> None:
    first, second = twin_servers({}, {"/feed": feed(b"private")})
    try:
        first.routes["/feed"] = redirect(second.url("/feed"))
        policy = FetchPolicy().admitting_loopback(first.port)
        error = _refusal(first.url("/feed"), policy, StubResolver())
        assert error.reason is BLOCKED
        assert second.connections == 0
        assert "127.0.0.2" not in tripwire.attempts
    finally:
        first.close()
        second.close()


def _chain(length: int) -> dict[str, Route]:
    routes = {f"/r{i}": redirect(f"/r{i + 1}", 301 + i % 2) for i in range(length)}
    routes[f"/r{length}"] = feed(b"end")
    return routes


def test_five_redirects_are_followed_and_reported() -> None:
    with serving(_chain(5)) as server:
        result = safe_fetch(server.url("/r0"), policy=FetchPolicy().admitting_loopback(server.port))
        assert result.body == b"end"
        assert result.url == server.url("/r5")
        assert len(result.redirects) == 5


def test_a_sixth_redirect_is_refused() -> None:
    with serving(_chain(6)) as server:
        policy = FetchPolicy().admitting_loopback(server.port)
        error = _refusal(server.url("/r0"), policy, StubResolver())
        assert error.reason is FetchErrorReason.TOO_MANY_REDIRECTS
        assert not any(path == "/r6" for path, _ in server.requests)


def test_a_redirect_loop_ends_at_the_redirect_limit() -> None:
    with serving({"/loop": redirect("/loop", 307)}) as server:
        policy = FetchPolicy().admitting_loopback(server.port)
        error = _refusal(server.url("/loop"), policy, StubResolver())
        assert error.reason is FetchErrorReason.TOO_MANY_REDIRECTS
        assert len(server.requests) == 6


def test_admitting_loopback_adds_exactly_one_address() -> None:
    policy = FetchPolicy().admitting_loopback(8080)
    assert policy.allowed_networks == (ip_network("127.0.0.1/32"),)
    assert policy.allowed_ports == frozenset({80, 443, 8080})
    assert ip_address("127.0.0.2") not in policy.allowed_networks[0]


def test_a_location_with_a_raw_utf8_persian_path_is_followed() -> None:
    def persian_redirect(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write("HTTP/1.0 302 Found\r\nLocation: /اخبار\r\n\r\n".encode())

    with serving({"/start": persian_redirect, "/%D8%A7%D8%AE%D8%A8%D8%A7%D8%B1": feed()}) as server:
        result = safe_fetch(
            server.url("/start"), policy=FetchPolicy().admitting_loopback(server.port)
        )
        assert result.url == server.url("/%D8%A7%D8%AE%D8%A8%D8%A7%D8%B1")
