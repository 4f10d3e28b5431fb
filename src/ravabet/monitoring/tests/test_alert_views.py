"""The alert screens: the recipient's page (read receipt on opening, one-tap
acknowledgement), the desk's view of every receipt, the list, and who may see what."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from pytest_django import DjangoAssertNumQueries

from ravabet.conftest import client_for
from ravabet.core.models import Channel, Notification, Organisation, Role, User
from ravabet.core.tests.factories import UserFactory
from ravabet.monitoring.models import Alert
from ravabet.monitoring.services import alerts
from ravabet.monitoring.tests.factories import make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def governor(governorate: Organisation) -> User:
    return UserFactory.create(
        organisation=governorate,
        roles=[Role.GOVERNOR],
        bale_chat_id="4815162342",
        mobile="09121234567",
    )


@pytest.fixture
def analyst(governorate: Organisation) -> User:
    return UserFactory.create(organisation=governorate, roles=[Role.MONITORING_ANALYST])


@pytest.fixture
def alert(governor: User) -> Alert:
    raised = alerts.raise_alert(make_story(title="آتش‌سوزی در انبار شهرستان ورامین"))
    assert raised is not None
    return raised


def detail(alert: Alert) -> str:
    return reverse("monitoring:alert_detail", args=[alert.pk])


def acknowledge_url(alert: Alert) -> str:
    return reverse("monitoring:alert_acknowledge", args=[alert.pk])


def test_opening_the_alert_page_is_the_read_receipt(governor: User, alert: Alert) -> None:
    page = client_for(governor).get(detail(alert)).content.decode()
    assert 'data-testid="acknowledge"' in page
    assert Notification.objects.get(recipient=governor).read_at is not None
    assert alert.receipts.get().acknowledged_at is None


def test_opening_the_notification_under_the_bell_marks_it_read_and_opens_the_alert(
    governor: User, alert: Alert
) -> None:
    note = Notification.objects.get(recipient=governor)
    response = client_for(governor).post(
        reverse("core:notification_read", args=[note.pk]), {"open": "1"}
    )
    assert response["Location"] == detail(alert)
    note.refresh_from_db()
    assert note.read_at is not None


def test_the_governor_acknowledges_in_one_tap(governor: User, alert: Alert) -> None:
    client = client_for(governor)
    response = client.post(acknowledge_url(alert))
    assert response["Location"] == detail(alert)
    assert alert.receipts.get().acknowledged_at is not None
    page = client.get(detail(alert)).content.decode()
    assert 'data-testid="acknowledged"' in page
    assert 'data-testid="acknowledge"' not in page


def test_the_desk_sees_who_was_told_on_which_channel_and_who_was_escalated(
    governor: User, director: User, analyst: User, alert: Alert, settings: Any
) -> None:
    settings.MONITORING_ALERT_ESCALATE_AFTER = timedelta(minutes=10)
    # The director was told too (e-mail only) and acknowledges; the governor ignores it.
    alerts.acknowledge(alert, by=director)
    alert.receipts.filter(recipient=governor).update(escalate_at=timezone.now())
    assert alerts.escalate_due_alerts() == 1
    client = client_for(analyst)
    page = client.get(detail(alert)).content.decode()
    assert page.count('data-testid="receipt"') == 2
    assert str(governor) in page
    assert str(director) in page
    assert gettext("Bale messenger") in page
    assert gettext("SMS") in page
    assert gettext("E-mail") in page
    # A desk visit is not a read receipt, and the desk cannot acknowledge for anyone.
    assert not Notification.objects.filter(recipient=governor, read_at__isnull=False).exists()
    assert 'data-testid="acknowledge"' not in page
    assert client.post(acknowledge_url(alert)).status_code == 403


def test_the_recipients_page_shows_no_receipts_of_others(
    governor: User, director: User, alert: Alert
) -> None:
    page = client_for(governor).get(detail(alert)).content.decode()
    assert 'data-testid="receipt"' not in page


def test_a_colleague_who_was_not_told_cannot_open_or_acknowledge_the_alert(
    governorate: Organisation, alert: Alert
) -> None:
    editor = UserFactory.create(organisation=governorate, roles=[Role.NEWS_EDITOR])
    client = client_for(editor)
    assert client.get(detail(alert)).status_code == 403
    assert client.post(acknowledge_url(alert)).status_code == 403
    assert client.get(reverse("monitoring:alert_list")).status_code == 403
    assert not alert.receipts.filter(acknowledged_at__isnull=False).exists()


def test_an_agency_officer_cannot_see_alerts(author_client: Any, alert: Alert) -> None:
    assert author_client.get(reverse("monitoring:alert_list")).status_code == 403
    assert author_client.get(detail(alert)).status_code in (403, 404)


def test_the_desk_lists_every_alert_and_a_recipient_their_own(
    governorate: Organisation, governor: User, analyst: User, alert: Alert
) -> None:
    alerts.acknowledge(alert, by=governor)
    # An alert from before the deputy took office reached only the governor.
    deputy = UserFactory.create(organisation=governorate, roles=[Role.DEPUTY_GOVERNOR])
    later = alerts.raise_alert(make_story(title="قطعی برق در شهرستان پاکدشت"))
    assert later is not None
    desk = client_for(analyst).get(reverse("monitoring:alert_list")).content.decode()
    assert desk.count('data-testid="alert"') == 2
    assert "آتش‌سوزی در انبار شهرستان ورامین" in desk
    assert "قطعی برق در شهرستان پاکدشت" in desk
    own = client_for(deputy).get(reverse("monitoring:alert_list")).content.decode()
    assert own.count('data-testid="alert"') == 1
    assert "قطعی برق در شهرستان پاکدشت" in own
    assert gettext("Waiting for you") in own
    mine = client_for(governor).get(reverse("monitoring:alert_list")).content.decode()
    assert mine.count('data-testid="alert"') == 2
    assert gettext("You acknowledged it") in mine


def test_the_alert_list_takes_a_fixed_number_of_queries(
    analyst: User, governor: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = client_for(analyst)
    alerts.raise_alert(make_story(title="خبر نخست"))
    client.get(reverse("monitoring:alert_list"))
    for n in range(5):
        alerts.raise_alert(make_story(title=f"خبر شماره {n}"))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("monitoring:alert_list")).content.decode()
    assert page.count('data-testid="alert"') == 6


def test_the_desk_can_send_a_critical_alert_from_the_queue(analyst: User, governor: User) -> None:
    story = make_story()
    client_for(analyst).post(
        reverse("monitoring:story_urgent", args=[story.pk]),
        {"critical": "1"},
        headers={"HX-Request": "true"},
    )
    alert = Alert.objects.get(story=story)
    assert alert.critical
    assert alert.raised_by == analyst
    assert governor.outbox_messages.get().channel == Channel.BALE


# --- Choosing the channels of urgent alerts --------------------------------------------------


def preferences_fragment(user: User) -> str:
    url = reverse("core:notification_preferences")
    return client_for(user).get(url, headers={"HX-Request": "true"}).content.decode()


def test_an_alert_recipient_chooses_the_channels_of_urgent_alerts_apart(governor: User) -> None:
    fragment = preferences_fragment(governor)
    # Fastest first, every channel ticked until the person chooses.
    field = fragment.split('name="own_monitoring_alert"')
    assert len(field) == 4
    assert all(" checked" in piece.split(">")[0] for piece in field[1:])
    assert [piece.split('value="')[1].split('"')[0] for piece in field[1:]] == [
        "bale",
        "sms",
        "email",
    ]
    response = client_for(governor).post(
        reverse("core:notification_preferences"),
        {"channels": ["email"], "own_monitoring_alert": ["sms", "email"]},
        headers={"HX-Request": "true"},
    )
    assert "message-success" in response.content.decode()
    # Bale is on file but not chosen: the alert goes by text message, e-mail after it.
    alert = alerts.raise_alert(make_story())
    assert alert is not None
    outbox = governor.outbox_messages.values_list("channel", flat=True)
    assert list(outbox) == [Channel.SMS]


def test_with_no_channel_ticked_an_urgent_alert_stays_under_the_bell(governor: User) -> None:
    client_for(governor).post(
        reverse("core:notification_preferences"),
        {"channels": ["email"]},
        headers={"HX-Request": "true"},
    )
    assert alerts.raise_alert(make_story()) is not None
    assert not governor.outbox_messages.exists()
    assert Notification.objects.get(recipient=governor).urgent


def test_people_who_get_no_alerts_are_not_asked_about_them(analyst: User) -> None:
    assert "own_monitoring_alert" not in preferences_fragment(analyst)
