"""Why a fetch failed: a stable reason code the app maps to a Persian message."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum


class FetchErrorReason(StrEnum):
    """Stable reason codes; stored and translated by the app, so never rename a value."""

    BAD_URL = "bad_url"
    BAD_SCHEME = "bad_scheme"
    BAD_PORT = "bad_port"
    USERINFO = "userinfo"
    BLOCKED_ADDRESS = "blocked_address"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    DEADLINE = "deadline"
    TOO_LARGE = "too_large"
    BAD_CONTENT_TYPE = "bad_content_type"
    BAD_ENCODING = "bad_encoding"
    HTTP_STATUS = "http_status"
    PROTOCOL = "protocol"
    CONNECT = "connect"
    TLS = "tls"
    DNS = "dns"


class FetchError(Exception):
    """A fetch refused or failed; ``reason`` says which, ``detail`` is for logs only."""

    def __init__(
        self,
        reason: FetchErrorReason,
        detail: str = "",
        *,
        url: str | None = None,
        status: int | None = None,
        retry_after: timedelta | None = None,
    ) -> None:
        self.reason = reason
        self.detail = detail
        self.url = url
        self.status = status
        self.retry_after = retry_after
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
