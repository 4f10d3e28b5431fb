"""The morning digest: compiled from the stories selected in triage into their sections, edited
by the analyst (every change audited), approved by the director once, delivered once at the
configured time to the readers, a late director told once; who may read what."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from ravabet.conftest import client_for
from ravabet.core.models import AuditEntry, Notification, Organisation, Role, Schedule, User
from ravabet.core.search.backends.tantivy_index import release_index
from ravabet.core.search.indexing import rebuild
from ravabet.core.tests.factories import OrganisationFactory, UserFactory
from ravabet.lib import jalali
from ravabet.monitoring import tasks
from ravabet.monitoring.models import (
    DigestEdition,
    DigestEntry,
    DigestSection,
    DigestStatus,
    Priority,
    Story,
    TriageStatus,
)
from ravabet.monitoring.services import digest
from ravabet.monitoring.tests.factories import make_edition, make_story

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 27)  # ۶ آذر ۱۴۰۵
LOCKED = (
    "This digest has been approved and can no longer be changed. The PR director can reopen it."
)


@pytest.fixture
def analyst(governorate: Organisation) -> User:
    return UserFactory.create(organisation=governorate, roles=[Role.MONITORING_ANALYST])


@pytest.fixture
def governor(governorate: Organisation) -> User:
    return UserFactory.create(organisation=governorate, roles=[Role.GOVERNOR])


@pytest.fixture
def county(governorate: Organisation) -> Organisation:
    return OrganisationFactory.create(
        parent=governorate, kind="county", name_fa="فرمانداری شهرستان ری"
    )


@pytest.fixture
def county_governor(county: Organisation) -> User:
    return UserFactory.create(organisation=county, roles=[Role.COUNTY_GOVERNOR])


def select(story: Story, *, priority: str = Priority.NORMAL, relevance: int | None = None) -> Story:
    """Mark ``story`` for the digest as an analyst would in triage."""
    story.triage.in_digest = True
    story.triage.status = TriageStatus.KEPT
    story.triage.priority = priority
    story.triage.relevance = relevance
    story.triage.save()
    return story


def sections_of(edition: DigestEdition) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for entry in DigestEntry.objects.filter(edition=edition).order_by("section", "position"):
        found.setdefault(entry.section, []).append(entry.headline)
    return found


def actions_on(model_objects: list[Any]) -> list[str]:
    ids = [str(o.pk) for o in model_objects]
    return list(
        AuditEntry.objects.filter(object_id__in=ids).order_by("pk").values_list("action", flat=True)
    )


# --- Compiling -----------------------------------------------------------------------------------


def test_compiling_takes_the_selected_stories_into_their_default_sections(
    analyst: User, governorate: Organisation, county: Organisation, org_a: Organisation
) -> None:
    revolutionary = OrganisationFactory.create(parent=governorate, kind="revolutionary")
    deputy = OrganisationFactory.create(parent=governorate, kind="deputy")
    select(make_story(title="سفر استاندار", organisation=governorate))
    select(make_story(title="معاون سیاسی استاندار", organisation=deputy))
    official = make_story(title="گفت‌وگوی استاندار با خبرنگاران")
    official.official = "استاندار تهران"
    official.save()
    select(official)
    select(make_story(title="آبرسانی در ری", organisation=county))
    select(make_story(title="مدارس آموزش و پرورش", organisation=org_a))
    select(make_story(title="بنیاد مسکن", organisation=revolutionary))
    select(make_story(title="تورم کشوری"))
    select(make_story(title="آتش‌سوزی انبار", organisation=org_a), priority=Priority.CRITICAL)
    make_story(title="خبر انتخاب‌نشده")
    dismissed = select(make_story(title="خبر کنارگذاشته"))
    dismissed.triage.status = TriageStatus.DISMISSED
    dismissed.triage.save()
    earlier = make_edition(day=DAY - dt.timedelta(days=1), stories=[select(make_story())])

    edition = digest.compile_edition(DAY, by=analyst)

    assert edition.status == DigestStatus.DRAFT
    assert sections_of(edition) == {
        DigestSection.CRITICAL: ["آتش‌سوزی انبار"],
        DigestSection.GOVERNOR: [
            "سفر استاندار",
            "معاون سیاسی استاندار",
            "گفت‌وگوی استاندار با خبرنگاران",
        ],
        DigestSection.COUNTIES: ["آبرسانی در ری"],
        DigestSection.AGENCIES: ["مدارس آموزش و پرورش", "بنیاد مسکن"],
        DigestSection.NATIONAL: ["تورم کشوری"],
    }
    assert earlier.entries.count() == 1
    assert "monitoring.digestentry.added" in actions_on(list(edition.entries.all()))


def test_an_entry_starts_with_the_lead_items_title_and_lead_and_the_priority_order(
    analyst: User,
) -> None:
    lead = "استاندار تهران صبح امروز در جلسه شورای برنامه‌ریزی استان از تکمیل تصفیه‌خانه خبر داد."
    low = select(make_story(title="خبر کم‌اهمیت"), priority=Priority.LOW)
    key = select(make_story(title="خبر کلیدی", lead=lead), priority=Priority.HIGH, relevance=3)
    normal = select(make_story(title="خبر معمولی"), relevance=1)

    edition = digest.compile_edition(DAY, by=analyst)

    entries = list(edition.entries.order_by("position"))
    assert [e.story_id for e in entries] == [key.pk, normal.pk, low.pk]
    assert (entries[0].headline, entries[0].summary) == ("خبر کلیدی", lead)


def test_an_entrys_text_is_tidied_to_persian_letters_and_digits(analyst: User) -> None:
    select(make_story(title="افتتاح 12 مدرسه در شهرستان ري", lead="ظرفيت   كلاس‌‌ها 30 نفر"))
    entry = digest.compile_edition(DAY, by=analyst).entries.get()
    assert (entry.headline, entry.summary) == (
        "افتتاح ۱۲ مدرسه در شهرستان ری",
        "ظرفیت کلاس‌ها ۳۰ نفر",
    )


def test_refreshing_a_draft_adds_new_selections_and_drops_unselected_ones(analyst: User) -> None:
    kept = select(make_story(title="خبر ماندنی"))
    dropped = select(make_story(title="خبر حذف‌شدنی"))
    edition = digest.compile_edition(DAY, by=analyst)
    dropped.triage.in_digest = False
    dropped.triage.save()
    added = select(make_story(title="خبر تازه"))

    again = digest.compile_edition(DAY, by=analyst)

    assert again.pk == edition.pk
    assert list(edition.entries.order_by("position").values_list("story_id", flat=True)) == [
        kept.pk,
        added.pk,
    ]


def test_the_desk_prepares_todays_edition_before_delivery_and_tomorrows_after(
    settings: Any,
) -> None:
    settings.MONITORING_DIGEST_TIME = dt.time(7, 0)
    before = dt.datetime(2026, 11, 27, 6, 30, tzinfo=jalali.TEHRAN)
    after = dt.datetime(2026, 11, 27, 9, 0, tzinfo=jalali.TEHRAN)
    assert digest.next_edition_day(before) == DAY
    assert digest.next_edition_day(after) == DAY + dt.timedelta(days=1)
    late = make_edition(day=DAY, status=DigestStatus.DRAFT)
    assert digest.next_edition_day(after) == DAY
    late.status = DigestStatus.SENT
    late.save()
    assert digest.next_edition_day(before) == DAY + dt.timedelta(days=1)


# --- The analyst's edits -------------------------------------------------------------------------


def post(client: Client, name: str, entry: DigestEntry, **data: str) -> str:
    response = client.post(reverse(name, args=[entry.pk]), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


def test_the_analyst_orders_moves_edits_and_removes_entries_and_each_change_is_audited(
    analyst: User,
) -> None:
    # Latin digits in the feed: the digest shows them in Persian.
    stories = [select(make_story(title=f"خبر شماره {n}")) for n in ("1", "2", "3")]
    edition = digest.compile_edition(DAY, by=analyst)
    first, second, third = edition.entries.order_by("position")
    client = client_for(analyst)

    post(client, "monitoring:digest_entry_move", first, direction="down")
    assert sections_of(edition)[DigestSection.NATIONAL] == [
        "خبر شماره ۲",
        "خبر شماره ۱",
        "خبر شماره ۳",
    ]
    page = post(client, "monitoring:digest_entry_move", third, section=DigestSection.GOVERNOR)
    assert sections_of(edition) == {
        DigestSection.NATIONAL: ["خبر شماره ۲", "خبر شماره ۱"],
        DigestSection.GOVERNOR: ["خبر شماره ۳"],
    }
    assert 'id="digest-sections"' in page
    post(
        client,
        "monitoring:digest_entry_edit",
        second,
        headline="  سرخط   ویراسته ",
        summary="خلاصهٔ تازه",
    )
    second.refresh_from_db()
    assert (second.headline, second.summary) == ("سرخط ویراسته", "خلاصهٔ تازه")
    page = post(client, "monitoring:digest_entry_remove", first)
    assert gettext("The story was taken out of the digest and unselected.") in page
    assert not DigestEntry.objects.filter(pk=first.pk).exists()
    stories[0].triage.refresh_from_db()
    assert stories[0].triage.in_digest is False

    actions = actions_on([first, second, third])
    assert actions.count("monitoring.digestentry.moved") >= 2
    assert "monitoring.digestentry.edited" in actions
    assert "monitoring.digestentry.removed" in actions
    assert AuditEntry.objects.filter(
        action="monitoring.digestentry.edited", actor=analyst, object_id=str(second.pk)
    ).exists()


def test_a_bad_move_or_an_empty_headline_gets_a_persian_message_and_changes_nothing(
    analyst: User,
) -> None:
    select(make_story(title="خبر"))
    entry = digest.compile_edition(DAY, by=analyst).entries.get()
    client = client_for(analyst)
    with translation.override("fa"):
        page = post(client, "monitoring:digest_entry_move", entry, section="weather")
        assert gettext("That section does not exist.") in page
        page = post(client, "monitoring:digest_entry_edit", entry, headline="  ", summary="x")
        assert "form-error" in page
    entry.refresh_from_db()
    assert (entry.section, entry.headline) == (DigestSection.NATIONAL, "خبر")


def test_after_approval_edits_are_refused_with_a_persian_message_until_the_director_reopens(
    analyst: User, director: User
) -> None:
    select(make_story(title="خبر تأییدشده"))
    edition = digest.compile_edition(DAY, by=analyst)
    entry = edition.entries.get()
    digest.approve_edition(edition, by=director)
    client = client_for(analyst)

    page = post(client, "monitoring:digest_entry_edit", entry, headline="تغییر", summary="")
    assert gettext(LOCKED) in page
    assert "این بولتن تأیید شده" in page
    post(client, "monitoring:digest_entry_remove", entry)
    entry.refresh_from_db()
    assert entry.headline == "خبر تأییدشده"
    with pytest.raises(digest.DigestError):
        digest.compile_edition(DAY, by=analyst)

    digest.reopen_edition(edition, by=director)
    post(client, "monitoring:digest_entry_edit", entry, headline="تغییر", summary="")
    entry.refresh_from_db()
    assert entry.headline == "تغییر"
    assert edition.status == DigestStatus.DRAFT


def test_the_analyst_writes_an_introduction_until_the_digest_is_approved(
    analyst: User, director: User
) -> None:
    select(make_story(title="خبر"))
    edition = digest.compile_edition(DAY, by=analyst)
    client = client_for(analyst)
    url = reverse("monitoring:digest_introduction", args=[DAY])

    assert client.post(url, {"introduction": "  خلاصهٔ مهم‌ترین خبرهای امروز.  "}).status_code == 302
    edition.refresh_from_db()
    assert edition.introduction == "خلاصهٔ مهم‌ترین خبرهای امروز."
    assert AuditEntry.objects.filter(
        action="monitoring.digestedition.edited", actor=analyst, object_id=str(edition.pk)
    ).exists()
    page = client.get(reverse("monitoring:digest_detail", args=[DAY])).content.decode()
    assert "خلاصهٔ مهم‌ترین خبرهای امروز." in page

    digest.approve_edition(edition, by=director)
    client.post(url, {"introduction": "متن دیگر"})
    edition.refresh_from_db()
    assert edition.introduction == "خلاصهٔ مهم‌ترین خبرهای امروز."


# --- Approval ------------------------------------------------------------------------------------


def test_only_the_pr_director_approves_and_an_empty_digest_cannot_be_approved(
    analyst: User, director: User
) -> None:
    empty = DigestEdition.objects.create(day=DAY)
    with pytest.raises(digest.DigestError):
        digest.approve_edition(empty, by=director)
    select(make_story())
    edition = digest.compile_edition(DAY, by=analyst)
    response = client_for(analyst).post(reverse("monitoring:digest_approve", args=[DAY]))
    assert response.status_code == 403
    with pytest.raises(digest.DigestError):
        digest.approve_edition(edition, by=analyst)
    edition.refresh_from_db()
    assert edition.status == DigestStatus.DRAFT

    response = client_for(director).post(reverse("monitoring:digest_approve", args=[DAY]))
    assert response.status_code == 302
    edition.refresh_from_db()
    assert (edition.status, edition.approved_by) == (DigestStatus.APPROVED, director)
    assert AuditEntry.objects.filter(
        action="monitoring.digestedition.approved", object_id=str(edition.pk)
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_two_directors_approving_at_once_one_wins(
    director: User, governorate: Organisation
) -> None:
    second = UserFactory.create(organisation=governorate, roles=[Role.PR_DIRECTOR])
    edition = make_edition(day=DAY, status=DigestStatus.DRAFT)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(by: User) -> None:
        try:
            start.wait()
            digest.approve_edition(DigestEdition.objects.get(pk=edition.pk), by=by)
            outcomes.append("approved")
        except digest.DigestError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (director, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "refused"]
    assert (
        AuditEntry.objects.filter(
            action="monitoring.digestedition.approved", object_id=str(edition.pk)
        ).count()
        == 1
    )


# --- Delivery ------------------------------------------------------------------------------------


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def digest_notes(kind: str = digest.DIGEST_KIND) -> dict[int, int]:
    counts: dict[int, int] = {}
    for recipient in Notification.objects.filter(kind=kind).values_list("recipient", flat=True):
        counts[recipient] = counts.get(recipient, 0) + 1
    return counts


@pytest.mark.usefixtures("media")
def test_delivery_sends_the_approved_edition_once_to_the_readers_and_the_desk(
    analyst: User, director: User, governor: User, county_governor: User, author: User
) -> None:
    select(make_story(title="بازدید استاندار از ری"))
    edition = digest.approve_edition(digest.compile_edition(DAY, by=analyst), by=director)
    at_seven = dt.datetime(2026, 11, 27, 7, 0, tzinfo=jalali.TEHRAN)

    assert digest.deliver_due(now=at_seven) == "sent"
    assert digest.deliver_due(now=at_seven) == "already sent"

    edition.refresh_from_db()
    assert edition.status == DigestStatus.SENT
    assert edition.sent_at == at_seven
    assert edition.pdf.name.endswith(".pdf")
    assert edition.pdf.read().startswith(b"%PDF")
    assert digest_notes() == {
        analyst.pk: 1,
        director.pk: 1,
        governor.pk: 1,
        county_governor.pk: 1,
    }
    note = Notification.objects.get(kind=digest.DIGEST_KIND, recipient=governor)
    assert note.url == reverse("monitoring:digest_detail", args=[DAY])
    assert note.title == "بولتن خبری صبح، جمعه ۶ آذر ۱۴۰۵"
    assert "• بازدید استاندار از ری" in note.body
    assert author.pk not in digest_notes()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("media")
def test_two_workers_delivering_at_once_send_the_digest_once(
    director: User, governor: User
) -> None:
    edition = make_edition(day=DAY, status=DigestStatus.DRAFT)
    digest.approve_edition(edition, by=director)
    at_seven = dt.datetime(2026, 11, 27, 7, 0, tzinfo=jalali.TEHRAN)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def worker() -> None:
        try:
            start.wait()
            outcomes.append(digest.deliver_due(now=at_seven))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already sent", "sent"]
    assert digest_notes() == {director.pk: 1, governor.pk: 1}
    assert (
        AuditEntry.objects.filter(
            action="monitoring.digestedition.sent", object_id=str(edition.pk)
        ).count()
        == 1
    )


def test_an_unapproved_digest_at_delivery_time_tells_the_director_once(
    analyst: User, director: User, governor: User
) -> None:
    at_seven = dt.datetime(2026, 11, 27, 7, 0, tzinfo=jalali.TEHRAN)
    assert digest.deliver_due(now=at_seven) == "late"
    select(make_story())
    digest.compile_edition(DAY, by=analyst)
    assert digest.deliver_due(now=at_seven) == "late"
    assert digest.deliver_due(now=at_seven + dt.timedelta(minutes=1)) == "late"

    assert digest_notes(digest.LATE_KIND) == {director.pk: 1}
    note = Notification.objects.get(kind=digest.LATE_KIND)
    assert note.urgent
    assert note.title == "بولتن خبری جمعه ۶ آذر ۱۴۰۵ هنوز تأیید نشده است"
    assert digest_notes() == {}
    assert DigestEdition.objects.get(day=DAY).status == DigestStatus.DRAFT


def test_the_delivery_runs_daily_at_the_configured_tehran_time(settings: Any) -> None:
    settings.MONITORING_DIGEST_TIME = dt.time(6, 30)
    tasks.register_schedules()
    schedule = Schedule.objects.get(name="monitoring-deliver-digest")
    assert schedule.daily_at == dt.time(6, 30)
    assert schedule.task_path == tasks.deliver_digest.module_path
    assert jalali.to_tehran(schedule.next_run_at).time() == dt.time(6, 30)


@pytest.mark.usefixtures("media")
def test_the_director_sends_an_approved_digest_now_and_the_desk_cannot(
    analyst: User, director: User, governor: User
) -> None:
    edition = make_edition(day=DAY, status=DigestStatus.DRAFT)
    digest.approve_edition(edition, by=director)
    url = reverse("monitoring:digest_send", args=[DAY])
    assert client_for(analyst).post(url).status_code == 403
    assert client_for(director).post(url).status_code == 302
    edition.refresh_from_db()
    assert edition.status == DigestStatus.SENT
    assert digest_notes() == {director.pk: 1, governor.pk: 1, analyst.pk: 1}
    # Sent is final: neither reopened nor sent again.
    with pytest.raises(digest.DigestError):
        digest.reopen_edition(edition, by=director)
    assert digest.send_edition(edition, by=director) is False


# --- Reading -------------------------------------------------------------------------------------


def test_readers_open_sent_editions_only_and_agencies_none(
    analyst: User, governor: User, county_governor: User, author: User
) -> None:
    make_edition(day=DAY, status=DigestStatus.SENT, stories=[make_story(title="خبر ارسال‌شده")])
    make_edition(day=DAY + dt.timedelta(days=1), status=DigestStatus.DRAFT)
    sent_url = reverse("monitoring:digest_detail", args=[DAY])
    draft_url = reverse("monitoring:digest_detail", args=[DAY + dt.timedelta(days=1)])
    assert sent_url == "/monitoring/digest/1405-09-06/"
    for reader in (governor, county_governor):
        client = client_for(reader)
        page = client.get(sent_url)
        assert page.status_code == 200
        assert "خبر ارسال‌شده" in page.content.decode()
        assert client.get(draft_url).status_code == 404
        assert client.get(reverse("monitoring:digest_pdf", args=[DAY])).status_code == 200
    assert client_for(analyst).get(draft_url).status_code == 200
    assert client_for(author).get(sent_url).status_code == 403
    assert client_for(author).get(reverse("monitoring:digest_list")).status_code == 403
    assert client_for(governor).get("/monitoring/digest/1405-12-31/").status_code == 404


def test_the_digest_is_in_the_navigation_of_readers_and_the_desk_only(
    governor: User, analyst: User, author: User
) -> None:
    url = reverse("monitoring:digest_list")
    for person, shown in ((governor, True), (analyst, True), (author, False)):
        page = client_for(person).get(reverse("core:dashboard")).content.decode()
        assert (f'href="{url}"' in page) is shown


def test_the_archive_lists_a_jalali_months_editions_and_opens_a_typed_day(
    governor: User,
) -> None:
    make_edition(day=DAY)
    make_edition(day=dt.date(2026, 10, 1))  # ۹ مهر ۱۴۰۵
    client = client_for(governor)
    page = client.get(reverse("monitoring:digest_list"), {"month": "1405-09"}).content.decode()
    assert "جمعه ۶ آذر ۱۴۰۵" in page
    assert "مهر ۱۴۰۵" not in page
    page = client.get(reverse("monitoring:digest_list"), {"month": "1405-07"}).content.decode()
    assert "۹ مهر ۱۴۰۵" in page
    response = client.get(reverse("monitoring:digest_list"), {"day": "۱۴۰۵/۰۹/۰۶"})
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:digest_detail", args=[DAY])


def test_the_archive_finds_entries_of_sent_editions_by_their_words(
    settings: Any, tmp_path: Path, governor: User, director: User
) -> None:
    settings.SEARCH_INDEX_DIR = tmp_path / "search"
    make_edition(day=DAY, stories=[make_story(title="افتتاح تصفیه‌خانه آب جنوب تهران")])
    make_edition(
        day=DAY + dt.timedelta(days=1),
        status=DigestStatus.DRAFT,
        stories=[make_story(title="پیش‌نویس تصفیه‌خانه")],
    )
    rebuild(digest.SEARCH_LABEL)
    try:
        response = client_for(director).get(reverse("monitoring:digest_list"), {"q": "تصفيه خانه"})
        hits = response.context["hits"]
        assert [hit.instance.headline for hit in hits.hits] == ["افتتاح تصفیه‌خانه آب جنوب تهران"]
        assert f"{reverse('monitoring:digest_detail', args=[DAY])}#entry-" in (
            response.content.decode()
        )
    finally:
        release_index()


@pytest.mark.usefixtures("media")
def test_a_sent_digests_pdf_is_kept_and_made_again_when_the_file_is_gone(
    director: User, governor: User
) -> None:
    edition = make_edition(day=DAY, status=DigestStatus.DRAFT)
    digest.approve_edition(edition, by=director)
    digest.send_edition(edition)
    edition.refresh_from_db()
    path = Path(edition.pdf.path)
    assert path.exists()
    path.unlink()
    response = client_for(governor).get(reverse("monitoring:digest_pdf", args=[DAY]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    edition.refresh_from_db()
    assert Path(edition.pdf.path).exists()
    assert AuditEntry.objects.filter(
        action="monitoring.digestedition.rendered", object_id=str(edition.pk)
    ).exists()


def test_a_county_governor_reads_the_digest_but_not_its_audit_history(
    county_governor: User, director: User
) -> None:
    edition = make_edition(day=DAY)
    history = reverse("core:object_history", args=["monitoring.digestedition", edition.pk])
    assert client_for(county_governor).get(history).status_code == 404
    assert client_for(director).get(history).status_code == 200


def test_the_edition_page_and_the_archive_take_as_many_queries_for_many_stories_as_for_few(
    governor: User, analyst: User
) -> None:
    few = make_edition(day=DAY, stories=[make_story() for _ in range(2)])
    many = make_edition(day=DAY + dt.timedelta(days=1), stories=[make_story() for _ in range(12)])
    counts = []
    for person, name in (
        (governor, "monitoring:digest_detail"),
        (analyst, "monitoring:digest_edit"),
    ):
        client = client_for(person)
        for edition in (few, many):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name, args=[edition.day])).status_code == 200
            counts.append(len(queries))
    with CaptureQueriesContext(connection) as few_months:
        client_for(governor).get(reverse("monitoring:digest_list"), {"month": "1405-09"})
    make_edition(day=DAY + dt.timedelta(days=2))
    with CaptureQueriesContext(connection) as more_months:
        client_for(governor).get(reverse("monitoring:digest_list"), {"month": "1405-09"})
    assert counts[0] == counts[1]
    assert counts[2] == counts[3]
    assert len(few_months) == len(more_months)
