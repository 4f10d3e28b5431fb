"""Shared fixtures: three personas (an author, a colleague in the same organisation and an
outsider from another agency), a province-wide director and an administrator."""

from __future__ import annotations

import pytest
from django.test import Client

from ravabet.core.models import Organisation, Role, User
from ravabet.core.tests.factories import OrganisationFactory, UserFactory, agency_officer


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave PostgreSQL-only tests out of a SQLite run (deselected, not skipped)."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    keep = [item for item in items if item.get_closest_marker("postgresql") is None]
    dropped = [item for item in items if item.get_closest_marker("postgresql") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture
def governorate(db: None) -> Organisation:
    return OrganisationFactory.create(kind="governorate", code="gov", name_fa="استانداری تهران")


@pytest.fixture
def org_a(governorate: Organisation) -> Organisation:
    return OrganisationFactory.create(parent=governorate, name_fa="اداره کل آموزش و پرورش")


@pytest.fixture
def org_b(governorate: Organisation) -> Organisation:
    return OrganisationFactory.create(parent=governorate, name_fa="دانشگاه علوم پزشکی")


@pytest.fixture
def author(org_a: Organisation) -> User:
    return agency_officer(org_a, username="author")


@pytest.fixture
def colleague(org_a: Organisation) -> User:
    return agency_officer(org_a, username="colleague")


@pytest.fixture
def outsider(org_b: Organisation) -> User:
    return agency_officer(org_b, username="outsider")


@pytest.fixture
def director(governorate: Organisation) -> User:
    pr = OrganisationFactory.create(parent=governorate, kind="directorate", name_fa="روابط عمومی")
    return UserFactory.create(organisation=pr, roles=[Role.PR_DIRECTOR], username="director")


@pytest.fixture
def admin_user(governorate: Organisation) -> User:
    return UserFactory.create(
        organisation=governorate,
        roles=[Role.ADMIN],
        username="root",
        is_staff=True,
        is_superuser=True,
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def author_client(author: User) -> Client:
    return client_for(author)


@pytest.fixture
def outsider_client(outsider: User) -> Client:
    return client_for(outsider)


@pytest.fixture
def director_client(director: User) -> Client:
    return client_for(director)
