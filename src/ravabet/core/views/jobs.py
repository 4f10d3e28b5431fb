"""The background jobs page for administrators: recent job results with their errors, retry,
and the recurring schedules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from ravabet.core import security
from ravabet.core.jobs import (
    ATTEMPT,
    JobError,
    max_attempts_of,
    retry_job,
    uses_database_backend,
)
from ravabet.core.models import JobRetry, Role, Schedule, SecurityEventKind, User
from ravabet.core.views.decorators import object_view

PAGE_SIZE = 100
STATUS_LABELS = {
    TaskResultStatus.READY: gettext_lazy("Waiting"),
    TaskResultStatus.RUNNING: gettext_lazy("Running"),
    TaskResultStatus.FAILED: gettext_lazy("Failed"),
    TaskResultStatus.SUCCESSFUL: gettext_lazy("Done"),
}

View = Callable[..., HttpResponse]


def admin_required(view: View) -> View:
    """Administrators only; anyone else gets 403 and an entry in the security log."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        if not user.has_role(Role.ADMIN):
            security.record(
                SecurityEventKind.PERMISSION_DENIED,
                request=request,
                user=user,
                detail={"view": request.resolver_match.view_name if request.resolver_match else ""},
            )
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


@dataclass(frozen=True)
class JobRow:
    """One job result as the page shows it."""

    result: Any  # DBTaskResult
    name: str
    status_label: str
    attempt: int
    max_attempts: int
    runs: int
    arguments: str
    waits_until: datetime | None
    follow_up: JobRetry | None

    @property
    def can_retry(self) -> bool:
        return self.result.status == TaskResultStatus.FAILED and self.follow_up is None

    @property
    def short_id(self) -> str:
        return str(self.result.pk)[:8]

    @property
    def error_name(self) -> str:
        return str(self.result.exception_class_path).rsplit(".", 1)[-1]


def _arguments(args_kwargs: dict[str, Any]) -> str:
    shown = [repr(a) for a in args_kwargs.get("args", [])]
    shown += [f"{k}={v!r}" for k, v in args_kwargs.get("kwargs", {}).items() if k != ATTEMPT]
    return ", ".join(shown)


def _max_attempts(result: Any) -> int:
    try:
        return max_attempts_of(result.task)
    except (ImportError, SuspiciousOperation):  # a job since removed from the code
        return int(settings.JOB_MAX_ATTEMPTS)


def _job_rows(status: str) -> list[JobRow]:
    now = timezone.now()
    results = DBTaskResult.objects.order_by("-enqueued_at")
    if status:
        results = results.filter(status=status)
    page = list(results[:PAGE_SIZE])
    follow_ups = {
        f.failed_result_id: f
        for f in JobRetry.objects.filter(
            failed_result_id__in=[str(r.pk) for r in page if r.status == TaskResultStatus.FAILED]
        ).select_related("requested_by")
    }
    return [
        JobRow(
            result=r,
            name=r.task_name,
            status_label=str(STATUS_LABELS.get(r.status, r.status)),
            attempt=int(r.args_kwargs.get("kwargs", {}).get(ATTEMPT, 1)),
            max_attempts=_max_attempts(r),
            runs=len(r.worker_ids),
            arguments=_arguments(r.args_kwargs),
            waits_until=(
                r.run_after
                if r.status == TaskResultStatus.READY and now < r.run_after < get_date_max()
                else None
            ),
            follow_up=follow_ups.get(str(r.pk)),
        )
        for r in page
    ]


@login_required
@admin_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in TaskResultStatus.values:
        status = ""
    database = uses_database_backend()
    context: dict[str, Any] = {
        "status": status,
        "database_backend": database,
        "max_attempts": settings.JOB_MAX_ATTEMPTS,
        "jobs": _job_rows(status) if database else [],
        "page_size": PAGE_SIZE,
    }
    htmx = request.htmx  # type: ignore[attr-defined]
    if htmx and not htmx.history_restore_request:
        return render(request, "core/partials/job_rows.html", context)
    counts = (
        dict(DBTaskResult.objects.values_list("status").annotate(n=Count("pk"))) if database else {}
    )
    context["statuses"] = [
        (value, label, counts.get(value, 0)) for value, label in STATUS_LABELS.items()
    ]
    context["schedules"] = Schedule.objects.all()
    return render(request, "core/job_list.html", context)


@object_view(DBTaskResult)
@login_required
@admin_required
@require_POST
def job_retry(request: HttpRequest, pk: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    failed = get_object_or_404(DBTaskResult, pk=pk)
    try:
        retry_id = retry_job(str(failed.pk), by=user)
    except JobError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The job was enqueued again as %(id)s.") % {"id": retry_id})
    return HttpResponseRedirect(reverse("core:job_list"))
