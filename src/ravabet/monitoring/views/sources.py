"""The source registry with each source's health, its poll log, and the forms to add, edit,
pause, resume and import sources."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ravabet.core.scoping import get_scoped_or_404
from ravabet.core.views.decorators import object_view
from ravabet.monitoring import selectors
from ravabet.monitoring.forms import OpmlImportForm, SourceForm
from ravabet.monitoring.models import Source
from ravabet.monitoring.services import sources as source_service
from ravabet.monitoring.views.access import desk_user as _desk_user

POLLS_SHOWN = 50


@login_required
@require_GET
def source_list(request: HttpRequest) -> HttpResponse:
    user = _desk_user(request)
    return render(
        request,
        "monitoring/source_list.html",
        {"sources": selectors.sources_with_health(for_user=user)},
    )


@object_view(Source)
@login_required
@require_GET
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _desk_user(request)
    source = get_scoped_or_404(selectors.sources_with_health(for_user=user), user, pk=pk)
    return render(
        request,
        "monitoring/source_detail.html",
        {"source": source, "polls": selectors.source_polls(source)[:POLLS_SHOWN]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_create(request: HttpRequest) -> HttpResponse:
    user = _desk_user(request)
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        source = source_service.save_source(form.save(commit=False), by=user)
        messages.success(request, _("The source was added; its first poll is due now."))
        return redirect("monitoring:source_detail", pk=source.pk)
    return render(request, "monitoring/source_form.html", {"form": form, "source": None})


@object_view(Source)
@login_required
@require_http_methods(["GET", "POST"])
def source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _desk_user(request)
    source = get_scoped_or_404(Source.objects.all(), user, pk=pk)
    form = SourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        source_service.save_source(form.save(commit=False), by=user)
        messages.success(request, _("The source was saved."))
        return redirect("monitoring:source_detail", pk=source.pk)
    return render(request, "monitoring/source_form.html", {"form": form, "source": source})


@object_view(Source)
@login_required
@require_POST
def source_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = _desk_user(request)
    source = get_scoped_or_404(Source.objects.all(), user, pk=pk)
    active = not source.is_active
    source_service.set_source_active(source, by=user, active=active)
    messages.success(
        request, _("Polling resumed.") if active else _("Polling paused until you resume it.")
    )
    return redirect("monitoring:source_detail", pk=source.pk)


@login_required
@require_http_methods(["GET", "POST"])
def source_import(request: HttpRequest) -> HttpResponse:
    user = _desk_user(request)
    form = OpmlImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = source_service.import_opml(form.cleaned_data["file"].read(), by=user)
        if not (result.added or result.existing):
            form.add_error("file", _("No feed could be read from this file."))
        else:
            messages.success(
                request,
                _("%(added)s sources added; %(existing)s were registered already.")
                % {"added": result.added, "existing": result.existing},
            )
            return redirect("monitoring:source_list")
    return render(request, "monitoring/source_import.html", {"form": form})
