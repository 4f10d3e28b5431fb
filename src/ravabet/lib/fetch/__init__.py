"""The SSRF-safe fetcher for media monitoring (SECURITY.md, "The fetcher").

``safe_fetch`` checks the URL, resolves each host once through ssrfguard, connects to the
address it checked (TLS verified for the hostname), re-checks every redirect, and holds the
whole call to the policy's deadline and byte caps. ``HostGate`` and ``Circuit`` are the
politeness and failure bookkeeping the monitoring app persists.
"""

from __future__ import annotations

from ravabet.lib.fetch.backoff import (
    DEFAULT_BACKOFF,
    BackoffPolicy,
    Circuit,
    CircuitState,
    backoff_delay,
    parse_retry_after,
)
from ravabet.lib.fetch.charset import decode_text
from ravabet.lib.fetch.client import FetchResult, safe_fetch
from ravabet.lib.fetch.errors import FetchError, FetchErrorReason
from ravabet.lib.fetch.policy import DEFAULT, FEED_CONTENT_TYPES, FetchPolicy
from ravabet.lib.fetch.politeness import HostBusyError, HostGate
from ravabet.lib.fetch.transport import Resolver

__all__ = [
    "DEFAULT",
    "DEFAULT_BACKOFF",
    "FEED_CONTENT_TYPES",
    "BackoffPolicy",
    "Circuit",
    "CircuitState",
    "FetchError",
    "FetchErrorReason",
    "FetchPolicy",
    "FetchResult",
    "HostBusyError",
    "HostGate",
    "Resolver",
    "backoff_delay",
    "decode_text",
    "parse_retry_after",
    "safe_fetch",
]
