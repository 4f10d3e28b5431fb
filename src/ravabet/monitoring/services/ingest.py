"""Storing what a poll brought: each item exactly once (by canonical URL), exact copies and
light edits joined to their story with the first publisher credited, watch-lists matched as
items arrive, urgent matches alerted, everything indexed for search after the commit.

One call is one transaction: a crash loses the batch as a whole and the next poll brings it
again, so nothing is half-stored and nothing is stored twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ravabet.core.search.indexing import index_later_many
from ravabet.lib.feeds import ParsedItem, canonical_url, html_to_text, sanitise_html
from ravabet.lib.stories import DEFAULT_WINDOW, Fingerprint, compare, fingerprint
from ravabet.lib.stories.fingerprint import band_ints
from ravabet.monitoring.models import (
    ItemBand,
    MonitoredItem,
    Source,
    Story,
    Triage,
    WatchList,
    WatchMatch,
)
from ravabet.monitoring.services import alerts
from ravabet.monitoring.services.watch import CompiledWatch, ItemText, active_watches, matching

MAX_TITLE = 500
SEARCH_LABEL = "monitoring"


@dataclass
class IngestReport:
    """What one batch did."""

    seen: int = 0
    new: int = 0
    copies: int = 0
    new_stories: int = 0
    matches: int = 0


def band_keys(fp: Fingerprint) -> list[int]:
    """The item's LSH band keys as signed 64-bit integers (what a BIGINT column holds)."""
    return [key - (1 << 64) if key >= 1 << 63 else key for key in band_ints(fp)]


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def content_hash(fp: Fingerprint) -> str:
    return f"{fp.exact:016x}"


@dataclass
class _Prepared:
    parsed: ParsedItem
    url: str
    title: str
    lead: str
    body_html: str
    body_text: str
    published: datetime | None
    at: datetime
    fp: Fingerprint


def _prepare(source: Source, parsed: ParsedItem, now: datetime) -> _Prepared | None:
    url = canonical_url(parsed.url, source.feed_url)
    if not url:
        return None
    body_html = sanitise_html(parsed.body_html, base_url=url) if parsed.body_html else ""
    body_text = parsed.body_text or (html_to_text(body_html) if body_html else "")
    lead = parsed.lead.strip()
    title = (parsed.title or lead[:200] or url).strip()[:MAX_TITLE]
    # Feeds sometimes date items in the future (wrong time zones): never later than collected.
    published = min(parsed.published, now) if parsed.published else None
    return _Prepared(
        parsed=parsed,
        url=url,
        title=title,
        lead=lead,
        body_html=body_html,
        body_text=body_text,
        published=published,
        at=published or now,
        fp=fingerprint(title, body_text or lead),
    )


def _find_story(prepared: _Prepared) -> tuple[Story | None, MonitoredItem | None]:
    """The story an item belongs to: an exact copy's, or the best verified candidate's among
    items sharing an LSH band key within the time window."""
    window = (prepared.at - DEFAULT_WINDOW, prepared.at + DEFAULT_WINDOW)
    exact = (
        MonitoredItem.objects.filter(
            content_hash=content_hash(prepared.fp), at__range=window, exact_copy_of__isnull=True
        )
        .select_related("story")
        .order_by("at", "pk")
        .first()
    )
    if exact is not None:
        return exact.story, exact
    candidate_ids = set(
        ItemBand.objects.filter(key__in=band_keys(prepared.fp), at__range=window).values_list(
            "item_id", flat=True
        )
    )
    best: tuple[float, float, int, MonitoredItem] | None = None
    for candidate in MonitoredItem.objects.filter(pk__in=candidate_ids).select_related("story"):
        similarity = compare(prepared.fp, Fingerprint.from_bytes(bytes(candidate.fingerprint)))
        if not similarity.same_story:
            continue
        rank = (similarity.score, similarity.title, -candidate.pk, candidate)
        if best is None or rank[:3] > best[:3]:
            best = rank
    return (best[3].story, None) if best is not None else (None, None)


