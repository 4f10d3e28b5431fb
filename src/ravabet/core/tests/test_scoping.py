from __future__ import annotations

from django.test import Client
from django.urls import reverse

from ravabet.core.models import Organisation, User
from ravabet.core.scoping import scope, visible_organisation_ids
from ravabet.core.tests.factories import OrganisationFactory, UserFactory


def test_agency_officer_sees_own_organisation_and_units_under_it(
    author: User, org_a: Organisation, org_b: Organisation
) -> None:
    branch = OrganisationFactory.create(parent=org_a)
    visible = set(scope(Organisation.objects.all(), author))
    assert visible == {org_a, branch}
    assert org_b not in visible


def test_province_wide_role_sees_every_organisation(
    director: User, org_a: Organisation, org_b: Organisation
) -> None:
    assert visible_organisation_ids(director) is None
    assert {org_a, org_b} <= set(scope(Organisation.objects.all(), director))


def test_user_with_no_role_sees_only_own_organisation(
    org_a: Organisation, org_b: Organisation
) -> None:
    nobody = UserFactory.create(organisation=org_a)
    assert set(scope(Organisation.objects.all(), nobody)) == {org_a}


def test_disabled_user_sees_nothing(author: User) -> None:
    author.is_active = False
    assert not scope(Organisation.objects.all(), author).exists()


def test_outsider_gets_404_for_another_agencys_organisation_page(
    outsider_client: Client, org_a: Organisation
) -> None:
    response = outsider_client.get(reverse("core:organisation_detail", args=[org_a.pk]))
    assert response.status_code == 404


def test_author_sees_own_organisation_page(author_client: Client, org_a: Organisation) -> None:
    response = author_client.get(reverse("core:organisation_detail", args=[org_a.pk]))
    assert response.status_code == 200
    assert org_a.name_fa in response.content.decode()
