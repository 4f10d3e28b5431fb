"""The bell, the notifications page, read receipts and the preferences form."""

from __future__ import annotations

import datetime as dt
import time

from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from pytest_django import DjangoAssertNumQueries

from ravabet.conftest import client_for
from ravabet.core.middleware import SESSION_SEEN
from ravabet.core.models import Channel, Notification, NotificationPreference, User
from ravabet.core.tests.factories import NotificationFactory

POLL = {"X-Ravabet-Background": "1", "HX-Request": "true"}
HTMX = {"HX-Request": "true"}


def test_bell_shows_the_unread_count_and_polls_every_thirty_seconds_in_the_background(
    author: User, author_client: Client
) -> None:
    NotificationFactory.create_batch(3, recipient=author)
    NotificationFactory.create(recipient=author, read_at=timezone.now())
    html = author_client.get(reverse("core:dashboard")).content.decode()
    assert '<span class="badge">۳</span>' in html
    assert f'href="{reverse("core:notification_list")}"' in html
    assert f'hx-get="{reverse("core:notification_bell")}"' in html
    assert 'hx-trigger="every 30s"' in html
    assert """hx-headers='{"X-Ravabet-Background": "1"}'""" in html


def test_bell_fragment_counts_only_the_persons_own_unread_notifications(
    author: User, colleague: User, author_client: Client
) -> None:
    NotificationFactory.create_batch(2, recipient=author)
    NotificationFactory.create_batch(5, recipient=colleague)
    response = author_client.get(reverse("core:notification_bell"), headers=POLL)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="bell"') == 1
    assert '<span class="badge">۲</span>' in html


