"""The home dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ravabet.core import selectors
from ravabet.core.models import User
from ravabet.core.notify.selectors import notifications_of
from ravabet.lib import jalali


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    now = timezone.now()
    context = {
        "now": now,
        "jalali_today": jalali.to_jalali(now),
        "organisation": user.organisation,
        "recent_changes": selectors.audit_entries_visible(for_user=user)[:8],
        "last_sign_ins": selectors.security_events_of(user).filter(kind="login_succeeded")[:3],
        "organisation_count": selectors.organisations_visible(for_user=user).count(),
        "unread": list(notifications_of(user).filter(read_at__isnull=True)[:5]),
    }
    return render(request, "core/dashboard.html", context)
