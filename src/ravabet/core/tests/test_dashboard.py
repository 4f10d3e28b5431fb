from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from ravabet.core.models import User
from ravabet.core.tests.factories import NotificationFactory
from ravabet.lib import jalali


def test_dashboard_greets_with_todays_jalali_date_and_the_persons_organisation(
    author_client: Client, author: User
) -> None:
    body = author_client.get(reverse("core:dashboard")).content.decode()
    assert jalali.format_date(timezone.now(), long=True) in body
    assert author.organisation.name_fa in body


def test_dashboard_lists_the_persons_unread_notifications_but_not_others(
    author_client: Client, author: User, colleague: User
) -> None:
    NotificationFactory.create(recipient=author, title="جلسه شورای اطلاع‌رسانی فردا")
    NotificationFactory.create(recipient=colleague, title="پیام همکار")
    NotificationFactory.create(
        recipient=author, title="اطلاعیه قدیمی بایگانی", read_at=timezone.now()
    )
    body = author_client.get(reverse("core:dashboard")).content.decode()
    assert "جلسه شورای اطلاع‌رسانی فردا" in body
    assert "پیام همکار" not in body
    assert "اطلاعیه قدیمی بایگانی" not in body


def test_dashboard_without_unread_notifications_says_so(author_client: Client) -> None:
    body = author_client.get(reverse("core:dashboard")).content.decode()
    with translation.override("fa"):
        assert translation.gettext("Nothing waits for you.") in body


def test_dashboard_query_count_does_not_grow_with_notifications(
    author_client: Client, author: User, django_assert_max_num_queries: Any
) -> None:
    NotificationFactory.create_batch(2, recipient=author)
    author_client.get(reverse("core:dashboard"))
    with django_assert_max_num_queries(20) as few:
        author_client.get(reverse("core:dashboard"))
    NotificationFactory.create_batch(10, recipient=author)
    with django_assert_max_num_queries(len(few.captured_queries)):
        author_client.get(reverse("core:dashboard"))
