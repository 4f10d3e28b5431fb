"""Sign-in lockout, the second factor and the append-only security log (SECURITY.md,
"Accounts and sessions"). Everything goes through the real views with the test client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext, override
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ravabet.core import security
from ravabet.core.models import Organisation, SecurityEvent, User
from ravabet.core.models import SecurityEventKind as Kind
from ravabet.core.tests.factories import PASSWORD, UserFactory
from ravabet.core.views.auth import INVALID_CODE
from ravabet.lib.persian import to_persian_digits

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse


@pytest.fixture(autouse=True)
def quick_password_hashing(settings: Any) -> None:
    """Argon2 costs a tenth of a second per check by design; these tests check passwords
    dozens of times. test_deploy.py proves production hashes with Argon2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


OFFICE_IP = "192.0.2.10"  # an agency office behind one NAT address
HOME_IP = "198.51.100.7"


def sign_in(client: Client, username: str, password: str, ip: str) -> _MonkeyPatchedWSGIResponse:
    """One sign-in attempt from a browser with no cookies (one Client is reused: building a
    client is the slow part of a request in tests)."""
    client.cookies.clear()
    return client.post(
        reverse("core:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def events(kind: str, **filters: object) -> int:
    return SecurityEvent.objects.filter(kind=kind, **filters).count()


def code_for(device: TOTPDevice, *, step_ahead: int = 0) -> str:
    """The code the person's phone shows now (or ``step_ahead`` 30-second steps later: a code
    is accepted once, so a second sign-in in the same step uses the next one)."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + step_ahead)
    return f"{value:0{device.digits}d}"


def paired_device(user: User) -> TOTPDevice:
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return device


def translated(message: str) -> str:
    with override("fa"):
        return gettext(message)


# --- Lockout --------------------------------------------------------------------------------


def test_brute_force_from_one_address_locks_that_user_from_that_address_only(
    author: User, org_a: Organisation
) -> None:
    attacker = Client()
    limit = settings.AXES_FAILURE_LIMIT
    responses = [sign_in(attacker, "author", f"guess-{n}", OFFICE_IP) for n in range(limit)]
    assert [r.status_code for r in responses[:-1]] == [200] * (limit - 1)
    assert responses[-1].status_code == 429
    # Even the right password is refused from that address while the lock lasts.
    locked = sign_in(attacker, "author", PASSWORD, OFFICE_IP)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert translated("Too many attempts") in page
    assert 'lang="fa" dir="rtl"' in page

    # (a) The same person from another address still signs in.
    browser = Client()
    assert sign_in(browser, "author", PASSWORD, HOME_IP).status_code == 302

    # (b) Colleagues behind the same office address are not affected, even though together
    # they made far more failures from it than the limit.
    colleagues = [UserFactory.create(organisation=org_a) for _ in range(8)]
    for person in colleagues:
        for n in range(limit - 1):
            assert sign_in(browser, person.username, f"typo-{n}", OFFICE_IP).status_code == 200
        response = sign_in(browser, person.username, PASSWORD, OFFICE_IP)
        assert response.status_code == 302
        assert response["Location"] == reverse("core:dashboard")

    # Every attempt is in the security log, with its address.
    assert events(Kind.LOGIN_FAILED, username="author", ip_address=OFFICE_IP) == limit + 1
    assert events(Kind.LOCKED_OUT, user=author, ip_address=OFFICE_IP) == 2
    assert events(Kind.LOGIN_SUCCEEDED, user=author, ip_address=HOME_IP) == 1
    assert events(Kind.LOGIN_SUCCEEDED, user=author, ip_address=OFFICE_IP) == 0
    assert events(Kind.LOGIN_FAILED, ip_address=OFFICE_IP) == limit + 1 + 8 * (limit - 1)
    assert events(Kind.LOGIN_SUCCEEDED, ip_address=OFFICE_IP) == 8


def test_failed_sign_in_shows_a_translated_error_and_records_the_username_given(
    author: User,
) -> None:
    response = sign_in(Client(), "nobody-here", "whatever-it-is", OFFICE_IP)
    assert response.status_code == 200
    error = translated("The username or password is not correct. Both are case-sensitive.")
    assert error in response.content.decode()
    event = SecurityEvent.objects.get(kind=Kind.LOGIN_FAILED)
    assert (event.username, event.user, event.ip_address) == ("nobody-here", None, OFFICE_IP)


# --- Second factor --------------------------------------------------------------------------


def test_required_role_is_sent_to_set_up_a_second_factor_before_any_other_page(
    admin_user: User,
) -> None:
    client = Client()
    client.force_login(admin_user)
    setup = reverse("core:second_factor_setup")
    for name in ("core:dashboard", "core:profile", "core:organisation_list", "admin:index"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(f"{setup}?next="), name
    assert client.get(setup).status_code == 200


def test_required_role_with_a_paired_phone_is_asked_for_the_code(admin_user: User) -> None:
    paired_device(admin_user)
    client = Client()
    client.force_login(admin_user)
    response = client.get(reverse("core:dashboard"))
    assert response["Location"].startswith(reverse("core:second_factor"))


def test_role_without_requirement_is_not_asked_for_a_second_factor(author: User) -> None:
    client = Client()
    client.force_login(author)
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert client.get(reverse("core:profile")).status_code == 200


def test_person_who_paired_a_phone_voluntarily_is_asked_for_it_at_sign_in(
    author: User,
) -> None:
    paired_device(author)
    client = Client()
    client.force_login(author)
    response = client.get(reverse("core:dashboard"))
    assert response["Location"].startswith(reverse("core:second_factor"))


def test_pairing_an_authenticator_shows_recovery_codes_once_and_opens_the_site(
    admin_user: User,
) -> None:
    client = Client()
    client.force_login(admin_user)
    page = client.get(reverse("core:second_factor_setup"), {"next": reverse("core:profile")})
    assert "data:image/svg+xml;base64," in page.content.decode()
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)

    # Typed with Persian digits, as a Persian keyboard does.
    response = client.post(
        reverse("core:second_factor_setup"),
        {"token": to_persian_digits(code_for(device)), "next": reverse("core:profile")},
    )
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    assert all(code in response.content.decode() for code in codes)
    assert response["Cache-Control"].startswith("max-age=0")
    assert "no-store" in response["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed
    assert events(Kind.SECOND_FACTOR_ENABLED, user=admin_user) == 1
    assert client.get(reverse("core:dashboard")).status_code == 200
    # The codes are not shown again anywhere; the profile only counts them.
    profile = client.get(reverse("core:profile")).content.decode()
    assert not any(code in profile for code in codes)
    assert StaticToken.objects.filter(device__user=admin_user).count() == 10


def test_wrong_authenticator_code_is_refused_with_a_translated_error_and_logged(
    admin_user: User,
) -> None:
    device = paired_device(admin_user)
    client = Client()
    client.force_login(admin_user)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("core:second_factor"), {"token": wrong}, REMOTE_ADDR=HOME_IP)
    assert response.status_code == 200
    assert translated(str(INVALID_CODE)) in response.content.decode()
    assert events(Kind.SECOND_FACTOR_FAILED, user=admin_user, ip_address=HOME_IP) == 1
    assert client.get(reverse("core:dashboard")).status_code == 302


def test_authenticator_code_opens_the_site_and_is_logged(admin_user: User) -> None:
    device = paired_device(admin_user)
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        reverse("core:second_factor"), {"token": code_for(device), "next": reverse("core:profile")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:profile")
    assert events(Kind.SECOND_FACTOR_VERIFIED, user=admin_user) == 1
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_each_recovery_code_signs_in_once(admin_user: User) -> None:
    first = Client()
    first.force_login(admin_user)
    first.get(reverse("core:second_factor_setup"))
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    codes = first.post(reverse("core:second_factor_setup"), {"token": code_for(device)}).context[
        "codes"
    ]

    lost_phone = Client()
    lost_phone.force_login(admin_user)
    used = lost_phone.post(reverse("core:second_factor"), {"token": codes[0].upper()})
    assert used.status_code == 302
    assert lost_phone.get(reverse("core:dashboard")).status_code == 200
    assert events(Kind.RECOVERY_CODE_USED, user=admin_user) == 1

    again = Client()
    again.force_login(admin_user)
    refused = again.post(reverse("core:second_factor"), {"token": codes[0]})
    assert refused.status_code == 200
    assert translated(str(INVALID_CODE)) in refused.content.decode()
    assert again.get(reverse("core:dashboard")).status_code == 302
    assert StaticToken.objects.filter(device__user=admin_user).count() == 9
    assert StaticToken.objects.filter(token=codes[1]).exists()


def test_unverified_session_cannot_pair_a_new_phone_to_skip_the_second_factor(
    admin_user: User,
) -> None:
    paired_device(admin_user)
    client = Client()
    client.force_login(admin_user)
    response = client.get(reverse("core:second_factor_setup"))
    assert response["Location"].startswith(reverse("core:second_factor"))
    response = client.post(reverse("core:second_factor_setup"), {"token": "123456"})
    assert response["Location"].startswith(reverse("core:second_factor"))
    assert TOTPDevice.objects.filter(user=admin_user).count() == 1


def test_pairing_a_new_phone_asks_for_the_password_first(admin_user: User) -> None:
    old_phone = paired_device(admin_user)
    client = Client()
    client.force_login(admin_user)
    client.post(reverse("core:second_factor"), {"token": code_for(old_phone)})
    setup = reverse("core:second_factor_setup")

    page = client.get(setup)
    assert page.status_code == 200
    assert page.context["password_form"] is not None
    assert "data:image/svg+xml" not in page.content.decode()
    assert not TOTPDevice.objects.filter(user=admin_user, confirmed=False).exists()

    wrong = client.post(setup, {"step": "password", "password": "not-my-password"})
    assert translated("The password is not correct.") in wrong.content.decode()
    assert events(Kind.LOGIN_FAILED, user=admin_user) == 1

    right = client.post(setup, {"step": "password", "password": PASSWORD})
    assert right.status_code == 302
    page = client.get(setup)
    assert "data:image/svg+xml;base64," in page.content.decode()
    new_phone = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    confirmed = client.post(setup, {"token": code_for(new_phone)})
    assert len(confirmed.context["codes"]) == 10
    # The old phone no longer works; the new one is the only one.
    assert list(TOTPDevice.objects.filter(user=admin_user)) == [new_phone]
    # The password check allowed one change, not a window of them.
    assert client.get(setup).context["password_form"] is not None


# --- The security log is append-only --------------------------------------------------------


def test_security_event_cannot_be_changed_or_deleted_through_the_model(author: User) -> None:
    event = security.record(Kind.EXPORT, user=author, detail={"rows": 10})
    event.detail = {"rows": 0}
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        SecurityEvent.objects.filter(pk=event.pk).update(kind=Kind.LOGIN_SUCCEEDED)
    with pytest.raises(PermissionError):
        SecurityEvent.objects.all().delete()
    stored = SecurityEvent.objects.get(pk=event.pk)
    assert (stored.kind, stored.detail) == (Kind.EXPORT, {"rows": 10})


@pytest.mark.postgresql
def test_database_refuses_update_and_delete_of_security_events_on_postgresql(
    author: User,
) -> None:
    event = security.record(Kind.EXPORT, user=author)
    for sql in (
        "UPDATE core_securityevent SET kind = 'login_succeeded' WHERE id = %s",
        "DELETE FROM core_securityevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert SecurityEvent.objects.filter(pk=event.pk, kind=Kind.EXPORT).exists()


def test_deleting_a_person_keeps_their_security_events_with_the_username(author: User) -> None:
    security.record(Kind.EXPORT, user=author)
    author.delete()
    event = SecurityEvent.objects.get(kind=Kind.EXPORT)
    assert (event.user_id, event.username) == (None, "author")


def test_refused_request_is_logged_as_a_permission_denial(author: User) -> None:
    client = Client(REMOTE_ADDR=OFFICE_IP)
    client.force_login(author)
    assert client.get(reverse("admin:login")).status_code == 403
    event = SecurityEvent.objects.get(kind=Kind.PERMISSION_DENIED)
    assert (event.user, event.ip_address, event.path) == (author, OFFICE_IP, reverse("admin:login"))
