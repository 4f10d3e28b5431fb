"""TLS on a pinned connection: SNI and the certificate check use the hostname, not the address."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from ravabet.lib.fetch import FetchError, FetchErrorReason, FetchPolicy, safe_fetch
from ravabet.lib.tests.fetch_support import LocalServer, StubResolver, Tripwire, feed

NAME = "feeds.example.test"


def _openssl(*args: str, cwd: Path) -> None:
    openssl = shutil.which("openssl")
    assert openssl is not None, "the openssl command makes the test certificates"
    subprocess.run([openssl, *args], cwd=cwd, check=True, capture_output=True)


def _leaf(directory: Path, name: str) -> None:
    (directory / f"{name}.ext").write_text(
        f"subjectAltName=DNS:{name}\nbasicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    )
    _openssl(
        "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}",
        cwd=directory,
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-out", f"{name}.pem", "-extfile", f"{name}.ext",
        cwd=directory,
    )  # fmt: skip


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway CA with leaves for the fetched name and for some other name."""
    directory = tmp_path_factory.mktemp("pki")
    _openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Ravabet test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign",
        cwd=directory,
    )  # fmt: skip
    _leaf(directory, NAME)
    _leaf(directory, "other.example.test")
    return directory


def _https_server(pki: Path, cert_name: str, names_seen: list[str | None]) -> LocalServer:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(pki / f"{cert_name}.pem", pki / f"{cert_name}.key")

    def record_sni(_sock: object, server_name: str | None, _ctx: object) -> None:
        names_seen.append(server_name)

    context.sni_callback = record_sni
    return LocalServer({"/feed": feed(b"<rss>secure</rss>")}, tls=context)


@pytest.fixture
def tripwire(monkeypatch: pytest.MonkeyPatch) -> Tripwire:
    return Tripwire(monkeypatch)


@pytest.fixture
def names_seen() -> list[str | None]:
    return []


@pytest.fixture
def good(pki: Path, names_seen: list[str | None]) -> Iterator[LocalServer]:
    server = _https_server(pki, NAME, names_seen)
    yield server
    server.close()


def _policy(pki: Path, port: int, *, trust_ca: bool = True) -> FetchPolicy:
    context = ssl.create_default_context(cafile=pki / "ca.pem") if trust_ca else None
    return FetchPolicy(ssl_context=context).admitting_loopback(port)


def _url(port: int) -> str:
    return f"https://{NAME}:{port}/feed"


def test_a_pinned_https_fetch_sends_the_hostname_as_sni_and_verifies_it(
    pki: Path, good: LocalServer, names_seen: list[str | None], tripwire: Tripwire
) -> None:
    resolver = StubResolver({NAME: ["127.0.0.1"]})
    result = safe_fetch(_url(good.port), policy=_policy(pki, good.port), resolver=resolver)
    assert result.body == b"<rss>secure</rss>"
    assert names_seen == [NAME]
    assert tripwire.attempts == ["127.0.0.1"]
    assert good.requests[0][1]["host"] == f"{NAME}:{good.port}"


def test_a_certificate_for_another_name_is_a_tls_failure(
    pki: Path, names_seen: list[str | None]
) -> None:
    server = _https_server(pki, "other.example.test", names_seen)
    try:
        resolver = StubResolver({NAME: ["127.0.0.1"]})
        with pytest.raises(FetchError) as caught:
            safe_fetch(_url(server.port), policy=_policy(pki, server.port), resolver=resolver)
        assert caught.value.reason is FetchErrorReason.TLS
        assert server.requests == []
    finally:
        server.close()


def test_a_certificate_from_an_unknown_authority_is_a_tls_failure(
    pki: Path, good: LocalServer
) -> None:
    resolver = StubResolver({NAME: ["127.0.0.1"]})
    policy = _policy(pki, good.port, trust_ca=False)
    with pytest.raises(FetchError) as caught:
        safe_fetch(_url(good.port), policy=policy, resolver=resolver)
    assert caught.value.reason is FetchErrorReason.TLS
    assert good.requests == []
