"""Who may open the monitoring desk's screens."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from ravabet.core.models import User
from ravabet.monitoring import selectors


def desk_user(request: HttpRequest) -> User:
    """The signed-in member of the desk, or 403 for anyone else."""
    user = request.user
    if not selectors.may_use_desk(user):
        raise PermissionDenied
    assert isinstance(user, User)
    return user
