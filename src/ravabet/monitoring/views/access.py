"""Who may open the monitoring desk's screens."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from ravabet.core.models import User
from ravabet.monitoring import selectors


def user_allowed(request: HttpRequest, allowed: Callable[[User | AnonymousUser], bool]) -> User:
    """The signed-in person if ``allowed`` admits them, or 403."""
    user = request.user
    if not allowed(user):
        raise PermissionDenied
    assert isinstance(user, User)
    return user


def desk_user(request: HttpRequest) -> User:
    """The signed-in member of the desk, or 403 for anyone else."""
    return user_allowed(request, selectors.may_use_desk)
