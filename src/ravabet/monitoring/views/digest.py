"""The morning digest: the archive by Jalali month with search, an edition as a phone-first
page and as a PDF, the analyst's editing desk (htmx) and the director's approve, reopen and
send buttons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ravabet.core.models import User
from ravabet.core.scoping import get_scoped_or_404
from ravabet.core.search.service import SearchFilters, search
from ravabet.core.views.decorators import object_view
from ravabet.lib import jalali
from ravabet.monitoring import digest_selectors, selectors
from ravabet.monitoring.digest_pdf import file_name
from ravabet.monitoring.forms import DigestArchiveForm, DigestEntryForm, DigestIntroductionForm
from ravabet.monitoring.models import DigestEdition, DigestEntry, DigestSection, DigestStatus
from ravabet.monitoring.services import digest as digest_service
from ravabet.monitoring.views.access import user_allowed

SEARCH_RESULTS = 30


def _reader(request: HttpRequest) -> User:
    return user_allowed(request, selectors.may_read_digest)


def _desk(request: HttpRequest) -> User:
    return user_allowed(request, selectors.may_use_desk)


def _director(request: HttpRequest) -> User:
    return user_allowed(request, digest_selectors.may_approve_digest)


def _edition(user: User, day: dt.date) -> DigestEdition:
    edition = digest_selectors.editions_visible(for_user=user).filter(day=day).first()
    if edition is None:
        raise Http404
    return edition


def _attempt(request: HttpRequest, action: Callable[[], object], done: str) -> None:
    """Carry out a digest action; its refusal, or ``done``, becomes the page's message."""
    try:
        action()
    except digest_service.DigestError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)


def _month(text: str) -> jalali.Period:
    try:
        period = jalali.Period.parse(text) if text else None
    except jalali.JalaliParseError:
        period = None
    if period is None or period.kind is not jalali.PeriodKind.MONTH:
        return jalali.Period.current(jalali.PeriodKind.MONTH)
    return period


