"""Bale messenger through its bot API, which follows Telegram's: POST
``{BALE_API_URL}/bot{token}/sendMessage`` with ``chat_id`` and ``text``.

Bale has no idempotency key, so a message whose worker died after the request reached Bale
may be delivered twice when the outbox reclaims it (at least once, never lost)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings

from ravabet.core.notify.channels.base import (
    PermanentFailure,
    TemporaryFailure,
    plain_text,
    post,
    redact,
)

if TYPE_CHECKING:
    from ravabet.core.models import OutboxMessage

# Bale, like Telegram, refuses texts longer than 4096 characters.
MAX_TEXT = 4096


def send(message: OutboxMessage) -> str:
    token = settings.BALE_BOT_TOKEN
    if not token:
        raise PermanentFailure("Bale is not configured: set RAVABET_BALE_TOKEN.")
    url = f"{settings.BALE_API_URL.rstrip('/')}/bot{token}/sendMessage"
    body = {"chat_id": message.address, "text": plain_text(message, limit=MAX_TEXT)}
    response = post(url, secret=token, json_body=body)
    payload: Any = response.payload if isinstance(response.payload, dict) else {}
    if response.status == 200 and payload.get("ok") is True:
        result = payload.get("result") or {}
        return str(result.get("message_id", "")) if isinstance(result, dict) else ""
    description = redact(str(payload.get("description") or "")[:300], token)
    detail = f"Bale answered HTTP {response.status}" + (f": {description}" if description else "")
    if response.status == 429 or response.status >= 500:
        parameters = payload.get("parameters") or {}
        retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
        raise TemporaryFailure(
            detail, retry_after=float(retry_after) if isinstance(retry_after, int) else None
        )
    if 400 <= response.status < 500:
        # Bad chat id, a user who blocked the bot, a wrong token: retrying changes nothing.
        raise PermanentFailure(detail)
    # A 2xx without "ok": a proxy's page, perhaps; the message may or may not have gone.
    raise TemporaryFailure(detail)
