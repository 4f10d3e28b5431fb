"""The audit log page: who may open it, what each person sees, the Jalali date and other
filters, htmx refreshes, paging and the query budget."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ravabet.conftest import client_for
from ravabet.core.models import AuditEntry, Organisation, Role, SecurityEvent, User
from ravabet.core.selectors import audit_entries_visible
from ravabet.core.tests.factories import OrganisationFactory, UserFactory

UTC = dt.UTC
URL = "core:audit_log"


def persian(message: str) -> str:
    """The Persian the page shows for ``message`` (the interface is Persian by default)."""
    with translation.override("fa"):
        return translation.gettext(message)


def _entry(
    organisation: Organisation | None,
    *,
    at: dt.datetime,
    action: str = "councils.resolution.updated",
    actor: User | None = None,
    label: str = "",
    model: type = Organisation,
) -> AuditEntry:
    entry = AuditEntry.objects.create(
        actor=actor,
        actor_label=label or (actor.username if actor else "system"),
        action=action,
        content_type=ContentType.objects.get_for_model(model),
        object_id="1",
        object_label=f"entry at {at.isoformat()}",
        organisation=organisation,
    )
    # "at" is set on creation; move it to the moment the test needs.
    AuditEntry.objects.filter(pk=entry.pk).update(at=at)
    entry.at = at
    return entry


def _shown(response: object) -> set[int]:
    page = response.context["page"]  # type: ignore[attr-defined]
    return {entry.pk for entry in page.object_list}


def test_anonymous_visitor_is_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get(reverse(URL))
    assert response.status_code == 302
    assert reverse("core:login") in response["Location"]


def test_agency_officer_cannot_open_the_audit_log(author_client: Client, author: User) -> None:
    assert author_client.get(reverse(URL)).status_code == 403
    # The refusal is in the security log.
    assert SecurityEvent.objects.filter(kind="permission_denied", user=author).exists()


def test_office_head_can_open_the_audit_log(governorate: Organisation) -> None:
    head = UserFactory.create(organisation=governorate, roles=[Role.OFFICE_HEAD])
    response = client_for(head).get(reverse(URL))
    assert response.status_code == 200
    assert "core/audit_log.html" in [t.name for t in response.templates]


def test_director_sees_entries_of_every_organisation(
    director_client: Client, org_a: Organisation, org_b: Organisation
) -> None:
    now = dt.datetime.now(tz=UTC)
    mine, theirs, unowned = _entry(org_a, at=now), _entry(org_b, at=now), _entry(None, at=now)
    response = director_client.get(reverse(URL), {"action": "councils."})
    assert _shown(response) == {mine.pk, theirs.pk, unowned.pk}


def test_agency_officer_would_see_only_own_organisations_entries(
    author: User, org_a: Organisation, org_b: Organisation
) -> None:
    # The page is closed to them (above); the selector it reads through still scopes.
    now = dt.datetime.now(tz=UTC)
    mine, theirs, unowned = _entry(org_a, at=now), _entry(org_b, at=now), _entry(None, at=now)
    visible = set(audit_entries_visible(for_user=author).values_list("pk", flat=True))
    assert mine.pk in visible
    assert theirs.pk not in visible
    assert unowned.pk not in visible


def test_navigation_offers_the_audit_log_only_to_those_who_may_open_it(
    director_client: Client, author_client: Client
) -> None:
    link = f'href="{reverse(URL)}"'
    assert link in director_client.get(reverse("core:dashboard")).content.decode()
    assert link not in author_client.get(reverse("core:dashboard")).content.decode()


def test_jalali_date_filter_covers_whole_tehran_days(
    director_client: Client, org_a: Organisation
) -> None:
    # 1 Azar 1405 in Tehran is 2026-11-21 20:30 UTC up to 2026-11-22 20:30 UTC. The action
    # filter keeps out the entries the fixtures themselves wrote, whatever today is.
    before = _entry(org_a, at=dt.datetime(2026, 11, 21, 20, 29, 59, tzinfo=UTC))
    first = _entry(org_a, at=dt.datetime(2026, 11, 21, 20, 30, tzinfo=UTC))
    last = _entry(org_a, at=dt.datetime(2026, 11, 22, 20, 29, 59, tzinfo=UTC))
    after = _entry(org_a, at=dt.datetime(2026, 11, 22, 20, 30, tzinfo=UTC))
    one_day = {"date_from": "۱۴۰۵/۰۹/۰۱", "date_to": "1405-9-1", "action": "councils."}
    assert _shown(director_client.get(reverse(URL), one_day)) == {first.pk, last.pk}
    from_only = director_client.get(
        reverse(URL), {"date_from": "١٤٠٥/٠٩/٠٢", "action": "councils."}
    )
    assert after.pk in _shown(from_only)
    assert not {before.pk, first.pk, last.pk} & _shown(from_only)
    to_only = director_client.get(reverse(URL), {"date_to": "1405/08/30", "action": "councils."})
    assert before.pk in _shown(to_only)
    assert not {first.pk, last.pk, after.pk} & _shown(to_only)


def test_action_object_type_and_actor_filters_narrow_the_list(
    director_client: Client, director: User, org_a: Organisation
) -> None:
    now = dt.datetime.now(tz=UTC)
    approved = _entry(org_a, at=now, action="newsroom.release.approved", actor=director)
    edited = _entry(org_a, at=now, action="newsroom.release.updated", label="someone-else")
    user_entry = _entry(org_a, at=now, action="newsroom.other", model=User, label="someone-else")
    by_action = director_client.get(reverse(URL), {"action": "newsroom.release"})
    assert _shown(by_action) == {approved.pk, edited.pk}
    by_type = director_client.get(reverse(URL), {"action": "newsroom.", "object_type": "core.user"})
    assert _shown(by_type) == {user_entry.pk}
    by_actor = director_client.get(reverse(URL), {"action": "newsroom.", "actor": "DIRECT"})
    assert _shown(by_actor) == {approved.pk}


def test_bad_date_shows_the_error_and_no_results(director_client: Client) -> None:
    response = director_client.get(reverse(URL), {"date_from": "1404/12/30", "date_to": "x"})
    assert response.status_code == 200
    assert response.context["page"] is None
    body = response.content.decode()
    assert persian("Enter a Jalali date like 1405/09/01.") in body
    assert 'data-testid="audit-filter-errors"' in body


def test_end_date_before_start_date_is_an_error(director_client: Client) -> None:
    response = director_client.get(
        reverse(URL), {"date_from": "1405/09/02", "date_to": "1405/09/01"}
    )
    assert response.context["page"] is None
    assert persian("The end date is before the start date.") in response.content.decode()


def test_errors_are_ready_for_persian_with_persian_digits(director_client: Client) -> None:
    response = director_client.get(reverse(URL), {"date_from": "1404/12/30"})
    assert "اسفند ۱۴۰۴" in response.content.decode()
    assert "۲۹" in response.content.decode()


def test_htmx_refresh_returns_only_the_results(
    director_client: Client, org_a: Organisation
) -> None:
    _entry(org_a, at=dt.datetime.now(tz=UTC))
    response = director_client.get(
        reverse(URL), {"action": "councils."}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "history-table" in body
    # The error box is cleared out of band; the results themselves swap normally.
    assert 'id="audit-log-errors" hx-swap-oob="true"' in body
    assert "HX-Reswap" not in response
    assert "HX-Request" in response["Vary"]


def test_htmx_refresh_with_bad_input_changes_only_the_error(director_client: Client) -> None:
    response = director_client.get(
        reverse(URL), {"date_from": "1405/13/01"}, headers={"HX-Request": "true"}
    )
    assert response["HX-Reswap"] == "none"
    assert response["HX-Push-Url"] == "false"
    body = response.content.decode()
    assert 'hx-swap-oob="true"' in body
    assert (
        persian("There is no month %(month)s: months run from 1 to 12.") % {"month": "۱۳"} in body
    )


def test_back_button_history_restore_gets_the_whole_page(director_client: Client) -> None:
    response = director_client.get(
        reverse(URL), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_results_are_paged_fifty_at_a_time_with_persian_digits(
    director_client: Client, org_a: Organisation
) -> None:
    start = dt.datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
    entries = [_entry(org_a, at=start + dt.timedelta(minutes=i)) for i in range(120)]
    first = director_client.get(reverse(URL), {"action": "councils."})
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].paginator.count == 120
    body = first.content.decode()
    assert persian("Page %(number)s of %(total)s") % {"number": "۱", "total": "۳"} in body
    assert "۱۲۰" in body
    # Newest first; the next page link keeps the filters.
    assert entries[-1].pk in _shown(first)
    assert "?action=councils.&amp;page=2" in body
    third = director_client.get(reverse(URL), {"action": "councils.", "page": "3"})
    assert _shown(third) == {e.pk for e in entries[:20]}
    beyond = director_client.get(reverse(URL), {"action": "councils.", "page": "99"})
    assert beyond.context["page"].number == 3


def test_english_interface_shows_latin_digits(director: User, org_a: Organisation) -> None:
    director.language = "en"
    director.save()
    for i in range(51):
        _entry(org_a, at=dt.datetime(2026, 1, 1, tzinfo=UTC) + dt.timedelta(minutes=i))
    body = client_for(director).get(reverse(URL), {"action": "councils."}).content.decode()
    assert "Page 1 of 2" in body
    assert 'placeholder="1405/09/01"' in body


def test_date_inputs_carry_the_picker_and_persian_placeholder(director_client: Client) -> None:
    body = director_client.get(reverse(URL), {"date_from": "1405/09/01"}).content.decode()
    assert "data-jdp data-jdp-only-date" in body
    assert 'placeholder="۱۴۰۵/۰۹/۰۱"' in body
    assert 'value="1405/09/01"' in body  # what the person typed comes back as typed


@pytest.mark.parametrize("rows", [5, 60])
def test_audit_log_page_query_count_does_not_grow_with_rows(
    director_client: Client,
    governorate: Organisation,
    rows: int,
    django_assert_max_num_queries: object,
) -> None:
    now = dt.datetime.now(tz=UTC)
    organisations = [OrganisationFactory.create(parent=governorate) for _ in range(3)]
    # Created directly: no password hashing, which would only slow the test.
    actors = [
        User.objects.create(username=f"actor{i}", organisation=o)
        for i, o in enumerate(organisations)
    ]
    for i in range(rows):
        _entry(organisations[i % 3], at=now - dt.timedelta(minutes=i), actor=actors[i % 3])
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = director_client.get(
            reverse(URL), {"date_from": "1400/01/01", "action": "councils."}
        )
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(rows, 50)
