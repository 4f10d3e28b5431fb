"""E-mail through Django's mail backend: a plain-text body with an RTL HTML alternative, in
the recipient's interface language.

The Message-ID is derived from the idempotency key, so if a reclaimed message is sent twice
the copies carry the same id and mail clients that de-duplicate by it show one."""

from __future__ import annotations

import hashlib
import smtplib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ravabet.core.notify.channels.base import PermanentFailure, TemporaryFailure, absolute_url

if TYPE_CHECKING:
    from ravabet.core.models import OutboxMessage


def message_id(message: OutboxMessage) -> str:
    digest = hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:40]
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "ravabet"
    return f"<{digest}@{domain}>"


def build(message: OutboxMessage) -> EmailMultiAlternatives:
    """The e-mail for ``message``, rendered in the recipient's language."""
    language = getattr(message.recipient, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        link = absolute_url(message.url)
        preferences_link = absolute_url(reverse("core:profile"))
        context = {
            "message": message,
            "link": link,
            "preferences_link": preferences_link,
            "language": language,
            "rtl": translation.get_language_bidi(),
        }
        lines = [message.subject, "", message.body] if message.body else [message.subject]
        if link:
            lines += ["", link]
        lines += [
            "",
            "—",
            _("Ravabet, Public Relations, Tehran Governorate"),
            _("Choose which notifications reach you by e-mail: %(link)s")
            % {"link": preferences_link},
        ]
        email = EmailMultiAlternatives(
            subject=message.subject,
            body="\n".join(lines),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.address],
            headers={
                "Message-ID": message_id(message),
                "Auto-Submitted": "auto-generated",
                "Content-Language": language,
            },
        )
        email.attach_alternative(
            render_to_string("core/notification_email.html", context), "text/html"
        )
    return email


def send(message: OutboxMessage) -> str:
    email = build(message)
    try:
        email.send(fail_silently=False)
    except (smtplib.SMTPRecipientsRefused, BadHeaderError) as exc:
        raise PermanentFailure(f"The mail server refused the message: {exc}") from None
    except smtplib.SMTPResponseException as exc:
        error = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else ""
        detail = f"The mail server answered {exc.smtp_code}: {error}"[:500]
        # SMTP's own convention: 5xx is final, 4xx is "try again later".
        if 500 <= exc.smtp_code < 600:
            raise PermanentFailure(detail) from None
        raise TemporaryFailure(detail) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise TemporaryFailure(
            f"The mail server could not be reached: {type(exc).__name__}"
        ) from None
    return message_id(message)
