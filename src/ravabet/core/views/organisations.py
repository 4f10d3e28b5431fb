"""The organisations directory and the change history of an object."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ravabet.core import selectors
from ravabet.core.audit import AuditedModel, history_for
from ravabet.core.http import is_htmx
from ravabet.core.models import Organisation, OrganisationKind, User
from ravabet.core.scoping import get_scoped_or_404
from ravabet.core.views.decorators import object_view


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    organisations = selectors.organisations_with_member_counts(for_user=user)
    kind = request.GET.get("kind", "")
    if kind in OrganisationKind.values:
        organisations = organisations.filter(kind=kind)
    context = {
        "organisations": selectors.in_tree_order(organisations),
        "kinds": OrganisationKind.choices,
        "kind": kind,
    }
    template = (
        "core/partials/organisation_rows.html"
        if is_htmx(request)
        else "core/organisation_list.html"
    )
    return render(request, template, context)


@object_view(Organisation)
@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_scoped_or_404(
        Organisation.objects.select_related("parent"), request.user, pk=pk
    )
    context = {
        "organisation": organisation,
        "members": selectors.organisation_members(organisation),
        "children": selectors.organisations_visible(for_user=request.user).filter(
            parent=organisation
        ),
        "history": history_for(organisation)[:50],
    }
    return render(request, "core/organisation_detail.html", context)


@object_view(AuditedModel)
@login_required
def object_history(request: HttpRequest, model: str, pk: str) -> HttpResponse:
    """The audit history of any audited object the person may see (an htmx partial)."""
    try:
        model_class = apps.get_model(model)
    except (LookupError, ValueError):
        raise Http404 from None
    if not issubclass(model_class, AuditedModel):
        raise Http404
    instance = get_scoped_or_404(model_class._default_manager.all(), request.user, pk=pk)
    return render(
        request,
        "core/partials/history.html",
        {"history": history_for(instance)[:100], "object": instance},
    )
