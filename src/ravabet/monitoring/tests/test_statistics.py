"""The desk's statistics: the numbers for a known set of items and stories, and the page's
charts (bars counted), tables, Persian digits, access and query count."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from lxml import etree

from ravabet.conftest import client_for
from ravabet.core.models import Organisation, OrganisationKind, Role, User
from ravabet.core.tests.factories import OrganisationFactory, UserFactory
from ravabet.lib.jalali import TEHRAN
from ravabet.monitoring.models import Source, SourceKind, Story, Tone, Triage
from ravabet.monitoring.statistics_selectors import (
    daily_counts,
    first_publishers,
    items_per_source,
    release_pickup,
    tone_by_week,
    week_start,
)
from ravabet.monitoring.tests.factories import SourceFactory
from ravabet.monitoring.tests.items import add_item

pytestmark = pytest.mark.django_db

# A Wednesday, 14:00 in Tehran: 5 Dey 1403.
NOW = datetime(2024, 12, 25, 14, tzinfo=TEHRAN).astimezone(UTC)


@pytest.fixture
def analyst(governorate: Organisation) -> User:
    return UserFactory.create(organisation=governorate, roles=[Role.MONITORING_ANALYST])


def tehran(day: int, hour: int, month: int = 12) -> datetime:
    return datetime(2024, month, day, hour, tzinfo=TEHRAN)


def judge(story: Story, tone: str) -> None:
    triage = Triage.objects.get(story=story)
    triage.tone = tone
    triage.save()


def test_items_and_stories_count_on_their_tehran_day(analyst: User) -> None:
    irna, isna = SourceFactory.create(), SourceFactory.create()
    # 00:30 on 25 December in Tehran is still 24 December in UTC.
    first = add_item(irna, tehran(25, 0).replace(minute=30))
    add_item(isna, tehran(25, 9), story=first.story)
    add_item(irna, tehran(24, 23))
    add_item(irna, tehran(20, 12))

    days = daily_counts(for_user=analyst, days=7, now=NOW)

    assert [d.day.day for d in days] == [19, 20, 21, 22, 23, 24, 25]
    assert [(d.items, d.stories) for d in days] == [
        (0, 0),
        (1, 1),
        (0, 0),
        (0, 0),
        (0, 0),
        (1, 1),
        (2, 1),
    ]


def test_sources_are_ranked_by_items_and_by_stories_published_first(analyst: User) -> None:
    fast, slow, quiet = (SourceFactory.create(name=n) for n in ("ایرنا", "ایسنا", "مهر"))
    for hour in (8, 9, 10):
        story = add_item(fast, tehran(24, hour)).story
        add_item(slow, tehran(24, hour + 1), story=story)
    add_item(slow, tehran(23, 8))
    add_item(slow, tehran(23, 9))
    add_item(quiet, tehran(1, 9, month=11))  # older than the window

    by_items = items_per_source(for_user=analyst, days=30, now=NOW)
    firsts = first_publishers(for_user=analyst, days=30, now=NOW)

    assert [(s.name, s.count) for s in by_items] == [("ایسنا", 5), ("ایرنا", 3)]
    assert [(s.name, s.count) for s in firsts] == [("ایرنا", 3), ("ایسنا", 2)]
    assert items_per_source(for_user=analyst, days=30, now=NOW, limit=1)[0].name == "ایسنا"


def test_iranian_weeks_begin_on_saturday() -> None:
    assert week_start(tehran(25, 12).date()).isoformat() == "2024-12-21"  # a Saturday
    assert week_start(tehran(21, 12).date()).isoformat() == "2024-12-21"
    assert week_start(tehran(20, 12).date()).isoformat() == "2024-12-14"  # a Friday


def test_tone_is_counted_per_week_by_the_day_each_story_began(analyst: User) -> None:
    source = SourceFactory.create()
    judge(add_item(source, tehran(21, 10)).story, Tone.POSITIVE)  # this week's Saturday
    judge(add_item(source, tehran(24, 10)).story, Tone.NEGATIVE)
    judge(add_item(source, tehran(25, 10)).story, Tone.NEGATIVE)
    judge(add_item(source, tehran(20, 23)).story, Tone.NEUTRAL)  # last week's Friday
    add_item(source, tehran(24, 11))  # not judged: no tone

    weeks = tone_by_week(for_user=analyst, weeks=3, now=NOW)

    assert [w.start.isoformat() for w in weeks] == ["2024-12-07", "2024-12-14", "2024-12-21"]
    assert [(w.positive, w.neutral, w.negative) for w in weeks] == [
        (0, 0, 0),
        (0, 1, 0),
        (1, 0, 2),
    ]


def test_pickup_counts_the_other_outlets_that_carried_each_governorate_release(
    governorate: Organisation, org_a: Organisation, analyst: User
) -> None:
    portal = SourceFactory.create(kind=SourceKind.PROVINCIAL_SITE, organisation=governorate)
    channel = SourceFactory.create(kind=SourceKind.CHANNEL, organisation=governorate)
    agency_site = SourceFactory.create(kind=SourceKind.PROVINCIAL_SITE, organisation=org_a)
    outlets = [SourceFactory.create() for _ in range(3)]

    widely = add_item(portal, tehran(22, 9), title="بیانیه استانداری").story
    add_item(channel, tehran(22, 10), story=widely)  # the governorate's own channel: not pickup
    for outlet in outlets:
        add_item(outlet, tehran(22, 11), story=widely)
    add_item(outlets[0], tehran(22, 12), story=widely)  # the same outlet twice: once
    add_item(agency_site, tehran(22, 12), story=widely)
    once = add_item(portal, tehran(23, 9), title="اطلاعیه").story
    add_item(outlets[1], tehran(23, 10), story=once)
    add_item(portal, tehran(24, 9), title="خبر بی‌بازتاب")
    scooped = add_item(outlets[2], tehran(24, 8)).story  # an outlet was first: not a release
    add_item(portal, tehran(24, 9), story=scooped)

    pickup = release_pickup(for_user=analyst, days=30, now=NOW)

    assert (pickup.releases, pickup.picked_up, pickup.outlets) == (3, 2, 5)
    assert pickup.mean_outlets == pytest.approx(5 / 3)
    assert [(r.title, r.outlets) for r in pickup.top] == [
        ("بیانیه استانداری", 4),
        ("اطلاعیه", 1),
        ("خبر بی‌بازتاب", 0),
    ]


def test_a_unit_under_the_governorate_is_not_the_governorate(
    governorate: Organisation, analyst: User
) -> None:
    directorate = OrganisationFactory.create(parent=governorate, kind=OrganisationKind.DIRECTORATE)
    site = SourceFactory.create(kind=SourceKind.PROVINCIAL_SITE, organisation=directorate)
    add_item(site, tehran(22, 9))
    assert release_pickup(for_user=analyst, days=30, now=NOW).releases == 0


SVG = "{http://www.w3.org/2000/svg}"


def charts(page: str) -> dict[str, etree._Element]:
    """Each inline chart of the page by its id, parsed."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    found = {}
    for markup in re.findall(r'<svg [^>]*class="chart .*?</svg>', page, flags=re.DOTALL):
        svg = etree.fromstring(markup.encode(), parser)
        found[svg.attrib["id"]] = svg
    return found


