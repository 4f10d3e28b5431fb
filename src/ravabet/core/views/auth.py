"""Sign-in, sign-out, lockout and the second factor (authenticator app and recovery codes)."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ravabet.core import security
from ravabet.core.models import SecurityEventKind, User
from ravabet.lib.persian import to_latin_digits

RECOVERY_CODE_COUNT = 10
INVALID_CODE = gettext_lazy("That code is not valid. Check your phone's clock and try again.")


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": gettext_lazy(
            "The username or password is not correct. Both are case-sensitive."
        ),
        "inactive": gettext_lazy("This account is disabled."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "dir": "ltr"})
        self.fields["password"].widget.attrs.update(
            {"autocomplete": "current-password", "dir": "ltr"}
        )


class SignInView(auth_views.LoginView):
    template_name = "core/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True


def locked_out(
    request: HttpRequest, response: Any = None, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """What axes shows once a username is locked out from this address (HTTP 429)."""
    username = ""
    if isinstance(credentials, dict):
        username = str(credentials.get("username", ""))
    user = User.objects.filter(username=username).first() if username else None
    security.record(SecurityEventKind.LOCKED_OUT, request=request, user=user, username=username)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "core/locked_out.html", {"minutes": minutes}, status=429)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return reverse("core:dashboard")


def _with_next(url_name: str, request: HttpRequest) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': _safe_next(request)})}"


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "dir": "ltr",
                "autofocus": True,
            }
        ),
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"]
        return to_latin_digits(token).replace(" ", "").replace("-", "").strip().lower()


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "dir": "ltr", "autofocus": True}
        ),
    )


def _is_authenticator_code(token: str) -> bool:
    # Authenticator codes are six digits; recovery codes are eight letters and digits. Trying
    # a code only on its own kind of device keeps a recovery code from counting as a failed
    # authenticator attempt (which would slow the person down) and vice versa.
    return len(token) == 6 and token.isdigit()


def _verify(user: User, token: str) -> TOTPDevice | StaticDevice | None:
    """The confirmed device of ``user`` that accepts ``token`` (and consumes it), if any."""
    devices: list[TOTPDevice | StaticDevice]
    if _is_authenticator_code(token):
        devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
    else:
        devices = list(StaticDevice.objects.devices_for_user(user, confirmed=True))
    for device in devices:
        if device.verify_token(token):
            return device
    return None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """Ask a signed-in person for their authenticator code or a recovery code."""
    user: User = request.user  # type: ignore[assignment]
    if security.is_verified(user):
        return HttpResponseRedirect(_safe_next(request))
    if not security.has_second_factor(user):
        return HttpResponseRedirect(_with_next("core:second_factor_setup", request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _verify(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            kind = (
                SecurityEventKind.RECOVERY_CODE_USED
                if isinstance(device, StaticDevice)
                else SecurityEventKind.SECOND_FACTOR_VERIFIED
            )
            security.record(kind, request=request, user=user)
            return HttpResponseRedirect(_safe_next(request))
        security.record(SecurityEventKind.SECOND_FACTOR_FAILED, request=request, user=user)
        form.add_error("token", INVALID_CODE)
    return render(request, "core/second_factor.html", {"form": form, "next": _safe_next(request)})


def _qr_data_uri(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=5, dark="#1f2937", light="#ffffff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def _pending_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being paired, created on first visit."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, confirmed=False, name="authenticator")
    return device


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Pair an authenticator app, then show the recovery codes once.

    Replacing a paired phone needs the second factor verified in this session and the password
    typed again: a session left open on a shared computer must not be enough to move someone's
    second factor to another phone.
    """
    user: User = request.user  # type: ignore[assignment]
    replacing = security.has_second_factor(user)
    if replacing and not security.is_verified(user):
        return HttpResponseRedirect(_with_next("core:second_factor", request))
    if replacing and not security.recently_reauthenticated(request):
        return _reauthenticate(request)
    device = _pending_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            codes = _confirm(request, user, device)
            return render(
                request, "core/recovery_codes.html", {"codes": codes, "next": _safe_next(request)}
            )
        security.record(
            SecurityEventKind.SECOND_FACTOR_FAILED,
            request=request,
            user=user,
            detail={"step": "setup"},
        )
        form.add_error("token", INVALID_CODE)
    secret = base64.b32encode(device.bin_key).decode("ascii")
    context = {
        "form": form,
        "qr": _qr_data_uri(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _safe_next(request),
        "replacing": replacing,
    }
    return render(request, "core/second_factor_setup.html", context)


def _reauthenticate(request: HttpRequest) -> HttpResponse:
    """The password step before a paired phone is replaced."""
    form = PasswordForm(request.POST if request.POST.get("step") == "password" else None)
    if form.is_bound and form.is_valid():
        if security.reauthenticate(request, form.cleaned_data["password"]):
            return HttpResponseRedirect(_with_next("core:second_factor_setup", request))
        form.add_error("password", _("The password is not correct."))
    context = {"password_form": form, "next": _safe_next(request), "replacing": True}
    return render(request, "core/second_factor_setup.html", context)


def _confirm(request: HttpRequest, user: User, device: TOTPDevice) -> list[str]:
    """Make ``device`` the person's only authenticator and issue fresh recovery codes."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        security.record(SecurityEventKind.SECOND_FACTOR_ENABLED, request=request, user=user)
    otp_login(request, device)
    request.session[security.SESSION_HAS_SECOND_FACTOR] = True
    # The password check allowed one change, not a window of them.
    request.session.pop(security.SESSION_REAUTHENTICATED, None)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _number in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes
