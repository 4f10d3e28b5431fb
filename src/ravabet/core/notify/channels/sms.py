"""SMS through a Kavenegar-style REST gateway: POST
``{SMS_API_URL}/v1/{api_key}/sms/send.json`` with ``receptor``, ``message`` and ``sender``.

The outbox row's id goes as ``localid``, which Kavenegar uses to refuse a second send of the
same message, so a reclaimed message is not texted twice where the gateway honours it."""

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

# Five Persian SMS parts (70 characters each, 67 when concatenated): enough for an alert,
# short enough not to cost a fortune.
MAX_TEXT = 335
# Kavenegar statuses that say "try later": the gateway or the operator is busy or down.
TEMPORARY_STATUSES = frozenset({402, 409, 429})


def send(message: OutboxMessage) -> str:
    api_key = settings.SMS_API_KEY
    if not api_key:
        raise PermanentFailure("SMS is not configured: set RAVABET_SMS_API_KEY.")
    url = f"{settings.SMS_API_URL.rstrip('/')}/v1/{api_key}/sms/send.json"
    form = {
        "receptor": message.address,
        "message": plain_text(message, limit=MAX_TEXT),
        "localid": str(message.pk),
    }
    if settings.SMS_SENDER:
        form["sender"] = settings.SMS_SENDER
    response = post(url, secret=api_key, form=form)
    payload: Any = response.payload if isinstance(response.payload, dict) else {}
    returned = payload.get("return") if isinstance(payload.get("return"), dict) else {}
    status = returned.get("status")
    if not isinstance(status, int):
        status = response.status
    text = redact(str(returned.get("message") or "")[:300], api_key)
    detail = f"SMS gateway status {status}" + (f": {text}" if text else "")
    if status == 200 and response.status == 200:
        entries = payload.get("entries")
        if isinstance(entries, list) and entries and isinstance(entries[0], dict):
            return str(entries[0].get("messageid", ""))
        return ""
    if status >= 500 or status in TEMPORARY_STATUSES or response.status >= 500:
        raise TemporaryFailure(detail)
    if 400 <= status < 500:
        # Invalid number (411), sender (412), too long (414), no credit (418)…
        raise PermanentFailure(detail)
    raise TemporaryFailure(detail)
