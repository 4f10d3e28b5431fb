"""Role groups: one Django group per :class:`Role`, created after migrate."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group

from ravabet.core.models import Role


def ensure_role_groups(**_kwargs: Any) -> None:
    existing = set(Group.objects.filter(name__in=Role.values).values_list("name", flat=True))
    Group.objects.bulk_create([Group(name=code) for code in Role.values if code not in existing])
