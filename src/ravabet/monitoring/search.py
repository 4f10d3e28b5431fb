"""What monitoring puts in the search index: every collected item, by source and month,
attributed to the organisation it concerns (whose officers find it; province-wide roles find
all). Indexed in batches by the ingest service, not after each save."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ravabet.core.search.registry import SearchField, SearchSource, Weight, register
from ravabet.monitoring.models import DigestEntry, DigestStatus, MonitoredItem
from ravabet.monitoring.selectors import may_read_digest


def _items() -> QuerySet[MonitoredItem]:
    # Neither indexing nor a page of results reads the article's HTML or its fingerprint, the
    # row's two largest columns.
    return MonitoredItem.objects.select_related("source").defer("body_html", "fingerprint")


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


def _digest_entries() -> QuerySet[DigestEntry]:
    # Only what readers received: drafts and approved editions are still being worked on.
    return DigestEntry.objects.filter(edition__status=DigestStatus.SENT).select_related(
        "edition", "story__first_item__source"
    )


def _digest_url(entry: DigestEntry) -> str:
    day_url = reverse("monitoring:digest_detail", kwargs={"day": entry.edition.day})
    return f"{day_url}#entry-{entry.pk}"


def _digest_source(entry: DigestEntry) -> str:
    item = entry.story.first_item
    return str(item.source.name) if item is not None else ""


# Each entry of a sent digest: readers find it by words and by the edition's Jalali day. Indexed
# when the edition is sent (entries never change after that), not after each save.
DIGEST = register(
    SearchSource(
        label="digest",
        title=_("Morning digest"),
        model=DigestEntry,
        fields=(SearchField("headline", Weight.A), SearchField("summary", Weight.B)),
        organisation="story__organisation",
        date_field="day_start",
        source=_digest_source,
        visible_to=may_read_digest,
        queryset=_digest_entries,
        url=_digest_url,
        live=False,
    )
)
