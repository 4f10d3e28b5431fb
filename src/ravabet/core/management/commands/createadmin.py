"""``ravabet createadmin``: the first system administrator of an installation.

A superuser holding the ADMIN role in the root organisation (the governorate, created if the
tree is empty). The password is asked twice without echo and checked by Django's password
validators, or read from an environment variable for automation.
"""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ravabet.core.context import Actor, acting_as
from ravabet.core.models import Organisation, OrganisationKind, Role, User

ROOT_CODE = "tehran-governorate"
ROOT_NAME_FA = "استانداری تهران"
ROOT_NAME_EN = "Tehran Governorate"
PROMPT_ATTEMPTS = 3


def root_organisation() -> tuple[Organisation, bool]:
    """The top of the organisation tree, created when there is none; and whether it was."""
    existing = (
        Organisation.objects.filter(parent__isnull=True, kind=OrganisationKind.GOVERNORATE)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing, False
    created = Organisation.objects.create(
        kind=OrganisationKind.GOVERNORATE,
        code=ROOT_CODE,
        name_fa=ROOT_NAME_FA,
        name_en=ROOT_NAME_EN,
    )
    return created, True


class Command(BaseCommand):
    help = "Create a system administrator (superuser, ADMIN role) in the root organisation."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="Read the password from this environment variable instead of asking.",
        )

    def handle(
        self,
        *args: Any,
        username: str,
        email: str,
        first_name: str,
        last_name: str,
        password_from_env: str | None,
        **options: Any,
    ) -> None:
        username = username.strip()
        if not username:
            raise CommandError("The username cannot be empty.")
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"A user named {username!r} already exists; nothing was changed.")
        candidate = User(username=username, email=email, first_name=first_name, last_name=last_name)
        password = self._password(candidate, password_from_env)
        with transaction.atomic(), acting_as(Actor(user=None, label="createadmin")):
            organisation, created_root = root_organisation()
            candidate.organisation = organisation
            candidate.is_staff = True
            candidate.is_superuser = True
            candidate.set_password(password)
            candidate.save()
            candidate.groups.add(Group.objects.get_or_create(name=Role.ADMIN)[0])
        if created_root:
            self.stdout.write(f"Created the root organisation {organisation.name_fa}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Administrator {username} created in {organisation.name_fa}. At the first"
                " sign-in they pair an authenticator app (the second factor is required)."
            )
        )

    def _password(self, candidate: User, variable: str | None) -> str:
        if variable:
            password = os.environ.get(variable, "")
            if not password:
                raise CommandError(f"The environment variable {variable} is empty or not set.")
            try:
                validate_password(password, candidate)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            return password
        for _attempt in range(PROMPT_ATTEMPTS):
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The passwords do not match.")
                continue
            try:
                validate_password(password, candidate)
            except ValidationError as exc:
                self.stderr.write(" ".join(exc.messages))
                continue
            return password
        raise CommandError("No valid password was given; nothing was changed.")
