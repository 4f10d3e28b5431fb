"""The monitoring demo's records: the sources pointing at the local news server, watch-lists on
the governor, deputies, counties and topics (one raising urgent alerts), topics for triage, and
a Bale and a mobile placeholder for the governor so alerts show their channels."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from ravabet.core.context import SYSTEM, acting_as
from ravabet.core.models import Organisation, User
from ravabet.monitoring.demo.outlets import OUTLETS
from ravabet.monitoring.models import FeedType, Source, Topic, WatchKind, WatchList
from ravabet.monitoring.services.polling import initial_state

FEED_TYPES = {
    "rss": FeedType.RSS,
    "rss1": FeedType.AUTO,  # RSS 1.0: left to detection, as a person adding it might
    "atom": FeedType.ATOM,
    "json": FeedType.JSON_FEED,
    "sitemap": FeedType.SITEMAP,
    "page": FeedType.PAGE,
}
AFFILIATION = "منبع ساختگی نسخه نمایشی؛ خبرها برای رابط نوشته شده‌اند."


@dataclass(frozen=True)
class DemoWatch:
    name: str
    kind: str
    query: str
    organisation: str = ""
    official: str = ""
    raises_alert: bool = False


EARTHQUAKE_WATCH = "زلزله (هشدار فوری)"
WATCHES = (
    DemoWatch(
        "استاندار تهران",
        WatchKind.PERSON,
        '"استاندار تهران" OR "حمید اکبری"',
        "tehran-governorate",
        "استاندار تهران",
    ),
    DemoWatch(
        "معاون سیاسی، امنیتی و اجتماعی استاندار",
        WatchKind.PERSON,
        '"معاون سیاسی" OR "محمد طاهری"',
        "deputy-political",
        "معاون سیاسی، امنیتی و اجتماعی استاندار",
    ),
    DemoWatch(
        "معاون عمرانی استاندار",
        WatchKind.PERSON,
        "معاون NEAR/3 عمرانی",
        "deputy-development",
        "معاون هماهنگی امور عمرانی استاندار",
    ),
    DemoWatch(
        "شهرستان شهریار",
        WatchKind.PLACE,
        'شهریار OR "شهر اندیشه" OR صباشهر',
        "county-shahriar",
    ),
    DemoWatch("شهرستان دماوند", WatchKind.PLACE, "دماوند OR رودهن OR آبعلی", "county-damavand"),
    DemoWatch("شهرستان ری", WatchKind.PLACE, '"شهرستان ری" OR شهرری OR "شهر ری"', "county-rey"),
    DemoWatch("شهرستان ورامین", WatchKind.PLACE, "ورامین", "county-varamin"),
    DemoWatch("شرکت آب منطقه‌ای تهران", WatchKind.AGENCY, '"آب منطقه‌ای"', "regional-water"),
    DemoWatch(
        "کم‌آبی و منابع آب",
        WatchKind.TOPIC,
        '"تنش آبی" OR کم‌آبی OR سدهای OR "مصرف آب" OR "آب شرب" OR "آب زیرزمینی"',
    ),
    DemoWatch(
        "آلودگی هوا",
        WatchKind.TOPIC,
        '"آلودگی هوا" OR "کیفیت هوا" OR "ذرات معلق" OR آلاینده*',
    ),
    DemoWatch(
        EARTHQUAKE_WATCH,
        WatchKind.TOPIC,
        "زلزله OR زمین‌لرزه -مانور",
        "crisis-management",
        raises_alert=True,
    ),
)
TOPICS = (
    "آب و کم‌آبی",
    "آلودگی هوا و محیط زیست",
    "ترافیک و حمل‌ونقل",
    "مدیریت بحران",
    "عمران و طرح‌های زیربنایی",
    "اقتصاد و اشتغال",
    "سلامت و درمان",
    "آموزش و پرورش",
    "امور اجتماعی",
    "سیاسی و انتخابات",
    "میراث فرهنگی و گردشگری",
    "شوراها و امور شهری",
)
# Where the governor's urgent alerts go in the demo: the pretend phone of the news server.
GOVERNOR_CHANNELS = {"bale_chat_id": "1000001", "mobile": "09120000001"}


def _sources(base_url: str, organisations: dict[str, Organisation]) -> int:
    created = 0
    for outlet in OUTLETS:
        feed_url = base_url + outlet.feed_path
        homepage = f"{base_url}/{outlet.code}/"
        source = Source.objects.filter(name=outlet.name, kind=outlet.kind).first()
        if source is not None:
            if source.feed_url != feed_url:  # the news server moved to another port
                source.feed_url, source.homepage = feed_url, homepage
                source.save(update_fields=["feed_url", "homepage"])
            continue
        source = Source.objects.create(
            name=outlet.name,
            kind=outlet.kind,
            feed_url=feed_url,
            feed_type=FEED_TYPES[outlet.feed],
            homepage=homepage,
            organisation=organisations.get(outlet.organisation),
            affiliation=AFFILIATION,
            tier=outlet.tier,
        )
        initial_state(source)
        created += 1
    return created


def _watch_lists(organisations: dict[str, Organisation]) -> int:
    created = 0
    for watch in WATCHES:
        _, made = WatchList.objects.get_or_create(
            name=watch.name,
            defaults={
                "kind": watch.kind,
                "query": watch.query,
                "organisation": organisations.get(watch.organisation),
                "official": watch.official,
                "raises_alert": watch.raises_alert,
            },
        )
        created += made
    return created


def _topics() -> int:
    return sum(Topic.objects.get_or_create(name=name)[1] for name in TOPICS)


def _governor_channels() -> None:
    """Give the governor persona a Bale chat and a mobile number where they have none."""
    for user in User.objects.filter(username="governor"):
        changed = [f for f, value in GOVERNOR_CHANNELS.items() if not getattr(user, f)]
        for name in changed:
            setattr(user, name, GOVERNOR_CHANNELS[name])
        if changed:
            user.save(update_fields=changed)


def load(base_url: str) -> dict[str, int]:
    """Create what is missing of the monitoring demo; returns what was created."""
    with transaction.atomic(), acting_as(SYSTEM):
        organisations = {o.code: o for o in Organisation.objects.all()}
        created = {
            "sources": _sources(base_url, organisations),
            "watch-lists": _watch_lists(organisations),
            "topics": _topics(),
        }
        _governor_channels()
    return created
