"""Factories for kernel models. Domain apps add their own in their tests/factories.py and
register the ones that own organisation records with :data:`SCOPED_FACTORIES`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import models
from django_tasks_db.models import DBTaskResult

from ravabet.core.models import Notification, Organisation, OrganisationKind, Role, User

PASSWORD = "correct-horse-battery-1405"


def _password_hash() -> str:
    # Keyed by the hasher in force: some tests switch to a fast hasher for a while.
    return _hash_with(settings.PASSWORD_HASHERS[0])


@functools.cache
def _hash_with(hasher: str) -> str:
    return make_password(PASSWORD)


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    kind = OrganisationKind.AGENCY
    code = factory.Sequence(lambda n: f"org-{n}")
    name_fa = factory.Sequence(lambda n: f"اداره کل شماره {n}")
    name_en = factory.Sequence(lambda n: f"Directorate {n}")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "کاربر"
    last_name = factory.Sequence(lambda n: f"شماره {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)
    # Hashed once (Argon2 is slow on purpose), shared by every user the tests make.
    password = factory.LazyFunction(_password_hash)

    @factory.post_generation
    def roles(obj: User, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if create:
            obj.save()
            if extracted:
                obj.groups.set([Group.objects.get_or_create(name=r)[0] for r in extracted])
                obj.__dict__.pop("roles", None)  # drop the cached role set


class NotificationFactory(factory.django.DjangoModelFactory[Notification]):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "test"
    title = "اطلاعیه آزمایشی"
    idempotency_key = factory.Sequence(lambda n: f"test-{n}")


def enqueued_job() -> DBTaskResult[..., Any]:
    """A job result waiting in the database queue (the kernel's prune job, harmless to run)."""
    from ravabet.core.jobs import prune_finished_jobs

    return DBTaskResult.objects.get(pk=prune_finished_jobs.enqueue().id)


def agency_officer(organisation: Organisation, **kwargs: Any) -> User:
    return UserFactory.create(organisation=organisation, roles=[Role.AGENCY_OFFICER], **kwargs)


# Model -> a callable that makes one instance owned by the given organisation (and, where the
# record belongs to a person, by the given user of that organisation). The outsider matrix in
# test_outsider_matrix.py uses it for every URL that takes an object id.
ScopedFactory = Callable[[Organisation, User], models.Model]
SCOPED_FACTORIES: dict[type[models.Model], ScopedFactory] = {
    Organisation: lambda org, user: org,
    Notification: lambda org, user: NotificationFactory.create(recipient=user),
    # Job results belong to no organisation: only administrators reach them.
    DBTaskResult: lambda org, user: enqueued_job(),
}
