"""Watch-lists: the named queries matched against every new item."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ravabet.core.audit import audit_action
from ravabet.core.scoping import get_scoped_or_404, scope
from ravabet.core.views.decorators import object_view
from ravabet.monitoring.forms import WatchListForm
from ravabet.monitoring.models import WatchList
from ravabet.monitoring.views.access import desk_user as _desk_user


@login_required
@require_GET
def watchlist_list(request: HttpRequest) -> HttpResponse:
    user = _desk_user(request)
    watch_lists = scope(WatchList.objects.all(), user).select_related("organisation")
    watch_lists = watch_lists.annotate(match_count=Count("matches"))
    return render(request, "monitoring/watchlist_list.html", {"watch_lists": watch_lists})


def _edit(request: HttpRequest, watch_list: WatchList | None) -> HttpResponse:
    _desk_user(request)
    form = WatchListForm(request.POST or None, instance=watch_list)
    if request.method == "POST" and form.is_valid():
        with audit_action("monitoring.watchlist.saved"):
            form.save()
        messages.success(request, _("The watch-list was saved; it applies to new items."))
        return redirect("monitoring:watchlist_list")
    return render(
        request, "monitoring/watchlist_form.html", {"form": form, "watch_list": watch_list}
    )


@login_required
@require_http_methods(["GET", "POST"])
def watchlist_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@object_view(WatchList)
@login_required
@require_http_methods(["GET", "POST"])
def watchlist_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _desk_user(request)
    return _edit(request, get_scoped_or_404(WatchList.objects.all(), user, pk=pk))
