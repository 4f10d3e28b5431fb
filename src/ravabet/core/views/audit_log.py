"""The audit log: every recorded change the person may see, filtered by Jalali dates, action,
object type and actor, 50 to a page, refreshed in place by htmx."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from ravabet.core import selectors
from ravabet.core.forms.audit_log import AuditLogFilterForm
from ravabet.core.models import Role, User

AUDIT_LOG_ROLES = frozenset({Role.ADMIN, Role.PR_DIRECTOR, Role.OFFICE_HEAD})
PAGE_SIZE = 50


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not user.has_role(*AUDIT_LOG_ROLES):
        raise PermissionDenied
    form = AuditLogFilterForm(request.GET)
    page = None
    if form.is_valid():
        entries = form.filter(selectors.audit_entries_visible(for_user=user))
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page}
    htmx = request.htmx  # type: ignore[attr-defined]
    if htmx and not htmx.history_restore_request:
        response = render(request, "core/partials/audit_log_results.html", context)
        if page is None:
            # Bad input: only the error message changes; the results shown and the address
            # bar stay as they were.
            response["HX-Reswap"] = "none"
            response["HX-Push-Url"] = "false"
    else:
        response = render(request, "core/audit_log.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response
