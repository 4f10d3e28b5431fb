"""Urgent alerts: one per story, to the governor, deputies and director on their fastest
channel, with read receipts and escalation to a fallback channel when unacknowledged."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ravabet.monitoring.models.items import Story
from ravabet.monitoring.models.watch import WatchList


class AlertReason(models.TextChoices):
    WATCH_LIST = "watch_list", _("Watch-list match")
    ANALYST = "analyst", _("Marked urgent by an analyst")


class Alert(models.Model):
    """An urgent story; at most one per story, however many copies arrive."""

    story = models.OneToOneField(Story, on_delete=models.CASCADE, related_name="alert")
    reason = models.CharField(_("reason"), max_length=20, choices=AlertReason.choices)
    watch_list = models.ForeignKey(
        WatchList, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    critical = models.BooleanField(_("critical"), default=False)
    created_at = models.DateTimeField(_("raised"), auto_now_add=True, db_index=True)

    organisation_field = "story__organisation"

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.story)


class AlertReceipt(models.Model):
    """One recipient of an alert: when told, when acknowledged, when escalated."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="receipts")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_receipts"
    )
    notified_at = models.DateTimeField(_("notified"))
    escalate_at = models.DateTimeField(_("escalate at"), db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    organisation_field = "alert__story__organisation"

    class Meta:
        verbose_name = _("alert receipt")
        verbose_name_plural = _("alert receipts")
        constraints = [
            models.UniqueConstraint(fields=["alert", "recipient"], name="one_receipt_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.alert} → {self.recipient}"
