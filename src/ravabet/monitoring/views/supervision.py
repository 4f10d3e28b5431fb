"""Supervision of agencies' publications (duty 12): per county, agency and revolutionary
institution, what its own sites published and what others published about it, in a Jalali
period beside the one before, with silence warnings; sortable, and exported to Excel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ravabet.core import security
from ravabet.core.models import SecurityEventKind, User
from ravabet.lib import jalali
from ravabet.lib.jalali import JalaliParseError, Period, PeriodKind
from ravabet.lib.persian import format_number, sort_key
from ravabet.lib.xlsx import Column, write_table
from ravabet.monitoring import selectors
from ravabet.monitoring import supervision_selectors as supervision_data
from ravabet.monitoring.supervision_selectors import SupervisionRow
from ravabet.monitoring.views.access import user_allowed

KIND_LABELS = {
    PeriodKind.MONTH: gettext_lazy("Monthly"),
    PeriodKind.QUARTER: gettext_lazy("Quarterly"),
    PeriodKind.HALF: gettext_lazy("Half-yearly"),
    PeriodKind.YEAR: gettext_lazy("Yearly"),
}
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Sort:
    """A column the table sorts by, and whether it first sorts from the largest value."""

    key: Callable[[SupervisionRow], Any]
    descending: bool = True


SORT_LABELS = {
    "name": gettext_lazy("Organisation"),
    "own": gettext_lazy("Items on its own sites"),
    "own_change": gettext_lazy("Change on the period before"),
    "elsewhere": gettext_lazy("Items elsewhere about it"),
    "officials": gettext_lazy("About its officials"),
    "last": gettext_lazy("Last publication"),
    "silence": gettext_lazy("Longest silence"),
}
SORTS = {
    "name": Sort(lambda row: sort_key(row.organisation.name), descending=False),
    "own": Sort(lambda row: row.own.current),
    "own_change": Sort(lambda row: row.own.change),
    "elsewhere": Sort(lambda row: row.elsewhere.current),
    "officials": Sort(lambda row: row.officials.current),
    "last": Sort(lambda row: row.last_own_at or _NEVER),
    # The longest silence first; organisations without a polled site last.
    "silence": Sort(lambda row: -1 if row.silent_days is None else row.silent_days),
}


def _user(request: HttpRequest) -> User:
    return user_allowed(request, supervision_data.may_see_supervision)


def chosen_period(code: str, *, now: datetime | None = None) -> Period:
    """The period ``code`` names (``1404-09``, ``1404-Q3``, ``1404-H2``, ``1404``), not later
    than the current one of its kind; the current month when the code is empty or wrong."""
    now = now or timezone.now()
    try:
        period = Period.parse(code) if code else Period.current(PeriodKind.MONTH, now=now)
    except JalaliParseError:
        period = Period.current(PeriodKind.MONTH, now=now)
    current = Period.current(period.kind, now=now)
    return min(period, current)


def _sorted(rows: list[SupervisionRow], sort: str, order: str) -> list[SupervisionRow]:
    spec = SORTS[sort]
    descending = spec.descending if order not in ("asc", "desc") else order == "desc"
    # The name breaks ties, always A to Z.
    rows = sorted(rows, key=SORTS["name"].key)
    return sorted(rows, key=spec.key, reverse=descending)


def _params(request: HttpRequest) -> tuple[Period, str, str]:
    period = chosen_period(request.GET.get("period", ""))
    sort = request.GET.get("sort", "name")
    if sort not in SORTS:
        sort = "name"
    order = request.GET.get("order", "")
    return period, sort, order if order in ("asc", "desc") else ""


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


def status_text(row: SupervisionRow) -> str:
    """The row's state in a few words, the same on the page and in the sheet."""
    if not row.sites:
        return _("No own site registered")
    if not row.polled_sites:
        return _("Its site is not polled")
    days = row.silent_days or 0
    shown = {"days": format_number(days, persian=_persian())}
    if row.silent and row.feed_failing:
        return (
            ngettext(
                "Nothing collected for %(days)s day: its site's feed is failing",
                "Nothing collected for %(days)s days: its site's feed is failing",
                days,
            )
            % shown
        )
    if row.silent:
        return ngettext("Silent for %(days)s day", "Silent for %(days)s days", days) % shown
    if row.feed_failing:
        return _("Its site's feed is failing")
    return _("Publishing")


