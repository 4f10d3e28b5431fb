"""Watch-lists: named queries over people, places, agencies and topics, matched against each
item as it arrives; a match tags the item and attributes it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ravabet.core.models.base import AuditedModel
from ravabet.monitoring.models.items import MonitoredItem


class WatchKind(models.TextChoices):
    PERSON = "person", _("Person")
    PLACE = "place", _("Place")
    AGENCY = "agency", _("Agency")
    TOPIC = "topic", _("Topic")


class WatchList(AuditedModel):
    """A query in the search language (words, "phrases", -exclusions, OR, prefix*, and
    NEAR/n for words within n words of each other), insensitive to letter, digit and
    half-space variants."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=WatchKind.choices)
    query = models.TextField(_("query"))
    # Who a match is attributed to: an organisation, and for people the official's title.
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("attributed to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    official = models.CharField(_("official"), max_length=200, blank=True)
    raises_alert = models.BooleanField(_("a match is an urgent alert"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("watch-list")
        verbose_name_plural = _("watch-lists")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class WatchMatch(models.Model):
    """A watch-list matched an item."""

    watch_list = models.ForeignKey(WatchList, on_delete=models.CASCADE, related_name="matches")
    item = models.ForeignKey(MonitoredItem, on_delete=models.CASCADE, related_name="matches")
    matched_at = models.DateTimeField(auto_now_add=True)

    organisation_field = "item__organisation"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["watch_list", "item"], name="one_match_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.watch_list} · {self.item}"
