"""What was collected: items (one per canonical URL) clustered into stories, their LSH band
keys for finding copies, and the analysts' triage of each story (audited)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ravabet.core.models.base import AuditedModel
from ravabet.monitoring.models.sources import Source


class Story(models.Model):
    """One news event as it spread: the first published item is credited, copies and light
    edits of it join the story. Maintained by the ingest service, not edited by people."""

    title = models.CharField(_("title"), max_length=500)
    first_item = models.ForeignKey(
        "MonitoredItem",
        verbose_name=_("first published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_published_at = models.DateTimeField(_("first published"), db_index=True)
    last_published_at = models.DateTimeField(_("last published"))
    item_count = models.PositiveIntegerField(_("copies"), default=1)
    source_count = models.PositiveIntegerField(_("sources"), default=1)
    # The provincial body the story concerns (watch-list attribution or its own site).
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("concerns"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    official = models.CharField(_("official concerned"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("collected"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-first_published_at"]

    def __str__(self) -> str:
        return self.title


class MonitoredItem(models.Model):
    """One article as a source published it: canonical URL, texts (sanitised), times."""

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="items"
    )
    story = models.ForeignKey(
        Story, verbose_name=_("story"), on_delete=models.PROTECT, related_name="items"
    )
    url = models.URLField(_("address"), max_length=2000)
    # sha256 of the canonical URL: unique, and short enough for any database index.
    url_hash = models.CharField(max_length=64, unique=True)
    guid = models.CharField(max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=500)
    lead = models.TextField(_("lead"), blank=True)
    body_html = models.TextField(_("text (HTML)"), blank=True)
    body_text = models.TextField(_("text"), blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    image_url = models.URLField(_("image"), max_length=2000, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("collected"), db_index=True)
    # When it happened for lists and statistics: published, or collected if undated.
    at = models.DateTimeField(_("time"), db_index=True)
    content_hash = models.CharField(max_length=32, db_index=True)
    # The same text as an earlier item under another address (kept for pickup counts).
    exact_copy_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fingerprint = models.BinaryField()
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("concerns"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("monitored item")
        verbose_name_plural = _("monitored items")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["source", "-at"]),
            models.Index(fields=["organisation", "-at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def lead_in_body(self) -> bool:
        """Whether the text opens with the lead (most feeds repeat it): show it once."""
        opening = " ".join(self.lead.split())[:60]
        return bool(opening) and " ".join(self.body_text[:400].split()).startswith(opening)


class ItemBand(models.Model):
    """One LSH band key of an item: items sharing a key are candidate copies."""

    key = models.BigIntegerField()
    item = models.ForeignKey(MonitoredItem, on_delete=models.CASCADE, related_name="bands")
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "at"])]

    def __str__(self) -> str:
        return f"{self.key}"


class Tone(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")


class Relevance(models.IntegerChoices):
    NONE = 0, _("Not relevant")
    LOW = 1, _("Somewhat relevant")
    HIGH = 2, _("Relevant")
    KEY = 3, _("Key for the governorate")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class TriageStatus(models.TextChoices):
    NEW = "new", _("New")
    KEPT = "kept", _("Kept")
    DISMISSED = "dismissed", _("Dismissed")


class ResponseNeed(models.TextChoices):
    NONE = "", _("None")
    CLARIFICATION = "clarification", _("Needs clarification")
    REBUTTAL = "rebuttal", _("Needs a rebuttal")


class Topic(AuditedModel):
    """A subject analysts file stories under (economy, water, traffic…)."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Triage(AuditedModel):
    """An analyst's judgement of a story; every change is in the audit trail."""

    story = models.OneToOneField(Story, on_delete=models.CASCADE, related_name="triage")
    status = models.CharField(
        _("status"), max_length=10, choices=TriageStatus.choices, default=TriageStatus.NEW
    )
    relevance = models.PositiveSmallIntegerField(
        _("relevance"), choices=Relevance.choices, null=True, blank=True
    )
    tone = models.CharField(_("tone"), max_length=10, choices=Tone.choices, blank=True)
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.SET_NULL
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    note = models.TextField(_("note"), blank=True)
    in_digest = models.BooleanField(_("for the digest"), default=False)
    response = models.CharField(
        _("response needed"), max_length=20, choices=ResponseNeed.choices, blank=True
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("triaged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)

    organisation_field = "story__organisation"

    class Meta:
        verbose_name = _("triage")
        verbose_name_plural = _("triage")
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return str(self.story)
