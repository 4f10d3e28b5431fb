"""Factories for monitoring models; the scoped ones are registered for the outsider matrix."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

import factory
from django.utils import timezone

from ravabet.core.models import Organisation, User
from ravabet.core.tests.factories import SCOPED_FACTORIES
from ravabet.lib.stories import fingerprint
from ravabet.monitoring.models import (
    Alert,
    AlertReason,
    DigestEdition,
    DigestEntry,
    DigestStatus,
    MonitoredItem,
    Source,
    SourceKind,
    Story,
    Triage,
    WatchKind,
    WatchList,
)
from ravabet.monitoring.services.polling import initial_state


class SourceFactory(factory.django.DjangoModelFactory[Source]):
    class Meta:
        model = Source
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"خبرگزاری آزمایشی {n}")
    kind = SourceKind.NEWS_AGENCY
    feed_url = factory.Sequence(lambda n: f"https://news-{n}.example.ir/rss")

    @factory.post_generation
    def state(obj: Source, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            initial_state(obj)


def make_story(
    *,
    title: str = "بازدید استاندار از پروژه‌های شهرستان ری",
    lead: str = "استاندار تهران صبح امروز از پروژه‌های عمرانی شهرستان ری بازدید کرد.",
    source: Source | None = None,
    organisation: Organisation | None = None,
) -> Story:
    """A story of one item, as the ingest service would leave it."""
    source = source or SourceFactory.create()
    now = timezone.now()
    story = Story.objects.create(
        title=title, first_published_at=now, last_published_at=now, organisation=organisation
    )
    Triage.objects.create(story=story)
    url = f"{source.feed_url.rsplit('/', 1)[0]}/news/{story.pk}"
    item = MonitoredItem.objects.create(
        source=source,
        story=story,
        url=url,
        url_hash=hashlib.sha256(url.encode()).hexdigest(),
        title=title,
        lead=lead,
        body_text=lead,
        fetched_at=now,
        at=now,
        published_at=now,
        content_hash="0" * 16,
        fingerprint=fingerprint(title, lead).to_bytes(),
        organisation=organisation,
    )
    story.first_item = item
    story.save(update_fields=["first_item"])
    return story


def make_alert(organisation: Organisation, recipient: User | None = None) -> Alert:
    alert = Alert.objects.create(
        story=make_story(organisation=organisation), reason=AlertReason.ANALYST
    )
    if recipient is not None:
        now = timezone.now()
        alert.receipts.create(recipient=recipient, notified_at=now, escalate_at=now)
    return alert


SCOPED_FACTORIES.update(
    {
        Story: lambda org, user: make_story(organisation=org),
        Source: lambda org, user: SourceFactory.create(organisation=org),
        Alert: make_alert,
        WatchList: lambda org, user: WatchList.objects.create(
            name=f"پایش {WatchList.objects.count() + 1}",
            kind=WatchKind.AGENCY,
            query=org.name_fa,
            organisation=org,
        ),
    }
)


def make_edition(
    *,
    day: dt.date | None = None,
    status: str = DigestStatus.SENT,
    stories: Sequence[Story] = (),
    organisation: Organisation | None = None,
) -> DigestEdition:
    """An edition holding ``stories`` (or one new story) in their default sections; without
    ``day``, the day after the latest edition, so each call makes a new one."""
    from ravabet.monitoring.services.digest import (
        default_headline_and_summary,
        default_section,
    )

    if day is None:
        latest = DigestEdition.objects.order_by("-day").values_list("day", flat=True).first()
        day = latest + dt.timedelta(days=1) if latest else timezone.localdate()
    edition = DigestEdition.objects.create(day=day, status=status)
    for position, story in enumerate(stories or [make_story(organisation=organisation)]):
        headline, summary = default_headline_and_summary(story)
        DigestEntry.objects.create(
            edition=edition,
            story=story,
            section=default_section(story),
            position=position,
            headline=headline,
            summary=summary,
        )
    return edition


SCOPED_FACTORIES.update(
    {
        DigestEdition: lambda org, user: make_edition(organisation=org),
        DigestEntry: lambda org, user: make_edition(
            organisation=org, status=DigestStatus.DRAFT
        ).entries.get(),
    }
)
