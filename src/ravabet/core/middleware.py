"""Request-wide middleware: the acting person for the audit trail, the interface language,
session timeouts and the second-factor requirement."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from ravabet.core import security
from ravabet.core.context import acting_as, actor_for_user
from ravabet.core.http import is_htmx
from ravabet.core.models import SecurityEventKind

Handler = Callable[[HttpRequest], HttpResponse]


def client_ip(request: HttpRequest) -> str | None:
    # Behind a reverse proxy, the proxy sets REMOTE_ADDR through gunicorn's forwarded-allow-ips.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Makes the signed-in person and their address the actor of every change in the request."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        actor = actor_for_user(
            user,
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:300],
        )
        with acting_as(actor):
            return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        """Log a refused request in the security log; Django still answers with its 403."""
        if isinstance(exception, PermissionDenied) and not security.denial_logged(request):
            security.record(
                SecurityEventKind.PERMISSION_DENIED,
                request=request,
                user=request.user if request.user.is_authenticated else None,
            )


class LanguageMiddleware:
    """Persian unless the person chose English (their profile, or a cookie before sign-in)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            language = request.user.language
        else:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


SESSION_STARTED = security.SESSION_STARTED
SESSION_SEEN = security.SESSION_SEEN


def _login_url(request: HttpRequest) -> str:
    return f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"


class SessionTimeoutMiddleware:
    """Ends a session idle for longer than the idle timeout or older than the absolute one."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get(SESSION_STARTED, now)
            seen = request.session.get(SESSION_SEEN, now)
            idle = now - seen > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            too_old = now - started > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if idle or too_old:
                security.record(
                    SecurityEventKind.SESSION_EXPIRED,
                    request=request,
                    user=request.user,
                    detail={"reason": "idle" if idle else "absolute"},
                )
                logout(request)
                messages.info(request, _("Your session has expired; please sign in again."))
                if is_htmx(request):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = reverse(settings.LOGIN_URL)
                    return response
                return HttpResponseRedirect(_login_url(request))
            if SESSION_STARTED not in request.session:
                request.session[SESSION_STARTED] = started
            # Polling fragments (the notification bell) do not count as activity, and the
            # timestamp is refreshed at most once a minute so most requests write no session.
            background = request.headers.get("X-Ravabet-Background")
            if not background and (SESSION_SEEN not in request.session or now - seen >= 60):
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


# Paths a person who must set up a second factor may still reach.
_SECOND_FACTOR_OPEN = (
    "core:second_factor",
    "core:second_factor_setup",
    "core:logout",
    "core:language",
)


class RequireSecondFactorMiddleware:
    """Sends a signed-in person who has not verified their second factor to verify it: anyone
    who paired one, and anyone whose role requires one (to set it up if they have none)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(settings.STATIC_URL)
            and security.must_verify_second_factor(request)
        ):
            open_paths = {reverse(name) for name in _SECOND_FACTOR_OPEN}
            if request.path not in open_paths:
                target = (
                    "core:second_factor"
                    if security.has_second_factor(user)
                    else "core:second_factor_setup"
                )
                query = urlencode({"next": request.get_full_path()})
                if is_htmx(request):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = f"{reverse(target)}?{query}"
                    return response
                return HttpResponseRedirect(f"{reverse(target)}?{query}")
        return self.get_response(request)
