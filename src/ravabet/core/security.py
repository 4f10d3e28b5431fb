"""Security events, second-factor policy, re-authentication and account services.

Every security-relevant event goes to the append-only :class:`SecurityEvent` log through
:func:`record`; sign-in, sign-out and failures are recorded by the receivers below.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django_otp import devices_for_user

from ravabet.core.audit import audited_update
from ravabet.core.models import SecurityEvent, SecurityEventKind, User, UserSession

# Session keys: when the session began, when the person was last active (see
# SessionTimeoutMiddleware), whether they have a second factor to verify, and when they last
# typed their password again before a sensitive change.
SESSION_STARTED = "ravabet_started"
SESSION_SEEN = "ravabet_seen"
SESSION_HAS_SECOND_FACTOR = "ravabet_has_2fa"
SESSION_REAUTHENTICATED = "ravabet_reauth"
REAUTHENTICATION_WINDOW = timedelta(minutes=10)


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
    if kind == SecurityEventKind.PERMISSION_DENIED and request is not None:
        # A view that logs its own refusal (with detail) is not logged again by the middleware.
        request._ravabet_denial_logged = True  # type: ignore[attr-defined]
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        detail=detail or {},
        **_client(request),
    )


def second_factor_required(user: User) -> bool:
    """Whether the person's role obliges them to use a second factor. The ``admin`` rule also
    covers superusers and staff, who reach the administration site."""
    required = set(settings.SECOND_FACTOR_REQUIRED_ROLES)
    if "admin" in required and (user.is_superuser or user.is_staff):
        return True
    return bool(user.roles & required)


def has_second_factor(user: User) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def denial_logged(request: HttpRequest) -> bool:
    """Whether this request's permission denial is already in the security log."""
    return bool(getattr(request, "_ravabet_denial_logged", False))


def is_verified(user: User | AnonymousUser) -> bool:
    """Whether the person verified a second factor in this session (set by django-otp)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def must_verify_second_factor(request: HttpRequest) -> bool:
    """A signed-in person who has not yet verified a second factor they must use: because their
    role requires one, or because they paired one themselves."""
    user = request.user
    if not user.is_authenticated or is_verified(user):
        return False
    return bool(request.session.get(SESSION_HAS_SECOND_FACTOR)) or second_factor_required(user)


def reauthenticate(request: HttpRequest, password: str) -> bool:
    """Check the signed-in person's password again before a sensitive change.

    It goes through ``authenticate()``, so failures count towards the same lockout as the
    sign-in page and are logged: a stolen session cannot be used to guess the password.
    """
    user: User = request.user  # type: ignore[assignment]
    checked = authenticate(request, username=user.get_username(), password=password)
    if checked is None or checked.pk != user.pk:
        return False
    request.session[SESSION_REAUTHENTICATED] = time.time()
    return True


def recently_reauthenticated(request: HttpRequest) -> bool:
    at = request.session.get(SESSION_REAUTHENTICATED)
    return at is not None and time.time() - float(at) < REAUTHENTICATION_WINDOW.total_seconds()


def disable_user(user: User, *, by: User | None) -> bool:
    """Disable an account and end every session it has, at once.

    Returns False (and changes nothing) when the account was already disabled; its sessions
    are ended either way, so a retry after a failure is harmless.
    """
    with transaction.atomic():
        changed = audited_update(
            User.objects.filter(pk=user.pk, is_active=True),
            action="core.user.disabled",
            is_active=False,
        )
        end_sessions(user)
        if changed:
            record(
                SecurityEventKind.USER_DISABLED,
                user=user,
                detail={"by": by.pk if by is not None else None},
            )
    user.is_active = False
    return bool(changed)


def end_sessions(user: User, *, except_key: str | None = None) -> int:
    """End the person's sessions (all, or all but ``except_key``); returns how many."""
    keys = list(
        UserSession.objects.filter(user=user)
        .exclude(session_key=except_key or "")
        .values_list("session_key", flat=True)
    )
    Session.objects.filter(session_key__in=keys).delete()
    deleted, _ = UserSession.objects.filter(session_key__in=keys).delete()
    return deleted


def active_sessions(user: User) -> models.QuerySet[UserSession]:
    """The person's sessions that can still be used, newest first."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user=user, session_key__in=live).order_by("-created_at")


@receiver(user_logged_in, dispatch_uid="ravabet_logged_in")
def _on_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now
    # Remembered for the session so the middleware does not look up devices on every request.
    request.session[SESSION_HAS_SECOND_FACTOR] = has_second_factor(user)
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
def _on_logged_out(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
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
