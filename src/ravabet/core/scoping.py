"""The one place that limits what a person may see by organisation.

Every model holding an organisation's records names the path to that organisation; every read
of such records goes through :func:`scope`. Province-wide roles see everything; everyone else
sees their own organisation and the units under it. Nothing else filters by organisation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

from ravabet.core.models import Organisation

if TYPE_CHECKING:
    from ravabet.core.models import User

M = TypeVar("M", bound=models.Model)

# The attribute a scoped model sets to the lookup path of its owning organisation, e.g.
# ``organisation_field = "resolution__assignee"``. The default is a field named organisation.
ORGANISATION_FIELD_ATTR = "organisation_field"
# The path of a model holding the whole province's own records, which no one organisation owns
# (the morning digest): only province-wide roles see them through scope().
PROVINCE_ONLY = ""


def organisation_field(model: type[models.Model]) -> str:
    return str(getattr(model, ORGANISATION_FIELD_ATTR, "organisation"))


def visible_organisation_ids(user: User | AnonymousUser) -> set[int] | None:
    """Ids of the organisations whose records ``user`` may see; ``None`` means all of them."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.sees_all_organisations:
        return None
    cached: set[int] | None = getattr(user, "_visible_organisation_ids", None)
    if cached is not None:
        return cached
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Organisation.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    visible: set[int] = set()
    stack = [user.organisation_id]
    while stack:
        current = stack.pop()
        if current in visible:
            continue
        visible.add(current)
        stack.extend(children.get(current, []))
    remember_visible_organisations(user, visible)
    return visible


def remember_visible_organisations(user: User, ids: set[int]) -> None:
    """Keep ``ids`` on the user object as what it may see, for the rest of the request (the
    loader of the signed-in user works them out with the user itself)."""
    setattr(user, "_visible_organisation_ids", ids)  # noqa: B010


def scope(queryset: models.QuerySet[M], user: User | AnonymousUser) -> models.QuerySet[M]:
    """``queryset`` narrowed to the records ``user`` may see."""
    ids = visible_organisation_ids(user)
    if ids is None:
        return queryset
    if not ids:
        return queryset.none()
    field = organisation_field(queryset.model)
    if field == PROVINCE_ONLY:
        return queryset.none()
    lookup = "pk__in" if field == "self" else f"{field}__in"
    return queryset.filter(**{lookup: ids})


def get_scoped_or_404(
    queryset: models.QuerySet[M], user: User | AnonymousUser, **lookup: object
) -> M:
    """One visible object, or 404: an outsider cannot even learn that the object exists."""
    try:
        return scope(queryset, user).get(**lookup)
    except ObjectDoesNotExist:
        raise Http404 from None


def can_see_organisation(user: User | AnonymousUser, organisation_id: int | None) -> bool:
    ids = visible_organisation_ids(user)
    return ids is None or (organisation_id is not None and organisation_id in ids)
