"""What every channel shares: the two failure kinds, the message text, and one bounded HTTP
POST for the messenger and SMS gateways."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any, Protocol

import httpx
from django.conf import settings

if TYPE_CHECKING:
    from ravabet.core.models import OutboxMessage

# A gateway's answer is a few hundred bytes; anything far larger is not an answer.
MAX_RESPONSE_BYTES = 64 * 1024


class DeliveryError(Exception):
    """A message could not be delivered; the text goes to the outbox row's last_error."""


class TemporaryFailure(DeliveryError):
    """Worth trying again later: a timeout, a network error, a 5xx or a rate limit."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentFailure(DeliveryError):
    """Trying again cannot help: a bad number or chat, a refused address, no configuration."""


class ChannelModule(Protocol):
    """The interface of every module in :mod:`ravabet.core.notify.channels`."""

    def send(self, message: OutboxMessage) -> str: ...


def absolute_url(url: str) -> str:
    """A link stored as a site path, made absolute for messages read outside the site."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL}/{url.lstrip('/')}"


def plain_text(message: OutboxMessage, *, limit: int) -> str:
    """Title, text and link as one plain message of at most ``limit`` characters; the link
    is kept whole because a cut link is worse than a shorter text."""
    link = absolute_url(message.url)
    head = message.subject.strip()
    body = message.body.strip()
    text = f"{head}\n{body}" if body else head
    room = limit - (len(link) + 1 if link else 0)
    if len(text) > room:
        text = text[: max(room - 1, 0)].rstrip() + "…"
    return f"{text}\n{link}" if link else text


def redact(text: str, secret: str) -> str:
    """``text`` without the token or key that gateways put in their URLs."""
    return text.replace(secret, "•••") if secret else text


class Response:
    """A gateway's status code and its body decoded as JSON (None when it is not JSON)."""

    def __init__(self, status: int, payload: Any) -> None:
        self.status = status
        self.payload = payload


def post(
    url: str,
    *,
    secret: str,
    json_body: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    """POST with short timeouts, no redirects and a capped body; network trouble becomes a
    :class:`TemporaryFailure` whose text never contains ``secret``."""
    total = float(settings.NOTIFY_TOTAL_TIMEOUT)
    timeout = httpx.Timeout(total, connect=min(float(settings.NOTIFY_CONNECT_TIMEOUT), total))
    # httpx times each read separately; the deadline stops a gateway trickling its answer.
    deadline = time.monotonic() + total
    body = bytearray()
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=False) as client,
            client.stream("POST", url, json=json_body, data=form) as response,
        ):
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_RESPONSE_BYTES:
                    raise TemporaryFailure("The gateway's answer was too large.")
                if time.monotonic() > deadline:
                    raise TemporaryFailure("The gateway did not answer in time.")
            status = response.status_code
    except httpx.TimeoutException:
        raise TemporaryFailure("The gateway did not answer in time.") from None
    except httpx.HTTPError as exc:
        raise TemporaryFailure(redact(f"Network error: {type(exc).__name__}", secret)) from None
    if 300 <= status < 400:
        # A gateway that redirects is misconfigured; following could leak the token elsewhere.
        raise PermanentFailure(f"The gateway answered with a redirect (HTTP {status}).")
    try:
        payload = json.loads(body)
    except ValueError:
        payload = None
    return Response(status, payload)
