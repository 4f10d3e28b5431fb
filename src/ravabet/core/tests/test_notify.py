"""notify(): what it writes in the caller's transaction, idempotency, preferences, addresses,
quiet hours and what it enqueues after commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_tasks_db.models import DBTaskResult
from pytest_django import DjangoAssertNumQueries

from ravabet.core.models import (
    Channel,
    Notification,
    NotificationPreference,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    User,
)
from ravabet.core.notify import notify, outbox, preferences
from ravabet.lib.jalali import TEHRAN

CaptureOnCommit = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
SEND_TASK = "ravabet.core.notify.tasks.send_outbox_message"


def tell(
    users: list[User], *, key: str = "resolution-12-overdue", **options: Any
) -> list[Notification]:
    return notify(
        users,
        kind=options.pop("kind", "councils.resolution_overdue"),
        title=options.pop("title", "مصوبه ۱۲ از موعد گذشت"),
        body="گزارش پیشرفت ارسال نشده است.",
        url="/councils/resolutions/12/",
        key=key,
        **options,
    )


def channels_of(user: User) -> set[str]:
    return set(OutboxMessage.objects.filter(recipient=user).values_list("channel", flat=True))


def test_notify_writes_the_in_app_notification_and_an_email_by_default(author: User) -> None:
    [note] = tell([author])
    assert note.recipient == author
    assert note.read_at is None
    assert note.idempotency_key == f"resolution-12-overdue:{author.pk}:in_app"
    message = OutboxMessage.objects.get(recipient=author)
    assert message.channel == Channel.EMAIL
    assert message.address == author.email
    assert message.notification == note
    assert message.status == OutboxStatus.PENDING
    assert message.idempotency_key == f"resolution-12-overdue:{author.pk}:email"


def test_notify_twice_with_the_same_key_creates_and_enqueues_nothing_new(
    author: User, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    author.bale_chat_id = "123"
    author.save()
    NotificationPreference.objects.create(user=author, channels=["email", "bale"])
    with django_capture_on_commit_callbacks(execute=True):
        first = tell([author])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = tell([author])
    assert first == second
    assert Notification.objects.count() == 1
    assert OutboxMessage.objects.count() == 2
    assert callbacks == []
    assert DBTaskResult.objects.filter(task_path=SEND_TASK).count() == 2


def test_outbox_is_rolled_back_with_the_callers_transaction_and_nothing_is_enqueued(
    author: User, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    class ApprovalFailed(Exception):
        pass

    def approve() -> None:
        with transaction.atomic():
            tell([author])
            raise ApprovalFailed

    # Creating the persona enqueued its search-index update; count only what approve() adds.
    jobs_before = DBTaskResult.objects.count()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ApprovalFailed),
    ):
        approve()
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert DBTaskResult.objects.count() == jobs_before


def test_after_commit_one_send_task_is_enqueued_per_message(
    author: User, colleague: User, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        tell([author, colleague])
    ids = sorted(OutboxMessage.objects.values_list("pk", flat=True))
    enqueued = sorted(
        r.args_kwargs["args"][0] for r in DBTaskResult.objects.filter(task_path=SEND_TASK)
    )
    assert enqueued == ids
    assert len(ids) == 2


def test_urgent_send_tasks_jump_the_queue(
    author: User, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        tell([author], urgent=True)
    assert DBTaskResult.objects.get(task_path=SEND_TASK).priority > 0


def test_channel_is_skipped_for_a_person_with_no_address_on_it(
    author: User, colleague: User
) -> None:
    colleague.email = ""
    colleague.mobile = "09121234567"
    colleague.save()
    tell([author, colleague], channels=[Channel.EMAIL, Channel.SMS, Channel.BALE])
    assert channels_of(author) == {Channel.EMAIL}
    assert channels_of(colleague) == {Channel.SMS}
    assert Notification.objects.filter(recipient=colleague).exists()


def test_preference_for_a_kind_wins_over_the_general_one(author: User) -> None:
    author.mobile = "09121234567"
    author.bale_chat_id = "55"
    author.save()
    NotificationPreference.objects.create(user=author, kind="*", channels=["bale"])
    NotificationPreference.objects.create(
        user=author, kind="councils.resolution_overdue", channels=["sms"]
    )
    tell([author])
    tell([author], key="other-event", kind="newsroom.release_approved")
    assert set(
        OutboxMessage.objects.filter(kind="councils.resolution_overdue").values_list(
            "channel", flat=True
        )
    ) == {Channel.SMS}
    assert set(
        OutboxMessage.objects.filter(kind="newsroom.release_approved").values_list(
            "channel", flat=True
        )
    ) == {Channel.BALE}


def test_person_who_wants_only_the_bell_gets_no_outside_message(author: User) -> None:
    NotificationPreference.objects.create(user=author, channels=[])
    [note] = tell([author])
    assert note.pk is not None
    assert channels_of(author) == set()


def test_channels_given_by_the_caller_override_preferences(author: User) -> None:
    author.bale_chat_id = "55"
    author.save()
    NotificationPreference.objects.create(user=author, channels=["email"])
    tell([author], channels=[Channel.BALE, Channel.IN_APP])
    assert channels_of(author) == {Channel.BALE}


def test_unknown_channel_or_outside_link_is_a_programming_error(author: User) -> None:
    with pytest.raises(ValueError, match="unknown channels"):
        tell([author], channels=["telegram"])
    with pytest.raises(ValueError, match="paths on this site"):
        notify([author], kind="x", title="t", url="https://evil.example/", key="k")
    with pytest.raises(ValueError, match="paths on this site"):
        notify([author], kind="x", title="t", url="//evil.example/", key="k")
    with pytest.raises(ValueError, match="paths on this site"):
        notify([author], kind="x", title="t", url="/\\evil.example/", key="k")
    assert not Notification.objects.exists()


def test_disabled_account_is_not_notified(author: User, colleague: User) -> None:
    colleague.is_active = False
    colleague.save()
    notes = tell([author, colleague, author])
    assert [n.recipient for n in notes] == [author]
    assert not OutboxMessage.objects.filter(recipient=colleague).exists()


def test_title_is_written_in_each_recipients_language(author: User, colleague: User) -> None:
    colleague.language = "en"
    colleague.save()
    # A string Django itself translates, since our own catalogue comes later.
    tell([author, colleague], title=gettext_lazy("Yes"))
    assert Notification.objects.get(recipient=author).title == "بله"
    assert Notification.objects.get(recipient=colleague).title == "Yes"


def test_line_breaks_in_a_title_cannot_reach_an_email_header(author: User) -> None:
    tell([author], title="Hello\r\nBcc: victim@example.org")
    assert OutboxMessage.objects.get().subject == "Hello Bcc: victim@example.org"


def test_quiet_hours_hold_routine_and_urgent_messages_but_not_those_that_bypass_them(
    author: User, colleague: User, director: User
) -> None:
    local = timezone.now().astimezone(TEHRAN).replace(second=0, microsecond=0)
    start = (local - dt.timedelta(hours=1)).time()
    end = (local + dt.timedelta(hours=1)).time()
    for person in (author, colleague, director):
        NotificationPreference.objects.create(
            user=person, channels=["email"], quiet_start=start, quiet_end=end
        )
    tell([author], key="routine")
    tell([colleague], key="urgent", urgent=True)
    tell([director], key="critical", urgent=True, bypass_quiet_hours=True)
    for person in (author, colleague):
        held = OutboxMessage.objects.get(recipient=person)
        assert held.next_attempt_at.astimezone(TEHRAN) == local + dt.timedelta(hours=1)
    critical = OutboxMessage.objects.get(recipient=director)
    assert critical.next_attempt_at <= timezone.now()
    assert critical.urgent
    # The in-app notification is there at once for everyone.
    assert Notification.objects.count() == 3
    assert outbox.dispatch_due_outbox() == 1
    assert OutboxMessage.objects.get(recipient=author).status == OutboxStatus.PENDING
    assert OutboxMessage.objects.get(recipient=colleague).status == OutboxStatus.PENDING


def test_quiet_hours_hold_channels_given_by_the_caller_too(author: User) -> None:
    local = timezone.now().astimezone(TEHRAN).replace(second=0, microsecond=0)
    NotificationPreference.objects.create(
        user=author,
        channels=["email"],
        quiet_start=(local - dt.timedelta(hours=1)).time(),
        quiet_end=(local + dt.timedelta(hours=1)).time(),
    )
    tell([author], channels=[Channel.EMAIL], urgent=True)
    held = OutboxMessage.objects.get(recipient=author)
    assert held.next_attempt_at > timezone.now()


def test_reachable_channels_are_listed_fastest_first(author: User) -> None:
    author.mobile = "۰۹۱۲۱۲۳۴۵۶۷"
    author.bale_chat_id = "55"
    author.save()
    assert preferences.reachable(author) == (Channel.BALE, Channel.SMS, Channel.EMAIL)
    assert preferences.reachable(author, [Channel.EMAIL, Channel.SMS]) == (
        Channel.SMS,
        Channel.EMAIL,
    )
    author.bale_chat_id = author.email = ""
    assert preferences.reachable(author) == (Channel.SMS,)


def test_a_plan_says_whether_its_channels_were_chosen_for_the_kind(
    author: User, colleague: User
) -> None:
    NotificationPreference.objects.create(user=author, kind="*", channels=["email"])
    NotificationPreference.objects.create(user=colleague, kind="monitoring.alert", channels=[])
    plans = preferences.plans_for([author, colleague], "monitoring.alert")
    assert (plans[author.pk].specific, plans[colleague.pk].specific) == (False, True)
    assert plans[colleague.pk].channels == ()


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("23:30", "2025-03-02 07:00"),  # overnight window, before midnight
        ("03:00", "2025-03-01 07:00"),  # overnight window, after midnight
        ("07:00", None),  # the end itself is outside
        ("12:00", None),
        ("22:00", "2025-03-02 07:00"),  # the start itself is inside
    ],
)
def test_overnight_quiet_hours_end_at_the_next_morning(now: str, expected: str | None) -> None:
    moment = dt.datetime.combine(dt.date(2025, 3, 1), dt.time.fromisoformat(now), tzinfo=TEHRAN)
    until = preferences.quiet_until(moment, dt.time(22), dt.time(7))
    if expected is None:
        assert until is None
    else:
        assert until == dt.datetime.fromisoformat(expected).replace(tzinfo=TEHRAN)


def test_notifying_a_council_of_sixty_takes_a_fixed_number_of_queries(
    org_a: Organisation, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    # Built directly: hashing sixty passwords would dominate the test.
    User.objects.bulk_create(
        User(organisation=org_a, username=f"m{i}", email=f"m{i}@example.org") for i in range(60)
    )
    people = list(User.objects.filter(username__startswith="m"))
    with django_assert_max_num_queries(10):
        notes = tell(people)
    assert len(notes) == 60
    assert OutboxMessage.objects.count() == 60


def test_key_must_be_given_and_short_enough(author: User) -> None:
    with pytest.raises(ValueError, match="key"):
        tell([author], key="")
    with pytest.raises(ValueError, match="key"):
        tell([author], key="x" * 151)
