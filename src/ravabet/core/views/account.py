"""The person's own account: language, password, sessions and second factor."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticToken

from ravabet.core import security
from ravabet.core.models import SecurityEventKind, User
from ravabet.core.selectors import security_events_of
from ravabet.core.templatetags.persian import num


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; kept on the profile, or in a cookie before sign-in."""
    language = request.POST.get("language", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("core:dashboard")
    response = HttpResponseRedirect(target)
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        user = request.user
        user.language = language
        user.save(update_fields=["language"])
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.HTTPS,
        httponly=True,
    )
    translation.activate(language)
    return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    context = {
        "sessions": security.active_sessions(user),
        "current_key": request.session.session_key,
        "has_second_factor": security.has_second_factor(user),
        "second_factor_required": security.second_factor_required(user),
        "recovery_codes_left": StaticToken.objects.filter(
            device__user=user, device__confirmed=True
        ).count(),
        "events": security_events_of(user)[:10],
    }
    return render(request, "core/profile.html", context)


@login_required
@require_POST
def end_other_sessions(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    count = security.end_sessions(user, except_key=request.session.session_key)
    message = ngettext(
        "%(count)s other session was ended.", "%(count)s other sessions were ended.", count
    )
    messages.success(request, message % {"count": num(count)})
    return HttpResponseRedirect(reverse("core:profile"))


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password: the current one first, then the new one twice. Every other
    session of the person ends; this one stays signed in."""
    user: User = request.user  # type: ignore[assignment]
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, user)
        ended = security.end_sessions(user, except_key=request.session.session_key)
        security.record(
            SecurityEventKind.PASSWORD_CHANGED,
            request=request,
            user=user,
            detail={"other_sessions_ended": ended},
        )
        messages.success(request, _("Your password was changed; your other sessions ended."))
        return HttpResponseRedirect(reverse("core:profile"))
    return render(request, "core/password_change.html", {"form": form})
