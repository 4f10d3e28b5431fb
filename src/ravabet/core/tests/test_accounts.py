"""Sessions (idle and absolute timeouts, signing out everywhere, disabled accounts), the
administration site and the ``createadmin`` command."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.hashers import check_password
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext, override

from ravabet.core import security
from ravabet.core.models import (
    AuditEntry,
    Organisation,
    OrganisationKind,
    Role,
    SecurityEvent,
    SecurityEventKind,
    User,
    UserSession,
)
from ravabet.core.tests.factories import PASSWORD

IDLE = 30 * 60
BACKGROUND = {"X-Ravabet-Background": "1"}


@pytest.fixture(autouse=True)
def quick_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_client(admin_user: User, settings: Any) -> Client:
    """A signed-in administrator; the second factor is proved in test_security.py."""
    settings.SECOND_FACTOR_REQUIRED_ROLES = []
    client = Client()
    client.force_login(admin_user)
    return client


def signed_in(user: User, *, ip: str = "192.0.2.1") -> Client:
    """A browser signed in through the sign-in page, from ``ip``."""
    client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT="Firefox/140 test")
    response = client.post(reverse("core:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def age_session(client: Client, **seconds_ago: float) -> None:
    """Move the session's timestamps into the past (``started=``, ``seen=``)."""
    session = client.session
    now = time.time()
    if "started" in seconds_ago:
        session[security.SESSION_STARTED] = now - seconds_ago["started"]
    if "seen" in seconds_ago:
        session[security.SESSION_SEEN] = now - seconds_ago["seen"]
    session.save()


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("core:dashboard")).status_code == 200


# --- Session timeouts -----------------------------------------------------------------------


