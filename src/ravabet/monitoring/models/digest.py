"""The morning digest (بولتن): one edition a day, stories in sections, edited by an analyst,
approved by the PR director, delivered as a PDF, a web page and a message."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ravabet.core.models.base import AuditedModel
from ravabet.core.scoping import PROVINCE_ONLY
from ravabet.lib.jalali import tehran_midnight
from ravabet.monitoring.models.items import Story


class DigestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SENT = "sent", _("Sent")


class DigestSection(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    GOVERNOR = "governor", _("The governor and the governorate")
    COUNTIES = "counties", _("Counties")
    AGENCIES = "agencies", _("Agencies")
    NATIONAL = "national", _("National news touching the province")


class DigestEdition(AuditedModel):
    """The digest of one Tehran day."""

    day = models.DateField(_("day"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DigestStatus.choices, default=DigestStatus.DRAFT
    )
    introduction = models.TextField(_("introduction"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The rendered PDF, regenerable from the edition (a rendition, not an original).
    pdf = models.FileField(_("PDF"), upload_to="digests/", blank=True)

    # The governorate's own bulletin, no one organisation's: scope() shows it to province-wide
    # roles only; the digest's selectors add the readers (monitoring/digest_selectors.py).
    organisation_field = PROVINCE_ONLY

    class Meta:
        verbose_name = _("digest edition")
        verbose_name_plural = _("digest editions")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)


class DigestEntry(AuditedModel):
    """One story in an edition, with the headline and summary as the analyst edited them."""

    edition = models.ForeignKey(DigestEdition, on_delete=models.CASCADE, related_name="entries")
    story = models.ForeignKey(Story, on_delete=models.PROTECT, related_name="+")
    section = models.CharField(_("section"), max_length=10, choices=DigestSection.choices)
    position = models.PositiveIntegerField(_("position"), default=0)
    headline = models.CharField(_("headline"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)

    # The edition is the whole province's bulletin; an entry belongs to the body its story
    # concerns (what the search index files it under).
    organisation_field = "story__organisation"

    class Meta:
        verbose_name = _("digest entry")
        verbose_name_plural = _("digest entries")
        ordering = ["edition", "section", "position"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "story"], name="one_entry_per_story")
        ]

    def __str__(self) -> str:
        return self.headline

    @property
    def day_start(self) -> datetime:
        """The start of the edition's Tehran day: when search files the entry."""
        return tehran_midnight(self.edition.day)