def _join(story: Story, item: MonitoredItem) -> None:
    """Count ``item`` in ``story`` and credit the earliest publisher."""
    fields = ["item_count", "last_published_at", "source_count"]
    story.item_count += 1
    story.source_count = story.items.values("source").distinct().count()
    if item.at < story.first_published_at:
        story.first_published_at = item.at
        story.first_item = item
        story.title = item.title
        fields += ["first_published_at", "first_item", "title"]
    story.last_published_at = max(story.last_published_at, item.at)
    story.save(update_fields=fields)


def _attribute(item: MonitoredItem, story: Story, watch_lists: list[WatchList]) -> None:
    """Attribute the item (and its story, if not yet) to the organisation or official its
    watch-lists name; an item from a provincial body's own site is that body's."""
    organisation_id = item.source.organisation_id
    official = ""
    for watch_list in watch_lists:
        if organisation_id is None and watch_list.organisation_id is not None:
            organisation_id = watch_list.organisation_id
        official = official or watch_list.official
    if organisation_id is not None and item.organisation_id is None:
        item.organisation_id = organisation_id
        item.save(update_fields=["organisation"])
    story_fields = []
    if story.organisation_id is None and organisation_id is not None:
        story.organisation_id = organisation_id
        story_fields.append("organisation")
    if not story.official and official:
        story.official = official
        story_fields.append("official")
    if story_fields:
        story.save(update_fields=story_fields)


def ingest_items(
    source: Source,
    items: Sequence[ParsedItem],
    *,
    now: datetime | None = None,
    watches: list[tuple[WatchList, CompiledWatch]] | None = None,
) -> IngestReport:
    """Store the items of ``source`` not stored before, in one transaction."""
    now = now or timezone.now()
    report = IngestReport(seen=len(items))
    prepared: dict[str, _Prepared] = {}
    for parsed in items:
        ready = _prepare(source, parsed, now)
        if ready is not None:
            prepared.setdefault(url_hash(ready.url), ready)
    if not prepared:
        return report
    watches = active_watches() if watches is None else watches
    with transaction.atomic():
        known = set(
            MonitoredItem.objects.filter(url_hash__in=list(prepared)).values_list(
                "url_hash", flat=True
            )
        )
        created: list[int] = []
        # Oldest first, so within a batch the first publisher is stored first.
        for key, ready in sorted(prepared.items(), key=lambda pair: pair[1].at):
            if key in known:
                continue
            story, exact_of = _find_story(ready)
            is_new_story = story is None
            if story is None:
                story = Story.objects.create(
                    title=ready.title, first_published_at=ready.at, last_published_at=ready.at
                )
                Triage.objects.create(story=story)
                report.new_stories += 1
            item = MonitoredItem.objects.create(
                source=source,
                story=story,
                url=ready.url,
                url_hash=key,
                guid=ready.parsed.guid[:500],
                title=ready.title,
                lead=ready.lead,
                body_html=ready.body_html,
                body_text=ready.body_text,
                author=ready.parsed.author[:200],
                image_url=(ready.parsed.image_url or "")[:2000],
                published_at=ready.published,
                fetched_at=now,
                at=ready.at,
                content_hash=content_hash(ready.fp),
                exact_copy_of=exact_of,
                fingerprint=ready.fp.to_bytes(),
                organisation_id=source.organisation_id,
            )
            if is_new_story:
                story.first_item = item
                story.save(update_fields=["first_item"])
            else:
                _join(story, item)
                report.copies += 1
            if exact_of is None:
                ItemBand.objects.bulk_create(
                    ItemBand(key=band, item=item, at=item.at) for band in band_keys(ready.fp)
                )
            matched = matching(watches, ItemText.of(item.title, item.lead, item.body_text))
            if matched:
                WatchMatch.objects.bulk_create(
                    WatchMatch(watch_list=watch_list, item=item) for watch_list in matched
                )
                report.matches += len(matched)
                _attribute(item, story, matched)
                for watch_list in matched:
                    if watch_list.raises_alert:
                        alerts.raise_alert(story, watch_list=watch_list)
            created.append(item.pk)
        report.new = len(created)
        index_later_many(SEARCH_LABEL, created)
    return report
