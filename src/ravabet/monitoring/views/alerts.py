"""Urgent alerts: the list (every alert for the desk, one's own for a recipient) and the
alert as its recipient opens it, phone first, with the one-tap acknowledgement; the desk sees
there who was told when, on which channel, who read, acknowledged and was escalated."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ravabet.core.models import User
from ravabet.core.scoping import get_scoped_or_404
from ravabet.core.views.decorators import object_view
from ravabet.monitoring import alert_selectors, selectors
from ravabet.monitoring.models import Alert, AlertReceipt
from ravabet.monitoring.services import alerts as alert_service
from ravabet.monitoring.views.access import user_allowed

PAGE_SIZE = 30


def _alert_for(request: HttpRequest, pk: int) -> tuple[User, Alert, AlertReceipt | None]:
    """The alert and the person's receipt; the desk may look at any alert it can see, anyone
    else only at the ones sent to them."""
    user = request.user
    assert isinstance(user, User)  # login_required came first
    alert = get_scoped_or_404(selectors.alerts_visible(for_user=user), user, pk=pk)
    receipt = alert.receipts.filter(recipient=user).first()
    if receipt is None and not selectors.may_use_desk(user):
        raise PermissionDenied
    return user, alert, receipt


@login_required
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    user = user_allowed(request, alert_selectors.may_see_alerts)
    alerts = alert_selectors.alert_list(for_user=user)
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/alert_list.html",
        {"page": page, "desk": selectors.may_use_desk(user)},
    )


@object_view(Alert)
@login_required
@require_GET
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, alert, receipt = _alert_for(request, pk)
    if receipt is not None:
        # Opening the alert is the read receipt, whichever link brought the person here.
        alert_service.mark_alert_read(alert, by=user)
    desk = selectors.may_use_desk(user)
    return render(
        request,
        "monitoring/alert_detail.html",
        {
            "alert": alert,
            "receipt": receipt,
            "rows": alert_selectors.alert_receipts(alert) if desk else [],
            "desk": desk,
            "now": timezone.now(),
        },
    )


@object_view(Alert)
@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    user, alert, receipt = _alert_for(request, pk)
    if receipt is None:
        raise PermissionDenied  # the desk watches receipts; only a recipient acknowledges
    alert_service.acknowledge(alert, by=user)
    return redirect("monitoring:alert_detail", pk=alert.pk)