def bar_count(svg: etree._Element) -> int:
    return sum(1 for r in svg.iter(f"{SVG}rect") if "chart-bar" in r.attrib.get("class", ""))


def test_the_page_draws_a_bar_for_every_figure_of_a_known_dataset(
    governorate: Organisation, analyst: User
) -> None:
    now = timezone.now()
    portal = SourceFactory.create(kind=SourceKind.PROVINCIAL_SITE, organisation=governorate)
    sources = [SourceFactory.create() for _ in range(4)]
    release = add_item(portal, now - timedelta(days=2)).story
    for source in sources[:3]:
        add_item(source, now - timedelta(days=1), story=release)
    judge(add_item(sources[0], now - timedelta(days=1)).story, Tone.POSITIVE)
    judge(add_item(sources[1], now - timedelta(days=1)).story, Tone.NEGATIVE)
    judge(add_item(sources[3], now - timedelta(days=15)).story, Tone.NEUTRAL)

    with translation.override("fa"):
        page = client_for(analyst).get(reverse("monitoring:statistics")).content.decode()
    found = charts(page)

    assert set(found) == {
        "chart-daily",
        "chart-sources",
        "chart-tone",
        "chart-pickup",
        "chart-first",
    }
    assert bar_count(found["chart-sources"]) == 5  # the portal and the four outlets
    assert bar_count(found["chart-first"]) == 4  # the portal and three outlets began a story
    assert bar_count(found["chart-pickup"]) == 1
    assert bar_count(found["chart-tone"]) == 3  # one bar per week and tone with a story
    points = list(found["chart-daily"].iter(f"{SVG}circle"))
    assert len(points) == 60  # items and stories on each of 30 days
    for svg in found.values():
        assert svg.attrib["role"] == "img"
        assert svg.find(f"{SVG}title") is not None
        assert svg.find(f"{SVG}desc") is not None
        assert svg.attrib["direction"] == "rtl"
    assert page.count('<details class="chart-table">') == 5
    # The counts are written in Persian digits on the chart and in the tables.
    values = [t.text or "" for t in found["chart-first"].iter(f"{SVG}text")]
    assert "۱" in values
    assert not any(re.fullmatch(r"[0-9,]+", value) for value in values)
    assert not re.search(r'<td class="num">[0-9]', page)


def test_the_page_says_so_when_there_is_nothing_to_draw(analyst: User) -> None:
    with translation.override("fa"):
        page = client_for(analyst).get(reverse("monitoring:statistics")).content.decode()
        assert translation.gettext("No item in these days.") in page
        assert translation.gettext("No story has been given a tone in these weeks.") in page
    assert set(charts(page)) == {"chart-daily"}


def test_statistics_are_for_the_desk(author_client: Client, director_client: Client) -> None:
    assert author_client.get(reverse("monitoring:statistics")).status_code == 403
    assert director_client.get(reverse("monitoring:statistics")).status_code == 200


def test_the_page_makes_the_same_few_queries_however_much_was_collected(
    analyst: User, django_assert_max_num_queries: Any
) -> None:
    client = client_for(analyst)
    now = timezone.now()
    sources: list[Source] = [SourceFactory.create() for _ in range(2)]
    add_item(sources[0], now - timedelta(days=1))
    client.get(reverse("monitoring:statistics"))
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("monitoring:statistics"))
    for day in range(20):
        source = SourceFactory.create()
        judge(add_item(source, now - timedelta(days=day)).story, Tone.POSITIVE)
        add_item(sources[day % 2], now - timedelta(days=day))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("monitoring:statistics"))


def test_a_person_looks_back_a_week_a_month_or_a_season(analyst: User) -> None:
    client = client_for(analyst)
    url = reverse("monitoring:statistics")
    for asked, shown in (("7", 7), ("۹۰", 90), ("", 30), ("365", 30), ("x", 30)):
        response = client.get(url, {"days": asked})
        assert response.status_code == 200
        assert response.context["window"] == shown
        assert len(response.context["days"]) == shown
        page = response.content.decode()
        assert f'href="?days={shown}" aria-current="page"' in page
