"""What one fetch may do: deadline, byte caps, content types, ports and admitted networks."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field, replace
from ipaddress import IPv4Network, IPv6Network, ip_network

MIB = 1024 * 1024

#: Media types a feed or a news page arrives as; anything else is refused before the body is read.
FEED_CONTENT_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+json",
        "application/json",
        "text/html",
        "application/xhtml+xml",
        "text/plain",
    }
)

USER_AGENT = "Ravabet/0.1 (media monitoring)"

IPNetwork = IPv4Network | IPv6Network


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for one ``safe_fetch`` call; the default admits public addresses only."""

    deadline: float = 20.0
    connect_timeout: float = 5.0
    max_raw_bytes: int = 5 * MIB
    max_decoded_bytes: int = 20 * MIB
    content_types: frozenset[str] = FEED_CONTENT_TYPES
    allowed_ports: frozenset[int] = frozenset({80, 443})
    # Explicit exceptions to the denied ranges, e.g. 127.0.0.1/32 for an app's local test server.
    allowed_networks: tuple[IPNetwork, ...] = ()
    max_redirects: int = 5
    user_agent: str = USER_AGENT
    # None means the certifi bundle; tests pass a context trusting their own CA.
    ssl_context: ssl.SSLContext | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        """Normalise the collections and refuse a policy that could never fetch anything."""
        object.__setattr__(self, "content_types", frozenset(t.lower() for t in self.content_types))
        object.__setattr__(self, "allowed_ports", frozenset(self.allowed_ports))
        networks = tuple(ip_network(n) for n in self.allowed_networks)
        object.__setattr__(self, "allowed_networks", networks)
        if self.deadline <= 0 or self.connect_timeout <= 0:
            raise ValueError("deadline and connect_timeout must be positive")
        if self.max_raw_bytes <= 0 or self.max_decoded_bytes <= 0:
            raise ValueError("byte caps must be positive")
        if self.max_redirects < 0:
            raise ValueError("max_redirects must not be negative")
        if not self.allowed_ports or not all(0 < p < 65536 for p in self.allowed_ports):
            raise ValueError("allowed_ports must hold real ports")

    def admitting_loopback(self, *ports: int) -> FetchPolicy:
        """Return a copy that may reach 127.0.0.1 on ``ports``: for tests against a local server."""
        return replace(
            self,
            allowed_networks=(*self.allowed_networks, ip_network("127.0.0.1/32")),
            allowed_ports=self.allowed_ports | frozenset(ports),
        )


DEFAULT = FetchPolicy()
