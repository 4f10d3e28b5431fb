"""The person a request carries, read in one query with what every page asks of them: their
roles and, for those who see only part of the province, the organisations they may see."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.db.models.expressions import RawSQL

from ravabet.core.models import Organisation, User
from ravabet.core.models.users import Role
from ravabet.core.scoping import remember_visible_organisations

_SEPARATOR = ","


def _joined(expression: str) -> str:
    """SQL joining ``expression`` over a subquery's rows with commas, in this database's words."""
    if connection.vendor == "postgresql":
        return f"STRING_AGG(CAST({expression} AS TEXT), '{_SEPARATOR}')"
    return f"GROUP_CONCAT({expression}, '{_SEPARATOR}')"


def _roles_sql() -> str:
    through = User.groups.through._meta
    group = through.get_field("group").remote_field.model._meta
    user_table = User._meta.db_table
    # Only table names from the models' own metadata go into the text: no input reaches it.
    return (
        f'SELECT {_joined("g.name")} FROM "{through.db_table}" ug '  # noqa: S608
        f'JOIN "{group.db_table}" g ON g.id = ug.group_id WHERE ug.user_id = "{user_table}".id'
    )


def _organisations_sql() -> str:
    """The user's organisation and every unit under it (a recursive walk down the tree)."""
    table = Organisation._meta.db_table
    user_table = User._meta.db_table
    return (
        f'WITH RECURSIVE tree(id) AS (SELECT "{user_table}".organisation_id UNION '  # noqa: S608
        f'SELECT o.id FROM "{table}" o JOIN tree ON o.parent_id = tree.id) '
        f"SELECT {_joined('tree.id')} FROM tree"
    )


def load_user(pk: Any) -> User | None:
    """The user ``pk`` with their roles and visible organisations, or None."""
    user = (
        User._default_manager.annotate(
            loaded_roles=RawSQL(_roles_sql(), ()),  # noqa: S611 (no input in the text)
            loaded_organisations=RawSQL(_organisations_sql(), ()),  # noqa: S611
        )
        .filter(pk=pk)
        .first()
    )
    if user is None:
        return None
    names = set((getattr(user, "loaded_roles", None) or "").split(_SEPARATOR))
    # What User.roles would read: set here, it is not read again.
    user.__dict__["roles"] = frozenset(names & set(Role.values))
    if not user.sees_all_organisations:
        tree = (getattr(user, "loaded_organisations", None) or "").split(_SEPARATOR)
        remember_visible_organisations(user, {int(pk) for pk in tree if pk})
    return user


class AccountBackend(ModelBackend):
    """Django's model backend, loading the signed-in user as :func:`load_user` does."""

    def get_user(self, user_id: Any) -> User | None:
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
