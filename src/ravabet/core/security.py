"""Security events, second-factor policy and account services."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.sessions.models import Session
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django_otp import devices_for_user

from ravabet.core.audit import audit_action
from ravabet.core.models import SecurityEvent, SecurityEventKind, User, UserSession


def _client(request: HttpRequest | None) -> dict[str, Any]:
    if request is None:
        return {}
    return {
        "ip_address": request.META.get("REMOTE_ADDR") or None,
        "user_agent": request.headers.get("User-Agent", "")[:300],
        "path": request.path[:300],
    }


def record(
    kind: str,
    *,
    request: HttpRequest | None = None,
    user: User | None = None,
    username: str = "",
    detail: dict[str, Any] | None = None,
) -> SecurityEvent:
    """Append one event to the security log."""
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        detail=detail or {},
        **_client(request),
    )


def second_factor_required(user: User) -> bool:
    required = set(settings.SECOND_FACTOR_REQUIRED_ROLES)
    if "admin" in required and user.is_superuser:
        return True
    return bool(user.roles & required)


def has_second_factor(user: User) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def disable_user(user: User, *, by: User | None) -> None:
    """Disable an account and end every session it has, at once."""
    with transaction.atomic(), audit_action("core.user.disabled"):
        user.is_active = False
        user.save(update_fields=["is_active"])
        end_sessions(user)
        record(SecurityEventKind.USER_DISABLED, user=user, detail={"by": by.pk if by else None})


def end_sessions(user: User, *, except_key: str | None = None) -> int:
    keys = list(
        UserSession.objects.filter(user=user)
        .exclude(session_key=except_key or "")
        .values_list("session_key", flat=True)
    )
    Session.objects.filter(session_key__in=keys).delete()
    deleted, _ = UserSession.objects.filter(session_key__in=keys).delete()
    return deleted


@receiver(user_logged_in, dispatch_uid="ravabet_logged_in")
def _on_logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    import time

    from ravabet.core.middleware import SESSION_SEEN, SESSION_STARTED

    now = time.time()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip_address": request.META.get("REMOTE_ADDR") or None,
            "user_agent": request.headers.get("User-Agent", "")[:300],
        },
    )
    record(SecurityEventKind.LOGIN_SUCCEEDED, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="ravabet_logged_out")
def _on_logged_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if request is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    if user is not None:
        record(SecurityEventKind.LOGGED_OUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="ravabet_login_failed")
def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))
    user = User.objects.filter(username=username).first()
    record(SecurityEventKind.LOGIN_FAILED, request=request, user=user, username=username)
