"""The monitoring desk's screens: the triage queue and its one-key judgements, stories,
sources and alerts, each for the people who may use them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from ravabet.conftest import client_for
from ravabet.core.models import AuditEntry, Organisation, Role, User
from ravabet.core.search.backends.tantivy_index import release_index
from ravabet.core.search.indexing import index_rows
from ravabet.core.tests.factories import UserFactory
from ravabet.monitoring.models import Alert, MonitoredItem, Source, SourceState, TriageStatus
from ravabet.monitoring.tests.factories import SourceFactory, make_alert, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(governorate: Organisation) -> User:
    return UserFactory.create(organisation=governorate, roles=[Role.MONITORING_ANALYST])


@pytest.fixture
def analyst_client(analyst: User) -> Client:
    return client_for(analyst)


def triage(client: Client, story_pk: int, field: str, value: str) -> str:
    response = client.post(
        reverse("monitoring:story_triage", args=[story_pk]),
        {"field": field, "value": value},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    return response.content.decode()


def test_the_queue_shows_new_stories_and_a_judgement_moves_one_out(
    analyst_client: Client,
) -> None:
    kept, waiting = make_story(title="خبر نخست"), make_story(title="خبر دوم")
    page = analyst_client.get(reverse("monitoring:story_list")).content.decode()
    assert "خبر نخست" in page
    assert "خبر دوم" in page
    row = triage(analyst_client, kept.pk, "tone", "negative")
    assert 'aria-pressed="true"' in row
    kept.triage.refresh_from_db()
    assert (kept.triage.tone, kept.triage.status) == ("negative", TriageStatus.KEPT)
    page = analyst_client.get(reverse("monitoring:story_list")).content.decode()
    assert "خبر دوم" in page
    assert "خبر نخست" not in page
    assert waiting.triage.status == TriageStatus.NEW


def test_every_judgement_is_recorded_in_the_audit_trail(analyst_client: Client) -> None:
    story = make_story()
    triage(analyst_client, story.pk, "relevance", "3")
    triage(analyst_client, story.pk, "in_digest", "1")
    triage(analyst_client, story.pk, "response", "rebuttal")
    story.triage.refresh_from_db()
    assert (story.triage.relevance, story.triage.in_digest, story.triage.response) == (
        3,
        True,
        "rebuttal",
    )
    actions = AuditEntry.objects.filter(object_id=str(story.triage.pk)).values_list(
        "action", flat=True
    )
    assert list(actions).count("monitoring.triage.updated") == 3


def test_a_bad_choice_gets_a_persian_message_and_changes_nothing(analyst_client: Client) -> None:
    story = make_story()
    row = triage(analyst_client, story.pk, "tone", "furious")
    assert gettext("That choice is not valid. Nothing was changed.") in row
    row = triage(analyst_client, story.pk, "story", "1")
    story.triage.refresh_from_db()
    assert (story.triage.tone, story.triage.status) == ("", TriageStatus.NEW)


def test_marking_a_story_urgent_alerts_once(analyst_client: Client) -> None:
    UserFactory.create(roles=[Role.GOVERNOR])
    story = make_story()
    url = reverse("monitoring:story_urgent", args=[story.pk])
    first = analyst_client.post(url, headers={"HX-Request": "true"}).content.decode()
    assert gettext("The alert was sent to the governor, the deputies and the director.") in first
    again = analyst_client.post(url, headers={"HX-Request": "true"}).content.decode()
    assert gettext("This story was alerted already; nothing was sent again.") in again
    assert Alert.objects.get().story == story


def test_the_desk_is_closed_to_other_roles(author_client: Client) -> None:
    story = make_story()
    assert author_client.get(reverse("monitoring:story_list")).status_code == 403
    assert author_client.get(reverse("monitoring:source_list")).status_code == 403
    response = author_client.post(
        reverse("monitoring:story_triage", args=[story.pk]), {"field": "tone", "value": "positive"}
    )
    assert response.status_code in (403, 404)


def test_the_desk_appears_in_the_navigation_only_for_its_people(
    analyst_client: Client, author_client: Client
) -> None:
    link = f'href="{reverse("monitoring:story_list")}"'
    assert link in analyst_client.get(reverse("core:dashboard")).content.decode()
    assert link not in author_client.get(reverse("core:dashboard")).content.decode()


def test_a_new_source_is_due_at_once_and_a_bad_address_is_refused_in_persian(
    analyst_client: Client,
) -> None:
    data = {
        "name": "خبرگزاری ایرنا",
        "kind": "news_agency",
        "feed_url": "https://www.irna.ir/rss",
        "feed_type": "rss",
        "tier": "1",
    }
    response = analyst_client.post(reverse("monitoring:source_create"), data)
    source = Source.objects.get()
    assert response.status_code == 302
    assert SourceState.objects.get(source=source).next_poll_at is not None
    bad = analyst_client.post(
        reverse("monitoring:source_create"), {**data, "feed_url": "file:///etc/passwd"}
    )
    assert bad.status_code == 200
    assert Source.objects.count() == 1
    assert bad.context["form"].errors["feed_url"]


def test_pausing_and_resuming_a_source(analyst_client: Client) -> None:
    source = SourceFactory.create()
    analyst_client.post(reverse("monitoring:source_toggle", args=[source.pk]))
    source.refresh_from_db()
    assert not source.is_active
    analyst_client.post(reverse("monitoring:source_toggle", args=[source.pk]))
    source.refresh_from_db()
    assert source.is_active


def test_opml_import_adds_new_feeds_and_skips_known_ones(analyst_client: Client) -> None:
    SourceFactory.create(feed_url="https://www.irna.ir/rss")
    opml = (
        '<?xml version="1.0"?><opml version="2.0"><body>'
        '<outline text="ایرنا" xmlUrl="https://www.irna.ir/rss"/>'
        '<outline text="ایسنا" xmlUrl="https://www.isna.ir/rss" htmlUrl="https://www.isna.ir/"/>'
        '<outline text="بد" xmlUrl="javascript:alert(1)"/></body></opml>'
    ).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = analyst_client.post(
        reverse("monitoring:source_import"),
        {"file": SimpleUploadedFile("feeds.opml", opml, "text/x-opml")},
    )
    assert response.status_code == 302
    assert set(Source.objects.values_list("name", flat=True)) >= {"ایسنا"}
    assert not Source.objects.filter(feed_url__startswith="javascript").exists()


def test_the_governor_acknowledges_an_alert(governorate: Organisation) -> None:
    governor = UserFactory.create(organisation=governorate, roles=[Role.GOVERNOR])
    alert = make_alert(governorate, governor)
    client = client_for(governor)
    page = client.get(reverse("monitoring:alert_detail", args=[alert.pk])).content.decode()
    assert 'data-testid="acknowledge"' in page
    client.post(reverse("monitoring:alert_acknowledge", args=[alert.pk]))
    assert alert.receipts.get().acknowledged_at is not None
    page = client.get(reverse("monitoring:alert_detail", args=[alert.pk])).content.decode()
    assert 'data-testid="acknowledged"' in page


def test_the_story_page_shows_the_lead_once_when_the_text_repeats_it(
    analyst_client: Client,
) -> None:
    lead = "استاندار تهران صبح امروز از پروژه‌های عمرانی شهرستان ری بازدید کرد."
    story = make_story(lead=lead)
    page = analyst_client.get(reverse("monitoring:story_detail", args=[story.pk]))
    assert page.content.decode().count(lead) == 1


def test_copies_of_one_story_fold_into_one_search_result(
    analyst_client: Client, settings: Any, tmp_path: Path
) -> None:
    settings.SEARCH_INDEX_DIR = tmp_path / "search"
    story = make_story(title="بازدید استاندار از تصفیه‌خانه آب ری")
    first = story.first_item
    assert first is not None
    copy = MonitoredItem.objects.create(
        source=SourceFactory.create(),
        story=story,
        url="https://copy.example.ir/1",
        url_hash="c" * 64,
        title=first.title,
        lead=first.lead,
        body_text=first.body_text,
        fetched_at=first.fetched_at,
        at=first.at,
        content_hash=first.content_hash,
        fingerprint=first.fingerprint,
    )
    try:
        index_rows("monitoring", [str(first.pk), str(copy.pk)])
        response = analyst_client.get(reverse("core:search"), {"q": "تصفیه‌خانه"})
        (row,) = response.context["rows"]
        assert row.more == 1
        assert row.url == reverse("monitoring:story_detail", args=[story.pk])
    finally:
        release_index()