def status_class(row: SupervisionRow) -> str:
    if row.silent:
        return "status-bad"
    if row.polled_sites and row.feed_failing:
        return "status-warn"
    return "status-good" if row.polled_sites else "status-muted"


def _link(period: Period, *, sort: str = "", order: str = "") -> str:
    """The page's address for ``period``, sorted as asked (the default sort left out)."""
    params = {"period": period.code}
    if sort and (sort != "name" or order):
        params["sort"] = sort
    if order:
        params["order"] = order
    return "?" + urlencode(params)


@login_required
@require_GET
def supervision(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    period, sort, order = _params(request)
    rows = _sorted(supervision_data.supervision_rows(for_user=user, period=period), sort, order)
    now = timezone.now()
    current = Period.current(period.kind, now=now)
    kinds = []
    for kind, label in KIND_LABELS.items():
        same_time = min(Period.containing(period.start, kind), Period.current(kind, now=now))
        kinds.append((label, _link(same_time, sort=sort, order=order), kind == period.kind))
    # Each header sorts by its column; the active one's link reverses the order.
    headers = {}
    for key, spec in SORTS.items():
        if key != sort:
            headers[key] = (_link(period, sort=key), "")
            continue
        descending = order == "desc" if order else spec.descending
        headers[key] = (
            _link(period, sort=key, order="asc" if descending else "desc"),
            "descending" if descending else "ascending",
        )
    return render(
        request,
        "monitoring/supervision.html",
        {
            "period": period,
            "previous": period.previous(),
            "next": period.next() if period < current else None,
            "current": current if period != current else None,
            "kinds": kinds,
            "rows": [(row, status_text(row), status_class(row)) for row in rows],
            "headers": headers,
            "sort": sort,
            "sort_choices": list(SORT_LABELS.items()),
            "links": {
                "previous": _link(period.previous(), sort=sort, order=order),
                "next": _link(period.next(), sort=sort, order=order),
                "current": _link(current, sort=sort, order=order),
                "export": reverse("monitoring:supervision_export")
                + _link(period, sort=sort, order=order),
            },
            "totals": {
                "own": sum(row.own.current for row in rows),
                "elsewhere": sum(row.elsewhere.current for row in rows),
                "silent": sum(1 for row in rows if row.silent),
            },
            "silence_days": supervision_data.SILENCE_DAYS,
            "may_use_desk": selectors.may_use_desk(user),
        },
    )


def _when(value: datetime | None, persian: bool) -> str:
    return jalali.format_datetime(value, persian=persian) if value else ""


@login_required
@require_GET
def supervision_export(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    period, sort, order = _params(request)
    rows = _sorted(supervision_data.supervision_rows(for_user=user, period=period), sort, order)
    persian = _persian()
    now, previous = period.label(persian=persian), period.previous().label(persian=persian)
    columns = [
        Column(_("Organisation"), 34),
        Column(_("Kind"), 18),
        Column(_("Own sites, %(period)s") % {"period": now}),
        Column(_("Own sites, %(period)s") % {"period": previous}),
        Column(_("Change on the period before")),
        Column(_("Elsewhere, %(period)s") % {"period": now}),
        Column(_("Elsewhere, %(period)s") % {"period": previous}),
        Column(_("About its officials, %(period)s") % {"period": now}),
        Column(_("Last publication on its site"), 18),
        Column(_("Last item elsewhere"), 18),
        Column(_("Days silent"), 10),
        Column(_("State"), 36),
    ]
    table = [
        (
            row.organisation.name,
            row.organisation.get_kind_display(),
            row.own.current,
            row.own.previous,
            row.own.change,
            row.elsewhere.current,
            row.elsewhere.previous,
            row.officials.current,
            _when(row.last_own_at, persian),
            _when(row.last_elsewhere_at, persian),
            row.silent_days,
            status_text(row),
        )
        for row in rows
    ]
    made = timezone.now()
    title = _("Supervision of agencies' publications: %(period)s (made %(made)s)") % {
        "period": now,
        "made": _when(made, persian),
    }
    content = write_table(
        columns,
        table,
        sheet_name=period.code,
        title=title,
        rtl=persian,
        persian_digits=persian,
        created=made,
    )
    security.record(
        SecurityEventKind.EXPORT,
        request=request,
        user=user,
        detail={"export": "monitoring.supervision", "period": period.code, "rows": len(rows)},
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="supervision-{period.code}.xlsx"'
    return response
