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


def test_organisations_page_shows_each_unit_under_its_parent(
    director_client: Client, governorate: Organisation
) -> None:
    deputy = OrganisationFactory.create(parent=governorate, kind="deputy", name_fa="معاونت سیاسی")
    office = OrganisationFactory.create(
        parent=deputy, kind="directorate", name_fa="دفتر امور اجتماعی"
    )
    county = OrganisationFactory.create(parent=governorate, kind="county", name_fa="فرمانداری ری")
    response = director_client.get(reverse("core:organisation_list"))
    rows = response.context["organisations"]
    order = [org.pk for org in rows]
    assert order.index(governorate.pk) < order.index(deputy.pk) < order.index(office.pk)
    assert order.index(office.pk) < order.index(county.pk)  # the deputy's subtree comes first
    depth = {org.pk: org.depth for org in rows}
    assert (depth[governorate.pk], depth[deputy.pk], depth[office.pk]) == (0, 1, 2)


def test_agency_officer_sees_own_unit_as_the_root_of_the_tree(
    author_client: Client, org_a: Organisation
) -> None:
    branch = OrganisationFactory.create(parent=org_a, name_fa="اداره آموزش و پرورش ناحیه ۱")
    rows = author_client.get(reverse("core:organisation_list")).context["organisations"]
    assert [(org.pk, org.depth) for org in rows] == [(org_a.pk, 0), (branch.pk, 1)]


def test_signed_in_user_is_loaded_with_roles_and_visible_organisations_in_one_query(
    author: User, director: User, org_a: Organisation, org_b: Organisation
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ravabet.core.accounts import AccountBackend

    branch = OrganisationFactory.create(parent=org_a)
    OrganisationFactory.create(parent=branch)  # two levels down
    for person in (author, director):
        fresh = User.objects.get(pk=person.pk)
        with CaptureQueriesContext(connection) as queries:
            loaded = AccountBackend().get_user(person.pk)
            assert loaded is not None
            roles, visible = loaded.roles, visible_organisation_ids(loaded)
        assert len(queries) == 1
        assert roles == fresh.roles
        assert visible == visible_organisation_ids(fresh)
    author.is_active = False
    author.save()
    assert AccountBackend().get_user(author.pk) is None
    assert AccountBackend().get_user(10**9) is None
