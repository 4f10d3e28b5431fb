"""Who wants what where: each person's outside channels per kind of notification (falling back
to kind "*", then to e-mail), their addresses on those channels, and their quiet hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.functional import Promise

from ravabet.core.models import Channel, NotificationPreference, User
from ravabet.lib.jalali import TEHRAN, to_tehran
from ravabet.lib.persian import to_latin_digits

ALL_KINDS = "*"
# In-app notifications are always written; these are the channels a person may add.
OUTSIDE_CHANNELS: tuple[str, ...] = (Channel.EMAIL, Channel.BALE, Channel.SMS)
DEFAULT_CHANNELS: tuple[str, ...] = (Channel.EMAIL,)
# The outside channels from the one that reaches a person soonest to the slowest: a messenger
# push is read in seconds, a text message in minutes, e-mail when the person next looks.
BY_SPEED: tuple[str, ...] = (Channel.BALE, Channel.SMS, Channel.EMAIL)


@dataclass(frozen=True)
class Plan:
    """The outside channels and quiet hours that apply to one person for one kind."""

    channels: tuple[str, ...] = DEFAULT_CHANNELS
    quiet_start: dt.time | None = None
    quiet_end: dt.time | None = None
    # True when the channels come from a preference saved for this very kind.
    specific: bool = False


@dataclass(frozen=True)
class OwnKind:
    """A kind of notification a person sets channels for apart from the rest (an app's urgent
    alerts, say), on the preferences form of those it ``applies_to``. Without a saved choice
    it goes on ``default_channels``, fastest first."""

    kind: str
    label: str | Promise
    help_text: str | Promise
    applies_to: Callable[[User], bool]
    default_channels: tuple[str, ...] = BY_SPEED


_OWN_KINDS: dict[str, OwnKind] = {}


def register_own_kind(own: OwnKind) -> None:
    """Let people choose the channels of ``own.kind`` on their preferences form (apps call
    this from ``AppConfig.ready``; core never imports them)."""
    _OWN_KINDS[own.kind] = own


def own_kinds_for(user: User) -> list[OwnKind]:
    """The kinds ``user`` sets channels for apart from the rest, in registration order."""
    return [own for own in _OWN_KINDS.values() if own.applies_to(user)]


def _channels(values: object) -> tuple[str, ...]:
    if not isinstance(values, list):
        return ()
    return tuple(c for c in OUTSIDE_CHANNELS if c in values)


def plans_for(users: Sequence[User], kind: str) -> dict[int, Plan]:
    """The plan of each user for ``kind``, in one query."""
    rows = NotificationPreference.objects.filter(
        user__in=[u.pk for u in users], kind__in={kind, ALL_KINDS}
    )
    found = {(p.user_id, p.kind): p for p in rows}
    plans: dict[int, Plan] = {}
    for user in users:
        specific = found.get((user.pk, kind))
        general = found.get((user.pk, ALL_KINDS))
        chosen = specific or general
        channels = _channels(chosen.channels) if chosen is not None else DEFAULT_CHANNELS
        quiet = next((p for p in (specific, general) if p and p.quiet_start and p.quiet_end), None)
        plans[user.pk] = Plan(
            channels=channels,
            quiet_start=quiet.quiet_start if quiet else None,
            quiet_end=quiet.quiet_end if quiet else None,
            specific=specific is not None,
        )
    return plans


def reachable(user: User, channels: Iterable[str] = BY_SPEED) -> tuple[str, ...]:
    """Those of ``channels`` on which ``user`` has an address, fastest first."""
    wanted = set(channels)
    return tuple(c for c in BY_SPEED if c in wanted and address_for(user, c))


def address_for(user: User, channel: str) -> str:
    """Where ``user`` is reached on ``channel``; empty when they have no address there."""
    if channel == Channel.EMAIL:
        return user.email.strip()
    if channel == Channel.BALE:
        return user.bale_chat_id.strip()
    if channel == Channel.SMS:
        number = to_latin_digits(user.mobile)
        return "".join(ch for ch in number if ch.isdigit() or ch == "+")
    return ""


def quiet_until(now: dt.datetime, start: dt.time | None, end: dt.time | None) -> dt.datetime | None:
    """When the quiet hours around ``now`` end (Tehran wall-clock), or None outside them.

    A window whose start is after its end runs overnight (22:00–07:00)."""
    if start is None or end is None or start == end:
        return None
    local = to_tehran(now)
    time_now = local.time()
    if start < end:
        if not start <= time_now < end:
            return None
        day = local.date()
    else:
        if end <= time_now < start:
            return None
        day = local.date() if time_now < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, end, tzinfo=TEHRAN)


def preference_of(user: User, kind: str = ALL_KINDS) -> NotificationPreference:
    """The saved preference of ``user`` for ``kind``, or an unsaved default one."""
    found = NotificationPreference.objects.filter(user=user, kind=kind).first()
    own = _OWN_KINDS.get(kind)
    default = own.default_channels if own is not None else DEFAULT_CHANNELS
    return found or NotificationPreference(user=user, kind=kind, channels=list(default))


def save_preference(
    user: User,
    *,
    channels: Iterable[str],
    quiet_start: dt.time | None,
    quiet_end: dt.time | None,
    kind: str = ALL_KINDS,
) -> NotificationPreference:
    """Keep the channels and quiet hours ``user`` chose for ``kind``; one row per kind."""
    chosen = [c for c in OUTSIDE_CHANNELS if c in set(channels)]
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.update_or_create(
            user=user,
            kind=kind,
            defaults={"channels": chosen, "quiet_start": quiet_start, "quiet_end": quiet_end},
        )
    return preference
