"""Sign-in, sign-out, lockout and the second factor."""

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
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ravabet.core import security
from ravabet.core.models import SecurityEventKind, User
from ravabet.lib.persian import to_latin_digits

RECOVERY_CODE_COUNT = 10


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
    """What axes shows once a username is locked out from this address."""
    username = ""
    if isinstance(credentials, dict):
        username = str(credentials.get("username", ""))
    security.record(SecurityEventKind.LOCKED_OUT, request=request, username=username)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "core/locked_out.html", {"minutes": minutes}, status=429)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return reverse("core:dashboard")


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
        return to_latin_digits(self.cleaned_data["token"]).replace(" ", "").replace("-", "").strip()


@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """Ask a signed-in person for their authenticator code or a recovery code."""
    user: User = request.user  # type: ignore[assignment]
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        for device in devices_for_user(user, confirmed=True):
            if device.verify_token(token):
                otp_login(request, device)
                kind = (
                    SecurityEventKind.RECOVERY_CODE_USED
                    if isinstance(device, StaticDevice)
                    else SecurityEventKind.SECOND_FACTOR_VERIFIED
                )
                security.record(kind, request=request, user=user)
                return HttpResponseRedirect(_safe_next(request))
        security.record(SecurityEventKind.SECOND_FACTOR_FAILED, request=request, user=user)
        form.add_error(
            "token", _("That code is not valid. Check your phone's clock and try again.")
        )
    return render(request, "core/second_factor.html", {"form": form, "next": _safe_next(request)})


def _qr_data_uri(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=5, dark="#1f2937", light="#ffffff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Pair an authenticator app, then show the recovery codes once."""
    user: User = request.user  # type: ignore[assignment]
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "authenticator"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user, confirmed=True).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = _new_recovery_codes(user)
            otp_login(request, device)
            security.record(SecurityEventKind.SECOND_FACTOR_ENABLED, request=request, user=user)
            return render(
                request, "core/recovery_codes.html", {"codes": codes, "next": _safe_next(request)}
            )
        form.add_error(
            "token", _("That code is not valid. Check your phone's clock and try again.")
        )
    secret = base64.b32encode(device.bin_key).decode("ascii")
    context = {
        "form": form,
        "qr": _qr_data_uri(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _safe_next(request),
    }
    return render(request, "core/second_factor_setup.html", context)


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes
