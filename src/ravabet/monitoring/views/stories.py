"""The triage queue (keyboard-driven, htmx) and a story with all its copies."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ravabet.core.scoping import get_scoped_or_404
from ravabet.core.views.decorators import object_view
from ravabet.monitoring import selectors
from ravabet.monitoring.models import (
    Priority,
    Relevance,
    ResponseNeed,
    Story,
    Tone,
    Topic,
    TriageStatus,
)
from ravabet.monitoring.services import triage as triage_service
from ravabet.monitoring.views.access import desk_user as _desk_user

PAGE_SIZE = 30
Reader = Callable[[str], object]
STATUS_TABS = (TriageStatus.NEW, TriageStatus.KEPT, TriageStatus.DISMISSED)


@login_required
@require_GET
def story_list(request: HttpRequest) -> HttpResponse:
    user = _desk_user(request)
    status = request.GET.get("status", TriageStatus.NEW)
    if status not in STATUS_TABS:
        status = TriageStatus.NEW
    stories = selectors.triage_queue(for_user=user, status=status)
    page = Paginator(stories, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.triage_counts(for_user=user)
    return render(
        request,
        "monitoring/story_list.html",
        {
            "page": page,
            "status": status,
            "tabs": [(s, TriageStatus(s).label, counts.get(s, 0)) for s in STATUS_TABS],
            "topics": Topic.objects.all(),
            "tones": Tone.choices,
            "relevances": Relevance.choices,
            "priorities": Priority.choices,
            "may_triage": True,
        },
    )


@object_view(Story)
@login_required
@require_GET
def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    story = get_scoped_or_404(selectors.stories_visible(for_user=request.user), request.user, pk=pk)
    return render(
        request,
        "monitoring/story_detail.html",
        {
            "story": story,
            "items": selectors.story_items(story),
            "may_triage": selectors.may_use_desk(request.user),
            "topics": Topic.objects.all(),
            "tones": Tone.choices,
            "relevances": Relevance.choices,
            "priorities": Priority.choices,
            "responses": [c for c in ResponseNeed.choices if c[0]],
        },
    )


def _topic(value: str) -> Topic | None:
    if value == "":
        return None
    topic = Topic.objects.filter(pk=value).first() if value.isdigit() else None
    if topic is None:
        raise ValueError(value)
    return topic


_NO_EMPTY = object()


def _choice(choices: Sequence[tuple[Any, Any]], *, empty: object = _NO_EMPTY) -> Reader:
    """A reader of one of ``choices`` (sent as text); ``empty`` is what "" clears the field to."""
    allowed = {str(code): code for code, _label in choices}
    if empty is not _NO_EMPTY:
        allowed[""] = empty

    def read(value: str) -> object:
        if value not in allowed:
            raise ValueError(value)
        return allowed[value]

    return read


# How the value of each triage field is read from a button or a select; ValueError if bad.
READERS: dict[str, Reader] = {
    "tone": _choice(Tone.choices, empty=""),
    "priority": _choice(Priority.choices),
    "status": _choice(TriageStatus.choices),
    "response": _choice(ResponseNeed.choices),
    "relevance": _choice(Relevance.choices, empty=None),
    "in_digest": lambda value: value == "1",
    "topic": _topic,
    "note": lambda value: value[:2000],
}


def _changes(request: HttpRequest) -> dict[str, object]:
    """The one judgement a triage button or field sends, checked against its choices."""
    field = request.POST.get("field", "")
    reader = READERS.get(field)
    if reader is None:
        raise ValueError(field)
    return {field: reader(request.POST.get("value", ""))}


@object_view(Story)
@login_required
@require_POST
def story_triage(request: HttpRequest, pk: int) -> HttpResponse:
    user = _desk_user(request)
    story = get_scoped_or_404(selectors.stories_visible(for_user=user), user, pk=pk)
    error = ""
    try:
        changes = _changes(request)
    except ValueError:
        error = _("That choice is not valid. Nothing was changed.")
    else:
        triage_service.update_triage(story, by=user, **changes)
        story.refresh_from_db()
    return _row(request, story, error=error)


@object_view(Story)
@login_required
@require_POST
def story_urgent(request: HttpRequest, pk: int) -> HttpResponse:
    user = _desk_user(request)
    story = get_scoped_or_404(selectors.stories_visible(for_user=user), user, pk=pk)
    sent = triage_service.mark_urgent(story, by=user, critical=request.POST.get("critical") == "1")
    story.refresh_from_db()
    message = (
        _("The alert was sent to the governor, the deputies and the director.")
        if sent
        else _("This story was alerted already; nothing was sent again.")
    )
    return _row(request, story, message=message)


def _row(request: HttpRequest, story: Story, *, error: str = "", message: str = "") -> HttpResponse:
    """The changed row (or the detail page's panel) for htmx; without JavaScript, back to
    the page the person came from, with the message."""
    if not request.htmx:  # type: ignore[attr-defined]
        if error:
            messages.error(request, error)
        elif message:
            messages.success(request, message)
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("monitoring:story_detail", args=[story.pk])
        return redirect(back)
    template = "monitoring/partials/story_row.html"
    story = selectors.stories_visible(for_user=request.user).get(pk=story.pk)
    return render(
        request,
        template,
        {
            "story": story,
            "error": error,
            "message": message,
            "topics": Topic.objects.all(),
            "tones": Tone.choices,
            "relevances": Relevance.choices,
            "priorities": Priority.choices,
            "responses": [c for c in ResponseNeed.choices if c[0]],
            "may_triage": True,
        },
    )