@login_required
@require_GET
def digest_list(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    form = DigestArchiveForm(request.GET or None)
    hits = None
    if form.is_valid():
        day = form.cleaned_data["day"]
        if day is not None:
            if digest_selectors.editions_visible(for_user=user).filter(day=day).exists():
                return redirect("monitoring:digest_detail", day=day)
            messages.info(request, _("There is no digest of that day."))
        if form.cleaned_data["q"]:
            hits = search(
                form.cleaned_data["q"],
                user=user,
                filters=SearchFilters(modules=(digest_service.SEARCH_LABEL,)),
                order="newest",
                per_page=SEARCH_RESULTS,
            )
    period = _month(request.GET.get("month", ""))
    first, last = period.start.to_gregorian(), period.end.to_gregorian()
    desk = selectors.may_use_desk(user)
    return render(
        request,
        "monitoring/digest_list.html",
        {
            "form": form,
            "hits": hits,
            "period": period,
            "editions": digest_selectors.editions_between(first, last, for_user=user),
            "previous_month": period.previous(),
            "next_month": period.next() if period < jalali.Period.current("month") else None,
            "desk": desk,
            "next_day": digest_service.next_edition_day() if desk else None,
            "waiting": digest_selectors.stories_waiting().count() if desk else 0,
        },
    )


@login_required
@require_POST
def digest_prepare(request: HttpRequest) -> HttpResponse:
    """Gather the selected stories into the edition being prepared and open it for editing."""
    user = _desk(request)
    day = digest_service.next_edition_day()
    try:
        digest_service.compile_edition(day, by=user)
    except digest_service.DigestError as error:
        messages.error(request, error.message)
        return redirect("monitoring:digest_list")
    return redirect("monitoring:digest_edit", day=day)


@object_view(DigestEdition)
@login_required
@require_GET
def digest_detail(request: HttpRequest, day: dt.date) -> HttpResponse:
    user = _reader(request)
    edition = _edition(user, day)
    sections = digest_selectors.edition_sections(edition)
    return render(
        request,
        "monitoring/digest_detail.html",
        {
            "edition": edition,
            "sections": sections,
            "story_count": sum(len(block.entries) for block in sections),
            "desk": selectors.may_use_desk(user),
            "director": digest_selectors.may_approve_digest(user),
        },
    )


@object_view(DigestEdition)
@login_required
@require_GET
def digest_pdf(request: HttpRequest, day: dt.date) -> HttpResponse:
    user = _reader(request)
    edition = _edition(user, day)
    response = HttpResponse(digest_service.ensure_pdf(edition), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{file_name(edition)}"'
    return response


def _edit_context(edition: DigestEdition, **extra: object) -> dict[str, object]:
    return {
        "edition": edition,
        "sections": digest_selectors.edition_sections(edition, keep_empty=True),
        "section_choices": [
            (code, DigestSection(code).label) for code in digest_selectors.SECTION_ORDER
        ],
        "editable": edition.status == DigestStatus.DRAFT,
        **extra,
    }


@object_view(DigestEdition)
@login_required
@require_GET
def digest_edit(request: HttpRequest, day: dt.date) -> HttpResponse:
    user = _desk(request)
    edition = _edition(user, day)
    return render(
        request,
        "monitoring/digest_edit.html",
        _edit_context(
            edition,
            waiting=digest_selectors.stories_waiting().count(),
            director=digest_selectors.may_approve_digest(user),
            introduction_form=DigestIntroductionForm(
                initial={"introduction": edition.introduction}
            ),
        ),
    )


@object_view(DigestEdition)
@login_required
@require_POST
def digest_compile(request: HttpRequest, day: dt.date) -> HttpResponse:
    user = _desk(request)
    edition = _edition(user, day)
    _attempt(
        request,
        lambda: digest_service.compile_edition(edition.day, by=user),
        _("The selected stories were gathered into the digest."),
    )
    return redirect("monitoring:digest_edit", day=edition.day)


@object_view(DigestEdition)
@login_required
@require_POST
def digest_introduction(request: HttpRequest, day: dt.date) -> HttpResponse:
    user = _desk(request)
    edition = _edition(user, day)
    form = DigestIntroductionForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, " ".join(errors))
        return redirect("monitoring:digest_edit", day=edition.day)
    _attempt(
        request,
        lambda: digest_service.edit_introduction(
            edition, by=user, text=form.cleaned_data["introduction"]
        ),
        _("The introduction was saved."),
    )
    return redirect("monitoring:digest_edit", day=edition.day)


@object_view(DigestEdition)
@login_required
@require_POST
def digest_approve(request: HttpRequest, day: dt.date) -> HttpResponse:
    user = _director(request)
    edition = _edition(user, day)
    _attempt(
        request,
        lambda: digest_service.approve_edition(edition, by=user),
        _("The digest is approved. It will be sent at the delivery time, or send it now."),
    )
    return redirect("monitoring:digest_detail", day=edition.day)


@object_view(DigestEdition)
@login_required
@require_POST
def digest_reopen(request: HttpRequest, day: dt.date) -> HttpResponse:
    user = _director(request)
    edition = _edition(user, day)
    _attempt(
        request,
        lambda: digest_service.reopen_edition(edition, by=user),
        _("The digest is a draft again and can be edited."),
    )
    return redirect("monitoring:digest_detail", day=edition.day)


@object_view(DigestEdition)
@login_required
@require_POST
def digest_send(request: HttpRequest, day: dt.date) -> HttpResponse:
    user = _director(request)
    edition = _edition(user, day)
    try:
        sent = digest_service.send_edition(edition, by=user)
    except digest_service.DigestError as error:
        messages.error(request, error.message)
    else:
        if sent:
            messages.success(request, _("The digest was sent to its readers."))
        else:
            messages.error(
                request, _("Only an approved digest that has not been sent can be sent.")
            )
    return redirect("monitoring:digest_detail", day=edition.day)


# --- The analyst's edits (htmx: the sections come back; without JavaScript, the page) -----------


def _entry(user: User, pk: int) -> DigestEntry:
    return get_scoped_or_404(DigestEntry.objects.select_related("edition"), user, pk=pk)


def _after_edit(
    request: HttpRequest, entry: DigestEntry, *, error: str = "", message: str = ""
) -> HttpResponse:
    if not request.htmx:  # type: ignore[attr-defined]
        if error:
            messages.error(request, error)
        elif message:
            messages.success(request, message)
        return redirect("monitoring:digest_edit", day=entry.edition.day)
    edition = DigestEdition.objects.get(pk=entry.edition_id)
    return render(
        request,
        "monitoring/partials/digest_sections.html",
        _edit_context(edition, error=error, message=message),
    )


@object_view(DigestEntry)
@login_required
@require_POST
def digest_entry_move(request: HttpRequest, pk: int) -> HttpResponse:
    user = _desk(request)
    entry = _entry(user, pk)
    direction = request.POST.get("direction", "")
    section = request.POST.get("section", "")
    try:
        if direction == "up":
            digest_service.move_entry(entry, by=user, direction="up")
        elif direction == "down":
            digest_service.move_entry(entry, by=user, direction="down")
        elif section:
            digest_service.move_entry_to_section(entry, by=user, section=section)
        else:
            raise digest_service.DigestError(_("That choice is not valid. Nothing was changed."))
    except digest_service.DigestError as error:
        return _after_edit(request, entry, error=error.message)
    return _after_edit(request, entry)


@object_view(DigestEntry)
@login_required
@require_POST
def digest_entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _desk(request)
    entry = _entry(user, pk)
    form = DigestEntryForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return _after_edit(request, entry, error=" ".join(errors))
    try:
        digest_service.edit_entry(
            entry,
            by=user,
            headline=form.cleaned_data["headline"],
            summary=form.cleaned_data["summary"],
        )
    except digest_service.DigestError as error:
        return _after_edit(request, entry, error=error.message)
    return _after_edit(request, entry, message=_("The entry was saved."))


@object_view(DigestEntry)
@login_required
@require_POST
def digest_entry_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _desk(request)
    entry = _entry(user, pk)
    try:
        digest_service.remove_entry(entry, by=user)
    except digest_service.DigestError as error:
        return _after_edit(request, entry, error=error.message)
    return _after_edit(
        request, entry, message=_("The story was taken out of the digest and unselected.")
    )
