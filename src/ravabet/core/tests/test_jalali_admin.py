"""The Jalali admin mixin: Jalali inputs, changelist columns, read-only fields and filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpRequest
from django.test import RequestFactory
from django.urls import include, path
from django.utils import timezone, translation

from ravabet.core.forms import JalaliDateTimeField, JalaliDateTimeInput
from ravabet.core.jalali_admin import JalaliAdminMixin, JalaliDateFieldListFilter
from ravabet.core.models import AuditEntry, Schedule, User
from ravabet.core.tests.factories import UserFactory
from ravabet.lib.jalali import Period

UTC = dt.UTC
site = admin.AdminSite(name="jalali_test_admin")


class ScheduleAdmin(JalaliAdminMixin, admin.ModelAdmin[Schedule]):
    list_display = ["name", "next_run_at", "last_enqueued_at"]
    list_filter = ["enabled", "next_run_at"]
    date_hierarchy = "last_enqueued_at"
    readonly_fields = ["last_enqueued_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "task_path",
                    "interval_seconds",
                    ("next_run_at", "last_enqueued_at"),
                    "enabled",
                ]
            },
        )
    ]


site.register(Schedule, ScheduleAdmin)
urlpatterns = [
    path("", include("ravabet.core.urls")),
    path("admin/", admin.site.urls),
    path("jadmin/", site.urls),
]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def superuser(governorate: Any) -> User:
    return UserFactory.create(organisation=governorate, is_staff=True, is_superuser=True)


@pytest.fixture
def schedule(db: None) -> Schedule:
    # 00:30 on 1 Azar 1405 in Tehran; last run 23:59 on 30 Aban.
    return Schedule.objects.create(
        name="digest",
        task_path="x.y",
        interval_seconds=60,
        next_run_at=dt.datetime(2026, 11, 21, 21, 0, tzinfo=UTC),
        last_enqueued_at=dt.datetime(2026, 11, 21, 20, 29, tzinfo=UTC),
    )


def _request(user: User, method: str = "get", data: dict[str, str] | None = None) -> HttpRequest:
    factory = RequestFactory()
    make = factory.post if method == "post" else factory.get
    request = make("/jadmin/core/schedule/", data or {})
    request.user = user
    request.session = {}  # type: ignore[assignment]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
    return request


def _admin() -> ScheduleAdmin:
    model_admin = site.get_model_admin(Schedule)
    assert isinstance(model_admin, ScheduleAdmin)
    return model_admin


def test_changelist_shows_jalali_dates_in_tehran_time(superuser: User, schedule: Schedule) -> None:
    with translation.override("fa"):
        response = _admin().changelist_view(_request(superuser))
        body = response.render().content.decode()  # type: ignore[attr-defined]
    assert "۱۴۰۵/۰۹/۰۱ ۰۰:۳۰" in body
    assert "۱۴۰۵/۰۸/۳۰ ۲۳:۵۹" in body
    # The Jalali column still sorts by the field.
    assert "sortable column-next_run_at" in body


def test_changelist_date_filter_offers_jalali_months_and_replaces_the_hierarchy(
    superuser: User, schedule: Schedule
) -> None:
    with translation.override("en"):
        response = _admin().changelist_view(_request(superuser))
        changelist = response.context_data["cl"]  # type: ignore[attr-defined]
        body = response.render().content.decode()  # type: ignore[attr-defined]
        filters = [f for f in changelist.filter_specs if isinstance(f, JalaliDateFieldListFilter)]
        links = {str(title): params for title, params in filters[0].links}
    assert changelist.date_hierarchy is None
    assert {f.field_path for f in filters} == {"next_run_at", "last_enqueued_at"}
    this_month = Period.current("month")
    since, until = this_month.bounds_utc()
    assert links["This month"] == {
        "next_run_at__gte": timezone.localtime(since),
        "next_run_at__lt": timezone.localtime(until),
    }
    assert "Last month" in body


def test_jalali_month_filter_selects_the_right_rows(superuser: User, schedule: Schedule) -> None:
    azar = Period.parse("1405-09")
    since, until = (timezone.localtime(b) for b in azar.bounds_utc())
    inside = _request(
        superuser, data={"next_run_at__gte": str(since), "next_run_at__lt": str(until)}
    )
    aban = Period.parse("1405-08")
    since, until = (timezone.localtime(b) for b in aban.bounds_utc())
    outside = _request(
        superuser, data={"next_run_at__gte": str(since), "next_run_at__lt": str(until)}
    )
    assert list(_admin().changelist_view(inside).context_data["cl"].result_list) == [schedule]  # type: ignore[attr-defined]
    assert not list(_admin().changelist_view(outside).context_data["cl"].result_list)  # type: ignore[attr-defined]


def test_change_form_has_jalali_inputs_and_jalali_read_only_dates(
    superuser: User, schedule: Schedule
) -> None:
    with translation.override("fa"):
        response = _admin().change_view(_request(superuser), str(schedule.pk))
        form = response.context_data["adminform"].form  # type: ignore[attr-defined]
        body = response.render().content.decode()  # type: ignore[attr-defined]
    assert isinstance(form.fields["next_run_at"], JalaliDateTimeField)
    assert isinstance(form.fields["next_run_at"].widget, JalaliDateTimeInput)
    assert "last_enqueued_at" not in form.fields
    assert 'value="۱۴۰۵/۰۹/۰۱ ۰۰:۳۰"' in body
    assert "۱۴۰۵/۰۸/۳۰ ۲۳:۵۹" in body  # the read-only field
    assert "jalalidatepicker.min.js" in body


def test_change_form_saves_a_jalali_date_time_as_utc(superuser: User, schedule: Schedule) -> None:
    data = {
        "name": "digest",
        "task_path": "x.y",
        "interval_seconds": "60",
        "next_run_at": "۱۴۰۵/۰۹/۰۲ ۰۸:۰۰",
        "enabled": "on",
    }
    response = _admin().change_view(_request(superuser, "post", data), str(schedule.pk))
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.next_run_at == dt.datetime(2026, 11, 23, 4, 30, tzinfo=UTC)
    # The read-only field was not touched.
    assert schedule.last_enqueued_at == dt.datetime(2026, 11, 21, 20, 29, tzinfo=UTC)


def test_kernel_admin_shows_audit_entries_and_sign_in_dates_in_jalali(
    superuser: User, schedule: Schedule
) -> None:
    entry = AuditEntry.objects.filter(object_id=str(superuser.pk)).first()
    assert entry is not None
    AuditEntry.objects.filter(pk=entry.pk).update(at=dt.datetime(2026, 11, 21, 21, 0, tzinfo=UTC))
    superuser.last_login = dt.datetime(2026, 11, 21, 20, 29, tzinfo=UTC)
    superuser.save(update_fields=["last_login"])
    audit_admin = admin.site.get_model_admin(AuditEntry)
    user_admin = admin.site.get_model_admin(User)
    with translation.override("fa"):
        changelist = audit_admin.changelist_view(_request(superuser))
        audit_body = changelist.render().content.decode()  # type: ignore[attr-defined]
        change = user_admin.change_view(_request(superuser), str(superuser.pk))
        user_body = change.render().content.decode()  # type: ignore[attr-defined]
    assert "۱۴۰۵/۰۹/۰۱ ۰۰:۳۰" in audit_body
    assert changelist.context_data["cl"].date_hierarchy is None  # type: ignore[attr-defined]
    assert "۱۴۰۵/۰۸/۳۰ ۲۳:۵۹" in user_body  # last sign-in, read-only
