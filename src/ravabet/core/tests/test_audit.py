"""The audit trail (SECURITY.md promise 4): who, when, from where and what changed, with no
bulk update behind its back, and a history people can read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext, override

from ravabet.core import audit
from ravabet.core.audit import AuditBypassError, audit_action, audited_update
from ravabet.core.context import acting_as, actor_for_user
from ravabet.core.models import AuditEntry, Organisation, OrganisationKind, User, UserSession
from ravabet.core.tests.factories import OrganisationFactory

OFFICE_IP = "192.0.2.44"


@pytest.fixture(autouse=True)
def quick_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def entries_for(obj: Any) -> list[AuditEntry]:
    return list(audit.history_for(obj).order_by("id"))


def fa(message: str) -> str:
    with override("fa"):
        return gettext(message)


def test_change_through_a_request_records_the_person_their_address_and_the_diff(
    author: User,
) -> None:
    client = Client(REMOTE_ADDR=OFFICE_IP)
    client.force_login(author)
    client.post(reverse("core:language"), {"language": "en", "next": "/"})
    entry = entries_for(author)[-1]
    assert entry.action == "core.user.updated"
    assert entry.actor == author
    assert entry.actor_label == "author"
    assert entry.ip_address == OFFICE_IP
    assert entry.changes == {"language": ["fa", "en"]}
    assert entry.organisation_id == author.organisation_id


def test_created_updated_and_deleted_are_recorded_with_values(director: User) -> None:
    with acting_as(actor_for_user(director, ip_address=OFFICE_IP)):
        unit = Organisation.objects.create(
            kind=OrganisationKind.AGENCY, code="water", name_fa="آب و فاضلاب"
        )
        unit.name_en = "Water and Wastewater"
        unit.save()
        unit.save()  # nothing changed: nothing recorded
        pk = unit.pk
        unit.delete()
    created, updated, deleted = AuditEntry.objects.filter(object_id=str(pk)).order_by("id")
    assert created.action == "core.organisation.created"
    assert created.changes["name_fa"] == [None, "آب و فاضلاب"]
    assert created.changes["is_active"] == [None, True]
    assert updated.action == "core.organisation.updated"
    assert updated.changes == {"name_en": ["", "Water and Wastewater"]}
    assert deleted.action == "core.organisation.deleted"
    assert deleted.changes["code"] == ["water", None]
    assert {e.actor for e in (created, updated, deleted)} == {director}
    assert {e.ip_address for e in (created, updated, deleted)} == {OFFICE_IP}


def test_service_names_its_action(org_a: Organisation) -> None:
    with audit_action("core.organisation.closed"):
        org_a.is_active = False
        org_a.save()
    assert entries_for(org_a)[-1].action == "core.organisation.closed"


def test_password_changes_are_recorded_without_the_hash(org_a: Organisation) -> None:
    person = User.objects.create_user(
        "newcomer", password="first-long-passphrase-1405", organisation=org_a
    )
    person.set_password("another-long-passphrase-1405")
    person.save()
    created, changed = entries_for(person)
    assert created.changes["password"] == [None, audit.REDACTED]
    assert changed.changes == {"password": [audit.REDACTED, audit.REDACTED]}
    assert not any("$" in str(e.changes.get("password")) for e in AuditEntry.objects.all())


def test_signing_in_does_not_create_an_audit_entry_for_last_login(author: User) -> None:
    before = AuditEntry.objects.count()
    Client().force_login(author)
    author.refresh_from_db()
    assert author.last_login is not None
    assert AuditEntry.objects.count() == before
    assert not any("last_login" in e.changes for e in AuditEntry.objects.all())


def test_bulk_update_of_an_audited_model_is_refused(org_a: Organisation) -> None:
    with pytest.raises(AuditBypassError):
        Organisation.objects.filter(pk=org_a.pk).update(is_active=False)
    org_a.refresh_from_db()
    assert org_a.is_active


def test_audited_update_records_one_entry_per_changed_row(
    governorate: Organisation, director: User
) -> None:
    units = [OrganisationFactory.create(parent=governorate) for _ in range(3)]
    units[2].is_active = False
    units[2].save()
    queryset = Organisation.objects.filter(pk__in=[u.pk for u in units])
    with acting_as(actor_for_user(director)):
        count = audited_update(queryset, action="core.organisation.closed", is_active=False)
    assert count == 3
    closed = AuditEntry.objects.filter(action="core.organisation.closed")
    # The third was already inactive: no change, no entry.
    assert sorted(int(e.object_id) for e in closed) == sorted(u.pk for u in units[:2])
    assert {str(e.changes) for e in closed} == {str({"is_active": [True, False]})}
    assert {e.actor for e in closed} == {director}


@pytest.fixture
def audited_sessions() -> Iterator[None]:
    """Audit signed-in sessions for one test, to follow a cascade from a deleted person."""
    audit.register(UserSession)
    yield
    audit.unregister(UserSession)


def test_cascade_deletes_are_recorded(author: User, audited_sessions: None) -> None:
    sessions = [UserSession.objects.create(user=author, session_key=f"key-{n}") for n in range(2)]
    pk = author.pk
    author.delete()
    user_type = ContentType.objects.get_for_model(User)
    session_type = ContentType.objects.get_for_model(UserSession)
    assert AuditEntry.objects.filter(
        content_type=user_type, object_id=str(pk), action="core.user.deleted"
    ).exists()
    deleted = AuditEntry.objects.filter(
        content_type=session_type, action="core.usersession.deleted"
    )
    assert sorted(e.object_id for e in deleted) == sorted(str(s.pk) for s in sessions)


def test_queryset_delete_is_recorded_row_by_row(governorate: Organisation) -> None:
    units = [OrganisationFactory.create(parent=governorate) for _ in range(2)]
    Organisation.objects.filter(pk__in=[u.pk for u in units]).delete()
    deleted = AuditEntry.objects.filter(action="core.organisation.deleted")
    assert sorted(e.object_id for e in deleted) == sorted(str(u.pk) for u in units)


# --- Reading the history ---------------------------------------------------------------------


def history_html(client: Client, obj: Any) -> str:
    url = reverse("core:object_history", args=[obj._meta.label_lower, obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def test_history_shows_labels_names_and_yes_no_instead_of_raw_values(
    director: User, director_client: Client, governorate: Organisation, org_a: Organisation
) -> None:
    with acting_as(actor_for_user(director, ip_address=OFFICE_IP)):
        org_a.parent = OrganisationFactory.create(parent=governorate, name_fa="معاونت عمرانی")
        org_a.is_active = False
        org_a.kind = OrganisationKind.DIRECTORATE
        org_a.save()
    html = history_html(director_client, org_a)
    assert capfirst(fa("parent organisation")) in html
    assert capfirst(fa("active")) in html
    assert ">is_active" not in html
    assert ">parent<" not in html
    assert "استانداری تهران" in html
    assert "معاونت عمرانی" in html
    assert fa("yes") in html
    assert fa("no") in html
    assert fa("Directorate") in html
    # The address keeps Latin digits and its own direction inside the Persian page.
    assert re.search(rf'<bdi dir="ltr" class="ip">{re.escape(OFFICE_IP)}</bdi>', html)
    # A creation is summarised, its fields folded away.
    assert fa("Created") in html
    assert "<details" in html


def test_history_does_not_name_related_objects_the_viewer_cannot_see(
    author: User, author_client: Client, org_a: Organisation, org_b: Organisation
) -> None:
    org_a.parent = org_b
    org_a.save()
    html = history_html(author_client, org_a)
    assert org_b.name_fa not in html
    assert f"#{org_b.pk}" in html


def test_outsider_cannot_read_another_agencys_history(
    outsider_client: Client, org_a: Organisation
) -> None:
    url = reverse("core:object_history", args=["core.organisation", org_a.pk])
    assert outsider_client.get(url).status_code == 404


def test_dashboard_shows_recent_changes_through_the_same_readable_table(
    director: User, director_client: Client, org_a: Organisation
) -> None:
    with acting_as(actor_for_user(director, ip_address=OFFICE_IP)):
        org_a.name_en = "Education"
        org_a.save()
    html = director_client.get(reverse("core:dashboard")).content.decode()
    assert "history-table" in html
    assert capfirst(fa("English name")) in html
    assert "name_en" not in html
    assert OFFICE_IP in html


def test_history_of_a_password_change_says_changed_and_nothing_more(
    org_a: Organisation,
) -> None:
    person = User.objects.create_user(
        "newcomer", password="first-long-passphrase-1405", organisation=org_a
    )
    person.set_password("another-long-passphrase-1405")
    person.save()
    with override("fa"):
        rows = audit.present_history(audit.history_for(person), viewer=person)
    changed = [line for row in rows if row.verb == "updated" for line in row.lines]
    assert [(line.label, line.new, line.redacted) for line in changed] == [
        (capfirst(fa("password")), fa("changed"), True)
    ]
    created = next(row for row in rows if row.verb == "created")
    assert all(line.label != capfirst(fa("password")) for line in created.lines)
