"""An urgent alert as its recipient opens it (phone first), with the acknowledgement."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from ravabet.core.models import User
from ravabet.core.scoping import get_scoped_or_404
from ravabet.core.views.decorators import object_view
from ravabet.monitoring import selectors
from ravabet.monitoring.models import Alert
from ravabet.monitoring.services import alerts as alert_service


@object_view(Alert)
@login_required
@require_GET
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    alert = get_scoped_or_404(selectors.alerts_visible(for_user=user), user, pk=pk)
    receipt = alert.receipts.filter(recipient=user).first()
    if receipt is None and not selectors.may_use_desk(request.user):
        raise PermissionDenied
    return render(
        request,
        "monitoring/alert_detail.html",
        {
            "alert": alert,
            "receipt": receipt,
            "receipts": alert.receipts.select_related("recipient"),
        },
    )


@object_view(Alert)
@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_scoped_or_404(selectors.alerts_visible(for_user=request.user), request.user, pk=pk)
    alert_service.acknowledge(alert, by=request.user)  # type: ignore[arg-type]
    return redirect("monitoring:alert_detail", pk=alert.pk)
