"""Recurring schedules and the follow-ups of failed jobs; the job results themselves are
django-tasks-db's ``DBTaskResult`` rows (see :mod:`ravabet.core.jobs`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Schedule(models.Model):
    """A recurring job: every N seconds, or daily at a Tehran wall-clock time. The worker
    enqueues a due schedule by moving next_run_at forward with a compare-and-set update, so
    two workers never enqueue the same run."""

    name = models.SlugField(_("name"), max_length=100, unique=True)
    task_path = models.CharField(_("task"), max_length=200)
    interval_seconds = models.PositiveIntegerField(_("every (seconds)"), null=True, blank=True)
    daily_at = models.TimeField(_("daily at (Tehran time)"), null=True, blank=True)
    next_run_at = models.DateTimeField(_("next run"), db_index=True)
    last_enqueued_at = models.DateTimeField(_("last enqueued"), null=True, blank=True)
    last_result_id = models.CharField(max_length=64, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(interval_seconds__isnull=False)
                | models.Q(daily_at__isnull=False),
                name="schedule_has_interval_or_time",
            )
        ]

    def __str__(self) -> str:
        return self.name


class JobRetry(models.Model):
    """The follow-up of one failed job result: the next automatic attempt, or an
    administrator's retry. One row per failed result, so however many workers or clicks ask,
    a failure is retried once."""

    failed_result_id = models.CharField(_("failed job"), max_length=64, unique=True)
    retry_result_id = models.CharField(_("retry"), max_length=64, blank=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"))
    run_after = models.DateTimeField(_("not before"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    automatic = models.BooleanField(_("automatic"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("job retry")
        verbose_name_plural = _("job retries")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.failed_result_id} → {self.retry_result_id}"