def test_bell_fragment_takes_a_fixed_number_of_queries(
    author: User, author_client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    NotificationFactory.create_batch(5, recipient=author)
    # Session, user, roles, the count, and the session middleware's save (three statements).
    with django_assert_max_num_queries(7):
        response = author_client.get(reverse("core:notification_bell"), headers=POLL)
    assert '<span class="badge">۵</span>' in response.content.decode()


def test_a_link_that_is_not_a_path_on_this_site_is_never_rendered_or_followed(
    author: User, author_client: Client
) -> None:
    note = NotificationFactory.create(recipient=author, url="javascript:alert(1)")
    html = author_client.get(reverse("core:notification_list")).content.decode()
    assert "javascript:" not in html
    response = author_client.post(reverse("core:notification_read", args=[note.pk]), {"open": "1"})
    assert response["Location"] == reverse("core:notification_list")


def test_bell_without_unread_notifications_shows_no_badge(author_client: Client) -> None:
    html = author_client.get(reverse("core:notification_bell")).content.decode()
    assert "badge" not in html


def test_bell_polling_does_not_keep_an_idle_session_alive(
    author: User, author_client: Client
) -> None:
    session = author_client.session
    idle_since = time.time() - 60
    session[SESSION_SEEN] = idle_since
    session.save()
    author_client.get(reverse("core:notification_bell"), headers=POLL)
    assert author_client.session[SESSION_SEEN] == idle_since
    author_client.get(reverse("core:notification_list"))
    assert author_client.session[SESSION_SEEN] > idle_since


def test_notifications_page_lists_unread_first_with_jalali_times_and_links(
    author: User, author_client: Client
) -> None:
    old = NotificationFactory.create(
        recipient=author, title="خبر قدیمی خوانده‌شده", url="/organisations/"
    )
    Notification.objects.filter(pk=old.pk).update(
        created_at=dt.datetime(2025, 3, 21, 9, 30, tzinfo=dt.UTC),
        read_at=dt.datetime(2025, 3, 21, 10, 0, tzinfo=dt.UTC),
    )
    NotificationFactory.create(
        recipient=author, title="مصوبه تازه", url="/organisations/", urgent=True
    )
    html = author_client.get(reverse("core:notification_list")).content.decode()
    assert html.index("مصوبه تازه") < html.index("خبر قدیمی خوانده‌شده")
    assert "۱۴۰۴/۰۱/۰۱ ۱۳:۰۰" in html  # 1 Farvardin 1404, 13:00 Tehran
    assert 'href="/organisations/"' in html
    assert reverse("core:notification_read", args=[old.pk]) not in html
    assert "notification-urgent" in html


def test_notifications_page_shows_only_the_persons_own(
    author_client: Client, colleague: User
) -> None:
    NotificationFactory.create(recipient=colleague, title="پیام همکار")
    html = author_client.get(reverse("core:notification_list")).content.decode()
    assert "پیام همکار" not in html


def test_notifications_page_takes_a_fixed_number_of_queries(
    author: User, author_client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    NotificationFactory.create_batch(40, recipient=author)
    with django_assert_max_num_queries(12):
        response = author_client.get(reverse("core:notification_list"))
    assert response.content.decode().count('data-testid="notification"') == 30


def test_reading_a_notification_sets_its_read_time_once(
    author: User, author_client: Client
) -> None:
    note = NotificationFactory.create(recipient=author)
    url = reverse("core:notification_read", args=[note.pk])
    response = author_client.post(url)
    assert response.status_code == 302
    note.refresh_from_db()
    first_read = note.read_at
    assert first_read is not None
    author_client.post(url)
    note.refresh_from_db()
    assert note.read_at == first_read


def test_opening_a_notification_marks_it_read_and_follows_its_link(
    author: User, author_client: Client
) -> None:
    note = NotificationFactory.create(recipient=author, url="/organisations/")
    response = author_client.post(reverse("core:notification_read", args=[note.pk]), {"open": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/organisations/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_reading_through_htmx_returns_the_row_and_the_refreshed_bell(
    author: User, author_client: Client
) -> None:
    note = NotificationFactory.create(recipient=author)
    NotificationFactory.create(recipient=author)
    response = author_client.post(reverse("core:notification_read", args=[note.pk]), headers=HTMX)
    html = response.content.decode()
    assert f'id="notification-{note.pk}"' in html
    assert "notification-unread" not in html
    assert 'hx-swap-oob="true"' in html
    assert '<span class="badge">۱</span>' in html


def test_outsider_gets_404_marking_someone_elses_notification(
    author: User, outsider_client: Client
) -> None:
    note = NotificationFactory.create(recipient=author)
    url = reverse("core:notification_read", args=[note.pk])
    assert outsider_client.post(url).status_code == 404
    assert outsider_client.get(url).status_code == 405  # the same for every id
    note.refresh_from_db()
    assert note.read_at is None


def test_colleague_and_director_cannot_mark_someone_elses_notification_either(
    author: User, colleague: User, director_client: Client
) -> None:
    note = NotificationFactory.create(recipient=author)
    url = reverse("core:notification_read", args=[note.pk])
    assert client_for(colleague).post(url).status_code == 404
    assert director_client.post(url).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_read_all_marks_only_the_persons_own_unread_notifications(
    author: User, colleague: User, author_client: Client
) -> None:
    NotificationFactory.create_batch(3, recipient=author)
    theirs = NotificationFactory.create(recipient=colleague)
    response = author_client.post(reverse("core:notification_read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=author, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_visitor_is_sent_to_sign_in(author: User) -> None:
    note = NotificationFactory.create(recipient=author)
    client = Client()
    for url in (
        reverse("core:notification_list"),
        reverse("core:notification_bell"),
        reverse("core:notification_preferences"),
    ):
        assert client.get(url).status_code == 302
    assert client.post(reverse("core:notification_read", args=[note.pk])).status_code == 302


def test_profile_page_loads_the_notification_preferences(author_client: Client) -> None:
    html = author_client.get(reverse("core:profile")).content.decode()
    assert f'hx-get="{reverse("core:notification_preferences")}"' in html
    assert 'hx-trigger="load"' in html


def test_preferences_form_saves_channels_and_quiet_hours(
    author: User, author_client: Client
) -> None:
    url = reverse("core:notification_preferences")
    fragment = author_client.get(url, headers=HTMX).content.decode()
    assert 'value="email" id="id_channels_0" checked' in fragment  # the default
    response = author_client.post(
        url,
        {"channels": ["bale", "sms"], "quiet_start": "۲۲:۰۰", "quiet_end": "07:00"},
        headers=HTMX,
    )
    assert response.status_code == 200
    preference = NotificationPreference.objects.get(user=author, kind="*")
    assert preference.channels == ["bale", "sms"]
    assert preference.quiet_start == dt.time(22, 0)
    assert preference.quiet_end == dt.time(7, 0)
    html = response.content.decode()
    assert "message-success" in html
    # The person has no mobile or Bale chat yet, and is told so.
    unreachable = html.split('class="help unreachable"')[1].split("</p>")[0]
    with translation.override("fa"):
        assert str(Channel.SMS.label) in unreachable
        assert str(Channel.BALE.label) in unreachable
        assert str(Channel.EMAIL.label) not in unreachable


def test_preferences_without_htmx_return_to_the_profile(
    author: User, author_client: Client
) -> None:
    response = author_client.post(reverse("core:notification_preferences"), {"channels": []})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:profile")
    assert NotificationPreference.objects.get(user=author).channels == []


def test_quiet_hours_need_both_ends(author: User, author_client: Client) -> None:
    response = author_client.post(
        reverse("core:notification_preferences"), {"quiet_start": "22:00"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "form-error" in response.content.decode()
    assert not NotificationPreference.objects.filter(user=author).exists()