def test_idle_session_ends_and_says_why(author: User, settings: Any) -> None:
    client = signed_in(author)
    age_session(client, seen=settings.SESSION_IDLE_TIMEOUT.total_seconds() + 60)
    response = client.get(reverse("core:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))
    assert "next=%2Faccounts%2Fprofile%2F" in response["Location"]
    login_page = client.get(response["Location"]).content.decode()
    with override("fa"):
        assert gettext("Your session has expired; please sign in again.") in login_page
    assert not is_signed_in(client)
    event = SecurityEvent.objects.get(kind=SecurityEventKind.SESSION_EXPIRED)
    assert (event.user, event.detail) == (author, {"reason": "idle"})
    assert not UserSession.objects.filter(user=author).exists()


def test_session_older_than_the_absolute_limit_ends_even_when_active(
    author: User, settings: Any
) -> None:
    client = signed_in(author)
    age_session(client, started=settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() + 60, seen=5)
    assert not is_signed_in(client)
    event = SecurityEvent.objects.get(kind=SecurityEventKind.SESSION_EXPIRED)
    assert event.detail == {"reason": "absolute"}


def test_active_session_within_both_limits_stays(author: User, settings: Any) -> None:
    client = signed_in(author)
    idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
    age_session(client, started=settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() - 60)
    age_session(client, seen=idle - 60)
    assert is_signed_in(client)
    # The request counted as activity: the idle clock starts again.
    assert time.time() - client.session[security.SESSION_SEEN] < idle / 2


def test_background_polling_does_not_keep_an_idle_session_alive(
    author: User, settings: Any
) -> None:
    client = signed_in(author)
    idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
    age_session(client, seen=idle - 60)
    seen = client.session[security.SESSION_SEEN]
    assert client.get(reverse("core:dashboard"), headers=BACKGROUND).status_code == 200
    assert client.session[security.SESSION_SEEN] == seen
    # Two more minutes of polling only: the session is now idle and ends.
    age_session(client, seen=idle + 60)
    response = client.get(reverse("core:dashboard"), headers={"HX-Request": "true", **BACKGROUND})
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("core:login")
    assert not is_signed_in(client)


# --- Ending sessions ------------------------------------------------------------------------


def test_disabling_a_person_ends_all_their_sessions_at_once(
    author: User, colleague: User, admin_user: User
) -> None:
    phone, desk = signed_in(author, ip="192.0.2.5"), signed_in(author, ip="192.0.2.6")
    other = signed_in(colleague)
    assert UserSession.objects.filter(user=author).count() == 2

    assert security.disable_user(author, by=admin_user) is True
    assert not is_signed_in(phone)
    assert not is_signed_in(desk)
    assert is_signed_in(other)
    assert not UserSession.objects.filter(user=author).exists()
    assert not Session.objects.filter(
        session_key__in=[phone.session.session_key, desk.session.session_key]
    ).exists()
    author.refresh_from_db()
    assert not author.is_active
    event = SecurityEvent.objects.get(kind=SecurityEventKind.USER_DISABLED)
    assert (event.user, event.detail) == (author, {"by": admin_user.pk})
    entry = AuditEntry.objects.get(action="core.user.disabled")
    assert (entry.object_id, entry.changes) == (str(author.pk), {"is_active": [True, False]})
    # Disabling again changes nothing and logs nothing more.
    assert security.disable_user(author, by=admin_user) is False
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.USER_DISABLED).count() == 1


def test_profile_lists_sessions_and_signs_out_everywhere_else(author: User) -> None:
    here = signed_in(author, ip="192.0.2.7")
    elsewhere = signed_in(author, ip="203.0.113.9")
    page = here.get(reverse("core:profile"))
    sessions = list(page.context["sessions"])
    assert {s.ip_address for s in sessions} == {"192.0.2.7", "203.0.113.9"}
    html = page.content.decode()
    assert "203.0.113.9" in html  # addresses keep Latin digits, even in Persian
    assert "Firefox/140 test" in html

    response = here.post(reverse("core:sessions_end_others"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("core:profile")
    assert [s.ip_address for s in response.context["sessions"]] == ["192.0.2.7"]
    assert not is_signed_in(elsewhere)
    assert is_signed_in(here)


def test_signing_out_removes_the_session_from_the_list(author: User) -> None:
    client = signed_in(author)
    assert UserSession.objects.filter(user=author).count() == 1
    client.post(reverse("core:logout"))
    assert not UserSession.objects.filter(user=author).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOGGED_OUT, user=author).exists()


# --- Administration -------------------------------------------------------------------------


def test_kernel_models_are_in_the_admin() -> None:
    for model in (Organisation, User, AuditEntry, SecurityEvent, UserSession):
        assert admin.site.is_registered(model), model


def test_admin_sign_in_goes_through_ravabets_own_sign_in_page(client: Client) -> None:
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("core:login"))
    assert "next=/admin/" in response.redirect_chain[-1][0].replace("%2F", "/")


def test_admin_disable_action_signs_the_person_out(
    admin_client: Client, admin_user: User, author: User
) -> None:
    victim_session = signed_in(author)
    response = admin_client.post(
        reverse("admin:core_user_changelist"),
        {"action": "disable_and_sign_out", "_selected_action": [author.pk, admin_user.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert not is_signed_in(victim_session)
    author.refresh_from_db()
    admin_user.refresh_from_db()
    assert not author.is_active
    assert admin_user.is_active  # an administrator cannot lock themselves out this way
    assert SecurityEvent.objects.get(kind=SecurityEventKind.USER_DISABLED).user == author


def test_unticking_active_in_the_admin_also_ends_the_sessions(
    admin_client: Client, author: User, org_a: Organisation
) -> None:
    victim_session = signed_in(author)
    url = reverse("admin:core_user_change", args=[author.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"password", "last_login", "date_joined"}
    }
    data.update(
        {
            "is_active": "",
            "groups": [g.pk for g in author.groups.all()],
            "user_permissions": [],
            "organisation": org_a.pk,
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not is_signed_in(victim_session)
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.USER_DISABLED).count() == 1


def test_user_admin_shows_organisation_roles_and_contact_fields(
    admin_client: Client, author: User
) -> None:
    page = admin_client.get(reverse("admin:core_user_change", args=[author.pk]))
    fields = set(page.context["adminform"].form.fields)
    assert {"organisation", "groups", "job_title", "mobile", "bale_chat_id", "language"} <= fields
    listing = admin_client.get(reverse("admin:core_user_changelist")).content.decode()
    with override("fa"):
        assert str(dict(Role.choices)[Role.AGENCY_OFFICER]) in listing


def test_organisation_admin_finds_by_persian_or_english_name_and_filters_by_kind(
    admin_client: Client, org_a: Organisation, org_b: Organisation
) -> None:
    url = reverse("admin:core_organisation_changelist")
    found = admin_client.get(url, {"q": "آموزش"}).context["cl"].result_list
    assert list(found) == [org_a]
    found = admin_client.get(url, {"q": org_b.name_en}).context["cl"].result_list
    assert list(found) == [org_b]
    found = admin_client.get(url, {"kind": OrganisationKind.GOVERNORATE}).context["cl"]
    assert [o.code for o in found.result_list] == ["gov"]
    # Units under the governorate are indented one step.
    assert f"— {org_a.name_fa}" in admin_client.get(url).content.decode()


@pytest.mark.parametrize("model", [AuditEntry, SecurityEvent, UserSession])
def test_logs_are_read_only_in_the_admin(
    admin_client: Client, author: User, model: type[Any]
) -> None:
    security.record(SecurityEventKind.EXPORT, user=author)
    signed_in(author)
    row = model.objects.first()
    info = model._meta.app_label, model._meta.model_name
    assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    assert admin_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 403
    change = admin_client.get(reverse("admin:{}_{}_change".format(*info), args=[row.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    delete = reverse("admin:{}_{}_delete".format(*info), args=[row.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()


def test_admin_never_shows_a_session_key(admin_client: Client, author: User) -> None:
    signed_in(author)
    row = UserSession.objects.get(user=author)
    page = admin_client.get(reverse("admin:core_usersession_change", args=[row.pk]))
    assert row.session_key not in page.content.decode()


def test_security_log_admin_filters_by_kind(admin_client: Client, author: User) -> None:
    security.record(SecurityEventKind.EXPORT, user=author)
    security.record(SecurityEventKind.LOGIN_FAILED, username="x")
    url = reverse("admin:core_securityevent_changelist")
    shown = admin_client.get(url, {"kind__exact": "export"}).context["cl"].result_list
    assert [e.kind for e in shown] == ["export"]


# --- createadmin ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_createadmin_creates_the_root_organisation_and_a_superuser_with_the_admin_role(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RAVABET_FIRST_PASSWORD", "a-long-passphrase-for-1405")
    call_command("createadmin", "chief", "--password-from-env", "RAVABET_FIRST_PASSWORD")
    chief = User.objects.get(username="chief")
    assert chief.is_superuser
    assert chief.is_staff
    assert chief.is_active
    assert chief.roles == {Role.ADMIN}
    assert chief.organisation.parent is None
    assert chief.organisation.kind == OrganisationKind.GOVERNORATE
    assert check_password("a-long-passphrase-for-1405", chief.password)
    assert security.second_factor_required(chief)
    entry = AuditEntry.objects.get(action="core.user.created", object_id=str(chief.pk))
    assert entry.actor_label == "createadmin"


def test_createadmin_uses_the_existing_root_organisation(
    governorate: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAVABET_FIRST_PASSWORD", "a-long-passphrase-for-1405")
    call_command("createadmin", "chief", "--password-from-env", "RAVABET_FIRST_PASSWORD")
    assert User.objects.get(username="chief").organisation == governorate
    assert Organisation.objects.filter(parent__isnull=True).count() == 1


def test_createadmin_refuses_an_existing_username(
    author: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAVABET_FIRST_PASSWORD", "a-long-passphrase-for-1405")
    with pytest.raises(CommandError, match="already exists"):
        call_command("createadmin", "Author", "--password-from-env", "RAVABET_FIRST_PASSWORD")
    author.refresh_from_db()
    assert not author.is_superuser


def test_createadmin_refuses_a_weak_password_and_creates_nothing(
    monkeypatch: pytest.MonkeyPatch, db: None
) -> None:
    monkeypatch.setenv("RAVABET_FIRST_PASSWORD", "12345678")
    with pytest.raises(CommandError):
        call_command("createadmin", "chief", "--password-from-env", "RAVABET_FIRST_PASSWORD")
    assert not User.objects.exists()
    assert not Organisation.objects.exists()


def test_createadmin_asks_for_the_password_until_it_is_typed_twice_alike(
    monkeypatch: pytest.MonkeyPatch, db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # The terminal is the outside world here: typed answers, in order.
    typed = iter(
        [
            "first-try-passphrase-1",
            "a-typo",  # does not match
            "password123",
            "password123",  # too common
            "good-passphrase-1405",
            "good-passphrase-1405",
        ]
    )
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    call_command("createadmin", "chief")
    assert check_password("good-passphrase-1405", User.objects.get(username="chief").password)
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 2
    assert errors[0] == "The passwords do not match."


def test_changing_the_password_asks_the_old_one_and_ends_the_other_sessions(
    author: User,
) -> None:
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        client.force_login(author)
    url = reverse("core:password_change")
    new = "سه واژه بلند و ساده ۱۴۰۵"
    wrong = here.post(url, {"old_password": "nope", "new_password1": new, "new_password2": new})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["old_password"]
    author.refresh_from_db()
    assert author.check_password(PASSWORD)
    done = here.post(url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert done.status_code == 302
    author.refresh_from_db()
    assert author.check_password(new)
    assert here.get(reverse("core:profile")).status_code == 200
    assert elsewhere.get(reverse("core:profile")).status_code == 302
    assert SecurityEvent.objects.filter(
        user=author, kind=SecurityEventKind.PASSWORD_CHANGED
    ).exists()
