"""What monitoring puts in the search index: every collected item, by source and month,
attributed to the organisation it concerns (whose officers find it; province-wide roles find
all). Indexed in batches by the ingest service, not after each save."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ravabet.core.search.registry import SearchField, SearchSource, Weight, register
from ravabet.monitoring.models import MonitoredItem


def _items() -> QuerySet[MonitoredItem]:
    return MonitoredItem.objects.select_related("source")


def _url(item: MonitoredItem) -> str:
    return reverse("monitoring:story_detail", args=[item.story_id])


ITEMS = register(
    SearchSource(
        label="monitoring",
        title=_("Media monitoring"),
        model=MonitoredItem,
        fields=(
            SearchField("title", Weight.A),
            SearchField("lead", Weight.B),
            SearchField("body_text", Weight.C),
        ),
        date_field="at",
        source=lambda item: str(item.source.name),
        queryset=_items,
        url=_url,
        live=False,
    )
)
