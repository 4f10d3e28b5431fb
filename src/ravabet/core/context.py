"""Who is acting and from where, for the audit trail and the security log.

The request middleware sets these for a web request; workers and commands use
:func:`acting_as`. Context variables keep concurrent requests apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ravabet.core.models import User


@dataclass(frozen=True)
class Actor:
    user: User | None
    label: str
    ip_address: str | None = None
    user_agent: str = ""


SYSTEM = Actor(user=None, label="system")
_actor: ContextVar[Actor] = ContextVar("ravabet_actor", default=SYSTEM)


def current_actor() -> Actor:
    return _actor.get()


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


def actor_for_user(
    user: User | None, *, ip_address: str | None = None, user_agent: str = ""
) -> Actor:
    if user is None:
        return Actor(user=None, label="system", ip_address=ip_address, user_agent=user_agent)
    return Actor(user=user, label=user.get_username(), ip_address=ip_address, user_agent=user_agent)
