"""Backoff and a circuit breaker for failing sources, as pure values the app stores.

A source may fail ``open_after - 1`` times in a row and still be tried on its normal schedule;
from then on the circuit is open and the next attempt waits an exponentially growing, jittered
delay (capped). A Retry-After from the server pushes the next attempt further, within a cap.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum


@dataclass(frozen=True)
class BackoffPolicy:
    """How quickly a failing source is retried."""

    base: timedelta = timedelta(minutes=1)
    multiplier: float = 2.0
    max_delay: timedelta = timedelta(hours=6)
    # Each delay is shortened by a random fraction up to this, so sources that failed together
    # (one outage) do not all come back in the same second.
    jitter: float = 0.25
    open_after: int = 3
    max_retry_after: timedelta = timedelta(hours=24)


DEFAULT_BACKOFF = BackoffPolicy()


class CircuitState(StrEnum):
    """Closed: fetch normally. Open: wait. Half-open: the wait is over, one probe decides."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


def backoff_delay(
    step: int, policy: BackoffPolicy = DEFAULT_BACKOFF, *, rand: Callable[[], float] = random.random
) -> timedelta:
    """The delay before retry number ``step`` (1-based): base x multiplier^(step-1), capped."""
    if step < 1:
        return timedelta(0)
    cap = policy.max_delay.total_seconds()
    # Bound the exponent first: a source failing for months must not overflow the float.
    exponent = min(step - 1, 64)
    seconds = min(cap, policy.base.total_seconds() * policy.multiplier**exponent)
    return timedelta(seconds=seconds * (1 - policy.jitter * rand()))


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """Read a Retry-After header (seconds or an HTTP date) as a delay from ``now``."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return timedelta(seconds=int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(timedelta(0), when - now)


@dataclass(frozen=True)
class Circuit:
    """One source's failure record; every method returns a new value to store."""

    failures: int = 0
    retry_at: datetime | None = None

    def state(self, now: datetime) -> CircuitState:
        """Where the circuit stands at ``now``."""
        if self.retry_at is not None and now < self.retry_at:
            return CircuitState.OPEN
        if self.failures and self.retry_at is not None:
            return CircuitState.HALF_OPEN
        return CircuitState.CLOSED

    def allows(self, now: datetime) -> bool:
        """Whether a fetch may be attempted at ``now``."""
        return self.state(now) is not CircuitState.OPEN

    def record_success(self) -> Circuit:
        """A success closes the circuit and forgets the failures."""
        return Circuit()

    def record_failure(
        self,
        now: datetime,
        *,
        retry_after: timedelta | None = None,
        policy: BackoffPolicy = DEFAULT_BACKOFF,
        rand: Callable[[], float] = random.random,
    ) -> Circuit:
        """Count a failure at ``now``; open the circuit past the threshold or on Retry-After."""
        failures = self.failures + 1
        delay = backoff_delay(failures - policy.open_after + 1, policy, rand=rand)
        if retry_after is not None:
            delay = max(delay, min(retry_after, policy.max_retry_after))
        retry_at = now + delay if delay > timedelta(0) else None
        return replace(self, failures=failures, retry_at=retry_at)
