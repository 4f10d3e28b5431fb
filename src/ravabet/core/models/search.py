"""The search index's backlog: rows whose documents are out of date."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchBacklogEntry(models.Model):
    """A row to (re)index: written in the transaction that changed the row and taken off by the
    job that indexed it, so a crash in between leaves it here for the next flush. Bulk writers
    (each poll of each news source) go through it, and one flush indexes what many wrote in one
    index commit."""

    label = models.CharField(_("module"), max_length=50)
    object_id = models.CharField(_("object id"), max_length=64)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)

    class Meta:
        verbose_name = _("search index backlog entry")
        verbose_name_plural = _("search index backlog")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.label}:{self.object_id}"
