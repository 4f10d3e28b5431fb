"""Items at chosen times, from chosen sources, attributed as ingest would leave them (for the
statistics and supervision tests, which count by time)."""

from __future__ import annotations

import hashlib
import itertools
from datetime import datetime

from ravabet.core.models import Organisation
from ravabet.monitoring.models import MonitoredItem, Source, Story, Triage

_numbers = itertools.count(1)


def add_item(
    source: Source,
    at: datetime,
    *,
    story: Story | None = None,
    organisation: Organisation | None = None,
    title: str = "خبر آزمایشی",
) -> MonitoredItem:
    """An item of ``source`` published at ``at``: a new story unless ``story`` is given (then
    a copy that joins it, the story's counts kept right). Like ingest, an item of a provincial
    body's own site is that body's unless ``organisation`` says otherwise."""
    number = next(_numbers)
    if story is None:
        story = Story.objects.create(title=title, first_published_at=at, last_published_at=at)
        Triage.objects.create(story=story)
    url = f"{source.feed_url.rsplit('/', 1)[0]}/item/{number}"
    item = MonitoredItem.objects.create(
        source=source,
        story=story,
        url=url,
        url_hash=hashlib.sha256(url.encode()).hexdigest(),
        title=title,
        fetched_at=at,
        at=at,
        published_at=at,
        content_hash=f"{number:032x}",
        fingerprint=b"",
        organisation=organisation or source.organisation,
    )
    if story.first_item_id is None or at < story.first_published_at:
        story.first_item = item
        story.first_published_at = at
    story.last_published_at = max(story.last_published_at, at)
    story.item_count = story.items.count()
    story.source_count = story.items.values("source").distinct().count()
    story.save()
    return item
