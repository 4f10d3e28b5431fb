"""The notifications page, the bell's unread count, read receipts and channel preferences."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ravabet.core.models import Channel, Notification, User
from ravabet.core.notify import preferences, selectors, services
from ravabet.core.notify.forms import PreferenceForm, own_field_name
from ravabet.core.views.decorators import object_view

PAGE_SIZE = 30


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    page = Paginator(selectors.notifications_of(user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "unread": selectors.unread_count(user)}
    return render(request, "core/notification_list.html", context)


@login_required
@require_GET
def notification_bell(request: HttpRequest) -> HttpResponse:
    """The bell alone, which the top bar polls every 30 seconds. Rendered without the page's
    context processors: they would count the unread notifications a second time."""
    html = render_to_string(
        "core/partials/bell.html", {"unread_count": selectors.unread_count(request.user)}
    )
    return HttpResponse(html)


@object_view(Notification)
@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one's own notification read (the first time only) and, when asked, open its link.
    Anyone but the recipient gets 404, a province-wide role included."""
    user: User = request.user  # type: ignore[assignment]
    notification = selectors.notification_of_or_404(user, pk)
    services.mark_read(notification, by=user)
    if request.htmx:  # type: ignore[attr-defined]
        context = {
            "n": notification,
            "unread_count": selectors.unread_count(user),
            "refresh_bell": True,
        }
        return render(request, "core/partials/notification_item.html", context)
    target = notification.link
    if (
        request.POST.get("open")
        and target
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(reverse("core:notification_list"))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    count = services.mark_all_read(by=user)
    if count:
        messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return HttpResponseRedirect(reverse("core:notification_list"))


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """Outside channels and quiet hours; a fragment of the profile page, or a page of its own."""
    user: User = request.user  # type: ignore[assignment]
    current = preferences.preference_of(user)
    own_kinds = preferences.own_kinds_for(user)
    initial: dict[str, Any] = {
        "channels": current.channels,
        "quiet_start": current.quiet_start,
        "quiet_end": current.quiet_end,
    }
    for own in own_kinds:
        initial[own_field_name(own.kind)] = preferences.preference_of(user, own.kind).channels
    form = PreferenceForm(
        request.POST if request.method == "POST" else None, initial=initial, own_kinds=own_kinds
    )
    saved = False
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            preferences.save_preference(
                user,
                channels=form.cleaned_data["channels"],
                quiet_start=form.cleaned_data["quiet_start"],
                quiet_end=form.cleaned_data["quiet_end"],
            )
            for own in own_kinds:
                # The quiet hours stay the person's general ones.
                preferences.save_preference(
                    user,
                    kind=own.kind,
                    channels=form.cleaned_data[own_field_name(own.kind)],
                    quiet_start=None,
                    quiet_end=None,
                )
        if not request.htmx:  # type: ignore[attr-defined]
            messages.success(request, _("Your notification preferences were saved."))
            return HttpResponseRedirect(reverse("core:profile"))
        saved = True
    context = {
        "form": form,
        "saved": saved,
        "unreachable": [
            Channel(c).label
            for c in preferences.OUTSIDE_CHANNELS
            if not preferences.address_for(user, c)
        ],
    }
    template = (
        "core/partials/notification_preferences.html"
        if request.htmx  # type: ignore[attr-defined]
        else "core/notification_preferences.html"
    )
    return render(request, template, context)
