"""Where news comes from: the source registry (audited, edited by people) and each source's
polling state and poll log (written by the worker, not audited)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ravabet.core.models.base import AuditedModel


class SourceKind(models.TextChoices):
    NEWS_AGENCY = "news_agency", _("News agency")
    NEWS_SITE = "news_site", _("News site")
    NEWSPAPER = "newspaper", _("Newspaper")
    PROVINCIAL_SITE = "provincial_site", _("Provincial body's own site")
    CHANNEL = "channel", _("Messenger channel (web view)")


class FeedType(models.TextChoices):
    AUTO = "auto", _("Detect automatically")
    RSS = "rss", _("RSS")
    ATOM = "atom", _("Atom")
    JSON_FEED = "json_feed", _("JSON Feed")
    SITEMAP = "sitemap", _("News sitemap")
    PAGE = "page", _("Listing page without a feed")


class Tier(models.IntegerChoices):
    MAJOR = 1, _("Major (national agencies and papers)")
    REGULAR = 2, _("Regular")
    MINOR = 3, _("Minor (local and small outlets)")


class Source(AuditedModel):
    """A news outlet or a provincial body's own site, watched through one feed or page."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices)
    feed_url = models.URLField(_("feed or page address"), max_length=1000, unique=True)
    feed_type = models.CharField(
        _("feed type"), max_length=20, choices=FeedType.choices, default=FeedType.AUTO
    )
    homepage = models.URLField(_("website"), max_length=1000, blank=True)
    # Set when the source is a provincial body's own site (for supervision of publications).
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="monitored_sources",
    )
    affiliation = models.TextField(_("affiliation notes"), blank=True)
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices, default=Tier.REGULAR)
    is_active = models.BooleanField(_("polled"), default=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["tier", "name"]

    def __str__(self) -> str:
        return self.name


class SourceState(models.Model):
    """The worker's bookkeeping for one source: when to poll next, validators for conditional
    GET, failures and the circuit breaker. Claimed by compare-and-set on ``claimed_until``."""

    source = models.OneToOneField(
        Source, primary_key=True, on_delete=models.CASCADE, related_name="state"
    )
    next_poll_at = models.DateTimeField(_("next poll"), db_index=True)
    interval_seconds = models.PositiveIntegerField(_("polling interval (seconds)"), default=600)
    claimed_until = models.DateTimeField(null=True, blank=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    # sha256 of the last feed read whole: many sites send no validators, so an unchanged feed
    # comes back in full at every poll, and is known by its bytes instead of parsed again.
    body_hash = models.CharField(max_length=64, blank=True)
    last_polled_at = models.DateTimeField(_("last poll"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_new_item_at = models.DateTimeField(_("last new item"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_error = models.CharField(_("last error"), max_length=60, blank=True)
    last_error_detail = models.CharField(max_length=500, blank=True)
    circuit_open_until = models.DateTimeField(null=True, blank=True)

    organisation_field = "source__organisation"

    class Meta:
        verbose_name = _("source state")
        verbose_name_plural = _("source states")

    def __str__(self) -> str:
        return str(self.source)


class PollOutcome(models.TextChoices):
    NEW_ITEMS = "new_items", _("New items")
    NOTHING_NEW = "nothing_new", _("Nothing new")
    NOT_MODIFIED = "not_modified", _("Not modified")
    FETCH_FAILED = "fetch_failed", _("Fetch failed")
    PARSE_FAILED = "parse_failed", _("Unreadable feed")


class Poll(models.Model):
    """One poll of one source: what came back and what was new."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="polls")
    started_at = models.DateTimeField(_("started"), db_index=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    outcome = models.CharField(_("outcome"), max_length=20, choices=PollOutcome.choices)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(_("error"), max_length=60, blank=True)
    error_detail = models.CharField(max_length=500, blank=True)
    bytes_received = models.PositiveIntegerField(default=0)
    items_seen = models.PositiveIntegerField(_("items in the feed"), default=0)
    items_new = models.PositiveIntegerField(_("new items"), default=0)

    organisation_field = "source__organisation"

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["source", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.source} · {self.started_at:%Y-%m-%d %H:%M}"
